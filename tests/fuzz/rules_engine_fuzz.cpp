// Fuzzes every JSON entry point of the rules engine (docs/rules-api.md) with one input: the
// cart preview, loyalty status, NN Travel points and the CLABE check each read the same bytes.
// Whatever the bytes, each call must return a JSON object: a result, or {"error":{code,
// message,field}} with a documented code; results must keep the documented arithmetic.
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

const nnw::rules::Engine& engine() {
  static const nnw::rules::Engine instance = nnw::rules::Engine::with_default_config();
  return instance;
}

std::int64_t integer(const bj::object& o, std::string_view key) {
  const bj::value* value = o.if_contains(key);
  check(value != nullptr && value->is_int64(), "an integer field is missing", key);
  return value->get_int64();
}

// {"error":{"code","message","field"}} with one of the codes docs/rules-api.md lists.
void check_error(const bj::object& error_object) {
  const bj::value* inner = error_object.if_contains("error");
  check(inner != nullptr && inner->is_object(), "the error member is not an object");
  const bj::object& error = inner->get_object();
  check(error.size() == 3, "an error document has exactly code, message and field");
  for (const char* key : {"code", "message", "field"}) {
    check(error.contains(key) && error.at(key).is_string(), "an error member is not a string", key);
  }
  const std::string_view code = error.at("code").get_string();
  for (int known = 0; known <= static_cast<int>(nnw::rules::ErrorCode::invalid_config); ++known) {
    if (code == nnw::rules::error_code_name(static_cast<nnw::rules::ErrorCode>(known))) return;
  }
  check(false, "an undocumented error code", code);
}

// docs/rules-api.md, cart preview step 6: line and cart totals.
void check_preview(const bj::object& p) {
  std::int64_t subtotal = 0;
  std::int64_t discount = 0;
  std::int64_t pv = 0;
  for (const bj::value& line_value : p.at("lines").as_array()) {
    const bj::object& line = line_value.as_object();
    const std::int64_t line_subtotal = integer(line, "subtotal_cents");
    const std::int64_t line_discount = integer(line, "discount_cents");
    check(line_subtotal == integer(line, "quantity") * integer(line, "unit_price_cents"), "line subtotal");
    check(integer(line, "line_pv") == integer(line, "quantity") * integer(line, "unit_pv"), "line PV");
    check(line_discount >= 0 && line_discount <= line_subtotal, "a line discount outside [0, subtotal]");
    check(integer(line, "total_cents") == line_subtotal - line_discount, "line total");
    check(integer(line, "discounted_units") >= 0 && integer(line, "discounted_units") <= integer(line, "quantity"),
          "discounted units outside [0, quantity]");
    subtotal += line_subtotal;
    discount += line_discount;
    pv += integer(line, "line_pv");
  }
  check(integer(p, "subtotal_cents") == subtotal, "cart subtotal is not the sum of the lines");
  check(integer(p, "discount_cents") == discount, "cart discount is not the sum of the lines");
  check(integer(p, "cart_pv") == pv, "cart PV is not the sum of the lines");
  check(integer(p, "total_cents") == subtotal - discount + integer(p, "shipping_cents"), "cart total");
  check(integer(p, "period_pv_after") == integer(p, "period_pv_before") + pv, "period PV after");
  const std::int64_t missing = integer(p, "pv_threshold") - integer(p, "period_pv_after");
  check(integer(p, "pv_missing") == (missing > 0 ? missing : 0), "pv_missing");
}

void check_travel(const bj::object& t) {
  const bj::object& breakdown = t.at("breakdown").as_object();
  const std::int64_t points = integer(t, "points");
  check(points == integer(breakdown, "kits") + integer(breakdown, "ranks") + integer(breakdown, "directs"),
        "travel points are not the sum of the breakdown");
  const std::int64_t missing = integer(t, "target_points") - points;
  check(integer(t, "points_missing") == (missing > 0 ? missing : 0), "points_missing");
  check(t.at("qualified").as_bool() == (missing <= 0), "qualified");
}

void check_loyalty(const bj::object& l) {
  check(integer(l, "points") >= 0 && integer(l, "points") < integer(l, "goal_points"),
        "loyalty points outside [0, goal)");
}

template <class Check>
void run(std::string (nnw::rules::Engine::*operation)(std::string_view) const, std::string_view input,
         Check&& check_result) {
  const std::string out = (engine().*operation)(input);
  boost::system::error_code ec;
  const bj::value document = bj::parse(out, ec);
  check(!ec && document.is_object(), "the engine returned something that is not a JSON object", out);
  const bj::object& o = document.get_object();
  if (o.contains("error")) {
    check_error(o);
  } else {
    check_result(o);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  run(&nnw::rules::Engine::preview_cart, input, check_preview);
  run(&nnw::rules::Engine::loyalty_status, input, check_loyalty);
  run(&nnw::rules::Engine::travel_points, input, check_travel);
  run(&nnw::rules::Engine::check_clabe, input, [](const bj::object& c) {
    check(c.at("valid").is_bool(), "CLABE check without a boolean valid");
  });
  return 0;
}
