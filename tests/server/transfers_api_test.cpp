// Transfers: limits, errors, idempotency, and concurrency against one PostgreSQL.
#include <atomic>
#include <set>
#include <thread>

#include "test_server.hpp"

namespace nnw::test_server {
namespace {

class TransfersApi : public ServerTest {
 protected:
  HttpResult transfer(const std::string& from, const std::string& to_number, std::int64_t cents, const std::string& key) {
    const std::string body = R"({"to_member_number":")" + to_number + R"(","amount_cents":)" + std::to_string(cents) + "}";
    return server().call({"POST", "/v1/transfers", body, member_token(from), key, {}});
  }
  std::int64_t sql_int(const std::string& sql) { return server().connect().exec(sql).int64(0, 0); }
};

TEST_F(TransfersApi, MovesMoneyAsTwoEntries) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 50000);
  const auto result = transfer(a, "NN-2", 12345, "t-1");
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.json().at("balance_cents").as_int64(), 50000 - 12345);
  EXPECT_EQ(balance(a), 50000 - 12345);
  EXPECT_EQ(balance(b), 12345);
  const auto entries = server().call({"GET", "/v1/members/me/wallet/entries", "", member_token(b), {}, {}});
  EXPECT_EQ(entries.json().at("entries").at(0).at("type"), "TRANSFER_IN");
  EXPECT_EQ(entries.json().at("entries").at(0).at("counterparty_member_number"), "NN-1");
}

TEST_F(TransfersApi, InsufficientFundsStatesBalanceAndShortfall) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 1000);
  const auto result = transfer(a, "NN-2", 1500, "t-1");
  ASSERT_EQ(result.status, 409) << result.body;
  EXPECT_EQ(result.json().at("error").at("code"), "insufficient_funds");
  EXPECT_EQ(result.json().at("error").at("balance_cents").as_int64(), 1000);
  EXPECT_EQ(result.json().at("error").at("shortfall_cents").as_int64(), 500);
  EXPECT_EQ(balance(a), 1000);
}

TEST_F(TransfersApi, BadAmountsAndBodies_Get4xxAndWriteNothing) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 1000);
  const char* bodies[] = {
      R"({"to_member_number":"NN-2","amount_cents":0})", R"({"to_member_number":"NN-2","amount_cents":-5})",
      R"({"to_member_number":"NN-2","amount_cents":9223372036854775808})", R"({"to_member_number":"NN-2","amount_cents":1.5})",
      R"({"to_member_number":"NN-2","amount_cents":"100"})", R"({"to_member_number":"NN-2"})",
      R"({"to_member_number":"NN-1","amount_cents":10})", R"({"to_member_number":"NN-9","amount_cents":10})",
      R"({"to_member_id":"'; DROP TABLE wallets; --","amount_cents":10})", R"({"amount_cents":10})",
      R"({"to_member_number":"NN-2","amount_cents":10,"surprise":true})", R"([1,2])", R"({"to_member_number":)",
      "\xff\xfe"};
  int key = 0;
  for (const char* body : bodies) {
    const auto result = server().call({"POST", "/v1/transfers", body, member_token(a), "bad-" + std::to_string(++key), {}});
    EXPECT_GE(result.status, 400) << body;
    EXPECT_LT(result.status, 500) << body << " → " << result.body;
    EXPECT_TRUE(result.json().at("error").at("code").is_string());
  }
  const auto no_key = server().call({"POST", "/v1/transfers", R"({"to_member_number":"NN-2","amount_cents":10})", member_token(a), {}, {}});
  EXPECT_EQ(no_key.status, 400);
  EXPECT_EQ(no_key.json().at("error").at("code"), "missing_idempotency_key");
  const auto huge = server().call({"POST", "/v1/transfers", std::string(200000, ' '), member_token(a), "huge", {}});
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(balance(a), 1000);
  EXPECT_EQ(sql_int("SELECT count(*) FROM transfers"), 0);
}

// Found by tests/stress (abuse sweep): libpq sends text parameters as C strings, so a U+0000
// cut "NN-2\u0000x" down to "NN-2" and the money went to a member the client never named.
TEST_F(TransfersApi, NulInAString_Is400InvalidValueAndMovesNothing) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 1000);
  const auto result = server().call({"POST", "/v1/transfers", R"({"to_member_number":"NN-2\u0000x","amount_cents":10,"note":"ok"})",
                                     member_token(a), "nul-1", {}});
  ASSERT_EQ(result.status, 400) << result.body;
  EXPECT_EQ(result.json().at("error").at("code"), "invalid_value");
  EXPECT_EQ(result.json().at("error").at("field"), "to_member_number");
  const auto in_note = server().call({"POST", "/v1/transfers", R"({"to_member_number":"NN-2","amount_cents":10,"note":"a\u0000b"})",
                                      member_token(a), "nul-2", {}});
  EXPECT_EQ(in_note.status, 400) << in_note.body;
  EXPECT_EQ(in_note.json().at("error").at("field"), "note");
  EXPECT_EQ(balance(a), 1000);
  EXPECT_EQ(balance(b), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM transfers"), 0);
}

