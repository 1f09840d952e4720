#pragma once
// One runner per job across every server instance: a session advisory lock keyed by the
// job's name (queries/job_try_lock.sql), held while the work runs and released however it
// ends. Every job that must not run twice at once goes through here.

#include <optional>
#include <string_view>

#include "db/pg.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::db {

// Runs work() under the job's lock and returns its result; nullopt, without running it, when
// another runner holds the lock.
template <class Work>
auto with_job_lock(Connection& connection, std::string_view job, Work&& work) -> std::optional<decltype(work())> {
  const Rows locked = connection.run(sql::job_try_lock.name, sql::job_try_lock.text, Params().add(job));
  if (!locked.boolean(0, 0)) return std::nullopt;
  struct Release {
    Connection& connection;
    std::string_view job;
    // A lost connection drops a session lock by itself: nothing to release then.
    ~Release() {
      try {
        connection.run(sql::job_unlock.name, sql::job_unlock.text, Params().add(job));
      } catch (const DbError&) {
      }
    }
  } release{connection, job};
  return work();
}

}  // namespace nnw::server::db
