// Calendar tests. Every expected instant and offset below was cross-checked against Python's
// zoneinfo (tzdata 2025b), whose POSIX footers are exactly the rule strings used here.

#include "nnw/rules/calendar.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <cstdio>
#include <string>
#include <string_view>

namespace nnw::rules {
namespace {

// The IANA footers for the zones under test.
constexpr std::string_view kMexicoCity = "CST6";
constexpr std::string_view kChicago = "CST6CDT,M3.2.0,M11.1.0";
constexpr std::string_view kSydney = "AEST-10AEDT,M10.1.0,M4.1.0/3";
constexpr std::string_view kBerlin = "CET-1CEST,M3.5.0,M10.5.0/3";
constexpr std::string_view kSantiago = "<-04>4<-03>,M9.1.6/24,M4.1.6/24";
constexpr std::string_view kNuuk = "<-02>2<-01>,M3.5.0/-1,M10.5.0/0";
constexpr std::string_view kLordHowe = "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0";

UtcSeconds utc(std::string_view text) {
  const auto instant = parse_utc(text);
  EXPECT_TRUE(instant.has_value()) << text;
  return instant.value_or(UtcSeconds{});
}

TimeZoneRule zone(std::string_view text) {
  const auto rule = parse_posix_tz(text);
  EXPECT_TRUE(rule.has_value()) << text;
  return rule.value_or(TimeZoneRule{});
}

std::string text_of(const LocalDateTime& local) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d", local.year, local.month, local.day,
                local.hour, local.minute, local.second);
  return buffer;
}

std::string local_at(std::string_view tz, std::string_view instant) { return text_of(to_local(zone(tz), utc(instant))); }

std::string from_wall(std::string_view tz, LocalDateTime local) { return format_utc(from_local(zone(tz), local)); }

std::int32_t offset_at(std::string_view tz, std::string_view instant) { return utc_offset_at(zone(tz), utc(instant)); }

// ---- parse_utc / format_utc ------------------------------------------------------------------------

TEST(Calendar, ParseUtc_ReturnsSecondsSinceUnixEpoch) {
  EXPECT_EQ(utc("2000-01-01T00:00:00Z").time_since_epoch().count(), 946684800);
  EXPECT_EQ(utc("2026-11-08T06:00:00Z").time_since_epoch().count(), 1794117600);
  EXPECT_EQ(utc("2024-02-29T12:34:56Z").time_since_epoch().count(), 1709210096);
  EXPECT_EQ(utc("2199-12-31T23:59:59Z").time_since_epoch().count(), 7258118399);
}

TEST(Calendar, FormatUtc_RoundTripsParsedText) {
  for (const std::string_view text : {"2000-01-01T00:00:00Z", "2024-02-29T12:34:56Z", "2026-11-08T05:59:59Z",
                                      "2100-03-01T00:00:00Z", "2199-12-31T23:59:59Z"}) {
    EXPECT_EQ(format_utc(utc(text)), text);
  }
}

TEST(Calendar, FormatUtc_ZeroPadsEveryField) {
  EXPECT_EQ(format_utc(UtcSeconds{std::chrono::seconds{0}}), "1970-01-01T00:00:00Z");
  EXPECT_EQ(format_utc(UtcSeconds{std::chrono::seconds{946684800 + 3661}}), "2000-01-01T01:01:01Z");
}

// Day and year arithmetic takes a 32-bit path when the numbers fit (quicker in wasm32) and a
// 64-bit one otherwise: both sides of 2^31 seconds must agree with the calendar.
TEST(Calendar, InstantsEitherSideOf32BitSecondsConvertAlike) {
  const auto at = [](std::int64_t s) { return UtcSeconds{std::chrono::seconds{s}}; };
  EXPECT_EQ(format_utc(at(INT32_MAX)), "2038-01-19T03:14:07Z");
  EXPECT_EQ(format_utc(at(std::int64_t{INT32_MAX} + 1)), "2038-01-19T03:14:08Z");
  EXPECT_EQ(format_utc(at(INT32_MIN)), "1901-12-13T20:45:52Z");
  EXPECT_EQ(format_utc(at(std::int64_t{INT32_MIN} - 1)), "1901-12-13T20:45:51Z");
  EXPECT_EQ(utc("2038-01-19T03:14:08Z").time_since_epoch().count(), std::int64_t{INT32_MAX} + 1);
  EXPECT_EQ(local_at(kMexicoCity, "2038-01-19T03:14:07Z"), "2038-01-18 21:14:07");
  EXPECT_EQ(local_at(kMexicoCity, "2038-01-19T06:00:00Z"), "2038-01-19 00:00:00");
  EXPECT_EQ(local_at(kSydney, "2038-01-19T03:14:08Z"), "2038-01-19 14:14:08");
}

