#pragma once
// The market calendar: UTC instants, POSIX time-zone rules (with daylight saving time) and
// local calendar months ("periods"). Pure arithmetic: no tz database, no clock, no locale.
// A market's zone is configured as a POSIX TZ string ("CST6", "CST6CDT,M3.2.0,M11.1.0"),
// the same rule the IANA database compiles to for current years.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nnw::rules {

using UtcSeconds = std::chrono::sys_seconds;  // seconds since 1970-01-01T00:00:00Z

// Supported instants: years 2000 through 2199 (keeps every loop over periods bounded).
inline constexpr int kMinYear = 2000;
inline constexpr int kMaxYear = 2199;

// "YYYY-MM-DDTHH:MM:SSZ" exactly (20 characters, UTC, no fractions); nullopt otherwise
// or outside [kMinYear, kMaxYear].
std::optional<UtcSeconds> parse_utc(std::string_view text) noexcept;
std::string format_utc(UtcSeconds instant);
// The same for a count of Unix seconds (what the server's clocks and database hand around).
inline std::string format_utc(std::int64_t unix_s) { return format_utc(UtcSeconds{std::chrono::seconds(unix_s)}); }

// A transition rule "Mm.w.d[/time]": month m (1-12), week w (1-5, 5 = last), weekday d
// (0 = Sunday), at local wall-clock time `time_s` seconds after midnight (default 2:00).
struct DstTransition {
  int month = 0;
  int week = 0;
  int weekday = 0;
  std::int32_t time_s = 7200;
};

struct TimeZoneRule {
  std::int32_t std_offset_s = 0;   // local = UTC + offset (POSIX signs inverted: "CST6" → -21600)
  bool has_dst = false;
  std::int32_t dst_offset_s = 0;   // default std + 3600
  DstTransition dst_start;         // in local standard time
  DstTransition dst_end;           // in local daylight time
};

// Parses "STDoffset[DST[offset][,start[/time],end[/time]]]" with Mm.w.d rules only; names
// may be alphabetic (3+ letters) or quoted "<...>". nullopt on anything else.
std::optional<TimeZoneRule> parse_posix_tz(std::string_view text) noexcept;

std::int32_t utc_offset_at(const TimeZoneRule& zone, UtcSeconds instant) noexcept;

struct LocalDateTime {
  int year = 0;
  int month = 0;   // 1-12
  int day = 0;     // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
};

LocalDateTime to_local(const TimeZoneRule& zone, UtcSeconds instant) noexcept;

// The instant a local wall-clock time names. A time skipped by a spring-forward gap maps to
// the instant the gap ends; a time repeated by a fall-back overlap maps to its first occurrence.
UtcSeconds from_local(const TimeZoneRule& zone, const LocalDateTime& local) noexcept;

// A calendar month in market local time.
struct Period {
  int year = 0;
  int month = 0;  // 1-12
  friend auto operator<=>(const Period&, const Period&) = default;
};

Period period_of(const TimeZoneRule& zone, UtcSeconds instant) noexcept;
Period next_period(Period period) noexcept;
Period previous_period(Period period) noexcept;
std::string format_period(Period period);                           // "2026-11"
std::optional<Period> parse_period(std::string_view text) noexcept;  // "YYYY-MM", years as above

// First instant of the period (day 1 00:00 local) and of the next one ("end of month").
UtcSeconds period_start(const TimeZoneRule& zone, Period period) noexcept;
UtcSeconds period_end(const TimeZoneRule& zone, Period period) noexcept;

// The instant local day `day` (1-based) of the period begins; day = days_in_month + 1 is the
// next period's start.
UtcSeconds local_day_start(const TimeZoneRule& zone, Period period, int day) noexcept;

int days_in_month(int year, int month) noexcept;

}  // namespace nnw::rules
