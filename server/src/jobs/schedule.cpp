#include "jobs/schedule.hpp"

#include <algorithm>

#include "nnw/rules/calendar.hpp"

namespace nnw::server::jobs {

namespace {

using nnw::rules::UtcSeconds;

std::int64_t seconds_of(UtcSeconds t) { return t.time_since_epoch().count(); }

std::int64_t latest_local_midnight(const nnw::rules::TimeZoneRule& zone, std::int64_t now_s) {
  const UtcSeconds now{std::chrono::seconds(now_s)};
  const auto local = nnw::rules::to_local(zone, now);
  return seconds_of(nnw::rules::local_day_start(zone, nnw::rules::Period{local.year, local.month}, local.day));
}

std::int64_t latest_window_close(const nnw::rules::TimeZoneRule& zone, int close_day, std::int64_t now_s) {
  const UtcSeconds now{std::chrono::seconds(now_s)};
  auto period = nnw::rules::period_of(zone, now);
  auto close = nnw::rules::local_day_start(zone, period, close_day);
  if (close > now) close = nnw::rules::local_day_start(zone, nnw::rules::previous_period(period), close_day);
  return seconds_of(close);
}

}  // namespace

const std::vector<ScheduledJob>& schedule() {
  static const std::vector<ScheduledJob> jobs{
      {"deposit-commissions", Cadence::every, 300},
      {"expire-cashbacks", Cadence::local_midnight, 0},
      {"record-loyalty", Cadence::loyalty_window_close, 0},
      {"notify-cashback-expiring", Cadence::local_midnight, 0},
      {"send-notifications", Cadence::every, 30},
      // Campaign ends are arbitrary instants; closing is as of the end, so a few minutes late
      // freezes the same standings.
      {"close-travel-campaigns", Cadence::every, 300},
      // The books checked whole every night (docs/server.md, verify-ledger): its gauge in
      // /metrics is then never more than a day old, for alerting without a cron line.
      {"verify-ledger", Cadence::local_midnight, 0, false},
  };
  return jobs;
}

std::int64_t latest_boundary(const ScheduledJob& job, const nnw::rules::RulesConfig& rules, std::int64_t now_s) {
  switch (job.cadence) {
    case Cadence::every:
      return now_s - (now_s % std::max<std::int64_t>(1, job.interval_s));
    case Cadence::local_midnight: {
      std::int64_t latest = 0;
      for (const auto& market : rules.markets) latest = std::max(latest, latest_local_midnight(market.zone, now_s));
      return latest;
    }
    case Cadence::loyalty_window_close: {
      const int close_day = static_cast<int>(rules.loyalty.window_last_day) + 1;
      std::int64_t latest = 0;
      for (const auto& market : rules.markets) latest = std::max(latest, latest_window_close(market.zone, close_day, now_s));
      return latest;
    }
  }
  return now_s;
}

bool is_due(const ScheduledJob& job, const nnw::rules::RulesConfig& rules, std::int64_t now_s,
            std::optional<std::int64_t> last_run_s, std::int64_t started_s) {
  if (!last_run_s && job.catch_up_at_start) return true;
  return latest_boundary(job, rules, now_s) > last_run_s.value_or(started_s);
}

}  // namespace nnw::server::jobs
