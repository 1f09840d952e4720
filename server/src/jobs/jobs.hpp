#pragma once
// The server's jobs by name, shared by the HTTP endpoint and the command line.

#include <chrono>
#include <string>
#include <string_view>

#include "db/pg.hpp"
#include "nnw/rules/engine.hpp"
#include "observability/metrics.hpp"

namespace nnw::server::jobs {

struct JobReport {
  bool ran = false;  // false: another runner holds the job's lock
  std::string json;  // what the job changed, or found
  bool failed = false;  // the job ran and found something wrong (verify-ledger: a violation)
};

bool is_job(std::string_view name) noexcept;
std::string job_names();
// now_s: the business clock's instant the job runs for (App::now()), so a late run books
// exactly what an on-time run would have.
// database_url: for jobs that open more connections of their own (the deposit's workers).
JobReport run(std::string_view name, db::Connection& connection, const std::string& database_url, Metrics& metrics,
              const nnw::rules::Engine& rules, std::int64_t now_s);

inline std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace nnw::server::jobs