// Every day of the supported range: its midnight formats as the next date after the previous
// day's, and parses back to the same instant.
TEST(Calendar, EveryDayOfTheSupportedRangeRoundTrips) {
  std::int64_t midnight = utc("2000-01-01T00:00:00Z").time_since_epoch().count();
  int year = 2000, month = 1, day = 1;
  for (int days = 0; year <= kMaxYear; ++days, midnight += 86400) {
    char expected[64];  // room for any int in each field, so gcc's -Wformat-truncation has no case
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT00:00:00Z", year, month, day);
    const std::string text = format_utc(UtcSeconds{std::chrono::seconds{midnight}});
    ASSERT_EQ(text, expected) << "day " << days;
    ASSERT_EQ(utc(text).time_since_epoch().count(), midnight) << text;
    const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    const int length = month == 2 ? (leap ? 29 : 28) : (month == 4 || month == 6 || month == 9 || month == 11) ? 30 : 31;
    if (++day > length) {
      day = 1;
      if (++month > 12) {
        month = 1;
        ++year;
      }
    }
  }
}

TEST(Calendar, ParseUtc_AcceptsLeapDaysOfLeapYears) {
  EXPECT_TRUE(parse_utc("2024-02-29T00:00:00Z"));
  EXPECT_TRUE(parse_utc("2000-02-29T00:00:00Z"));  // divisible by 400
}

TEST(Calendar, ParseUtc_RejectsLeapDayOfCommonYears) {
  EXPECT_FALSE(parse_utc("2026-02-29T00:00:00Z"));
  EXPECT_FALSE(parse_utc("2100-02-29T00:00:00Z"));  // divisible by 100, not 400
}

