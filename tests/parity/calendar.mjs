// Calendar arithmetic for choosing interesting instants: UTC instants as integer seconds, the
// two markets' zones (MX: UTC-6 all year; US: America/Chicago, CST6CDT,M3.2.0,M11.1.0) and
// local months. It only steers the generator toward boundaries; the expected answers come
// from comparing the two builds of the rules, never from this file.

export const HOUR_S = 3600;
export const DAY_S = 86400;
const STD_OFFSET_S = -6 * HOUR_S;
const DST_OFFSET_S = -5 * HOUR_S;

const MIN_INSTANT_S = utcSeconds(2000, 1, 1);
export const MAX_INSTANT_S = utcSeconds(2199, 12, 31, 23, 59, 59);

function utcSeconds(year, month, day, hour = 0, minute = 0, second = 0) {
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
}

function pad2(n) {
  return n < 10 ? `0${n}` : String(n);
}

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil_from_days):
// integer arithmetic, several times faster than Date#toISOString, which dominated generation.
function civilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) -
    Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

// "YYYY-MM-DDTHH:MM:SSZ", the only form the rules accept.
export function formatInstant(seconds) {
  const days = Math.floor(seconds / 86400);
  const secondOfDay = seconds - days * 86400;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(secondOfDay / 3600);
  const minute = Math.floor((secondOfDay % 3600) / 60);
  return `${year}-${pad2(month)}-${pad2(day)}T${pad2(hour)}:${pad2(minute)}:${pad2(secondOfDay % 60)}Z`;
}

export function formatPeriod({ year, month }) {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

export function addMonths({ year, month }, count) {
  const index = year * 12 + (month - 1) + count;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function daysInMonth({ year, month }) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// The n-th Sunday (n = 1, 2) of a month, as a day number.
function nthSunday(year, month, n) {
  const weekday = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((7 - weekday) % 7) + 7 * (n - 1);
}

// US daylight time: second Sunday of March 02:00 CST (08:00Z) to first Sunday of November
// 02:00 CDT (07:00Z); 2026-03-08T08:00:00Z and 2026-11-01T07:00:00Z.
function usDstStart(year) {
  return utcSeconds(year, 3, nthSunday(year, 3, 2), 8);
}

function usDstEnd(year) {
  return utcSeconds(year, 11, nthSunday(year, 11, 1), 7);
}

function utcOffsetAt(market, seconds) {
  if (market !== 'US') return STD_OFFSET_S;
  const year = new Date(seconds * 1000).getUTCFullYear();
  return seconds >= usDstStart(year) && seconds < usDstEnd(year) ? DST_OFFSET_S : STD_OFFSET_S;
}

export function periodOf(market, seconds) {
  const local = new Date((seconds + utcOffsetAt(market, seconds)) * 1000);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1 };
}

// The instant local day `day` of `period` starts (day = last + 1 is the next month's first);
// around a DST change the standard-time reading is taken, close enough for steering.
export function localDayStart(market, period, day) {
  const wallClock = utcSeconds(period.year, period.month, day);
  const guess = wallClock - STD_OFFSET_S;
  return wallClock - utcOffsetAt(market, guess);
}

export function clampInstant(seconds) {
  return Math.min(MAX_INSTANT_S, Math.max(MIN_INSTANT_S, seconds));
}

// Seconds around a boundary: exactly on it, one second either side, an hour either side
// (the two US offsets), or anywhere within a week.
export function nearOffset(rng) {
  return rng.weighted([
    [25, 0],
    [20, -1],
    [20, 1],
    [10, () => rng.pick([-HOUR_S, HOUR_S, -HOUR_S - 1, HOUR_S - 1])],
    [25, () => rng.between(-7 * DAY_S, 7 * DAY_S)],
  ]);
}

// A `now` worth testing: month and year ends, the loyalty window's day 7/8 edge, the US DST
// changes, the ends of the supported range, or an ordinary moment.
export function interestingInstant(rng, market) {
  const year = rng.weighted([
    [85, () => rng.between(2024, 2028)],
    [15, () => rng.between(2000, 2199)],
  ]);
  const period = { year, month: rng.between(1, 12) };
  const instant = rng.weighted([
    [20, () => localDayStart(market, period, 1) + nearOffset(rng)],
    [15, () => localDayStart(market, period, 8) + nearOffset(rng)],
    [10, () => localDayStart(market, period, rng.between(1, 7)) + rng.between(0, DAY_S - 1)],
    [10, () => localDayStart(market, { year, month: 1 }, 1) + nearOffset(rng)],
    [15, () => rng.pick([usDstStart(year), usDstEnd(year), utcSeconds(2026, 3, 8, 8), utcSeconds(2026, 11, 1, 7)]) +
      nearOffset(rng)],
    [3, () => MIN_INSTANT_S + rng.between(0, 8 * HOUR_S)],
    [2, () => MAX_INSTANT_S - rng.between(0, 8 * HOUR_S)],
    [25, () => localDayStart(market, period, 1) + rng.between(0, daysInMonth(period) * DAY_S - 1)],
  ]);
  return clampInstant(instant);
}
