// Checkout against a real PostgreSQL: catalog import, the authoritative preview, confirm with
// cashback generated and spent, stale-client 409s, concurrency on one cashback, cancellation,
// the cashback expiry job and the loyalty record over months (pinned business clock).
#include <boost/json.hpp>
#include <thread>

#include "ledger/verify.hpp"
#include "nnw/rules/calendar.hpp"
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

// Prices in MXN centavos; NN-KIT-FS is a Full Supplement kit. NN-ODD has an odd price.
constexpr const char* kCatalogCsv =
    "sku,name,category,kit,pv,active,price_MXN,price_USD\n"
    "NN-OMEGA3,Omega 3 Plus,SUPLEMENTOS,NONE,350,true,599.00,35.00\n"
    "NN-SERUM,\"Sérum facial, renovador\",CUIDADO_PIEL,NONE,520,true,899.00,52.00\n"
    "NN-KIT-FS,Kit Full Supplement,KITS,FULL_SUPPLEMENT,2600,true,4499.00,260.00\n"
    "NN-ODD,Producto impar,SUPLEMENTOS,NONE,1000,true,333.33,\n"
    "NN-RETIRED,Producto retirado,SUPLEMENTOS,NONE,100,false,100.00,\n";

class CheckoutApi : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    pin("2026-11-10T18:00:00Z");
    const auto imported = server().call({"PUT", "/v1/admin/catalog", kCatalogCsv, admin_token(), "catalog-1", {}});
    ASSERT_EQ(imported.status, 200) << imported.body;
    member = server().create_member(member_uuid(1), "NN-1");
    server().fund(member, 5000000);
  }

  // Whatever a test did through the API, its books end consistent: every order is its preview
  // and its lines, every cashback its order's and its events', every reward its event's.
  void TearDown() override {
    if (!HasFatalFailure()) {
      auto c = server().connect();
      const auto verification = server::ledger::verify_ledger(c);
      EXPECT_TRUE(verification.violated().empty()) << verification.json;
    }
    ServerTest::TearDown();
  }

  void pin(const char* utc) { server().app().pin_clock(*nnw::rules::parse_utc(utc)); }

  static std::string lines_json(const std::vector<std::pair<std::string, int>>& lines) {
    std::string out = "[";
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out += (i ? "," : "") + std::string(R"({"sku":")") + lines[i].first + R"(","quantity":)" + std::to_string(lines[i].second) + "}";
    }
    return out + "]";
  }

  HttpResult preview(const std::string& who, const std::string& lines) {
    return server().call({"POST", "/v1/checkout/preview", R"({"lines":)" + lines + "}", member_token(who), {}, {}});
  }

  // Confirms with exactly the numbers the preview showed (what a browser does).
  HttpResult confirm(const std::string& who, const std::string& lines, const boost::json::value& shown,
                     std::int64_t wallet_cents, const std::string& key, const std::string& rules_version = {}) {
    const auto& p = shown.at("preview");
    const std::string body = R"({"lines":)" + lines + R"(,"wallet_cents":)" + std::to_string(wallet_cents) +
                             R"(,"rules_version":")" +
                             (rules_version.empty() ? std::string(p.at("rules_version").as_string()) : rules_version) +
                             R"(","displayed":{"subtotal_cents":)" + std::to_string(p.at("subtotal_cents").as_int64()) +
                             R"(,"discount_cents":)" + std::to_string(p.at("discount_cents").as_int64()) +
                             R"(,"shipping_cents":)" + std::to_string(p.at("shipping_cents").as_int64()) +
                             R"(,"total_cents":)" + std::to_string(p.at("total_cents").as_int64()) + "}}";
    return server().call({"POST", "/v1/orders", body, member_token(who), key, {}});
  }

  // Preview then confirm, asserting both succeed.
  boost::json::value buy(const std::string& who, const std::string& lines, std::int64_t wallet_cents, const std::string& key) {
    const auto shown = preview(who, lines);
    EXPECT_EQ(shown.status, 200) << shown.body;
    const auto done = confirm(who, lines, shown.json(), wallet_cents, key);
    EXPECT_EQ(done.status, 201) << done.body;
    return done.json();
  }

  std::int64_t sql_int(const std::string& sql) { return server().connect().exec(sql).int64(0, 0); }
  std::string sql_text(const std::string& sql) { return std::string(server().connect().exec(sql).text(0, 0)); }

  std::string member;
};

