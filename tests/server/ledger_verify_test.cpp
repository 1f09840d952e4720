// The verify-ledger job (db/queries/ledger_verify.sql): a ledger made by every kind of write,
// with the shop's orders, cashbacks and loyalty reward it paid for, checks clean, and each of its checks finds the fault it is about, made by SQL with the
// database's own guards switched off (rolled back after).
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "ledger/verify.hpp"
#include "nnw/rules/calendar.hpp"
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

constexpr const char* kCatalogCsv =
    "sku,name,category,kit,pv,active,price_MXN,price_USD\n"
    "NN-OMEGA3,Omega 3 Plus,SUPLEMENTOS,NONE,350,true,599.00,35.00\n";
constexpr const char* kBank = R"("bank":{"bank_name":"BBVA México","holder_name":"Bruno Díaz Ortega","clabe":"002180700123456788"})";

class LedgerVerify : public ServerTest {
 protected:
  // A and B, with history of every kind: commissions deposited, a transfer each way, three
  // withdrawals (one cancelled, one paid, one rejected), an order paid partly from the wallet
  // and cancelled, one paid from it in full, and an adjustment each way. Then B's shop history
  // (paid outside the wallet): an order on days 1-7 of four months in a row, the fourth
  // crossing the cashback threshold (a loyalty reward, and a cashback), then one that spends
  // the cashback and is cancelled, which restores it.
  void make_every_kind_of_history() {
    a = server().create_member(member_uuid(1), "NN-1");
    b = server().create_member(member_uuid(2), "NN-2");
    server().fund(a, 500000);
    server().fund(b, 200000);
    expect_created({"POST", "/v1/transfers", R"({"to_member_number":"NN-2","amount_cents":12345})", member_token(a), "t-1", {}});
    expect_created({"POST", "/v1/transfers", R"({"to_member_number":"NN-1","amount_cents":345})", member_token(b), "t-2", {}});
    std::vector<std::string> withdrawals;
    for (int i = 1; i <= 3; ++i) {
      const auto made = expect_created({"POST", "/v1/withdrawals", R"({"amount_cents":)" + std::to_string(20000 * i) + "," + kBank + "}",
                                        member_token(a), "w-" + std::to_string(i), {}});
      withdrawals.push_back(std::to_string(made.json().at("withdrawal").at("id").as_int64()));
    }
    expect_ok({"POST", "/v1/withdrawals/" + withdrawals[0] + "/cancel", "", member_token(a), "w-c", {}});
    expect_ok({"POST", "/v1/admin/withdrawals/" + withdrawals[1] + "/approve", R"({"bank_reference":"SPEI-1"})", admin_token(), "w-a", {}});
    expect_ok({"POST", "/v1/admin/withdrawals/" + withdrawals[2] + "/reject", R"({"reason":"Titular no coincide"})", admin_token(), "w-r", {}});
    expect_ok({"PUT", "/v1/admin/catalog", kCatalogCsv, admin_token(), "catalog-1", {}});
    const std::string cancelled = buy(30000, "o-1");
    expect_ok({"POST", "/v1/orders/" + cancelled + "/cancel", "", member_token(b), "o-1-c", {}});
    buy(-1, "o-2");
    adjust(a, 700, "adj-1");
    adjust(b, -200, "adj-2");

    for (const char* at : {"2026-08-03T18:00:00Z", "2026-09-03T18:00:00Z", "2026-10-03T18:00:00Z"}) {
      pin(at);
      buy(0, std::string("o-") + at);
    }
    pin("2026-11-03T18:00:00Z");
    buy(0, "o-crossing", 9);  // 9 × 350 PV ≥ 2,930 PV
    pin("2026-11-04T18:00:00Z");
    const std::string spending = buy(0, "o-spending");
    expect_ok({"POST", "/v1/orders/" + spending + "/cancel", "", member_token(b), "o-spending-c", {}});
  }

  void pin(const char* utc) { server().app().pin_clock(*nnw::rules::parse_utc(utc)); }

  void adjust(const std::string& member, std::int64_t cents, const std::string& key) {
    const std::string body = R"({"member_id":")" + member + R"(","amount_cents":)" + std::to_string(cents) + R"(,"reason":"Ajuste"})";
    expect_created({"POST", "/v1/admin/adjustments", body, admin_token(), key, {}});
  }