TEST_F(TransfersApi, LimitsPerTransferPerDayAndPerMinute) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 30000000);
  auto result = transfer(a, "NN-2", 5000001, "over-max");  // max per transfer 50,000.00 MXN
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(result.json().at("error").at("code"), "limit_exceeded");
  ASSERT_EQ(transfer(a, "NN-2", 5000000, "d1").status, 201);
  ASSERT_EQ(transfer(a, "NN-2", 5000000, "d2").status, 201);
  result = transfer(a, "NN-2", 1, "d3");  // daily max 100,000.00 MXN reached
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(result.json().at("error").at("code"), "daily_limit_exceeded");
  EXPECT_EQ(result.json().at("error").at("remaining_cents").as_int64(), 0);

  const std::string c = server().create_member(member_uuid(3), "NN-3");
  server().fund(c, 100000);
  for (int i = 0; i < 5; ++i) ASSERT_EQ(transfer(c, "NN-2", 10, "m" + std::to_string(i)).status, 201);
  result = transfer(c, "NN-2", 10, "m5");  // 5 per minute
  EXPECT_EQ(result.status, 429);
  EXPECT_EQ(result.json().at("error").at("code"), "rate_limited");
  EXPECT_FALSE(result.header("retry-after").empty());
  EXPECT_GE(std::stoi(result.header("retry-after")), 1);
}

TEST_F(TransfersApi, SameKeyReplaysTheOriginalResponse_OtherBodyIs409) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 10000);
  const auto first = transfer(a, "NN-2", 100, "same");
  const auto replay = transfer(a, "NN-2", 100, "same");
  ASSERT_EQ(first.status, 201);
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  const auto reused = transfer(a, "NN-2", 200, "same");
  EXPECT_EQ(reused.status, 409);
  EXPECT_EQ(reused.json().at("error").at("code"), "idempotency_key_reused");
  EXPECT_EQ(balance(a), 9900);
}

TEST_F(TransfersApi, SameKeySentFiveTimesConcurrently_TakesEffectOnce) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 10000);
  std::vector<HttpResult> results(5);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) threads.emplace_back([&, i] { results[i] = transfer(a, "NN-2", 700, "race"); });
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.body, results[0].body);
  }
  EXPECT_EQ(balance(a), 9300);
  EXPECT_EQ(sql_int("SELECT count(*) FROM transfers"), 1);
}

class TransfersUnderLoad : public TransfersApi {
 protected:
  void SetUp() override { start(rules_with_high_transfer_limits()); }
};

TEST_F(TransfersUnderLoad, FiftyConnectionsHammeringOneWallet_KeepItExactAndNonNegative) {
  const std::string hot = server().create_member(member_uuid(1), "NN-1");
  std::vector<std::string> others;
  for (int i = 0; i < 10; ++i) others.push_back(server().create_member(member_uuid(100 + i), "NN-" + std::to_string(100 + i)));
  constexpr std::int64_t kStart = 100000;
  server().fund(hot, kStart);
  for (const auto& other : others) server().fund(other, 5000);
  std::atomic<std::int64_t> out_ok{0}, in_ok{0};
  std::atomic<int> server_errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 50; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 8; ++i) {
        const std::string key = "k-" + std::to_string(t) + "-" + std::to_string(i);
        const std::string& other = others[static_cast<std::size_t>(t) % others.size()];
        // Even threads drain the hot wallet in 700-cent steps (more than it holds); odd ones refill it.
        const auto r = t % 2 == 0 ? transfer(hot, "NN-" + std::to_string(100 + t % 10), 700, key)
                                  : transfer(other, "NN-1", 300, key);
        if (r.status >= 500) ++server_errors;
        if (r.status == 201) ++(t % 2 == 0 ? out_ok : in_ok);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(server_errors.load(), 0);
  EXPECT_EQ(balance(hot), kStart - 700 * out_ok.load() + 300 * in_ok.load());
  EXPECT_EQ(sql_int("SELECT count(*) FROM wallets WHERE balance_cents < 0"), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM wallets w WHERE balance_cents <> "
                    "(SELECT coalesce(sum(amount_cents), 0) FROM wallet_entries e WHERE e.wallet_id = w.id)"), 0);
  EXPECT_EQ(sql_int("SELECT sum(balance_cents) FROM wallets"), kStart + 10 * 5000);
}

TEST_F(TransfersUnderLoad, OppositeTransfersAtOnce_NeverSurfaceADeadlock) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 100000);
  server().fund(b, 100000);
  std::atomic<int> not_created{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const auto r = t % 2 ? transfer(a, "NN-2", 100, "ab-" + std::to_string(t) + "-" + std::to_string(i))
                             : transfer(b, "NN-1", 100, "ba-" + std::to_string(t) + "-" + std::to_string(i));
        if (r.status != 201) ++not_created;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(not_created.load(), 0);
  EXPECT_EQ(balance(a) + balance(b), 200000);
  EXPECT_EQ(balance(a), 100000);  // 80 each way, 100 cents each
}

}  // namespace
}  // namespace nnw::test_server
