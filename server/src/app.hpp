#pragma once
// The server's long-lived parts, shared by every handler: settings, the connection pool, the
// rules engine, metrics and the in-flight count. Handlers get it through RequestContext.

#include <atomic>
#include <memory>
#include <shared_mutex>

#include "crypto/sealed_box.hpp"
#include "db/pool.hpp"
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
  // Seals bank details and TOTP secrets; throws at start-up when NNW_DATA_KEYS is malformed.
  const crypto::KeyRing& data_keys() const { return *data_keys_; }

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
};

}  // namespace nnw::server
