#include "db/pool.hpp"

namespace nnw::server::db {

Pool::Pool(std::string url, std::size_t size, std::chrono::milliseconds acquire_timeout)
    : url_(std::move(url)), acquire_timeout_(acquire_timeout), connections_(size) {
  for (std::size_t slot = size; slot > 0; --slot) free_slots_.push_back(slot - 1);
  stats_.size = size;
}

std::optional<Pool::Lease> Pool::acquire() {
  std::size_t slot = 0;
  {
    std::unique_lock lock(mutex_);
    if (!freed_.wait_for(lock, acquire_timeout_, [&] { return !free_slots_.empty(); })) {
      ++stats_.timeouts_total;
      return std::nullopt;
    }
    slot = free_slots_.back();
    free_slots_.pop_back();
    ++stats_.in_use;
    ++stats_.acquired_total;
  }
  Lease lease(*this, slot);  // returns the slot on any exit below
  auto& connection = connections_[slot];
  try {
    if (!connection) {
      connection = std::make_unique<Connection>(url_);
    } else if (!connection->healthy() && !connection->reset()) {
      connection.reset();
      throw DbError("08006", "lost the PostgreSQL connection and could not reconnect");
    }
  } catch (const DbError&) {
    std::lock_guard lock(mutex_);
    ++stats_.connect_failures_total;
    throw;
  }
  return lease;
}

void Pool::release(std::size_t slot) {
  {
    std::lock_guard lock(mutex_);
    free_slots_.push_back(slot);
    --stats_.in_use;
  }
  freed_.notify_one();
}

PoolStats Pool::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace nnw::server::db
