// Formats integer centavos for people. The amount never becomes a fractional JS number: the
// decimal string goes to Intl.NumberFormat, which formats decimal strings exactly.
const formatters = new Map();

export function formatMoney(cents, currency = 'MXN', locale = 'es-MX') {
  if (!Number.isSafeInteger(cents)) throw new TypeError(`not an amount in cents: ${cents}`);
  const key = `${locale}|${currency}`;
  if (!formatters.has(key)) formatters.set(key, new Intl.NumberFormat(locale, { style: 'currency', currency }));
  const sign = cents < 0 ? '-' : '';
  const magnitude = String(Math.abs(cents)).padStart(3, '0');
  return formatters.get(key).format(`${sign}${magnitude.slice(0, -2)}.${magnitude.slice(-2)}`);
}
