// Wallet reads: balance, history pagination and filters, CSV export; admin adjustments.
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

class WalletApi : public ServerTest {};

TEST_F(WalletApi, HistoryIsNewestFirstWithKeysetPagination) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  for (int i = 1; i <= 5; ++i) server().fund(a, 100 * i);
  auto page = server().call({"GET", "/v1/members/me/wallet/entries?limit=2", "", member_token(a), {}, {}});
  ASSERT_EQ(page.status, 200) << page.body;
  auto json = page.json();
  ASSERT_EQ(json.at("entries").as_array().size(), 2u);
  EXPECT_EQ(json.at("entries").at(0).at("amount_cents").as_int64(), 500);
  EXPECT_EQ(json.at("entries").at(0).at("balance_after_cents").as_int64(), 1500);
  const std::int64_t next = json.at("next_before").as_int64();
  page = server().call({"GET", "/v1/members/me/wallet/entries?limit=2&before=" + std::to_string(next), "", member_token(a), {}, {}});
  json = page.json();
  EXPECT_EQ(json.at("entries").at(0).at("amount_cents").as_int64(), 300);
  page = server().call({"GET", "/v1/members/me/wallet/entries?limit=10", "", member_token(a), {}, {}});
  EXPECT_TRUE(page.json().at("next_before").is_null());
  // Each entry's balance_before is the previous (older) entry's balance_after.
  const auto all = page.json();
  const auto& entries = all.at("entries").as_array();
  for (std::size_t i = 0; i + 1 < entries.size(); ++i) {
    EXPECT_EQ(entries[i].at("balance_before_cents"), entries[i + 1].at("balance_after_cents"));
  }
}

// Pages go by seq (0023); a cursor that is no entry of the member's wallet (another wallet's
// entry id, or none at all) still means "entries with a lower id", and shows nothing else.
TEST_F(WalletApi, ACursorFromAnotherWalletStillMeansOlderEntriesOfYourOwn) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  for (int i = 1; i <= 3; ++i) server().fund(a, 100 * i);
  server().fund(b, 7);
  for (int i = 4; i <= 5; ++i) server().fund(a, 100 * i);
  const auto b_entries = server().call({"GET", "/v1/members/me/wallet/entries", "", member_token(b), {}, {}});
  ASSERT_EQ(b_entries.status, 200) << b_entries.body;
  const std::int64_t b_entry = b_entries.json().at("entries").at(0).at("id").as_int64();
  const auto amounts = [&](const std::string& query) {
    const auto page = server().call({"GET", "/v1/members/me/wallet/entries" + query, "", member_token(a), {}, {}});
    const auto json = page.json();
    std::vector<std::int64_t> out;
    for (const auto& entry : json.at("entries").as_array()) out.push_back(entry.at("amount_cents").as_int64());
    return out;
  };
  EXPECT_EQ(amounts("?before=" + std::to_string(b_entry)), (std::vector<std::int64_t>{300, 200, 100}));
  EXPECT_EQ(amounts("?before=" + std::to_string(b_entry) + "&limit=2"), (std::vector<std::int64_t>{300, 200}));
  EXPECT_EQ(amounts("?before=" + std::to_string(b_entry + 1000000)), (std::vector<std::int64_t>{500, 400, 300, 200, 100}));
  EXPECT_EQ(amounts("?before=1"), std::vector<std::int64_t>{});
}

TEST_F(WalletApi, FiltersByTypeAndDate_AndRefusesBadFilters) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 1000);
  auto result = server().call({"GET", "/v1/members/me/wallet/entries?type=TRANSFER_IN", "", member_token(a), {}, {}});
  EXPECT_EQ(result.json().at("entries").as_array().size(), 0u);
  result = server().call({"GET", "/v1/members/me/wallet/entries?type=COMMISSION_DEPOSIT&from=2000-01-01T00:00:00Z", "", member_token(a), {}, {}});
  EXPECT_EQ(result.json().at("entries").as_array().size(), 1u);
  result = server().call({"GET", "/v1/members/me/wallet/entries?to=2000-01-01T00:00:00Z", "", member_token(a), {}, {}});
  EXPECT_EQ(result.json().at("entries").as_array().size(), 0u);
  EXPECT_EQ(server().call({"GET", "/v1/members/me/wallet/entries?type=FREE_MONEY", "", member_token(a), {}, {}}).status, 400);
  EXPECT_EQ(server().call({"GET", "/v1/members/me/wallet/entries?from=yesterday", "", member_token(a), {}, {}}).status, 400);
  EXPECT_EQ(server().call({"GET", "/v1/members/me/wallet/entries?limit=0", "", member_token(a), {}, {}}).status, 400);
  EXPECT_EQ(server().call({"GET", "/v1/members/me/wallet/entries?limit=201", "", member_token(a), {}, {}}).status, 400);
}

TEST_F(WalletApi, CsvExportHasAHeaderAndOneRowPerEntry) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 1000);
  server().fund(a, 2000);
  const auto csv = server().call({"GET", "/v1/members/me/wallet/entries?format=csv", "", member_token(a), {}, {}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(csv.body.rfind("id,created_at,type,amount_cents", 0), 0u);
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 3);
  EXPECT_NE(csv.body.find(",COMMISSION_DEPOSIT,2000,1000,3000,MXN,"), std::string::npos) << csv.body;
}

TEST_F(WalletApi, AdjustmentsNeedAReasonAndCannotOverdraw) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto result = server().call({"POST", "/v1/admin/adjustments", R"({"member_id":")" + a + R"(","amount_cents":500,"reason":""})", admin_token(), "adj-0", {}});
  EXPECT_EQ(result.status, 400);
  result = server().call({"POST", "/v1/admin/adjustments", R"({"member_id":")" + a + R"(","amount_cents":500,"reason":"Bono de bienvenida"})", admin_token(), "adj-1", {}});
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.json().at("entry").at("type"), "ADJUSTMENT_CREDIT");
  result = server().call({"POST", "/v1/admin/adjustments", R"({"member_id":")" + a + R"(","amount_cents":-501,"reason":"Corrección"})", admin_token(), "adj-2", {}});
  EXPECT_EQ(result.status, 409);
  EXPECT_EQ(balance(a), 500);
  EXPECT_EQ(server().connect().exec("SELECT count(*) FROM audit_log WHERE action = 'wallet.adjust'").int64(0, 0), 1);
}

}  // namespace
}  // namespace nnw::test_server
