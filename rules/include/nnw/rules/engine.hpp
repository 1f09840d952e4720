#pragma once
// The JSON boundary of the rules: the exact request and response documents of
// docs/rules-api.md, shared by the WebAssembly API and the server's HTTP API. Every call
// returns a JSON document: the result, or {"error":{"code","message","field"}}.

#include <string>
#include <string_view>

#include "nnw/rules/config.hpp"
#include "nnw/rules/error.hpp"

namespace nnw::rules {

class Engine {
 public:
  // The configuration shipped in the repo (rules/config/default.json).
  static Engine with_default_config();
  static Result<Engine> from_config_json(std::string_view config_json);

  const RulesConfig& config() const noexcept { return config_; }
  const std::string& version() const noexcept { return config_.version; }

  std::string preview_cart(std::string_view request_json) const;
  std::string loyalty_status(std::string_view request_json) const;
  std::string travel_points(std::string_view request_json) const;
  std::string check_clabe(std::string_view request_json) const;
  // {"rules_version":..., "config":{...}}: what a client needs to present rules (markets, rewards,
  // ranks, limits) without a second source of truth.
  std::string describe() const;

 private:
  explicit Engine(RulesConfig config) : config_(std::move(config)) {}
  RulesConfig config_;
};

// {"error":{"code","message","field"}}
std::string error_json(const Error& error);

}  // namespace nnw::rules
