// POST /v1/jobs/{job} (admin or service): runs a job now and reports what it changed. Jobs
// are idempotent and single-runner across instances; the same code runs from the command
// line (nnw_server --job NAME) and, later, on the in-process schedule.
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "jobs/jobs.hpp"
#include "routes/routes.hpp"

namespace nnw::server::routes {

Response run_job(RequestContext& ctx) {
  const std::string job(ctx.path_param("job"));
  if (!jobs::is_job(job)) return error_response(ctx, not_found("no such job; known: " + jobs::job_names()));
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  const jobs::JobReport report = jobs::run(job, *lease.value(), ctx.app.pool().url(), ctx.app.metrics(), ctx.app.rules(), ctx.now_s());
  if (!report.ran) {
    return error_response(ctx, conflict("job_running", "another runner holds this job; try again when it finishes"));
  }
  return json_response(ctx, http::status::ok, report.json);
}

}  // namespace nnw::server::routes
