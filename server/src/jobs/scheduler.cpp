#include "jobs/scheduler.hpp"

#include <optional>

#include "jobs/jobs.hpp"
#include "jobs/schedule.hpp"
#include "observability/log.hpp"

namespace nnw::server::jobs {

Scheduler::Scheduler(App& app) : app_(app) {
  if (app_.settings().scheduler_tick.count() > 0) thread_ = std::thread([this] { loop(); });
}

Scheduler::~Scheduler() { stop(); }

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::loop() {
  log_event(LogLevel::info, {{"event", "scheduler_started"}, {"tick_s", app_.settings().scheduler_tick.count()}});
  std::optional<db::Connection> connection;
  const std::int64_t started_s = unix_seconds(app_.now());
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (stopping_) return;
    }
    try {
      if (!connection) connection.emplace(app_.settings().database_url);
      if (!connection->healthy()) connection->reset();
      for (const auto& job : schedule()) {
        const std::int64_t now_s = unix_seconds(app_.now());
        const auto last = last_run_s_.find(job.job);
        if (!is_due(job, app_.rules().config(), now_s,
                    last == last_run_s_.end() ? std::nullopt : std::optional<std::int64_t>(last->second), started_s)) {
          continue;
        }
        // Not run because another instance holds the job: that runner books the boundary.
        run(job.job, *connection, app_.pool().url(), app_.metrics(), app_.rules(), now_s);
        last_run_s_[job.job] = now_s;
      }
    } catch (const std::exception& error) {
      log_event(LogLevel::error, {{"event", "scheduled_job_failed"}, {"error", error.what()}});
      connection.reset();
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, app_.settings().scheduler_tick, [this] { return stopping_; });
  }
}

}  // namespace nnw::server::jobs