TEST_F(CheckoutApi, PreviewIsTheRulesModuleOnTheServersOwnPricesAndState) {
  const auto shown = preview(member, lines_json({{"NN-OMEGA3", 2}}));
  ASSERT_EQ(shown.status, 200) << shown.body;
  const auto doc = shown.json();
  const auto& request = doc.at("rules_request");
  EXPECT_EQ(request.at("lines").at(0).at("unit_price_cents").as_int64(), 59900);  // from the catalog
  EXPECT_EQ(request.at("lines").at(0).at("unit_pv").as_int64(), 350);
  EXPECT_EQ(request.at("shipping_cents").as_int64(), 14900);
  EXPECT_EQ(request.at("now"), "2026-11-10T18:00:00Z");
  // The preview is the engine's document for that request, byte for byte.
  const std::string engine = server().app().rules().preview_cart(boost::json::serialize(request));
  EXPECT_EQ(boost::json::serialize(doc.at("preview")), boost::json::serialize(boost::json::parse(engine)));
  EXPECT_EQ(doc.at("preview").at("total_cents").as_int64(), 2 * 59900 + 14900);
}

TEST_F(CheckoutApi, CrossingMidLineWithBonusUnitsInTheSameOrder) {
  // 2,600 PV of kit, then Omega 3 at 350 PV: the first Omega unit reaches 2,950 ≥ 2,930.
  const std::string lines = lines_json({{"NN-KIT-FS", 1}, {"NN-OMEGA3", 3}});
  const auto order = buy(member, lines, 100000, "order-1");
  const auto& p = order.at("preview");
  EXPECT_TRUE(p.at("unlocks_cashback").as_bool());
  EXPECT_EQ(p.at("crossing").at("line").as_int64(), 1);
  EXPECT_EQ(p.at("crossing").at("unit").as_int64(), 1);
  // Value: 70% of 4,499.00 + 70% of 599.00 = 3,149.30 + 419.30.
  EXPECT_EQ(p.at("cashback_generated_cents").as_int64(), 314930 + 41930);
  // Two bonus Omega units at 70% off: round(0.7 × 59,900 × 2) = 83,860.
  EXPECT_EQ(p.at("discount_cents").as_int64(), 83860);
  EXPECT_EQ(order.at("order").at("total_cents").as_int64(), 449900 + 3 * 59900 - 83860 + 14900);
  EXPECT_EQ(order.at("order").at("external_cents").as_int64(), order.at("order").at("total_cents").as_int64() - 100000);
  // Booked: the cashback USED by its own crossing order, with its usage line.
  const std::string id(order.at("order").at("id").as_string());
  EXPECT_EQ(sql_text("SELECT status || ':' || value_cents FROM cashbacks"), "USED:356860");
  EXPECT_EQ(sql_text("SELECT line || ':' || discounted_units || ':' || discount_cents FROM cashback_usage"), "1:2:83860");
  EXPECT_EQ(sql_int("SELECT count(*) FROM cashback_events"), 2);  // GENERATED, USED
  EXPECT_EQ(sql_int("SELECT count(*) FROM order_lines WHERE order_id = '" + id + "'"), 2);
  EXPECT_EQ(balance(member), 5000000 - 100000);
  EXPECT_EQ(sql_text("SELECT rules_version FROM wallet_entries WHERE type = 'ORDER_PAYMENT'"),
            server().app().rules().version());
  // A second order in the period gets no new cashback (one per period).
  const auto next = buy(member, lines_json({{"NN-SERUM", 1}}), 0, "order-2");
  EXPECT_EQ(next.at("preview").at("discount_cents").as_int64(), 0);
  EXPECT_EQ(next.at("preview").at("cashback_in"), "USED");
}

TEST_F(CheckoutApi, NextOrderSpendsTheAvailableCashback) {
  // Exactly reaches 2,950 on the last unit: no bonus units, the cashback waits.
  const auto first = buy(member, lines_json({{"NN-KIT-FS", 1}, {"NN-OMEGA3", 1}}), 0, "order-1");
  EXPECT_EQ(first.at("preview").at("cashback_spend"), "NONE");
  EXPECT_EQ(sql_text("SELECT status FROM cashbacks"), "AVAILABLE");
  // The member hears about it, in the same transaction (the outbox).
  EXPECT_EQ(sql_text("SELECT kind || ':' || (payload->>'value_cents') FROM notifications WHERE kind = 'CASHBACK_UNLOCKED'"), "CASHBACK_UNLOCKED:356860");
  const auto second = buy(member, lines_json({{"NN-SERUM", 2}}), 0, "order-2");
  EXPECT_EQ(second.at("preview").at("cashback_spend"), "AVAILABLE_CASHBACK");
  EXPECT_EQ(second.at("preview").at("discount_cents").as_int64(), 125860);  // round(0.7 × 89,900 × 2)
  const auto cashback = server().call({"GET", "/v1/members/me/cashback", "", member_token(member), {}, {}});
  ASSERT_EQ(cashback.status, 200) << cashback.body;
  const auto cashbacks = cashback.json();
  const auto& c = cashbacks.at("cashbacks").at(0);
  EXPECT_EQ(c.at("status"), "USED");
  EXPECT_EQ(c.at("events").as_array().size(), 2u);
  EXPECT_EQ(c.at("events").at(1).at("type"), "USED");
  EXPECT_EQ(c.at("expires_at"), "2026-12-01T06:00:00Z");  // the end of November in Mexico City
}