  // B buys NN-OMEGA3, paying wallet_cents from the wallet (-1: all of it); the order's id.
  std::string buy(std::int64_t wallet_cents, const std::string& key, int quantity = 1) {
    const std::string lines = R"([{"sku":"NN-OMEGA3","quantity":)" + std::to_string(quantity) + "}]";
    const auto shown = server().call({"POST", "/v1/checkout/preview", R"({"lines":)" + lines + "}", member_token(b), {}, {}});
    EXPECT_EQ(shown.status, 200) << shown.body;
    const boost::json::value shown_json = shown.json();
    const auto& p = shown_json.at("preview");
    const std::int64_t total = p.at("total_cents").as_int64();
    const std::string body = R"({"lines":)" + lines + R"(,"wallet_cents":)" + std::to_string(wallet_cents < 0 ? total : wallet_cents) +
                             R"(,"rules_version":")" + std::string(p.at("rules_version").as_string()) +
                             R"(","displayed":{"subtotal_cents":)" + std::to_string(p.at("subtotal_cents").as_int64()) +
                             R"(,"discount_cents":)" + std::to_string(p.at("discount_cents").as_int64()) +
                             R"(,"shipping_cents":)" + std::to_string(p.at("shipping_cents").as_int64()) +
                             R"(,"total_cents":)" + std::to_string(total) + "}}";
    const auto done = expect_created({"POST", "/v1/orders", body, member_token(b), key, {}});
    return std::string(done.json().at("order").at("id").as_string());
  }

  HttpResult expect_created(const Call& call) { return expect_status(call, 201); }
  HttpResult expect_ok(const Call& call) { return expect_status(call, 200); }
  HttpResult expect_status(const Call& call, int status) {
    const auto result = server().call(call);
    EXPECT_EQ(result.status, status) << call.method << " " << call.target << ": " << result.body;
    return result;
  }

  std::string a, b;
};

TEST_F(LedgerVerify, ALedgerMadeByEveryKindOfWriteChecksClean) {
  make_every_kind_of_history();
  auto c = server().connect();
  const auto verification = server::ledger::verify_ledger(c);
  EXPECT_TRUE(verification.violated().empty()) << verification.json;
  EXPECT_TRUE(verification.examples.empty()) << verification.json;
  EXPECT_EQ(verification.wallets, 2);
  EXPECT_EQ(verification.entries, c.exec("SELECT count(*) FROM wallet_entries").int64(0, 0));
  EXPECT_EQ(verification.entries, 16) << verification.json;  // 2 deposits, 4 transfer legs, 3 holds, 2 releases, 3 order entries, 2 adjustments
  EXPECT_EQ(verification.total_cents, balance(a) + balance(b));
  // What the shop's checks read is there: orders with and without a discount, a cashback spent
  // and given back, and a reward with its event.
  EXPECT_EQ(c.exec("SELECT count(*) || ':' || count(*) FILTER (WHERE discount_cents > 0) FROM orders").text(0, 0), "7:1");
  EXPECT_EQ(c.exec("SELECT status || ':' || (SELECT string_agg(type, ',' ORDER BY id) FROM cashback_events) FROM cashbacks")
                .text(0, 0), "AVAILABLE:GENERATED,USED,RESTORED");
  EXPECT_EQ(c.exec("SELECT count(*) FROM loyalty_rewards r JOIN loyalty_events e USING (member_id, period) "
                   "WHERE e.type = 'REWARD' AND r.period = '2026-11'").int64(0, 0), 1);

  // Over HTTP (admin or service), with every check named and a gauge per check after it.
  const auto wall_seconds = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  const std::int64_t ran_from = wall_seconds();
  EXPECT_EQ(server().call({"GET", "/metrics", "", {}, {}, {}}).body.find("nnw_ledger_last_check_timestamp_seconds"),
            std::string::npos);  // none before a run here
  const auto run = server().call({"POST", "/v1/jobs/verify-ledger", "", admin_token(), {}, {}});
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(run.json().at("ok"), true);
  EXPECT_EQ(run.json().at("checks").as_object().size(), verification.checks.size());
  EXPECT_EQ(server().call({"POST", "/v1/jobs/verify-ledger", "", member_token(a), {}, {}}).status, 403);
  const auto metrics = server().call({"GET", "/metrics", "", {}, {}, {}});
  EXPECT_NE(metrics.body.find("nnw_ledger_violations{check=\"transfer_entries_unmatched\"} 0\n"), std::string::npos);
  // When it ran, in wall-clock seconds, so an alert can tell a check that stopped running.
  const std::string stamp = "\nnnw_ledger_last_check_timestamp_seconds ";
  const auto at = metrics.body.find(stamp);
  ASSERT_NE(at, std::string::npos) << metrics.body;
  const std::int64_t checked_at = std::stoll(metrics.body.substr(at + stamp.size()));
  EXPECT_GE(checked_at, ran_from);
  EXPECT_LE(checked_at, wall_seconds());
}

