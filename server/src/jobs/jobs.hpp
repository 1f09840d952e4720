#pragma once
// The server's jobs by name, shared by the HTTP endpoint and the command line.

#include <string>
#include <string_view>

#include "db/pg.hpp"
#include "observability/metrics.hpp"

namespace nnw::server::jobs {

struct JobReport {
  bool ran = false;  // false: another runner holds the job's lock
  std::string json;  // what the job changed
};

bool is_job(std::string_view name) noexcept;
std::string job_names();
JobReport run(std::string_view name, db::Connection& connection, Metrics& metrics);

}  // namespace nnw::server::jobs
