// Commission intake from the service role and the deposit job.
#include <thread>

#include "ledger/commissions.hpp"
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

class CommissionsApi : public ServerTest {
 protected:
  std::string commission(const std::string& external_id, const std::string& member, std::int64_t cents) {
    return R"({"external_id":")" + external_id + R"(","member_id":")" + member +
           R"(","bonus_type":"BONO_RAPIDO","period":"2026-11","amount_cents":)" + std::to_string(cents) +
           R"(,"currency":"MXN","source_amount_cents":)" + std::to_string(cents) +
           R"(,"source_currency":"MXN","rate_micros":1000000})";
  }
  std::int64_t count(const std::string& sql) { return server().connect().exec(sql).int64(0, 0); }
};

TEST_F(CommissionsApi, BulkIntakeRecordsOnceAndReportsDuplicates) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string body = R"({"commissions":[)" + commission("c-1", a, 1000) + "," + commission("c-2", a, 2000) + "]}";
  auto result = server().call({"POST", "/v1/commissions", body, service_token(), "batch-1", {}});
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.json().at("recorded").as_array().size(), 2u);
  // The engine resends an overlapping batch under a new key: known ids are duplicates.
  const std::string again = R"({"commissions":[)" + commission("c-2", a, 2000) + "," + commission("c-3", a, 3000) + "]}";
  result = server().call({"POST", "/v1/commissions", again, service_token(), "batch-2", {}});
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.json().at("duplicates").as_array().size(), 1u);
  EXPECT_EQ(count("SELECT count(*) FROM commissions"), 3);
}

TEST_F(CommissionsApi, BadCommissionsAreRefusedAndNothingIsWritten) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const struct { std::string body; std::string field; } cases[] = {
      {R"({"commissions":[)" + commission("ok", a, 1000) + "," + commission("bad", a, -5) + "]}", "commissions[1].amount_cents"},
      {commission("x", a, 0), "amount_cents"},
      {commission("x", member_uuid(99), 100), "member_id"},
      {R"({"external_id":"x","member_id":")" + a + R"(","bonus_type":"B","period":"2026-13","amount_cents":1,"currency":"MXN","source_amount_cents":1,"source_currency":"MXN","rate_micros":1})", "period"},
      {R"({"external_id":"x","member_id":")" + a + R"(","bonus_type":"B","period":"2026-11","amount_cents":"1","currency":"MXN","source_amount_cents":1,"source_currency":"MXN","rate_micros":1})", "amount_cents"},
      {R"({"external_id":"x","member_id":")" + a + R"(","bonus_type":"B","period":"2026-11","amount_cents":99999999999999999999,"currency":"MXN","source_amount_cents":1,"source_currency":"MXN","rate_micros":1})", "amount_cents"},
      {commission("x", a, 100).replace(commission("x", a, 100).find("MXN"), 3, "USD"), "currency"},
  };
  int key = 0;
  for (const auto& c : cases) {
    const auto result = server().call({"POST", "/v1/commissions", c.body, service_token(), "bad-" + std::to_string(++key), {}});
    EXPECT_EQ(result.status, 400) << c.body << " → " << result.body;
    if (result.status == 400) {
      EXPECT_EQ(result.json().at("error").at("field").as_string(), c.field) << result.body;
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM commissions"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys"), 0);
}

TEST_F(CommissionsApi, DepositJobPaysEachCommissionExactlyOnce) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  for (int batch = 0; batch < 3; ++batch) {  // 100 per request keeps each body under 64 KiB
    std::string body = R"({"commissions":[)";
    for (int i = batch * 100; i < batch * 100 + 100; ++i) {
      body += (i % 100 ? "," : "") + commission("c-" + std::to_string(i), i % 3 ? a : b, 100 + i);
    }
    body += "]}";
    ASSERT_EQ(server().call({"POST", "/v1/commissions", body, service_token(), "big-" + std::to_string(batch), {}}).status, 201);
  }
  // Two runners at once: one runs, the other is told the job is busy, or finds nothing left.
  std::vector<int> statuses(2);
  std::vector<std::thread> runners;
  for (int i = 0; i < 2; ++i) {
    runners.emplace_back([&, i] { statuses[static_cast<std::size_t>(i)] = server().call({"POST", "/v1/jobs/deposit-commissions", "", admin_token(), {}, {}}).status; });
  }
  for (auto& r : runners) r.join();
  for (const int s : statuses) EXPECT_TRUE(s == 200 || s == 409) << s;
  const auto again = server().call({"POST", "/v1/jobs/deposit-commissions", "", admin_token(), {}, {}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.json().at("commissions_deposited").as_int64(), 0);
  std::int64_t expected_a = 0, expected_b = 0;
  for (int i = 0; i < 300; ++i) (i % 3 ? expected_a : expected_b) += 100 + i;
  EXPECT_EQ(balance(a), expected_a);
  EXPECT_EQ(balance(b), expected_b);
  EXPECT_EQ(count("SELECT count(*) FROM commissions_with_status WHERE status = 'PAID'"), 300);
  EXPECT_EQ(count("SELECT count(*) FROM wallet_entries WHERE type = 'COMMISSION_DEPOSIT'"), 300);
  EXPECT_EQ(count("SELECT count(*) FROM wallets w WHERE balance_cents <> "
                  "(SELECT coalesce(sum(amount_cents), 0) FROM wallet_entries e WHERE e.wallet_id = w.id)"), 0);
}

TEST_F(CommissionsApi, DepositWorkersSideBySidePayEachCommissionOnce) {
  std::vector<std::string> members;
  for (int m = 0; m < 20; ++m) members.push_back(server().create_member(member_uuid(m + 1), "NN-" + std::to_string(m + 1)));
  for (int batch = 0; batch < 6; ++batch) {
    std::string body = R"({"commissions":[)";
    for (int i = batch * 100; i < batch * 100 + 100; ++i) {
      body += (i % 100 ? "," : "") + commission("w-" + std::to_string(i), members[static_cast<std::size_t>(i % 20)], 100 + i);
    }
    body += "]}";
    ASSERT_EQ(server().call({"POST", "/v1/commissions", body, service_token(), "w-" + std::to_string(batch), {}}).status, 201);
  }
  // Three workers, 7 commissions a batch: about 86 small batches contending for 20 wallets.
  auto connection = server().connect();
  const auto report = server::ledger::deposit_pending_commissions(connection, server().database_url(), 3, 7, 1000);
  EXPECT_TRUE(report.ran);
  EXPECT_EQ(report.commissions, 600);
  EXPECT_EQ(report.batches, (600 + 6) / 7);
  std::int64_t total = 0;
  for (int i = 0; i < 600; ++i) total += 100 + i;
  EXPECT_EQ(report.amount_cents, total);
  EXPECT_EQ(count("SELECT count(*) FROM commissions_with_status WHERE status = 'PAID'"), 600);
  EXPECT_EQ(count("SELECT count(DISTINCT commission_id) FROM wallet_entries WHERE type = 'COMMISSION_DEPOSIT'"), 600);
  EXPECT_EQ(count("SELECT sum(balance_cents) FROM wallets"), total);
  EXPECT_EQ(count("SELECT count(*) FROM wallets w WHERE balance_cents <> "
                  "(SELECT coalesce(sum(amount_cents), 0) FROM wallet_entries e WHERE e.wallet_id = w.id)"), 0);
  const auto again = server::ledger::deposit_pending_commissions(connection, server().database_url(), 3, 7, 1000);
  EXPECT_EQ(again.commissions, 0);
}

}  // namespace
}  // namespace nnw::test_server
