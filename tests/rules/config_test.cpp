#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "nnw/rules/config.hpp"
#include "test_support.hpp"

namespace nnw::rules {
namespace {

namespace bj = boost::json;

std::string with_change(const std::string& pointer, bj::value replacement) {
  bj::value document = bj::parse(default_config_json());
  document.at_pointer(pointer) = std::move(replacement);
  return bj::serialize(document);
}

TEST(Config, Default_LoadsWithTheRulesTables) {
  const RulesConfig& config = testing::default_config();
  EXPECT_EQ(config.cashback.pv_threshold, 2930);
  EXPECT_EQ(config.cashback.discount_bp, 7000);
  EXPECT_EQ(config.loyalty.points_per_period, 25);
  EXPECT_EQ(config.loyalty.goal_points, 100);
  EXPECT_EQ(config.travel.target_points, 200);
  ASSERT_EQ(config.travel.ranks.size(), 8u);
  EXPECT_EQ(config.travel.ranks[5].points.promo, 200);
  EXPECT_EQ(config.travel.kit_points[static_cast<std::size_t>(Kit::full_protect)].promo, 8);
  ASSERT_NE(config.find_market("MX"), nullptr);
  EXPECT_EQ(config.find_market("MX")->zone.std_offset_s, -6 * 3600);
  EXPECT_TRUE(config.find_market("US")->zone.has_dst);
  EXPECT_EQ(config.version.size(), 16u);
}

TEST(Config, Version_IsAHashOfContentNotOfFormatting) {
  const auto compact = load_config(bj::serialize(bj::parse(default_config_json())));
  ASSERT_TRUE(compact.ok());
  EXPECT_EQ(compact->version, testing::default_config().version);
  const auto changed = load_config(with_change("/cashback/pv_threshold", 3000));
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(changed->version, testing::default_config().version);
  EXPECT_EQ(changed->version, sha256_hex(changed->canonical_json).substr(0, 16));
}

TEST(Config, Sha256_MatchesKnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

struct BadConfig {
  const char* pointer;
  int value;  // replaced as an integer or, for strings, ignored
  const char* field;
};

TEST(Config, OutOfRangeValues_AreRefusedNamingTheKey) {
  const BadConfig cases[] = {
      {"/cashback/pv_threshold", -1, "cashback.pv_threshold"},
      {"/cashback/discount_bp", 10001, "cashback.discount_bp"},
      {"/loyalty/window_last_day", 0, "loyalty.window_last_day"},
      {"/loyalty/goal_points", 10, "loyalty.goal_points"},
      {"/travel/ranks/2/base", -5, "travel.ranks[2].base"},
      {"/limits/cart_lines_max", 0, "limits.cart_lines_max"},
      {"/schema", 2, "schema"},
  };
  for (const auto& c : cases) {
    const auto loaded = load_config(with_change(c.pointer, c.value));
    ASSERT_FALSE(loaded.ok()) << c.pointer;
    EXPECT_EQ(loaded.error().code, ErrorCode::invalid_config);
    EXPECT_EQ(loaded.error().field, c.field);
  }
}

TEST(Config, LimitsThatCouldLeaveTheSafeIntegerRange_AreRefused) {
  const auto loaded = load_config(with_change("/limits/unit_price_cents_max", bj::value(9007199254740991)));
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.error().field, "limits");
}

TEST(Config, MalformedDocuments_AreRefused) {
  EXPECT_FALSE(load_config("").ok());
  EXPECT_FALSE(load_config("[]").ok());
  EXPECT_FALSE(load_config("{\"schema\":1}").ok());
  EXPECT_EQ(load_config(with_change("/markets/1/posix_tz", bj::value("Mars/Olympus"))).error().field, "markets[1].posix_tz");
  EXPECT_EQ(load_config(with_change("/markets/1/code", bj::value("MX"))).error().field, "markets[1].code");
  EXPECT_EQ(load_config(with_change("/cashback/discount_bp", bj::value(0.7))).error().field, "cashback.discount_bp");
  bj::value extra = bj::parse(default_config_json());
  extra.as_object()["surprise"] = 1;
  EXPECT_EQ(load_config(bj::serialize(extra)).error().field, "surprise");
}

}  // namespace
}  // namespace nnw::rules
