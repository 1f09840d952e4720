#pragma once
// When each job is due, in market time: the in-process scheduler runs a job once the latest
// boundary of its schedule has passed since its last run (and, for most, once at start-up, to
// catch up whatever a stopped server missed). Jobs are idempotent and single-runner across
// instances, so a boundary seen by several instances still books once.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "nnw/rules/config.hpp"

namespace nnw::server::jobs {

enum class Cadence {
  every,                 // every `interval_s` seconds (UTC)
  local_midnight,        // each local midnight of any configured market
  loyalty_window_close,  // each market's loyalty window close: local day (window_last_day + 1) 00:00
};

struct ScheduledJob {
  std::string_view job;
  Cadence cadence;
  std::int64_t interval_s = 0;  // for Cadence::every
  // Whether a server that starts runs it at once, to catch up on a boundary it missed while
  // stopped. Off for a job with nothing to catch up whose run costs: verify-ledger reads every
  // entry, and each restart of each instance would read them all again.
  bool catch_up_at_start = true;
};

// The jobs the scheduler runs and when.
const std::vector<ScheduledJob>& schedule();

// The latest boundary of the job's cadence at or before now_s (Unix seconds).
std::int64_t latest_boundary(const ScheduledJob& job, const nnw::rules::RulesConfig& rules, std::int64_t now_s);

// Due when a boundary passed after its last run; when it never ran since the scheduler started
// (at started_s), at once if it catches up at start, else at the first boundary after the start.
bool is_due(const ScheduledJob& job, const nnw::rules::RulesConfig& rules, std::int64_t now_s,
            std::optional<std::int64_t> last_run_s, std::int64_t started_s);

}  // namespace nnw::server::jobs