// Each fault is made in a transaction with the session's triggers off (a replica session
// fires none: the chain, balance and append-only guards stay out of the way), checked on the
// same connection, and rolled back. Every check but "negative", which a CHECK constraint
// guards even then, must find at least one of them.
TEST_F(LedgerVerify, EachCheckFindsTheFaultItIsAbout) {
  make_every_kind_of_history();
  struct Fault {
    const char* sql;
    std::vector<std::string> found_by;
    std::string named_as;  // how the first check's examples name the fault (the start of a label)
  };
  const std::vector<Fault> faults = {
      {"UPDATE transfers SET amount_cents = amount_cents - 1 WHERE id = (SELECT min(id) FROM transfers)",
       {"transfer_entries_unmatched", "type_totals_off"}, "TRANSFER_IN of "},
      {"UPDATE withdrawals SET status = 'RECHAZADO', bank_reference = NULL, decision_reason = 'x' WHERE status = 'PAGADO'",
       {"withdrawal_entries_unmatched", "conservation_off_cents"}, "WITHDRAWAL_RELEASE of "},
      {"UPDATE orders SET wallet_cents = wallet_cents - 1, external_cents = external_cents + 1 "
       "WHERE status = 'CONFIRMED' AND wallet_cents > 0",
       {"order_entries_unmatched"}, "ORDER_PAYMENT of "},
      {"UPDATE order_lines SET unit_price_cents = unit_price_cents - 1, total_cents = total_cents - 1 "
       "WHERE order_id = (SELECT id FROM orders WHERE status = 'CONFIRMED' AND wallet_cents > 0)",
       {"order_off_its_preview", "order_off_its_lines"}, "order "},
      {"UPDATE orders SET preview = jsonb_set(preview, '{lines,0,quantity}', '2') WHERE cart_pv = 3150",
       {"order_off_its_preview"}, "order "},
      {"UPDATE cashback_usage SET discount_cents = discount_cents - 1", {"cashback_off_its_order"}, "order "},
      {"UPDATE cashbacks SET value_cents = value_cents + 1", {"cashback_off_its_order"}, "cashback "},
      {"UPDATE cashbacks SET status = 'USED', used_by_order = (SELECT id FROM orders WHERE cart_pv = 3150)",
       {"cashback_off_its_order", "cashback_off_its_events"}, "cashback "},
      {"DELETE FROM loyalty_rewards", {"loyalty_reward_off_its_event"}, "NN-2 2026-11"},
      {"UPDATE commissions SET amount_cents = amount_cents + 1 WHERE id = (SELECT min(id) FROM commissions)",
       {"commission_entries_unmatched"}, "COMMISSION_DEPOSIT of "},
      {"UPDATE audit_log SET details = jsonb_set(details, '{amount_cents}', '701') WHERE action = 'wallet.adjust' "
       "AND (details->>'amount_cents')::bigint = 700",
       {"adjustment_entries_unmatched"}, "ADJUSTMENT_CREDIT of "},
      {"UPDATE wallets SET balance_cents = balance_cents + 1 WHERE id = (SELECT min(id) FROM wallets)", {"balance_not_sum"},
       "NN-1"},
      {"UPDATE wallet_entries SET balance_before_cents = balance_before_cents + 1, balance_after_cents = balance_after_cents + 1 "
       "WHERE seq = 2",
       {"chain_breaks"}, "NN-1 #2"},
      {"UPDATE wallet_entries SET currency = 'USD' WHERE id = (SELECT min(id) FROM wallet_entries)", {"entry_currency_off"},
       "NN-1 #1 USD"},
      {"UPDATE wallet_entries SET idempotency_key = 'the-same' WHERE type = 'WITHDRAWAL_HOLD'", {"key_twice"},
       "NN-1 WITHDRAWAL_HOLD the-same"},
      {"INSERT INTO commissions_pending SELECT min(commission_id) FROM wallet_entries WHERE type = 'COMMISSION_DEPOSIT'",
       {"deposited_still_pending"}, "commission "},
  };
  auto c = server().connect();
  std::set<std::string> found;
  server::ledger::LedgerVerification verification;
  for (const auto& fault : faults) {
    c.exec("BEGIN; SET LOCAL session_replication_role = replica");
    c.exec(fault.sql);
    verification = server::ledger::verify_ledger(c);
    c.exec("ROLLBACK");
    for (const auto& [check, count] : verification.violated()) found.insert(check);
    for (const auto& check : fault.found_by) {
      const auto named = std::find_if(verification.checks.begin(), verification.checks.end(),
                                      [&](const auto& named_check) { return named_check.first == check; });
      ASSERT_NE(named, verification.checks.end()) << "no check named " << check;
      EXPECT_NE(named->second, 0) << fault.sql << " was not found by " << check << ": " << verification.json;
    }
    // The report names what it found: a few labels per check, the fault's among them.
    const auto examples = std::find_if(verification.examples.begin(), verification.examples.end(),
                                       [&](const auto& e) { return e.first == fault.found_by.front(); });
    ASSERT_NE(examples, verification.examples.end()) << fault.sql << ": " << verification.json;
    EXPECT_LE(examples->second.size(), 5u);
    EXPECT_TRUE(std::any_of(examples->second.begin(), examples->second.end(),
                            [&](const std::string& label) { return label.rfind(fault.named_as, 0) == 0; }))
        << fault.sql << " is not named \"" << fault.named_as << "…\": " << verification.json;
    const auto violated = verification.violated();
    for (const auto& [check, labels] : verification.examples) {
      EXPECT_TRUE(std::any_of(violated.begin(), violated.end(), [&](const auto& v) { return v.first == check; }))
          << check << " has examples but found nothing";
    }
  }
  for (const auto& [check, count] : verification.checks) {
    if (check != "negative") {
      EXPECT_TRUE(found.count(check)) << "no fault here was found by " << check;
    }
  }
  // All rolled back: the ledger checks clean again.
  EXPECT_TRUE(server::ledger::verify_ledger(c).violated().empty());
}

