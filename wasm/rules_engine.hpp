#pragma once
// The engine object JavaScript holds: nnw::rules::Engine behind JSON strings, a configuration
// swap, and the fixed buffers of the cart preview fast path (fast_preview.hpp).

#include <string>

#include "fast_preview.hpp"
#include "nnw/rules/engine.hpp"

namespace nnw::wasm {

class RulesEngine {
 public:
  RulesEngine() : engine_(rules::Engine::with_default_config()) {}

  std::string preview_cart(const std::string& request) const { return engine_.preview_cart(request); }
  std::string loyalty_status(const std::string& request) const { return engine_.loyalty_status(request); }
  std::string travel_points(const std::string& request) const { return engine_.travel_points(request); }
  std::string check_clabe(const std::string& request) const { return engine_.check_clabe(request); }
  std::string describe() const { return engine_.describe(); }
  std::string version() const { return engine_.version(); }

  // {"rules_version":...} after the swap, or the error document with the old configuration kept.
  std::string load_config(const std::string& config_json);

  const rules::Engine& engine() const noexcept { return engine_; }
  FastPreview& fast_preview() noexcept { return fast_preview_; }

 private:
  rules::Engine engine_;
  FastPreview fast_preview_;
};

}  // namespace nnw::wasm
