#include "app.hpp"

#include <stdexcept>

namespace nnw::server {

App::App(Settings settings, nnw::rules::Engine engine)
    : settings_(std::move(settings)),
      pool_(settings_.database_url, settings_.db_pool_size, settings_.db_acquire_timeout),
      engine_(std::move(engine)),
      data_keys_(crypto::KeyRing::parse(settings_.data_keys)),
      transfers_(pool_, engine_, metrics_, settings_.transfer_lanes, settings_.transfer_batch_max,
                 std::chrono::microseconds(settings_.transfer_linger_us)) {
  const bool serving = !settings_.migrate_only && !settings_.job;
  if (serving && !data_keys_) throw std::runtime_error("NNW_DATA_KEYS is not a valid key ring (id:base64-of-32-bytes,…)");
}

std::chrono::system_clock::time_point App::now() const noexcept {
  const std::int64_t pinned = pinned_now_s_.load(std::memory_order_relaxed);
  if (pinned == kUnpinned) return std::chrono::system_clock::now();
  return std::chrono::system_clock::time_point(std::chrono::seconds(pinned));
}

}  // namespace nnw::server
