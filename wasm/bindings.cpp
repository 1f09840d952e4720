// The embind surface: JSON strings in, JSON strings out, so both targets see the same bytes
// and no 64-bit integer crosses embind. The fast path's entry is a plain wasm export, called
// directly per preview without embind's argument conversion.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include "rules_engine.hpp"

namespace nnw::wasm {

std::string RulesEngine::load_config(const std::string& config_json) {
  auto next = rules::Engine::from_config_json(config_json);
  if (!next) return rules::error_json(next.error());
  engine_ = std::move(next).value();
  // A version is 16 hex digits: nothing to escape.
  return "{\"rules_version\":\"" + engine_.version() + "\"}";
}

}  // namespace nnw::wasm

// 1 when the engine's fast-path output buffer holds the preview of its input buffer, 0 when the
// caller must take the JSON path. `engine` is the handle fastPreviewHandle() returned.
extern "C" EMSCRIPTEN_KEEPALIVE int nnw_fast_preview(nnw::wasm::RulesEngine* engine) {
  return nnw::wasm::run_fast_preview(engine->engine().config(), engine->fast_preview()) ? 1 : 0;
}

namespace {

using nnw::wasm::RulesEngine;

std::uintptr_t fast_preview_handle(RulesEngine& engine) { return reinterpret_cast<std::uintptr_t>(&engine); }
std::string fast_preview_layout(RulesEngine& engine) { return nnw::wasm::fast_layout_json(engine.fast_preview()); }

}  // namespace

EMSCRIPTEN_BINDINGS(nnw_rules) {
  emscripten::class_<RulesEngine>("RulesEngine")
      .constructor<>()
      .function("previewCart", &RulesEngine::preview_cart)
      .function("loyaltyStatus", &RulesEngine::loyalty_status)
      .function("travelPoints", &RulesEngine::travel_points)
      .function("checkClabe", &RulesEngine::check_clabe)
      .function("describe", &RulesEngine::describe)
      .function("version", &RulesEngine::version)
      .function("loadConfig", &RulesEngine::load_config)
      .function("fastPreviewHandle", &fast_preview_handle)
      .function("fastPreviewLayout", &fast_preview_layout);
}