// From the command line, a violation fails the run: exit status 4, the report on stdout.
TEST_F(LedgerVerify, TheCommandLineExitsWith4WhenACheckFails) {
  make_every_kind_of_history();
  const auto run_job = [&](int expected_status) {
    const auto run = server().run_job_command("verify-ledger");
    EXPECT_EQ(run.exit_status, expected_status) << run.report;
    return run.report;
  };
  EXPECT_NE(run_job(0).find("\"ok\":true"), std::string::npos);
  // A fault that stays (committed with the guards off): a transfer's recorded amount no longer
  // matches its entries.
  server().connect().exec("BEGIN; SET LOCAL session_replication_role = replica; "
                          "UPDATE transfers SET amount_cents = amount_cents - 1 WHERE id = (SELECT min(id) FROM transfers); COMMIT");
  const std::string report = run_job(4);
  EXPECT_NE(report.find("\"ok\":false"), std::string::npos) << report;
  // Both its legs are missing at the recorded amount, and both booked legs are too many.
  EXPECT_NE(report.find("\"transfer_entries_unmatched\":4"), std::string::npos) << report;
  EXPECT_NE(report.find("\"transfer_entries_unmatched\":[\"TRANSFER_IN of "), std::string::npos) << report;
}

}  // namespace
}  // namespace nnw::test_server