TEST_F(CheckoutApi, TwoConcurrentConfirmsOnOneCashback_ExactlyOneWins) {
  buy(member, lines_json({{"NN-KIT-FS", 1}, {"NN-OMEGA3", 1}}), 0, "order-1");
  const std::string a = lines_json({{"NN-SERUM", 1}});
  const std::string b = lines_json({{"NN-OMEGA3", 2}});
  const auto shown_a = preview(member, a).json();
  const auto shown_b = preview(member, b).json();
  ASSERT_GT(shown_a.at("preview").at("discount_cents").as_int64(), 0);
  ASSERT_GT(shown_b.at("preview").at("discount_cents").as_int64(), 0);
  HttpResult ra, rb;
  std::thread ta([&] { ra = confirm(member, a, shown_a, 0, "race-a"); });
  std::thread tb([&] { rb = confirm(member, b, shown_b, 0, "race-b"); });
  ta.join();
  tb.join();
  const int wins = (ra.status == 201) + (rb.status == 201);
  EXPECT_EQ(wins, 1) << ra.body << "\n" << rb.body;
  const HttpResult& lost = ra.status == 201 ? rb : ra;
  EXPECT_EQ(lost.status, 409);
  EXPECT_EQ(lost.json().at("error").at("code"), "cashback_used");
  EXPECT_EQ(lost.json().at("error").at("preview").at("discount_cents").as_int64(), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM cashback_usage"), 1);
  EXPECT_EQ(sql_int("SELECT count(*) FROM orders"), 2);
}

TEST_F(CheckoutApi, ConfirmAfterTheMonthEnded_Is409ExpiredAndBooksNothing) {
  pin("2026-11-30T23:00:00Z");  // 17:00 on 30 November in Mexico City
  buy(member, lines_json({{"NN-KIT-FS", 1}, {"NN-OMEGA3", 1}}), 0, "order-1");
  const std::string lines = lines_json({{"NN-SERUM", 1}});
  const auto shown = preview(member, lines).json();
  ASSERT_EQ(shown.at("preview").at("discount_cents").as_int64(), 62930);
  pin("2026-12-01T06:00:00Z");  // 00:00 on 1 December local: the cashback's end
  const auto late = confirm(member, lines, shown, 0, "order-2");
  ASSERT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(late.json().at("error").at("code"), "cashback_expired");
  EXPECT_EQ(late.json().at("error").at("preview").at("cashback_in"), "EXPIRED");
  EXPECT_EQ(late.json().at("error").at("preview").at("discount_cents").as_int64(), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM orders"), 1);
  EXPECT_EQ(balance(member), 5000000);
  // The job records the expiry; running it again changes nothing.
  const auto job = server().call({"POST", "/v1/jobs/expire-cashbacks", "", admin_token(), {}, {}});
  ASSERT_EQ(job.status, 200) << job.body;
  EXPECT_EQ(job.json().at("cashbacks_expired").as_int64(), 1);
  const auto again = server().call({"POST", "/v1/jobs/expire-cashbacks", "", admin_token(), {}, {}});
  EXPECT_EQ(again.json().at("cashbacks_expired").as_int64(), 0);
  EXPECT_EQ(sql_text("SELECT status FROM cashbacks"), "EXPIRED");
}

TEST_F(CheckoutApi, StalePricesOrAnOldRulesVersion_Get409WithTheServersNumbers) {
  const std::string lines = lines_json({{"NN-OMEGA3", 2}});
  const auto shown = preview(member, lines).json();
  const auto old_rules = confirm(member, lines, shown, 0, "order-1", "0000000000000000");
  ASSERT_EQ(old_rules.status, 409) << old_rules.body;
  EXPECT_EQ(old_rules.json().at("error").at("code"), "rules_version_changed");
  EXPECT_EQ(old_rules.json().at("error").at("preview").at("rules_version"), server().app().rules().version().c_str());

  const auto repriced = server().call({"PUT", "/v1/admin/catalog",
                                       "sku,name,category,kit,pv,active,price_MXN\nNN-OMEGA3,Omega 3 Plus,SUPLEMENTOS,NONE,350,true,649.00\n",
                                       admin_token(), "catalog-2", {}});
  ASSERT_EQ(repriced.status, 200) << repriced.body;
  EXPECT_EQ(repriced.json().at("prices_changed").as_int64(), 1);
  const auto stale = confirm(member, lines, shown, 0, "order-2");
  ASSERT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.json().at("error").at("code"), "prices_changed");
  EXPECT_EQ(stale.json().at("error").at("preview").at("subtotal_cents").as_int64(), 2 * 64900);
  EXPECT_EQ(sql_int("SELECT count(*) FROM orders"), 0);
  EXPECT_EQ(balance(member), 5000000);
}

TEST_F(CheckoutApi, ConfirmIsIdempotentAndRefusesBadInput) {
  const std::string lines = lines_json({{"NN-OMEGA3", 1}});
  const auto shown = preview(member, lines).json();
  const auto first = confirm(member, lines, shown, 74800, "order-1");
  ASSERT_EQ(first.status, 201) << first.body;
  const auto replay = confirm(member, lines, shown, 74800, "order-1");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(sql_int("SELECT count(*) FROM orders"), 1);
  EXPECT_EQ(balance(member), 5000000 - 74800);

  const auto token = member_token(member);
  const std::vector<std::pair<std::string, std::string>> bad = {
      {R"({"lines":[],"wallet_cents":0,"rules_version":"x","displayed":{"subtotal_cents":0,"discount_cents":0,"shipping_cents":0,"total_cents":0}})", "out_of_range"},
      {R"({"lines":[{"sku":"NN-NOPE","quantity":1}],"wallet_cents":0,"rules_version":"x","displayed":{"subtotal_cents":0,"discount_cents":0,"shipping_cents":0,"total_cents":0}})", "unknown_product"},
      {R"({"lines":[{"sku":"NN-OMEGA3","quantity":0}],"wallet_cents":0,"rules_version":"x","displayed":{"subtotal_cents":0,"discount_cents":0,"shipping_cents":0,"total_cents":0}})", "out_of_range"},
      {R"({"lines":[{"sku":"NN-OMEGA3","quantity":1}],"wallet_cents":-1,"rules_version":"x","displayed":{"subtotal_cents":0,"discount_cents":0,"shipping_cents":0,"total_cents":0}})", "out_of_range"},
      {R"({"lines":[{"sku":"NN-OMEGA3","quantity":1,"unit_price_cents":1}],"wallet_cents":0,"rules_version":"x","displayed":{"subtotal_cents":0,"discount_cents":0,"shipping_cents":0,"total_cents":0}})", "unknown_field"},
      {R"({"lines":[{"sku":"NN-OMEGA3","quantity":1}],"wallet_cents":0,"rules_version":"x"})", "missing_field"},
      {R"({"lines":"NN-OMEGA3"})", "invalid_type"},
      {"{", "invalid_json"},
  };
  int n = 0;
  for (const auto& [body, code] : bad) {
    const auto result = server().call({"POST", "/v1/orders", body, token, "bad-" + std::to_string(++n), {}});
    EXPECT_GE(result.status, 400) << body;
    EXPECT_LT(result.status, 500) << body;
    EXPECT_EQ(result.json().at("error").at("code"), code.c_str()) << body << " → " << result.body;
  }
  const auto retired = confirm(member, lines_json({{"NN-RETIRED", 1}}), shown, 0, "retired");
  EXPECT_EQ(retired.status, 409);
  EXPECT_EQ(retired.json().at("error").at("code"), "product_unavailable");
  const auto too_much = confirm(member, lines, preview(member, lines).json(), 99999999, "too-much");
  EXPECT_EQ(too_much.json().at("error").at("code"), "out_of_range") << too_much.body;
  EXPECT_EQ(sql_int("SELECT count(*) FROM orders"), 1);
  EXPECT_EQ(balance(member), 5000000 - 74800);
}

// Found by tests/stress (abuse sweep): a U+0000 in a SKU broke the catalog lookup's array
// literal and the preview and the order answered 503 "retry" to input that can never succeed.
TEST_F(CheckoutApi, NulInASku_Is400InvalidValueNotA5xx) {
  const auto token = member_token(member);
  const auto previewed = server().call({"POST", "/v1/checkout/preview", R"({"lines":[{"sku":"NN-OMEGA3\u0000","quantity":1}]})", token, {}, {}});
  ASSERT_EQ(previewed.status, 400) << previewed.body;
  EXPECT_EQ(previewed.json().at("error").at("code"), "invalid_value");
  EXPECT_EQ(previewed.json().at("error").at("field"), "lines[0].sku");
  const auto ordered = server().call({"POST", "/v1/orders",
      R"({"lines":[{"sku":"NN-OMEGA3\u0000","quantity":1}],"wallet_cents":0,"rules_version":"x","displayed":{"subtotal_cents":0,"discount_cents":0,"shipping_cents":0,"total_cents":0}})",
      token, "nul-order", {}});
  EXPECT_EQ(ordered.status, 400) << ordered.body;
  EXPECT_EQ(ordered.json().at("error").at("code"), "invalid_value");
  EXPECT_EQ(sql_int("SELECT count(*) FROM orders"), 0);
}

TEST_F(CheckoutApi, InsufficientBalance_Is409WithBalanceAndShortfall) {
  const std::string poor = server().create_member(member_uuid(2), "NN-2");
  server().fund(poor, 10000);
  const std::string lines = lines_json({{"NN-OMEGA3", 1}});
  const auto result = confirm(poor, lines, preview(poor, lines).json(), 50000, "order-1");
  ASSERT_EQ(result.status, 409) << result.body;
  EXPECT_EQ(result.json().at("error").at("code"), "insufficient_funds");
  EXPECT_EQ(result.json().at("error").at("balance_cents").as_int64(), 10000);
  EXPECT_EQ(result.json().at("error").at("shortfall_cents").as_int64(), 40000);
  EXPECT_EQ(sql_int("SELECT count(*) FROM orders"), 0);
}

TEST_F(CheckoutApi, CancellingRefundsTheWalletPartAndRestoresTheCashback) {
  buy(member, lines_json({{"NN-KIT-FS", 1}, {"NN-OMEGA3", 1}}), 0, "order-1");
  const auto spent = buy(member, lines_json({{"NN-SERUM", 1}}), 20000, "order-2");
  const std::string id(spent.at("order").at("id").as_string());
  EXPECT_EQ(sql_text("SELECT status FROM cashbacks"), "USED");

  const std::string other = server().create_member(member_uuid(2), "NN-2");
  const auto foreign = server().call({"POST", "/v1/orders/" + id + "/cancel", "", member_token(other), "c-0", {}});
  EXPECT_EQ(foreign.status, 404);

  const auto cancelled = server().call({"POST", "/v1/orders/" + id + "/cancel", "", member_token(member), "c-1", {}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json().at("refunded_cents").as_int64(), 20000);
  EXPECT_EQ(cancelled.json().at("cashback_changes").at(0).at("event"), "RESTORED");
  EXPECT_EQ(balance(member), 5000000);
  EXPECT_EQ(sql_text("SELECT status FROM cashbacks"), "AVAILABLE");
  EXPECT_EQ(sql_int("SELECT count(*) FROM wallet_entries WHERE type = 'ORDER_REFUND' AND amount_cents = 20000"), 1);
  const auto twice = server().call({"POST", "/v1/orders/" + id + "/cancel", "", member_token(member), "c-2", {}});
  EXPECT_EQ(twice.status, 409);
  EXPECT_EQ(twice.json().at("error").at("code"), "already_cancelled");
  // The restored cashback is spendable again, on the next order.
  const auto again = buy(member, lines_json({{"NN-SERUM", 1}}), 0, "order-3");
  EXPECT_EQ(again.at("preview").at("cashback_spend"), "AVAILABLE_CASHBACK");
}

TEST_F(CheckoutApi, CancellingTheCrossingOrderRevokesItsUnspentCashback) {
  const auto crossing = buy(member, lines_json({{"NN-KIT-FS", 1}, {"NN-OMEGA3", 1}}), 0, "order-1");
  const std::string id(crossing.at("order").at("id").as_string());
  const auto cancelled = server().call({"POST", "/v1/orders/" + id + "/cancel", "", admin_token(), "c-1", {}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(sql_text("SELECT status FROM cashbacks"), "REVOKED");
  // Period PV is back to 0: the next crossing order generates this period's cashback anew.
  const auto recross = buy(member, lines_json({{"NN-KIT-FS", 1}, {"NN-OMEGA3", 2}}), 0, "order-2");
  EXPECT_TRUE(recross.at("preview").at("unlocks_cashback").as_bool());
  EXPECT_EQ(sql_int("SELECT count(*) FROM cashbacks WHERE status <> 'REVOKED'"), 1);
}

TEST_F(CheckoutApi, FourMonthLoyaltyRunWithAMissedMonthInBetween) {
  const std::string lines = lines_json({{"NN-OMEGA3", 1}});
  int n = 0;
  // January and February earn; March is missed (reset); April to July earn four in a row.
  for (const char* at : {"2026-01-03T18:00:00Z", "2026-02-03T18:00:00Z", "2026-04-02T18:00:00Z", "2026-05-02T18:00:00Z",
                         "2026-06-02T18:00:00Z", "2026-07-02T18:00:00Z"}) {
    pin(at);
    buy(member, lines, 0, "loyal-" + std::to_string(++n));
  }
  pin("2026-07-20T18:00:00Z");
  const auto loyalty = server().call({"GET", "/v1/members/me/loyalty", "", member_token(member), {}, {}});
  ASSERT_EQ(loyalty.status, 200) << loyalty.body;
  const auto loyalty_doc = loyalty.json();
  const auto& status = loyalty_doc.at("status");
  EXPECT_EQ(status.at("points").as_int64(), 0);  // 100 reached in July: a new cycle
  EXPECT_EQ(status.at("consecutive_months").as_int64(), 4);
  EXPECT_EQ(sql_int("SELECT count(*) FROM loyalty_events WHERE type = 'RESET' AND period = '2026-03'"), 1);
  EXPECT_EQ(sql_int("SELECT count(*) FROM loyalty_events WHERE type = 'ACCRUAL'"), 6);
  EXPECT_EQ(sql_int("SELECT count(*) FROM loyalty_events WHERE type = 'REWARD' AND period = '2026-07'"), 1);
  const auto& rewards = loyalty_doc.at("rewards");
  ASSERT_EQ(rewards.as_array().size(), 1u);
  EXPECT_EQ(rewards.at(0).at("status"), "PENDIENTE");
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications WHERE kind = 'LOYALTY_REWARD_EARNED'"), 1);
  const std::string reward_id = std::to_string(rewards.at(0).at("id").as_int64());

  const auto not_chosen = server().call({"POST", "/v1/admin/loyalty/rewards/" + reward_id + "/deliver", "", admin_token(), "d-0", {}});
  EXPECT_EQ(not_chosen.status, 409);
  const auto bad_choice = server().call({"POST", "/v1/loyalty/rewards/" + reward_id + "/choose", R"({"reward":"YATE"})", member_token(member), "ch-0", {}});
  EXPECT_EQ(bad_choice.status, 400);
  const auto chosen = server().call({"POST", "/v1/loyalty/rewards/" + reward_id + "/choose", R"({"reward":"KIT_BIENESTAR"})", member_token(member), "ch-1", {}});
  ASSERT_EQ(chosen.status, 200) << chosen.body;
  EXPECT_EQ(chosen.json().at("status"), "ELEGIDA");
  const std::string other = server().create_member(member_uuid(2), "NN-2");
  const auto foreign = server().call({"POST", "/v1/loyalty/rewards/" + reward_id + "/choose", R"({"reward":"KIT_BIENESTAR"})", member_token(other), "ch-2", {}});
  EXPECT_EQ(foreign.status, 409);
  const auto delivered = server().call({"POST", "/v1/admin/loyalty/rewards/" + reward_id + "/deliver", "", admin_token(), "d-1", {}});
  ASSERT_EQ(delivered.status, 200) << delivered.body;
  EXPECT_EQ(delivered.json().at("status"), "ENTREGADA");
}

TEST_F(CheckoutApi, DayEightJobTwiceAndLate_RecordsTheSameReset) {
  pin("2026-10-03T18:00:00Z");
  buy(member, lines_json({{"NN-OMEGA3", 1}}), 0, "october");
  const auto run_at = [&](const char* at) {
    pin(at);
    const auto job = server().call({"POST", "/v1/jobs/record-loyalty", "", admin_token(), {}, {}});
    EXPECT_EQ(job.status, 200) << job.body;
    return job.json().at("resets_recorded").as_int64();
  };
  EXPECT_EQ(run_at("2026-11-08T05:59:59Z"), 0);  // 23:59:59 on day 7: the window is still open
  EXPECT_EQ(run_at("2026-11-08T06:00:00Z"), 1);  // 00:00 on day 8: November's window closed empty
  EXPECT_EQ(run_at("2026-11-08T06:00:00Z"), 0);
  EXPECT_EQ(run_at("2026-11-20T12:00:00Z"), 0);  // late: nothing new
  EXPECT_EQ(sql_text("SELECT period || ':' || points_before || ':' || points_after || ':' ||"
                     " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM loyalty_events WHERE type = 'RESET'"),
            "2026-11:25:0:2026-11-08T06:00:00Z");
  // A job that ran late for the first time books exactly the same row.
  start();
  pin("2026-10-03T18:00:00Z");
  ASSERT_EQ(server().call({"PUT", "/v1/admin/catalog", kCatalogCsv, admin_token(), "catalog-1", {}}).status, 200);
  member = server().create_member(member_uuid(1), "NN-1");
  buy(member, lines_json({{"NN-OMEGA3", 1}}), 0, "october");
  EXPECT_EQ(run_at("2026-11-25T12:00:00Z"), 1);
  EXPECT_EQ(sql_text("SELECT period || ':' || points_before || ':' || points_after || ':' ||"
                     " to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM loyalty_events WHERE type = 'RESET'"),
            "2026-11:25:0:2026-11-08T06:00:00Z");
}

TEST_F(CheckoutApi, CancellationInsideTheWindowReversesTheAccrual) {
  pin("2026-11-02T18:00:00Z");
  const auto order = buy(member, lines_json({{"NN-OMEGA3", 1}}), 0, "order-1");
  EXPECT_EQ(order.at("loyalty_recorded").at(0).at("type"), "ACCRUAL");
  const std::string id(order.at("order").at("id").as_string());
  const auto cancelled = server().call({"POST", "/v1/orders/" + id + "/cancel", "", member_token(member), "c-1", {}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json().at("loyalty_recorded").at(0).at("type"), "ACCRUAL_REVERSED");
  // Another order in the window earns the period's points instead.
  const auto replacement = buy(member, lines_json({{"NN-SERUM", 1}}), 0, "order-2");
  EXPECT_EQ(replacement.at("loyalty_recorded").at(0).at("type"), "ACCRUAL");
}

TEST_F(CheckoutApi, EveryJobTwiceInParallel_SameOutcome) {
  pin("2026-10-03T18:00:00Z");
  buy(member, lines_json({{"NN-KIT-FS", 1}, {"NN-OMEGA3", 1}}), 0, "october");
  pin("2026-11-09T12:00:00Z");
  for (const char* job : {"expire-cashbacks", "record-loyalty"}) {
    HttpResult a, b;
    std::thread ta([&] { a = server().call({"POST", std::string("/v1/jobs/") + job, "", admin_token(), {}, {}}); });
    std::thread tb([&] { b = server().call({"POST", std::string("/v1/jobs/") + job, "", admin_token(), {}, {}}); });
    ta.join();
    tb.join();
    for (const auto* r : {&a, &b}) EXPECT_TRUE(r->status == 200 || (r->status == 409 && r->json().at("error").at("code") == "job_running")) << r->body;
  }
  EXPECT_EQ(sql_int("SELECT count(*) FROM cashback_events WHERE type = 'EXPIRED'"), 1);
  EXPECT_EQ(sql_int("SELECT count(*) FROM loyalty_events WHERE type = 'RESET'"), 1);
}

TEST_F(CheckoutApi, CatalogIsVersionedAndCacheable) {
  const auto catalog = server().call({"GET", "/v1/catalog?currency=MXN", "", {}, {}, {}});
  ASSERT_EQ(catalog.status, 200) << catalog.body;
  const auto catalog_doc = catalog.json();
  const auto& products = catalog_doc.at("products").as_array();
  EXPECT_EQ(products.size(), 4u);  // the retired product is not listed
  const std::string etag = catalog.header("etag");
  const auto again = server().call({"GET", "/v1/catalog?currency=MXN", "", {}, {}, {{"If-None-Match", etag}}});
  EXPECT_EQ(again.status, 304);
  // Re-importing the same file changes nothing, not even the version.
  const auto same = server().call({"PUT", "/v1/admin/catalog", kCatalogCsv, admin_token(), "catalog-again", {}});
  EXPECT_EQ(same.json().at("products_changed").as_int64(), 0);
  EXPECT_EQ(same.json().at("catalog_version").as_int64(), catalog.json().at("catalog_version").as_int64());
  const auto bad = server().call({"PUT", "/v1/admin/catalog", "sku,name,category,kit,pv,active,price_MXN\nNN-X,X,SUPLEMENTOS,NONE,1,true,5.5\n",
                                  admin_token(), "catalog-bad", {}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json().at("error").at("field"), "line 2: price_MXN");
  const auto forbidden = server().call({"PUT", "/v1/admin/catalog", kCatalogCsv, member_token(member), "catalog-m", {}});
  EXPECT_EQ(forbidden.status, 403);
}

TEST_F(CheckoutApi, KitsCreditTheSponsorsTravelPointsAndCancellingTakesThemBack) {
  const auto campaign = server().call({"POST", "/v1/admin/travel/campaigns",
                                       R"({"id":"2026-S2","name":"NN Travel 2026-S2","starts_at":"2026-07-01T06:00:00Z",)"
                                       R"("ends_at":"2027-01-01T06:00:00Z","promo_windows":[]})",
                                       admin_token(), "campaign-1", {}});
  ASSERT_EQ(campaign.status, 201) << campaign.body;
  const std::string sponsor = member;
  auto c = server().connect();
  const std::string buyer = server().create_member(member_uuid(2), "NN-2");
  c.exec("UPDATE members SET sponsor_id = '" + sponsor + "' WHERE id = '" + buyer + "'");
  const auto order = buy(buyer, lines_json({{"NN-KIT-FS", 2}, {"NN-OMEGA3", 1}}), 0, "kits-1");
  EXPECT_EQ(order.at("sponsor_kit_events").as_int64(), 2);  // one event per kit unit
  const auto travel = [&] {
    const auto r = server().call({"GET", "/v1/members/me/travel", "", member_token(sponsor), {}, {}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  };
  EXPECT_EQ(travel().at("points").as_int64(), 2);  // Full Supplement: 1 point each, base column
  const std::string id(order.at("order").at("id").as_string());
  const auto cancelled = server().call({"POST", "/v1/orders/" + id + "/cancel", "", member_token(buyer), "c-1", {}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json().at("sponsor_kit_events_revoked").as_int64(), 2);
  EXPECT_EQ(travel().at("points").as_int64(), 0);
}

TEST_F(CheckoutApi, ReportsSumWhatWasBooked_AsJsonAndCsv) {
  buy(member, lines_json({{"NN-KIT-FS", 1}, {"NN-OMEGA3", 3}}), 0, "order-1");  // generated and used: 83,860 off
  pin("2026-12-02T18:00:00Z");
  buy(member, lines_json({{"NN-KIT-FS", 1}, {"NN-OMEGA3", 1}}), 0, "order-2");  // December's, still available
  const auto report = server().call({"GET", "/v1/admin/reports/cashback?from=2026-11&to=2026-12", "", admin_token(), {}, {}});
  ASSERT_EQ(report.status, 200) << report.body;
  const auto doc = report.json();
  const auto& rows = doc.at("rows").as_array();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.at(0).at("period"), "2026-11");
  EXPECT_EQ(rows.at(0).at("used").as_int64(), 1);
  EXPECT_EQ(rows.at(0).at("generated_cents").as_int64(), 356860);
  EXPECT_EQ(rows.at(0).at("discount_given_cents").as_int64(), 83860);
  EXPECT_EQ(rows.at(1).at("available").as_int64(), 1);
  const auto csv = server().call({"GET", "/v1/admin/reports/cashback?from=2026-11&to=2026-11&format=csv", "", admin_token(), {}, {}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.substr(0, csv.body.find("\r\n")),
            "period,currency,generated,generated_cents,used,discount_given_cents,expired,expired_cents,available,available_cents,revoked");
  EXPECT_NE(csv.body.find("\"2026-11\",\"MXN\",1,356860,1,83860,0,0,0,0,0"), std::string::npos) << csv.body;
  const auto commissions = server().call({"GET", "/v1/admin/reports/commissions", "", admin_token(), {}, {}});
  ASSERT_EQ(commissions.status, 200) << commissions.body;
  EXPECT_EQ(commissions.json().at("rows").at(0).at("paid_cents").as_int64(), 5000000);
  EXPECT_EQ(server().call({"GET", "/v1/admin/reports/cashback?from=2026-13", "", admin_token(), {}, {}}).status, 400);
  EXPECT_EQ(server().call({"GET", "/v1/admin/reports/nope", "", admin_token(), {}, {}}).status, 404);
  EXPECT_EQ(server().call({"GET", "/v1/admin/reports/cashback", "", member_token(member), {}, {}}).status, 403);
}

}  // namespace
}  // namespace nnw::test_server
