// Fuzzes the rules configuration loader (load_config, Engine::from_config_json) with
// configuration documents (rules/config/default.json and mutations of it). A document is
// either refused with an Error, or accepted; an accepted one must have a
// 16-hex-digit version, reload from its canonical form to the same version and canonical
// bytes, and give an engine whose answers to fixed requests are JSON objects.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "nnw/rules/engine.hpp"

namespace {

namespace bj = boost::json;
using nnw::fuzz::check;

bool is_hex16(std::string_view text) {
  if (text.size() != 16) return false;
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void check_json_object(const std::string& text) {
  boost::system::error_code ec;
  const bj::value document = bj::parse(text, ec);
  check(!ec && document.is_object(), "the engine returned something that is not a JSON object", text);
}

// One request per operation, in the configured first market, so a configuration's tables
// (thresholds, windows, kit and rank points) are exercised and not only parsed.
void exercise(const nnw::rules::Engine& engine) {
  const std::string& market = engine.config().markets.front().code;
  const std::string rank = engine.config().travel.ranks.empty() ? "NONE" : engine.config().travel.ranks.front().id;
  check_json_object(engine.describe());
  check_json_object(engine.preview_cart(
      R"({"market":")" + market + R"(","now":"2026-11-24T15:00:00Z","period_pv":2000,"cashback":null,)"
      R"("lines":[{"sku":"A","quantity":3,"unit_price_cents":59900,"unit_pv":929}],"shipping_cents":14900})"));
  check_json_object(engine.loyalty_status(
      R"({"market":")" + market + R"(","now":"2026-11-03T12:00:00Z","orders":[)"
      R"({"id":"o1","placed_at":"2026-09-02T12:00:00Z"},{"id":"o2","placed_at":"2026-10-02T12:00:00Z"},)"
      R"({"id":"o3","placed_at":"2026-11-02T12:00:00Z"}]})"));
  check_json_object(engine.travel_points(
      R"({"campaign":{"id":"c","starts_at":"2026-01-01T06:00:00Z","ends_at":"2026-07-01T06:00:00Z","status":"ACTIVA",)"
      R"("promo_windows":[{"starts_at":"2026-02-01T06:00:00Z","ends_at":"2026-03-01T06:00:00Z"}]},"events":[)"
      R"({"id":"e1","type":"KIT_SOLD","kit":"FULL_SKIN","at":"2026-02-10T12:00:00Z"},)"
      R"({"id":"e2","type":"RANK_REACHED","rank":")" + rank + R"(","at":"2026-04-10T12:00:00Z"},)"
      R"({"id":"e3","type":"DIRECT_RANK_REACHED","direct_id":"d","rank":")" + rank + R"(","at":"2026-04-11T12:00:00Z"}]})"));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto loaded = nnw::rules::load_config(input);
  auto engine = nnw::rules::Engine::from_config_json(input);
  check(loaded.ok() == engine.ok(), "load_config and Engine::from_config_json disagree");
  if (!loaded.ok()) return 0;
  const nnw::rules::RulesConfig& config = loaded.value();
  check(is_hex16(config.version), "the version is not 16 hex digits", config.version);
  check(!config.markets.empty(), "an accepted configuration without markets");
  auto reloaded = nnw::rules::load_config(config.canonical_json);
  check(reloaded.ok(), "the canonical form of an accepted configuration is refused", config.canonical_json);
  check(reloaded.value().version == config.version, "the canonical form has another version");
  check(reloaded.value().canonical_json == config.canonical_json, "canonicalization is not idempotent");
  exercise(engine.value());
  return 0;
}
