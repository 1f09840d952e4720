// Member sign-up with its wallet (service route) and the internal order payment operation.
#include "db/pool.hpp"
#include "ledger/orders.hpp"
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

class MembersApi : public ServerTest {};

TEST_F(MembersApi, ServiceCreatesAMemberWithAWalletInTheMarketCurrency) {
  const std::string sponsor = server().create_member(member_uuid(1), "NN-1");
  const std::string body = R"({"id":")" + member_uuid(2) + R"(","member_number":"NN-2","display_name":"Grace Miller",)"
                           R"("email":"grace@example.test","market":"US","sponsor_id":")" + sponsor + "\"}";
  auto result = server().call({"POST", "/v1/members", body, service_token(), "m-2", {}});
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.json().at("member").at("currency"), "USD");
  EXPECT_EQ(balance(member_uuid(2)), 0);
  result = server().call({"POST", "/v1/members", body, service_token(), "m-2-again", {}});
  EXPECT_EQ(result.status, 409);
  EXPECT_EQ(result.json().at("error").at("code"), "member_exists");
  const std::string bad_market = R"({"id":")" + member_uuid(3) + R"(","member_number":"NN-3","display_name":"X","email":"x@e.test","market":"AR"})";
  EXPECT_EQ(server().call({"POST", "/v1/members", bad_market, service_token(), "m-3", {}}).status, 400);
  EXPECT_EQ(server().call({"POST", "/v1/members", body, member_token(sponsor), "m-4", {}}).status, 403);
}

class OrderPayments : public ServerTest {
 protected:
  server::ApiResult<server::ledger::OrderPaid> pay(const server::ledger::OrderPayment& payment, bool refund = false) {
    auto c = server().connect();
    return server::db::in_transaction(c, [&](server::db::Connection& tx) {
      return refund ? server::ledger::refund_order(tx, payment) : server::ledger::pay_order(tx, payment);
    });
  }
};

TEST_F(OrderPayments, PaysInFullOrInPart_AndRefundsTheWalletPart) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 50000);
  auto paid = pay({a, "ORD-1", 80000, 30000, "r1", "k1"});
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(paid.value().external_cents, 50000);
  EXPECT_EQ(paid.value().balance_after_cents, 20000);
  paid = pay({a, "ORD-2", 20000, 20000, "r1", "k2"});
  ASSERT_TRUE(paid.ok());
  EXPECT_EQ(balance(a), 0);
  const auto refunded = pay({a, "ORD-1", 80000, 30000, "r1", "k3"}, true);
  ASSERT_TRUE(refunded.ok());
  EXPECT_EQ(balance(a), 30000);
}

TEST_F(OrderPayments, InsufficientBalanceStatesShortfall_AndBadSplitsAreRefused) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 1000);
  auto paid = pay({a, "ORD-1", 5000, 4000, "r1", "k1"});
  ASSERT_FALSE(paid.ok());
  EXPECT_EQ(paid.error().code, "insufficient_funds");
  EXPECT_EQ(paid.error().details.at("shortfall_cents").as_int64(), 3000);
  EXPECT_FALSE(pay({a, "ORD-2", 5000, 6000, "r1", "k2"}).ok());
  EXPECT_FALSE(pay({a, "ORD-3", 5000, -1, "r1", "k3"}).ok());
  EXPECT_EQ(balance(a), 1000);
}

}  // namespace
}  // namespace nnw::test_server
