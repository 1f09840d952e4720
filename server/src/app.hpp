#pragma once
// The server's long-lived parts, shared by every handler: settings, the connection pool, the
// rules engine, metrics and the in-flight count. Handlers get it through RequestContext.

#include <atomic>
#include <chrono>
#include <limits>
#include <memory>
#include <shared_mutex>

#include "crypto/sealed_box.hpp"
#include "db/pool.hpp"
#include "ledger/transfer_batch.hpp"
#include "nnw/rules/engine.hpp"
#include "observability/metrics.hpp"
#include "settings.hpp"

namespace nnw::server {

class App {
 public:
  App(Settings settings, nnw::rules::Engine engine);

  const Settings& settings() const noexcept { return settings_; }
  db::Pool& pool() noexcept { return pool_; }
  Metrics& metrics() noexcept { return metrics_; }
  const nnw::rules::Engine& rules() const noexcept { return engine_; }
  // Books transfers in batches (ledger/transfer_batch.hpp).
  ledger::TransferBatcher& transfers() noexcept { return transfers_; }
  // Seals bank details and TOTP secrets; throws at start-up when NNW_DATA_KEYS is malformed.
  const crypto::KeyRing& data_keys() const { return *data_keys_; }

  // The business clock: the instant every rule and booking is computed for (RequestContext::now,
  // jobs). The system clock unless a test pins it; token expiry always uses the system clock.
  std::chrono::system_clock::time_point now() const noexcept;
  void pin_clock(std::chrono::sys_seconds instant) noexcept { pinned_now_s_ = instant.time_since_epoch().count(); }
  void unpin_clock() noexcept { pinned_now_s_ = kUnpinned; }

  std::atomic<std::int64_t>& in_flight() noexcept { return in_flight_; }
  std::atomic<bool>& draining() noexcept { return draining_; }

 private:
  Settings settings_;
  db::Pool pool_;
  Metrics metrics_;
  nnw::rules::Engine engine_;
  std::optional<crypto::KeyRing> data_keys_;
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<bool> draining_{false};
  static constexpr std::int64_t kUnpinned = std::numeric_limits<std::int64_t>::min();
  std::atomic<std::int64_t> pinned_now_s_{kUnpinned};
  ledger::TransferBatcher transfers_;  // last: its lanes stop before the pool and rules go
};

}  // namespace nnw::server
