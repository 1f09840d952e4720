// The JSON boundary: shapes, error documents, and robustness against hostile input.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>
#include <string>

#include "nnw/rules/engine.hpp"

namespace nnw::rules {
namespace {

namespace bj = boost::json;

const Engine& engine() {
  static const Engine instance = Engine::with_default_config();
  return instance;
}

bj::object error_of(const std::string& response) {
  const bj::value document = bj::parse(response);
  EXPECT_TRUE(document.as_object().contains("error")) << response;
  return document.at("error").as_object();
}

constexpr const char* kCart =
    R"({"market":"MX","now":"2026-11-24T15:00:00Z","period_pv":0,"cashback":null,)"
    R"("lines":[{"sku":"NN-1","quantity":2,"unit_price_cents":59900,"unit_pv":350}],"shipping_cents":14900})";

TEST(Engine, PreviewCart_WritesTheDocumentedFieldsInOrder) {
  const std::string response = engine().preview_cart(kCart);
  EXPECT_EQ(response.rfind("{\"rules_version\":\"" + engine().version() + "\",\"market\":\"MX\",\"currency\":\"MXN\"", 0), 0u)
      << response;
  const bj::value document = bj::parse(response);
  EXPECT_EQ(document.at("total_cents").as_int64(), 2 * 59900 + 14900);
  EXPECT_EQ(document.at("lines").as_array().size(), 1u);
}

TEST(Engine, ShapeErrors_NameTheField) {
  EXPECT_EQ(error_of(engine().preview_cart("{")).at("code"), "invalid_json");
  EXPECT_EQ(error_of(engine().preview_cart("[]")).at("code"), "invalid_type");
  auto e = error_of(engine().preview_cart(R"({"market":"MX"})"));
  EXPECT_EQ(e.at("code"), "missing_field");
  EXPECT_EQ(e.at("field"), "now");
  std::string text = kCart;
  text.replace(text.find("\"quantity\":2"), 12, "\"quantity\":2.0");
  e = error_of(engine().preview_cart(text));
  EXPECT_EQ(e.at("code"), "invalid_type");
  EXPECT_EQ(e.at("field"), "lines[0].quantity");
  text = kCart;
  text.replace(text.find("\"quantity\":2"), 12, "\"quantity\":9007199254740992");
  EXPECT_EQ(error_of(engine().preview_cart(text)).at("code"), "out_of_range");
  text = kCart;
  text.replace(text.find("\"quantity\":2"), 12, "\"quantity\":-1");
  e = error_of(engine().preview_cart(text));
  EXPECT_EQ(e.at("code"), "out_of_range");
  EXPECT_EQ(e.at("field"), "lines[0].quantity");
}

TEST(Engine, UnknownFieldsAndMarkets_AreRefused) {
  auto e = error_of(engine().preview_cart(R"({"market":"MX","discount":100})"));
  EXPECT_EQ(e.at("code"), "unknown_field");
  EXPECT_EQ(e.at("field"), "discount");
  e = error_of(engine().loyalty_status(R"({"market":"AR","now":"2026-11-24T15:00:00Z","orders":[]})"));
  EXPECT_EQ(e.at("code"), "unknown_market");
}

TEST(Engine, TravelEventFieldsDependOnType) {
  const std::string request =
      R"({"campaign":{"id":"c","starts_at":"2026-07-01T06:00:00Z","ends_at":"2027-01-01T06:00:00Z","status":"ACTIVA"},)"
      R"("events":[{"id":"e","type":"RANK_REACHED","rank":"VISIONARIO","kit":"FULL_SKIN","at":"2026-08-01T00:00:00Z"}]})";
  const auto e = error_of(engine().travel_points(request));
  EXPECT_EQ(e.at("code"), "unknown_field");
  EXPECT_EQ(e.at("field"), "events[0].kit");
}

TEST(Engine, DeepNesting_IsInvalidJsonNotAStackOverflow) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(error_of(engine().preview_cart(deep)).at("code"), "invalid_json");
}

TEST(Engine, ConfigSwap_ChangesVersionAndNumbers) {
  bj::value config = bj::parse(default_config_json());
  config.at_pointer("/cashback/pv_threshold") = 500;
  const auto swapped = Engine::from_config_json(bj::serialize(config));
  ASSERT_TRUE(swapped.ok());
  EXPECT_NE(swapped->version(), engine().version());
  const bj::value document = bj::parse(swapped->preview_cart(kCart));
  EXPECT_TRUE(document.at("unlocks_cashback").as_bool());
}

// Whatever bytes arrive, every operation answers with a JSON document: a result or an error.
TEST(Engine, RandomMutationsOfValidRequests_AlwaysAnswerWithJson) {
  std::mt19937 random(20261124);
  const std::string seeds[] = {kCart, R"({"clabe":"002180700123456788"})",
                               R"({"market":"US","now":"2026-03-08T08:00:00Z","orders":[{"id":"a","placed_at":"2026-03-01T12:00:00Z"}]})"};
  for (int i = 0; i < 3000; ++i) {
    std::string text = seeds[static_cast<std::size_t>(i) % 3];
    const int edits = 1 + static_cast<int>(random() % 4);
    for (int k = 0; k < edits; ++k) {
      const std::size_t at = random() % text.size();
      text[at] = static_cast<char>(random() % 128);
    }
    for (const std::string& response : {engine().preview_cart(text), engine().loyalty_status(text),
                                        engine().travel_points(text), engine().check_clabe(text)}) {
      boost::system::error_code ec;
      bj::parse(response, ec);
      ASSERT_FALSE(ec) << text << " → " << response;
    }
  }
}

}  // namespace
}  // namespace nnw::rules
