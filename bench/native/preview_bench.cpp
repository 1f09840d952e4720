// Cart preview latency, natively: validate_cart + preview_cart on a ready CartRequest (the
// struct API the server uses after parsing) and Engine::preview_cart on the request text (the
// JSON API both targets share, parse and serialization included). The carts come from
// bench/carts/, the same files the Node bench times, and cross the cashback threshold
// mid-line so that most units are discounted bonus units: the expensive branch of the rule.
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "nnw/rules/cashback.hpp"
#include "nnw/rules/engine.hpp"

namespace {

namespace bj = boost::json;
using namespace nnw::rules;

// The cart file as compact JSON text, the form a client sends.
std::string read_cart_text(std::int64_t line_count) {
  const std::string path = std::string(NNW_BENCH_CARTS_DIR) + "/cart_" + std::to_string(line_count) + "_lines.json";
  std::ifstream file(path);
  if (!file) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << file.rdbuf();
  return bj::serialize(bj::parse(text.str()));
}

// The same cart as the struct the JSON boundary would build (the fixture has no cashback).
CartRequest cart_request(const RulesConfig& config, const std::string& cart_text) {
  const bj::object document = bj::parse(cart_text).as_object();
  CartRequest request;
  request.market = config.find_market(document.at("market").as_string());
  request.now = *parse_utc(document.at("now").as_string());
  request.period_pv = document.at("period_pv").as_int64();
  for (const bj::value& item : document.at("lines").as_array()) {
    const bj::object& line = item.as_object();
    request.lines.push_back(CartLine{std::string(line.at("sku").as_string()), line.at("quantity").as_int64(),
                                     line.at("unit_price_cents").as_int64(), line.at("unit_pv").as_int64()});
  }
  request.shipping_cents = document.at("shipping_cents").as_int64();
  return request;
}

// A bench of the wrong branch would measure nothing useful: insist on a crossing order that
// spends its cashback on bonus units.
bool spends_on_bonus_units(const Result<CartPreview>& preview) {
  return preview && preview->unlocks_cashback && preview->cashback_spend == CashbackSpend::crossing_order &&
         preview->discount_cents > 0;
}

// Times validate_cart + one preview form on the state's cart. `preview(config, request)` is
// called once per iteration.
template <class PreviewForm>
void time_struct_api(benchmark::State& state, PreviewForm preview) {
  const Engine engine = Engine::with_default_config();
  const RulesConfig& config = engine.config();
  const CartRequest request = cart_request(config, read_cart_text(state.range(0)));
  if (!spends_on_bonus_units(preview_cart(config, request))) {
    state.SkipWithError("the bench cart does not cross the threshold with bonus units");
    return;
  }
  for (auto _ : state) {
    auto invalid = validate_cart(config, request);
    benchmark::DoNotOptimize(invalid);
    preview(config, request);
  }
  state.counters["lines"] = static_cast<double>(request.lines.size());
}

// A new CartPreview each call, as the server makes one per request.
void BM_PreviewCart_StructApi(benchmark::State& state) {
  time_struct_api(state, [](const RulesConfig& config, const CartRequest& request) {
    auto preview = preview_cart(config, request);
    benchmark::DoNotOptimize(preview);
  });
}

// The form the WebAssembly fast path runs on every key press: the preview written into a
// result whose line storage is kept from the previous call.
void BM_PreviewCart_StructApiReused(benchmark::State& state) {
  CartPreview kept;
  time_struct_api(state, [&kept](const RulesConfig& config, const CartRequest& request) {
    auto error = preview_cart_into(config, request, kept);
    benchmark::DoNotOptimize(error);
    benchmark::DoNotOptimize(kept);
  });
}

void BM_PreviewCart_JsonApi(benchmark::State& state) {
  const Engine engine = Engine::with_default_config();
  const std::string request_text = read_cart_text(state.range(0));
  if (!spends_on_bonus_units(preview_cart(engine.config(), cart_request(engine.config(), request_text)))) {
    state.SkipWithError("the bench cart does not cross the threshold with bonus units");
    return;
  }
  std::size_t response_bytes = 0;
  for (auto _ : state) {
    std::string response = engine.preview_cart(request_text);
    response_bytes = response.size();
    benchmark::DoNotOptimize(response);
  }
  state.counters["request_bytes"] = static_cast<double>(request_text.size());
  state.counters["response_bytes"] = static_cast<double>(response_bytes);
}

}  // namespace

BENCHMARK(BM_PreviewCart_StructApi)->Arg(20)->Arg(200);
BENCHMARK(BM_PreviewCart_StructApiReused)->Arg(20)->Arg(200);
BENCHMARK(BM_PreviewCart_JsonApi)->Arg(20)->Arg(200);
