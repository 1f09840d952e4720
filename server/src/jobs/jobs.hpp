#pragma once
// The server's jobs by name, shared by the HTTP endpoint and the command line.

#include <string>
#include <string_view>

#include "db/pg.hpp"
#include "observability/metrics.hpp"

namespace nnw::server {
class App;
}

namespace nnw::server::jobs {

struct JobReport {
  bool ran = false;  // false: another runner holds the job's lock
  std::string json;  // what the job changed
};

bool is_job(std::string_view name) noexcept;
std::string job_names();
JobReport run(std::string_view name, db::Connection& connection, Metrics& metrics);
// Every job, including those that need the business clock and the rules (close-travel-campaigns):
// what the HTTP endpoint and the command line call.
JobReport run(std::string_view name, db::Connection& connection, App& app);

}  // namespace nnw::server::jobs