TEST(Calendar, ParseUtc_RejectsImpossibleDates) {
  EXPECT_FALSE(parse_utc("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(parse_utc("2026-00-01T00:00:00Z"));
  EXPECT_FALSE(parse_utc("2026-01-00T00:00:00Z"));
  EXPECT_FALSE(parse_utc("2026-01-32T00:00:00Z"));
  EXPECT_FALSE(parse_utc("2026-04-31T00:00:00Z"));
}

TEST(Calendar, ParseUtc_RejectsOutOfRangeTimes) {
  EXPECT_FALSE(parse_utc("2026-01-01T24:00:00Z"));
  EXPECT_FALSE(parse_utc("2026-01-01T00:60:00Z"));
  EXPECT_FALSE(parse_utc("2026-12-31T23:59:60Z"));  // no leap seconds
}

TEST(Calendar, ParseUtc_RejectsYearsOutsideSupportedRange) {
  EXPECT_FALSE(parse_utc("1999-12-31T23:59:59Z"));
  EXPECT_FALSE(parse_utc("2200-01-01T00:00:00Z"));
}

TEST(Calendar, ParseUtc_RequiresUppercaseZ) {
  EXPECT_FALSE(parse_utc("2026-01-01T00:00:00"));
  EXPECT_FALSE(parse_utc("2026-01-01T00:00:00z"));
  EXPECT_FALSE(parse_utc("2026-01-01t00:00:00Z"));
  EXPECT_FALSE(parse_utc("2026-01-01 00:00:00Z"));
}

TEST(Calendar, ParseUtc_RejectsNumericOffsets) {
  EXPECT_FALSE(parse_utc("2026-01-01T00:00:00+00:00"));
  EXPECT_FALSE(parse_utc("2026-01-01T00:00:00-06:00"));
  EXPECT_FALSE(parse_utc("2026-01-01T00:00:00+0000"));
}

TEST(Calendar, ParseUtc_RejectsFractionalSeconds) {
  EXPECT_FALSE(parse_utc("2026-01-01T00:00:00.000Z"));
  EXPECT_FALSE(parse_utc("2026-01-01T00:00:00.5Z"));
}

TEST(Calendar, ParseUtc_RejectsMalformedText) {
  for (const std::string_view text : {"", "2026-01-01", "2026-1-01T00:00:00Z", "2026-01-01T0:00:00Z",
                                      "+026-01-01T00:00:00Z", "2026-01-01T00:00:+0Z", "2026/01/01T00:00:00Z",
                                      " 2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z ", "2026-01-01T00:00:00ZZ",
                                      "2O26-01-01T00:00:00Z"}) {
    EXPECT_FALSE(parse_utc(text)) << text;
  }
}

// ---- parse_posix_tz --------------------------------------------------------------------------------

TEST(Calendar, ParsePosixTz_FixedOffsetUsesInvertedPosixSign) {
  const TimeZoneRule mexico = zone(kMexicoCity);
  EXPECT_EQ(mexico.std_offset_s, -21600);
  EXPECT_FALSE(mexico.has_dst);
  EXPECT_EQ(zone("JST-9").std_offset_s, 32400);
  EXPECT_EQ(zone("UTC0").std_offset_s, 0);
  EXPECT_EQ(zone("NST+3:30").std_offset_s, -12600);
  EXPECT_EQ(zone("XXX-5:45:30").std_offset_s, 20730);
}

TEST(Calendar, ParsePosixTz_AcceptsQuotedNames) {
  EXPECT_EQ(zone("<-03>3").std_offset_s, -10800);
  EXPECT_EQ(zone("<+0530>-5:30").std_offset_s, 19800);
  const TimeZoneRule lord_howe = zone(kLordHowe);
  EXPECT_EQ(lord_howe.std_offset_s, 37800);
  EXPECT_EQ(lord_howe.dst_offset_s, 39600);
}

TEST(Calendar, ParsePosixTz_ReadsUsCentralRule) {
  const TimeZoneRule chicago = zone(kChicago);
  EXPECT_EQ(chicago.std_offset_s, -21600);
  EXPECT_TRUE(chicago.has_dst);
  EXPECT_EQ(chicago.dst_offset_s, -18000);  // defaults to one hour ahead of standard
  EXPECT_EQ(chicago.dst_start.month, 3);
  EXPECT_EQ(chicago.dst_start.week, 2);
  EXPECT_EQ(chicago.dst_start.weekday, 0);
  EXPECT_EQ(chicago.dst_start.time_s, 7200);
  EXPECT_EQ(chicago.dst_end.month, 11);
  EXPECT_EQ(chicago.dst_end.week, 1);
  EXPECT_EQ(chicago.dst_end.weekday, 0);
  EXPECT_EQ(chicago.dst_end.time_s, 7200);
}

TEST(Calendar, ParsePosixTz_ReadsExplicitTransitionTimes) {
  const TimeZoneRule eastern = zone("EST5EDT,M3.2.0/2,M11.1.0/2:00:00");
  EXPECT_EQ(eastern.dst_start.time_s, 7200);
  EXPECT_EQ(eastern.dst_end.time_s, 7200);
  EXPECT_EQ(zone(kSydney).dst_end.time_s, 10800);
  EXPECT_EQ(zone(kSantiago).dst_start.time_s, 86400);
  EXPECT_EQ(zone(kNuuk).dst_start.time_s, -3600);
  EXPECT_EQ(zone("EST5EDT,M3.2.0/167,M11.1.0/-167:59:59").dst_end.time_s, -(167 * 3600 + 59 * 60 + 59));
}

TEST(Calendar, ParsePosixTz_ReadsExplicitDstOffset) {
  EXPECT_EQ(zone("CST6CDT5,M3.2.0,M11.1.0").dst_offset_s, -18000);
  EXPECT_EQ(zone("<+00>0<+02>-2,M3.5.0/1,M10.5.0/3").dst_offset_s, 7200);
}

TEST(Calendar, ParsePosixTz_RejectsGarbage) {
  for (const std::string_view text : {"", "CST", "6", "CS6", "C1T6", "CST+", "CST-", "America/Chicago", "cst 6",
                                      "CST25", "CST123", "CST6:60", "CST6:5:", "CST6:05:60", "<AB>3", "<-03",
                                      "<-0 3>3", "<>3"}) {
    EXPECT_FALSE(parse_posix_tz(text)) << text;
  }
}

TEST(Calendar, ParsePosixTz_RejectsDstWithoutRules) {
  EXPECT_FALSE(parse_posix_tz("CST6CDT"));
  EXPECT_FALSE(parse_posix_tz("CST6CDT5"));
  EXPECT_FALSE(parse_posix_tz("CST6CDT,M3.2.0"));
  EXPECT_FALSE(parse_posix_tz("CST6CDT,M3.2.0,"));
}

TEST(Calendar, ParsePosixTz_RejectsJulianDayRules) {
  EXPECT_FALSE(parse_posix_tz("CST6CDT,J60,J300"));
  EXPECT_FALSE(parse_posix_tz("CST6CDT,59,299"));
  EXPECT_FALSE(parse_posix_tz("CST6CDT,M3.2.0,J300"));
}

TEST(Calendar, ParsePosixTz_RejectsOutOfRangeRuleFields) {
  for (const std::string_view text :
       {"CST6CDT,M0.2.0,M11.1.0", "CST6CDT,M13.2.0,M11.1.0", "CST6CDT,M3.0.0,M11.1.0", "CST6CDT,M3.6.0,M11.1.0",
        "CST6CDT,M3.2.7,M11.1.0", "CST6CDT,M3.2,M11.1.0", "CST6CDT,M3.2.0/,M11.1.0", "CST6CDT,M3.2.0/168,M11.1.0",
        "CST6CDT,M3.2.0/2:60,M11.1.0", "CST6CDT,M03.2.0,M011.1.0", "CST6CDT,M3.22.0,M11.1.0"}) {
    EXPECT_FALSE(parse_posix_tz(text)) << text;
  }
}

TEST(Calendar, ParsePosixTz_RejectsTrailingCharacters) {
  EXPECT_FALSE(parse_posix_tz("CST6 "));
  EXPECT_FALSE(parse_posix_tz("CST6,M3.2.0,M11.1.0"));  // rules without a DST name
  EXPECT_FALSE(parse_posix_tz("CST6CDT,M3.2.0,M11.1.0x"));
  EXPECT_FALSE(parse_posix_tz("CST6CDT,M3.2.0,M11.1.0,"));
  EXPECT_FALSE(parse_posix_tz(std::string_view("CST6\0", 5)));
}

// ---- Mexico City: UTC-6 all year ------------------------------------------------------------------

TEST(Calendar, MexicoCity_LocalDayEndsAtSixUtc) {
  EXPECT_EQ(local_at(kMexicoCity, "2026-11-08T05:59:59Z"), "2026-11-07 23:59:59");
  EXPECT_EQ(local_at(kMexicoCity, "2026-11-08T06:00:00Z"), "2026-11-08 00:00:00");
  EXPECT_EQ(offset_at(kMexicoCity, "2026-07-01T00:00:00Z"), -21600);
}

TEST(Calendar, MexicoCity_YearRollsOverAtLocalMidnight) {
  const TimeZoneRule mexico = zone(kMexicoCity);
  EXPECT_EQ(local_at(kMexicoCity, "2027-01-01T05:59:59Z"), "2026-12-31 23:59:59");
  EXPECT_EQ(period_of(mexico, utc("2027-01-01T05:59:59Z")), (Period{2026, 12}));
  EXPECT_EQ(period_of(mexico, utc("2027-01-01T06:00:00Z")), (Period{2027, 1}));
}

TEST(Calendar, MexicoCity_MonthRollsOverAtLocalMidnight) {
  const TimeZoneRule mexico = zone(kMexicoCity);
  EXPECT_EQ(period_of(mexico, utc("2026-12-01T05:59:59Z")), (Period{2026, 11}));
  EXPECT_EQ(period_of(mexico, utc("2026-12-01T06:00:00Z")), (Period{2026, 12}));
}

TEST(Calendar, MexicoCity_PeriodBoundsAndFirstWeekWindow) {
  const TimeZoneRule mexico = zone(kMexicoCity);
  EXPECT_EQ(format_utc(period_start(mexico, {2026, 11})), "2026-11-01T06:00:00Z");
  EXPECT_EQ(format_utc(period_end(mexico, {2026, 11})), "2026-12-01T06:00:00Z");
  EXPECT_EQ(format_utc(local_day_start(mexico, {2026, 11}, 8)), "2026-11-08T06:00:00Z");
  EXPECT_EQ(format_utc(period_end(mexico, {2026, 12})), "2027-01-01T06:00:00Z");
}

TEST(Calendar, LocalDayStart_DayAfterLastDayIsNextPeriodStart) {
  const TimeZoneRule mexico = zone(kMexicoCity);
  EXPECT_EQ(local_day_start(mexico, {2026, 12}, 32), period_start(mexico, {2027, 1}));
  EXPECT_EQ(local_day_start(mexico, {2026, 2}, 29), period_start(mexico, {2026, 3}));
  EXPECT_EQ(local_day_start(mexico, {2024, 2}, 30), period_start(mexico, {2024, 3}));
  const TimeZoneRule chicago = zone(kChicago);
  for (int month = 1; month <= 12; ++month) {
    const Period period{2026, month};
    EXPECT_EQ(local_day_start(chicago, period, days_in_month(2026, month) + 1), period_end(chicago, period));
  }
}

// ---- Chicago: US daylight saving time ------------------------------------------------------------

TEST(Calendar, Chicago_SpringForwardSwitchesOffsetAtEightUtc) {
  EXPECT_EQ(offset_at(kChicago, "2026-03-08T07:59:59Z"), -21600);
  EXPECT_EQ(offset_at(kChicago, "2026-03-08T08:00:00Z"), -18000);
  EXPECT_EQ(local_at(kChicago, "2026-03-08T07:59:59Z"), "2026-03-08 01:59:59");
  EXPECT_EQ(local_at(kChicago, "2026-03-08T08:00:00Z"), "2026-03-08 03:00:00");
}

TEST(Calendar, Chicago_FallBackSwitchesOffsetAtSevenUtc) {
  EXPECT_EQ(offset_at(kChicago, "2026-11-01T06:59:59Z"), -18000);
  EXPECT_EQ(offset_at(kChicago, "2026-11-01T07:00:00Z"), -21600);
  EXPECT_EQ(local_at(kChicago, "2026-11-01T06:59:59Z"), "2026-11-01 01:59:59");
  EXPECT_EQ(local_at(kChicago, "2026-11-01T07:00:00Z"), "2026-11-01 01:00:00");
}

TEST(Calendar, Chicago_FromLocalInSpringGapMapsToGapEnd) {
  EXPECT_EQ(from_wall(kChicago, {2026, 3, 8, 2, 30, 0}), "2026-03-08T08:00:00Z");
  EXPECT_EQ(from_wall(kChicago, {2026, 3, 8, 2, 0, 0}), "2026-03-08T08:00:00Z");
  EXPECT_EQ(from_wall(kChicago, {2026, 3, 8, 2, 59, 59}), "2026-03-08T08:00:00Z");
}

TEST(Calendar, Chicago_FromLocalAroundSpringGapIsExact) {
  EXPECT_EQ(from_wall(kChicago, {2026, 3, 8, 1, 59, 59}), "2026-03-08T07:59:59Z");
  EXPECT_EQ(from_wall(kChicago, {2026, 3, 8, 3, 0, 0}), "2026-03-08T08:00:00Z");
}

TEST(Calendar, Chicago_FromLocalInFallOverlapMapsToFirstOccurrence) {
  EXPECT_EQ(from_wall(kChicago, {2026, 11, 1, 1, 30, 0}), "2026-11-01T06:30:00Z");
  EXPECT_EQ(from_wall(kChicago, {2026, 11, 1, 1, 0, 0}), "2026-11-01T06:00:00Z");
  EXPECT_EQ(from_wall(kChicago, {2026, 11, 1, 1, 59, 59}), "2026-11-01T06:59:59Z");
}

TEST(Calendar, Chicago_FromLocalAroundFallOverlapIsExact) {
  EXPECT_EQ(from_wall(kChicago, {2026, 11, 1, 0, 59, 59}), "2026-11-01T05:59:59Z");
  EXPECT_EQ(from_wall(kChicago, {2026, 11, 1, 2, 0, 0}), "2026-11-01T08:00:00Z");
}

TEST(Calendar, Chicago_PeriodStartUsesOffsetInForceAtLocalMidnight) {
  const TimeZoneRule chicago = zone(kChicago);
  EXPECT_EQ(format_utc(period_start(chicago, {2026, 3})), "2026-03-01T06:00:00Z");
  EXPECT_EQ(format_utc(period_end(chicago, {2026, 3})), "2026-04-01T05:00:00Z");
  EXPECT_EQ(format_utc(period_start(chicago, {2026, 11})), "2026-11-01T05:00:00Z");
  EXPECT_EQ(format_utc(period_end(chicago, {2026, 10})), "2026-11-01T05:00:00Z");
  EXPECT_EQ(format_utc(period_end(chicago, {2026, 11})), "2026-12-01T06:00:00Z");
}

TEST(Calendar, Chicago_FirstWeekWindowClosesAtDayEightMidnight) {
  const TimeZoneRule chicago = zone(kChicago);
  // 2026-03-08 00:00 precedes the 02:00 switch, so that midnight is still CST.
  EXPECT_EQ(format_utc(local_day_start(chicago, {2026, 3}, 8)), "2026-03-08T06:00:00Z");
  EXPECT_EQ(format_utc(local_day_start(chicago, {2026, 11}, 8)), "2026-11-08T06:00:00Z");
  EXPECT_EQ(format_utc(local_day_start(chicago, {2026, 11}, 2)), "2026-11-02T06:00:00Z");
}

TEST(Calendar, Chicago_PeriodOfFollowsLocalMonth) {
  const TimeZoneRule chicago = zone(kChicago);
  EXPECT_EQ(period_of(chicago, utc("2026-11-01T04:59:59Z")), (Period{2026, 10}));
  EXPECT_EQ(period_of(chicago, utc("2026-11-01T05:00:00Z")), (Period{2026, 11}));
}

// ---- Other hemispheres and rule shapes -----------------------------------------------------------

TEST(Calendar, Sydney_SouthernRuleKeepsDstAcrossNewYear) {
  EXPECT_EQ(offset_at(kSydney, "2026-01-15T00:00:00Z"), 39600);
  EXPECT_EQ(offset_at(kSydney, "2026-07-01T00:00:00Z"), 36000);
  EXPECT_EQ(offset_at(kSydney, "2026-12-31T13:00:00Z"), 39600);
  EXPECT_EQ(local_at(kSydney, "2026-12-31T12:59:59Z"), "2026-12-31 23:59:59");
  EXPECT_EQ(local_at(kSydney, "2026-12-31T13:00:00Z"), "2027-01-01 00:00:00");
  EXPECT_EQ(format_utc(period_start(zone(kSydney), {2027, 1})), "2026-12-31T13:00:00Z");
  EXPECT_EQ(format_utc(period_start(zone(kSydney), {2026, 7})), "2026-06-30T14:00:00Z");
}

TEST(Calendar, Sydney_TransitionsIn2026) {
  EXPECT_EQ(local_at(kSydney, "2026-04-04T15:59:59Z"), "2026-04-05 02:59:59");
  EXPECT_EQ(local_at(kSydney, "2026-04-04T16:00:00Z"), "2026-04-05 02:00:00");
  EXPECT_EQ(local_at(kSydney, "2026-10-03T15:59:59Z"), "2026-10-04 01:59:59");
  EXPECT_EQ(local_at(kSydney, "2026-10-03T16:00:00Z"), "2026-10-04 03:00:00");
  EXPECT_EQ(from_wall(kSydney, {2026, 4, 5, 2, 30, 0}), "2026-04-04T15:30:00Z");  // overlap: first
  EXPECT_EQ(from_wall(kSydney, {2026, 10, 4, 2, 30, 0}), "2026-10-03T16:00:00Z");  // gap: its end
}

TEST(Calendar, Berlin_LastSundayRulesIn2026) {
  // March 2026 has five Sundays (the 5th is used); October 2026 has four (the 4th is used).
  EXPECT_EQ(offset_at(kBerlin, "2026-03-29T00:59:59Z"), 3600);
  EXPECT_EQ(offset_at(kBerlin, "2026-03-29T01:00:00Z"), 7200);
  EXPECT_EQ(offset_at(kBerlin, "2026-10-25T00:59:59Z"), 7200);
  EXPECT_EQ(offset_at(kBerlin, "2026-10-25T01:00:00Z"), 3600);
  EXPECT_EQ(local_at(kBerlin, "2026-10-25T01:00:00Z"), "2026-10-25 02:00:00");
}

TEST(Calendar, Berlin_LastSundayOnLastDayOfMonth) {
  EXPECT_EQ(offset_at(kBerlin, "2024-03-31T00:59:59Z"), 3600);
  EXPECT_EQ(offset_at(kBerlin, "2024-03-31T01:00:00Z"), 7200);
}

TEST(Calendar, Santiago_MidnightInGapStartsDayAtOneAm) {
  // "/24" moves the switch to the midnight ending Saturday, so Sunday has no 00:00.
  EXPECT_EQ(local_at(kSantiago, "2026-09-06T03:59:59Z"), "2026-09-05 23:59:59");
  EXPECT_EQ(local_at(kSantiago, "2026-09-06T04:00:00Z"), "2026-09-06 01:00:00");
  EXPECT_EQ(format_utc(local_day_start(zone(kSantiago), {2026, 9}, 6)), "2026-09-06T04:00:00Z");
  EXPECT_EQ(local_at(kSantiago, "2026-04-05T03:00:00Z"), "2026-04-04 23:00:00");
}

TEST(Calendar, Nuuk_NegativeTransitionTimeFallsOnPreviousDay) {
  EXPECT_EQ(local_at(kNuuk, "2026-03-29T00:59:59Z"), "2026-03-28 22:59:59");
  EXPECT_EQ(local_at(kNuuk, "2026-03-29T01:00:00Z"), "2026-03-29 00:00:00");
  EXPECT_EQ(local_at(kNuuk, "2026-10-25T01:00:00Z"), "2026-10-24 23:00:00");
}

TEST(Calendar, LordHowe_HalfHourShift) {
  EXPECT_EQ(local_at(kLordHowe, "2026-10-03T15:29:59Z"), "2026-10-04 01:59:59");
  EXPECT_EQ(local_at(kLordHowe, "2026-10-03T15:30:00Z"), "2026-10-04 02:30:00");
  EXPECT_EQ(local_at(kLordHowe, "2026-04-04T15:00:00Z"), "2026-04-05 01:30:00");
}

struct TransitionCase {
  std::string_view tz;
  std::string_view at;
  std::int32_t offset_before_s;
  std::int32_t offset_after_s;
};

TEST(Calendar, UtcOffsetAt_MatchesTzdataTransitionsIn2027And2199) {
  const TransitionCase cases[] = {
      {kChicago, "2027-03-14T08:00:00Z", -21600, -18000},  {kChicago, "2027-11-07T07:00:00Z", -18000, -21600},
      {kChicago, "2199-03-10T08:00:00Z", -21600, -18000},  {kChicago, "2199-11-03T07:00:00Z", -18000, -21600},
      {kSydney, "2027-04-03T16:00:00Z", 39600, 36000},     {kSydney, "2027-10-02T16:00:00Z", 36000, 39600},
      {kSydney, "2199-04-06T16:00:00Z", 39600, 36000},     {kSydney, "2199-10-05T16:00:00Z", 36000, 39600},
      {kBerlin, "2027-03-28T01:00:00Z", 3600, 7200},       {kBerlin, "2027-10-31T01:00:00Z", 7200, 3600},
      {kBerlin, "2199-03-31T01:00:00Z", 3600, 7200},       {kBerlin, "2199-10-27T01:00:00Z", 7200, 3600},
      {kSantiago, "2027-04-04T03:00:00Z", -10800, -14400}, {kSantiago, "2027-09-05T04:00:00Z", -14400, -10800},
      {kSantiago, "2199-04-07T03:00:00Z", -10800, -14400}, {kSantiago, "2199-09-08T04:00:00Z", -14400, -10800},
      {kNuuk, "2027-03-28T01:00:00Z", -7200, -3600},       {kNuuk, "2027-10-31T01:00:00Z", -3600, -7200},
      {kNuuk, "2199-03-31T01:00:00Z", -7200, -3600},       {kNuuk, "2199-10-27T01:00:00Z", -3600, -7200},
      {kLordHowe, "2027-04-03T15:00:00Z", 39600, 37800},   {kLordHowe, "2027-10-02T15:30:00Z", 37800, 39600},
      {kLordHowe, "2199-04-06T15:00:00Z", 39600, 37800},   {kLordHowe, "2199-10-05T15:30:00Z", 37800, 39600},
  };
  for (const TransitionCase& c : cases) {
    const TimeZoneRule rule = zone(c.tz);
    const UtcSeconds at = utc(c.at);
    EXPECT_EQ(utc_offset_at(rule, at - std::chrono::seconds{1}), c.offset_before_s) << c.tz << ' ' << c.at;
    EXPECT_EQ(utc_offset_at(rule, at), c.offset_after_s) << c.tz << ' ' << c.at;
  }
}

TEST(Calendar, FromLocal_InvertsToLocalOutsideOverlaps) {
  for (const std::string_view tz : {kMexicoCity, kChicago, kSydney, kBerlin, kSantiago, kNuuk, kLordHowe}) {
    const TimeZoneRule rule = zone(tz);
    const UtcSeconds first = utc("2026-01-01T00:00:00Z");
    for (UtcSeconds t = first; t < first + std::chrono::hours{24 * 366}; t += std::chrono::minutes{30}) {
      const UtcSeconds back = from_local(rule, to_local(rule, t));
      // Only the second pass through an overlap maps back earlier, by exactly the DST shift.
      if (back == t) continue;
      EXPECT_EQ(t - back, std::chrono::seconds{rule.dst_offset_s - rule.std_offset_s}) << tz;
    }
  }
}

TEST(Calendar, UtcOffsetAt_IgnoresHandBuiltRuleWithInvalidFields) {
  TimeZoneRule rule = zone(kChicago);
  rule.dst_start.month = 0;
  EXPECT_EQ(utc_offset_at(rule, utc("2026-07-01T00:00:00Z")), -21600);
}

TEST(Calendar, ExtremeInputsDoNotOverflow) {
  const TimeZoneRule chicago = zone(kChicago);
  for (const UtcSeconds t : {UtcSeconds::min(), UtcSeconds::max()}) {
    (void)utc_offset_at(chicago, t);
    (void)to_local(chicago, t);
    (void)period_of(chicago, t);
    EXPECT_FALSE(format_utc(t).empty());
  }
  (void)from_local(chicago, {INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX, INT_MAX});
  (void)from_local(chicago, {INT_MIN, INT_MIN, INT_MIN, INT_MIN, INT_MIN, INT_MIN});
  (void)local_day_start(chicago, {INT_MAX, 12}, INT_MAX);
  EXPECT_EQ(next_period({INT_MAX, 12}), (Period{INT_MAX, 12}));
  EXPECT_EQ(previous_period({INT_MIN, 1}), (Period{INT_MIN, 1}));
}

// ---- Local date normalization ---------------------------------------------------------------------

TEST(Calendar, FromLocal_CarriesDayAndMonthOverflow) {
  EXPECT_EQ(from_wall(kMexicoCity, {2026, 12, 32, 0, 0, 0}), "2027-01-01T06:00:00Z");
  EXPECT_EQ(from_wall(kMexicoCity, {2026, 3, 0, 0, 0, 0}), "2026-02-28T06:00:00Z");
  EXPECT_EQ(from_wall(kMexicoCity, {2026, 13, 1, 0, 0, 0}), "2027-01-01T06:00:00Z");
  EXPECT_EQ(from_wall(kMexicoCity, {2026, 1, 1, 24, 0, 0}), "2026-01-02T06:00:00Z");
}

// ---- Periods -----------------------------------------------------------------------------------

TEST(Calendar, NextAndPreviousPeriod_CrossYearBoundary) {
  EXPECT_EQ(next_period({2026, 11}), (Period{2026, 12}));
  EXPECT_EQ(next_period({2026, 12}), (Period{2027, 1}));
  EXPECT_EQ(previous_period({2027, 1}), (Period{2026, 12}));
  EXPECT_EQ(previous_period({2026, 3}), (Period{2026, 2}));
}

TEST(Calendar, Period_OrdersChronologically) {
  EXPECT_LT((Period{2026, 12}), (Period{2027, 1}));
  EXPECT_LT((Period{2026, 2}), (Period{2026, 10}));
}

TEST(Calendar, FormatPeriod_ZeroPadsMonth) {
  EXPECT_EQ(format_period({2026, 11}), "2026-11");
  EXPECT_EQ(format_period({2027, 1}), "2027-01");
}

TEST(Calendar, ParsePeriod_AcceptsYearMonth) {
  EXPECT_EQ(parse_period("2026-11"), (Period{2026, 11}));
  EXPECT_EQ(parse_period("2000-01"), (Period{2000, 1}));
  EXPECT_EQ(parse_period("2199-12"), (Period{2199, 12}));
}

TEST(Calendar, ParsePeriod_RejectsMalformedOrOutOfRange) {
  for (const std::string_view text : {"", "2026-1", "2026-13", "2026-00", "1999-12", "2200-01", "2026/11",
                                      "2026-11 ", "2026-11-01", "+026-11", "2026-+1", "26-11"}) {
    EXPECT_FALSE(parse_period(text)) << text;
  }
}

TEST(Calendar, DaysInMonth_HandlesLeapYears) {
  EXPECT_EQ(days_in_month(2026, 1), 31);
  EXPECT_EQ(days_in_month(2026, 2), 28);
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2000, 2), 29);
  EXPECT_EQ(days_in_month(2100, 2), 28);
  EXPECT_EQ(days_in_month(2026, 4), 30);
  EXPECT_EQ(days_in_month(2026, 12), 31);
}

TEST(Calendar, DaysInMonth_ReturnsZeroForInvalidMonth) {
  EXPECT_EQ(days_in_month(2026, 0), 0);
  EXPECT_EQ(days_in_month(2026, 13), 0);
}

}  // namespace
}  // namespace nnw::rules
