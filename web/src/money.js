// Formats integer centavos and instants for people in es-MX. The amount never becomes a
// fractional JS number: the decimal string goes to Intl.NumberFormat, which formats decimal
// strings exactly.
const formatters = new Map();

export function formatMoney(cents, currency = 'MXN', locale = 'es-MX') {
  if (!Number.isSafeInteger(cents)) throw new TypeError(`not an amount in cents: ${cents}`);
  const key = `${locale}|${currency}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.NumberFormat(locale, { style: 'currency', currency }));
  const sign = cents < 0 ? '-' : '';
  const magnitude = String(Math.abs(cents)).padStart(3, '0');
  return formatters.get(key).format(`${sign}${magnitude.slice(0, -2)}.${magnitude.slice(-2)}`);
}

const integer = new Intl.NumberFormat('es-MX');
export const formatInt = (n) => integer.format(n);

const dateTime = new Intl.DateTimeFormat('es-MX', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/Mexico_City' });
const dateOnly = new Intl.DateTimeFormat('es-MX', { dateStyle: 'long', timeZone: 'America/Mexico_City' });
const shortDateTime = new Intl.DateTimeFormat('es-MX', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'America/Mexico_City' });
export const formatDateTime = (iso) => (iso ? dateTime.format(new Date(iso)) : '—');
/** "24 nov, 16:03": for tables on a phone. */
export const formatShortDateTime = (iso) => (iso ? shortDateTime.format(new Date(iso)) : '—');
export const formatDate = (iso) => (iso ? dateOnly.format(new Date(iso)) : '—');

/** "1,234.50" or "1234.5" typed by a person → centavos, or null when it is not an amount. */
export function parseMoney(text) {
  const clean = String(text).trim().replace(/[$,\s]/g, '');
  const match = /^(\d{1,12})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}
