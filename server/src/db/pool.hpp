#pragma once
// A fixed-size pool of PostgreSQL connections. Connections are made lazily and remade after a
// failure, so the server starts, and recovers, while the database is away (requests get 503).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "db/pg.hpp"

namespace nnw::server::db {

struct PoolStats {
  std::size_t size = 0;
  std::size_t in_use = 0;
  std::uint64_t acquired_total = 0;
  std::uint64_t timeouts_total = 0;
  std::uint64_t connect_failures_total = 0;
};

class Pool {
 public:
  Pool(std::string url, std::size_t size, std::chrono::milliseconds acquire_timeout);

  class Lease {
   public:
    Lease(Pool& pool, std::size_t slot) : pool_(&pool), slot_(slot) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), slot_(other.slot_) { other.pool_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease() { if (pool_) pool_->release(slot_); }
    Connection& operator*() const { return *pool_->connections_[slot_]; }
    Connection* operator->() const { return pool_->connections_[slot_].get(); }

   private:
    Pool* pool_;
    std::size_t slot_;
  };

  // A healthy connection, or nullopt when none frees up within the acquire timeout.
  // Throws DbError when the database cannot be reached.
  std::optional<Lease> acquire();
  PoolStats stats() const;
  const std::string& url() const noexcept { return url_; }

 private:
  void release(std::size_t slot);

  const std::string url_;
  const std::chrono::milliseconds acquire_timeout_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<std::size_t> free_slots_;
  PoolStats stats_;
};

// Runs `work(connection)`, a whole transaction that begins and ends itself (for one that sends
// BEGIN and COMMIT in the same round trips as its first and last statements, see
// Connection::run_pipelined). Deadlocks and serialization failures are retried a bounded
// number of times; after any database error what is open is rolled back, and other errors
// propagate.
template <class Work>
auto retrying_transaction(Connection& connection, Work&& work) -> decltype(work(connection)) {
  constexpr int kAttemptsMax = 5;
  for (int attempt = 1;; ++attempt) {
    try {
      return work(connection);
    } catch (const DbError& error) {
      if (connection.healthy()) {
        try { connection.exec("ROLLBACK"); } catch (const DbError&) { connection.reset(); }
      }
      if (!error.is_retryable() || attempt == kAttemptsMax) throw;
    }
  }
}

// Runs `work(connection)` between BEGIN and COMMIT. `work` returns a result whose ok() decides
// COMMIT or ROLLBACK (a user's error changes nothing). Retried as retrying_transaction says.
template <class Work>
auto in_transaction(Connection& connection, Work&& work) -> decltype(work(connection)) {
  return retrying_transaction(connection, [&](Connection& c) {
    c.exec("BEGIN");
    auto result = work(c);
    c.exec(result.ok() ? "COMMIT" : "ROLLBACK");
    return result;
  });
}

}  // namespace nnw::server::db
