#include "nnw/rules/calendar.hpp"

#include <algorithm>
#include <cstddef>
#include <limits>

namespace nnw::rules {

namespace {
constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kSecondsPerHour = 3600;
constexpr std::int32_t kDefaultDstShift_s = 3600;
constexpr std::int32_t kDefaultTransitionTime_s = 7200;
// Instants are clamped to about +-34,000 years before any arithmetic, so sums with offsets never
// overflow and every resulting year fits in an int; the supported range is far inside.
constexpr std::int64_t kClamp_s = std::int64_t{1} << 40;

struct CivilDate {
  std::int64_t year = 0;
  int month = 0;
  int day = 0;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  // Operands that fit in 32 bits (a positive divisor: INT32_MIN / -1 would overflow) divide as
  // 32-bit numbers: in wasm32 a 64-bit division is a slow instruction or a call.
  if (a >= INT32_MIN && a <= INT32_MAX && b > 0 && b <= INT32_MAX) {
    const auto a32 = static_cast<std::int32_t>(a);
    const auto b32 = static_cast<std::int32_t>(b);
    const std::int32_t q32 = a32 / b32;
    return a32 % b32 != 0 && a32 < 0 ? q32 - 1 : q32;
  }
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::int64_t floor_mod(std::int64_t a, std::int64_t b) noexcept { return a - floor_div(a, b) * b; }

// Howard Hinnant's days_from_civil: proleptic Gregorian, day 0 = 1970-01-01. Month must be 1-12.
std::int64_t days_from_civil(std::int64_t year, int month, int day) noexcept {
  const std::int64_t y = month <= 2 ? year - 1 : year;
  const std::int64_t era = floor_div(y, 400);
  const auto year_of_era = static_cast<std::uint32_t>(y - era * 400);  // [0, 399]: 32-bit, as in civil_from_days
  const std::int64_t month_from_march = month > 2 ? month - 3 : month + 9;
  const std::int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
  const std::int64_t day_of_era = std::int64_t{year_of_era * 365 + year_of_era / 4 - year_of_era / 100} + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate civil_from_days(std::int64_t days) noexcept {
  const std::int64_t shifted = days + 719468;
  const std::int64_t era = floor_div(shifted, 146097);
  // Within an era every quantity is below 146,097: 32-bit arithmetic, whose divisions by a
  // constant are a multiply and a shift in wasm32 too (a 64-bit one there is a call to
  // __multi3, and a cart preview makes this conversion on every call).
  const auto day_of_era = static_cast<std::uint32_t>(shifted - era * 146097);
  const std::uint32_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const std::uint32_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const std::uint32_t month_from_march = (5 * day_of_year + 2) / 153;
  const auto day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  const auto month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  return {std::int64_t{year_of_era} + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool is_leap_year(std::int64_t year) noexcept { return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0); }

int month_length(std::int64_t year, int month) noexcept {
  constexpr int kLengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  return month == 2 && is_leap_year(year) ? 29 : kLengths[month - 1];
}

std::int64_t seconds_of(UtcSeconds instant) noexcept {
  return std::clamp<std::int64_t>(instant.time_since_epoch().count(), -kClamp_s, kClamp_s);
}

UtcSeconds instant_of(std::int64_t time_s) noexcept { return UtcSeconds{std::chrono::seconds{time_s}}; }

// ---- DST transitions -------------------------------------------------------------------------

bool is_valid_transition(const DstTransition& rule) noexcept {
  return rule.month >= 1 && rule.month <= 12 && rule.week >= 1 && rule.week <= 5 && rule.weekday >= 0 &&
         rule.weekday <= 6;
}

// A hand-built rule with out-of-range fields cannot name a day, so it is treated as no DST.
bool observes_dst(const TimeZoneRule& zone) noexcept {
  return zone.has_dst && is_valid_transition(zone.dst_start) && is_valid_transition(zone.dst_end);
}

std::int64_t transition_utc_s(const DstTransition& rule, std::int64_t year, std::int32_t offset_s) noexcept {
  const std::int64_t first_day = days_from_civil(year, rule.month, 1);
  const std::int64_t first_weekday = floor_mod(first_day + 4, 7);  // 1970-01-01 was a Thursday
  std::int64_t day = first_day + floor_mod(rule.weekday - first_weekday, 7) + 7 * (rule.week - 1);
  if (day >= first_day + month_length(year, rule.month)) day -= 7;  // week 5 means "last"
  return day * kSecondsPerDay + rule.time_s - offset_s;
}

struct Transition {
  std::int64_t at_s = 0;
  bool to_dst = false;
};

// The latest transition at or before time_s. Looking at the neighbouring years as well handles
// southern-hemisphere rules (DST spans New Year) and transition times shifted past midnight.
std::optional<Transition> latest_transition(const TimeZoneRule& zone, std::int64_t time_s) noexcept {
  const std::int64_t year = civil_from_days(floor_div(time_s + zone.std_offset_s, kSecondsPerDay)).year;
  std::optional<Transition> latest;
  for (std::int64_t y = year - 1; y <= year + 1; ++y) {
    const Transition candidates[2] = {{transition_utc_s(zone.dst_start, y, zone.std_offset_s), true},
                                      {transition_utc_s(zone.dst_end, y, zone.dst_offset_s), false}};
    for (const Transition& candidate : candidates) {
      if (candidate.at_s <= time_s && (!latest || candidate.at_s >= latest->at_s)) latest = candidate;
    }
  }
  return latest;
}

std::int32_t offset_at_s(const TimeZoneRule& zone, std::int64_t time_s) noexcept {
  if (!observes_dst(zone)) return zone.std_offset_s;
  const auto latest = latest_transition(zone, std::clamp(time_s, -kClamp_s, kClamp_s));
  return latest && latest->to_dst ? zone.dst_offset_s : zone.std_offset_s;
}

// Wall-clock seconds since 1970-01-01 00:00 local; any field may overflow its range and carries.
std::int64_t wall_seconds(const LocalDateTime& local) noexcept {
  const std::int64_t month_index = std::int64_t{local.month} - 1;
  const std::int64_t year = local.year + floor_div(month_index, 12);
  const auto month = static_cast<int>(floor_mod(month_index, 12) + 1);
  const std::int64_t days = days_from_civil(year, month, 1) + (std::int64_t{local.day} - 1);
  return days * kSecondsPerDay + std::int64_t{local.hour} * kSecondsPerHour + std::int64_t{local.minute} * 60 +
         local.second;
}

// ---- POSIX TZ parsing --------------------------------------------------------------------------

struct Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool done() const noexcept { return pos >= text.size(); }
  char peek() const noexcept { return done() ? '\0' : text[pos]; }
  bool accept(char c) noexcept {
    if (done() || text[pos] != c) return false;
    ++pos;
    return true;
  }
};

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
bool is_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_quoted_name_char(char c) noexcept { return is_alpha(c) || is_digit(c) || c == '+' || c == '-'; }

bool parse_name(Cursor& in) noexcept {
  const bool quoted = in.accept('<');
  std::size_t length = 0;
  while (!in.done() && (quoted ? is_quoted_name_char(in.peek()) : is_alpha(in.peek()))) {
    ++in.pos;
    ++length;
  }
  return length >= 3 && (!quoted || in.accept('>'));
}

// An unsigned decimal of 1..max_digits digits, not followed by a further digit, at most max_value.
std::optional<int> parse_number(Cursor& in, int max_digits, int max_value) noexcept {
  int value = 0;
  int digits = 0;
  while (digits < max_digits && is_digit(in.peek())) {
    value = value * 10 + (in.peek() - '0');
    ++in.pos;
    ++digits;
  }
  if (digits == 0 || is_digit(in.peek()) || value > max_value) return std::nullopt;
  return value;
}

// "[+-]hh[:mm[:ss]]" as signed seconds, with the sign as written.
std::optional<std::int32_t> parse_hms(Cursor& in, int max_hour_digits, int max_hours) noexcept {
  const bool negative = in.accept('-');
  if (!negative) in.accept('+');
  const auto hours = parse_number(in, max_hour_digits, max_hours);
  if (!hours) return std::nullopt;
  int minutes = 0;
  int seconds = 0;
  if (in.accept(':')) {
    const auto mm = parse_number(in, 2, 59);
    if (!mm) return std::nullopt;
    minutes = *mm;
    if (in.accept(':')) {
      const auto ss = parse_number(in, 2, 59);
      if (!ss) return std::nullopt;
      seconds = *ss;
    }
  }
  const std::int32_t total_s = *hours * 3600 + minutes * 60 + seconds;
  return negative ? -total_s : total_s;
}

std::optional<DstTransition> parse_transition(Cursor& in) noexcept {
  if (!in.accept('M')) return std::nullopt;  // Jn and n day-of-year forms are not supported
  const auto month = parse_number(in, 2, 12);
  if (!month || *month < 1 || !in.accept('.')) return std::nullopt;
  const auto week = parse_number(in, 1, 5);
  if (!week || *week < 1 || !in.accept('.')) return std::nullopt;
  const auto weekday = parse_number(in, 1, 6);
  if (!weekday) return std::nullopt;
  DstTransition rule{*month, *week, *weekday, kDefaultTransitionTime_s};
  if (in.accept('/')) {
    // POSIX.1-2017 / RFC 8536 extension: -167..167 hours, so rules can name "day before" times.
    const auto time_s = parse_hms(in, 3, 167);
    if (!time_s) return std::nullopt;
    rule.time_s = *time_s;
  }
  return rule;
}

void append_padded(std::string& out, std::int64_t value, int width) {
  if (value < 0) out.push_back('-');
  const std::string digits = std::to_string(value < 0 ? -value : value);
  for (auto n = static_cast<int>(digits.size()); n < width; ++n) out.push_back('0');
  out += digits;
}

bool parse_fixed_digits(std::string_view text, std::size_t pos, std::size_t count, int& value) noexcept {
  value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(text[i])) return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}
}  // namespace

// ---- UTC text ----------------------------------------------------------------------------------

std::optional<UtcSeconds> parse_utc(std::string_view text) noexcept {
  if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!parse_fixed_digits(text, 0, 4, year) || !parse_fixed_digits(text, 5, 2, month) ||
      !parse_fixed_digits(text, 8, 2, day) || !parse_fixed_digits(text, 11, 2, hour) ||
      !parse_fixed_digits(text, 14, 2, minute) || !parse_fixed_digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  if (year < kMinYear || year > kMaxYear || month < 1 || month > 12 || day < 1 ||
      day > month_length(year, month) || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  return instant_of(days_from_civil(year, month, day) * kSecondsPerDay + hour * kSecondsPerHour + minute * 60 +
                    second);
}

std::string format_utc(UtcSeconds instant) {
  const std::int64_t time_s = seconds_of(instant);
  const std::int64_t days = floor_div(time_s, kSecondsPerDay);
  const std::int64_t second_of_day = time_s - days * kSecondsPerDay;
  const CivilDate date = civil_from_days(days);
  std::string out;
  out.reserve(20);
  append_padded(out, date.year, 4);
  out.push_back('-');
  append_padded(out, date.month, 2);
  out.push_back('-');
  append_padded(out, date.day, 2);
  out.push_back('T');
  append_padded(out, second_of_day / 3600, 2);
  out.push_back(':');
  append_padded(out, second_of_day / 60 % 60, 2);
  out.push_back(':');
  append_padded(out, second_of_day % 60, 2);
  out.push_back('Z');
  return out;
}

// ---- Zones -------------------------------------------------------------------------------------

std::optional<TimeZoneRule> parse_posix_tz(std::string_view text) noexcept {
  Cursor in{text};
  TimeZoneRule zone;
  if (!parse_name(in)) return std::nullopt;
  const auto std_offset_s = parse_hms(in, 2, 24);
  if (!std_offset_s) return std::nullopt;
  zone.std_offset_s = -*std_offset_s;  // POSIX counts hours west of Greenwich
  if (in.done()) return zone;

  if (!parse_name(in)) return std::nullopt;
  zone.has_dst = true;
  zone.dst_offset_s = zone.std_offset_s + kDefaultDstShift_s;
  if (in.peek() != ',') {
    const auto dst_offset_s = parse_hms(in, 2, 24);
    if (!dst_offset_s) return std::nullopt;
    zone.dst_offset_s = -*dst_offset_s;
  }
  // Without explicit rules POSIX falls back to implementation-defined (US) dates; we refuse.
  if (!in.accept(',')) return std::nullopt;
  const auto start = parse_transition(in);
  if (!start || !in.accept(',')) return std::nullopt;
  const auto end = parse_transition(in);
  if (!end || !in.done()) return std::nullopt;
  zone.dst_start = *start;
  zone.dst_end = *end;
  return zone;
}

std::int32_t utc_offset_at(const TimeZoneRule& zone, UtcSeconds instant) noexcept {
  return offset_at_s(zone, seconds_of(instant));
}

LocalDateTime to_local(const TimeZoneRule& zone, UtcSeconds instant) noexcept {
  const std::int64_t time_s = seconds_of(instant);
  const std::int64_t wall_s = time_s + offset_at_s(zone, time_s);
  const std::int64_t days = floor_div(wall_s, kSecondsPerDay);
  const auto second_of_day = static_cast<int>(wall_s - days * kSecondsPerDay);
  const CivilDate date = civil_from_days(days);
  return {static_cast<int>(date.year), date.month,           date.day,
          second_of_day / 3600,        second_of_day / 60 % 60, second_of_day % 60};
}

UtcSeconds from_local(const TimeZoneRule& zone, const LocalDateTime& local) noexcept {
  const std::int64_t wall_s = wall_seconds(local);
  if (!observes_dst(zone)) return instant_of(wall_s - zone.std_offset_s);
  const std::int64_t as_std_s = wall_s - zone.std_offset_s;
  const std::int64_t as_dst_s = wall_s - zone.dst_offset_s;
  const bool std_fits = offset_at_s(zone, as_std_s) == zone.std_offset_s;
  const bool dst_fits = offset_at_s(zone, as_dst_s) == zone.dst_offset_s;
  if (std_fits && dst_fits) return instant_of(std::min(as_std_s, as_dst_s));  // overlap: first occurrence
  if (std_fits) return instant_of(as_std_s);
  if (dst_fits) return instant_of(as_dst_s);
  // In a gap neither reading holds; the gap ends at the transition between the two readings.
  const std::int64_t later_s = std::max(as_std_s, as_dst_s);
  const auto gap_end = latest_transition(zone, std::clamp(later_s, -kClamp_s, kClamp_s));
  return instant_of(gap_end ? gap_end->at_s : later_s);
}

// ---- Periods -----------------------------------------------------------------------------------

Period period_of(const TimeZoneRule& zone, UtcSeconds instant) noexcept {
  const LocalDateTime local = to_local(zone, instant);
  return {local.year, local.month};
}

namespace {
// Moves by whole months; a result whose year would not fit in an int leaves the period unchanged.
Period shift_months(Period period, std::int64_t months) noexcept {
  const std::int64_t index = std::int64_t{period.year} * 12 + (std::int64_t{period.month} - 1) + months;
  const std::int64_t year = floor_div(index, 12);
  if (year < std::numeric_limits<int>::min() || year > std::numeric_limits<int>::max()) return period;
  return {static_cast<int>(year), static_cast<int>(floor_mod(index, 12) + 1)};
}
}  // namespace

Period next_period(Period period) noexcept { return shift_months(period, 1); }

Period previous_period(Period period) noexcept { return shift_months(period, -1); }

std::string format_period(Period period) {
  std::string out;
  append_padded(out, period.year, 4);
  out.push_back('-');
  append_padded(out, period.month, 2);
  return out;
}

std::optional<Period> parse_period(std::string_view text) noexcept {
  Period period;
  if (text.size() != 7 || text[4] != '-' || !parse_fixed_digits(text, 0, 4, period.year) ||
      !parse_fixed_digits(text, 5, 2, period.month)) {
    return std::nullopt;
  }
  if (period.year < kMinYear || period.year > kMaxYear || period.month < 1 || period.month > 12) {
    return std::nullopt;
  }
  return period;
}

UtcSeconds period_start(const TimeZoneRule& zone, Period period) noexcept {
  return local_day_start(zone, period, 1);
}

UtcSeconds period_end(const TimeZoneRule& zone, Period period) noexcept {
  return period_start(zone, next_period(period));
}

UtcSeconds local_day_start(const TimeZoneRule& zone, Period period, int day) noexcept {
  return from_local(zone, LocalDateTime{period.year, period.month, day, 0, 0, 0});
}

int days_in_month(int year, int month) noexcept { return month_length(year, month); }

}  // namespace nnw::rules
