// Withdrawals: CLABE validation, holds and releases, the back-office decisions, TOTP
// step-up with replay protection, and bank details unreadable in the database.
#include "crypto/base32.hpp"
#include "crypto/totp.hpp"
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

constexpr const char* kClabe = "002180700123456788";  // check digit 8 (weights 3,7,1 → sum 42)

class WithdrawalsApi : public ServerTest {
 protected:
  HttpResult request(const std::string& member, std::int64_t cents, const std::string& key,
                     const std::string& clabe = kClabe, const std::string& totp = {}) {
    std::string body = R"({"amount_cents":)" + std::to_string(cents) +
                       R"(,"bank":{"bank_name":"BBVA México","holder_name":"Bruno Díaz Ortega","clabe":")" + clabe + "\"}";
    if (!totp.empty()) body += R"(,"totp_code":")" + totp + "\"";
    body += "}";
    return server().call({"POST", "/v1/withdrawals", body, member_token(member), key, {}});
  }
  std::int64_t withdrawal_id(const HttpResult& created) { return created.json().at("withdrawal").at("id").as_int64(); }
  static std::int64_t step_now() { return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count() / 30; }
};

TEST_F(WithdrawalsApi, RequestHoldsTheAmountAndStoresBankDetailsSealed) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 100000);
  const auto created = request(a, 30000, "w-1");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json().at("withdrawal").at("clabe_last4"), "6788");
  EXPECT_EQ(created.json().at("balance_cents").as_int64(), 70000);
  EXPECT_EQ(balance(a), 70000);
  // Nothing readable in a dump of the table: neither the CLABE nor the holder's name.
  const auto dump = server().connect().exec("SELECT string_agg(row_to_json(w)::text, '') FROM withdrawals w");
  const std::string text(dump.text(0, 0));
  EXPECT_EQ(text.find(kClabe), std::string::npos);
  EXPECT_EQ(text.find("Bruno"), std::string::npos);
  EXPECT_EQ(text.find("BBVA"), std::string::npos);
  // The back office sees them, opened with the key.
  const auto queue = server().call({"GET", "/v1/admin/withdrawals", "", admin_token(), {}, {}});
  ASSERT_EQ(queue.status, 200);
  EXPECT_EQ(queue.json().at("withdrawals").at(0).at("bank").at("clabe"), kClabe);
  // The member's own list never shows the full CLABE.
  const auto mine = server().call({"GET", "/v1/members/me/withdrawals", "", member_token(a), {}, {}});
  EXPECT_EQ(mine.body.find(kClabe), std::string::npos);
}

TEST_F(WithdrawalsApi, InvalidClabeOrAmountsAreRefusedAndNothingIsHeld) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 100000);
  auto result = request(a, 30000, "w-1", "002180700123456781");
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(result.json().at("error").at("code"), "invalid_clabe");
  EXPECT_EQ(result.json().at("error").at("problem"), "BAD_CHECK_DIGIT");
  result = request(a, 30000, "w-2", "00218070012345678");
  EXPECT_EQ(result.json().at("error").at("problem"), "WRONG_LENGTH");
  result = request(a, 100, "w-3");
  EXPECT_EQ(result.json().at("error").at("code"), "below_minimum");
  result = request(a, 600000, "w-4");  // above the TOTP threshold (5,000.00): step-up is asked first
  EXPECT_EQ(result.status, 403);
  result = request(a, 0, "w-5");
  EXPECT_EQ(result.status, 400);
  EXPECT_EQ(balance(a), 100000);
  EXPECT_EQ(server().connect().exec("SELECT count(*) FROM withdrawals").int64(0, 0), 0);
}

TEST_F(WithdrawalsApi, CancelReleasesOnce_OnlyTheOwnerMayCancel) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 100000);
  const auto id = std::to_string(withdrawal_id(request(a, 30000, "w-1")));
  EXPECT_EQ(server().call({"POST", "/v1/withdrawals/" + id + "/cancel", "", member_token(b), "c-b", {}}).status, 404);
  const auto cancelled = server().call({"POST", "/v1/withdrawals/" + id + "/cancel", "", member_token(a), "c-a", {}});
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json().at("withdrawal").at("status"), "CANCELADO");
  EXPECT_EQ(balance(a), 100000);
  const auto again = server().call({"POST", "/v1/withdrawals/" + id + "/cancel", "", member_token(a), "c-a2", {}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json().at("error").at("status"), "CANCELADO");
  EXPECT_EQ(balance(a), 100000);
}

TEST_F(WithdrawalsApi, AdminApprovesWithAReference_OrRejectsAndReleases) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 100000);
  const auto paid = std::to_string(withdrawal_id(request(a, 30000, "w-1")));
  const auto rejected = std::to_string(withdrawal_id(request(a, 20000, "w-2")));
  EXPECT_EQ(server().call({"POST", "/v1/admin/withdrawals/" + paid + "/approve", "{}", admin_token(), "a-0", {}}).status, 400);
  auto result = server().call({"POST", "/v1/admin/withdrawals/" + paid + "/approve", R"({"bank_reference":"SPEI-123456"})", admin_token(), "a-1", {}});
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.json().at("withdrawal").at("status"), "PAGADO");
  result = server().call({"POST", "/v1/admin/withdrawals/" + rejected + "/reject", R"({"reason":"Titular no coincide"})", admin_token(), "r-1", {}});
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(balance(a), 70000);
  // A member cannot decide, and a decided withdrawal cannot be cancelled.
  EXPECT_EQ(server().call({"POST", "/v1/admin/withdrawals/" + paid + "/approve", R"({"bank_reference":"x"})", member_token(a), "a-2", {}}).status, 403);
  EXPECT_EQ(server().call({"POST", "/v1/withdrawals/" + paid + "/cancel", "", member_token(a), "c-1", {}}).status, 409);
  const auto list = server().call({"GET", "/v1/members/me/withdrawals", "", member_token(a), {}, {}});
  EXPECT_EQ(list.json().at("withdrawals").at(0).at("status"), "RECHAZADO");
  EXPECT_EQ(list.json().at("withdrawals").at(1).at("bank_reference"), "SPEI-123456");
}

TEST_F(WithdrawalsApi, AboveTheThresholdATotpCodeIsNeeded_AndNeverAcceptedTwice) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 2000000);
  auto result = request(a, 600000, "w-1");
  EXPECT_EQ(result.json().at("error").at("code"), "totp_required");
  result = request(a, 600000, "w-2", kClabe, "123456");
  EXPECT_EQ(result.json().at("error").at("code"), "totp_not_enrolled");

  const auto enrolled = server().call({"POST", "/v1/totp/enrolment", "", member_token(a), "e-1", {}});
  ASSERT_EQ(enrolled.status, 201) << enrolled.body;
  EXPECT_EQ(std::string(enrolled.json().at("otpauth_uri").as_string()).rfind("otpauth://totp/", 0), 0u);
  const std::string secret_text(enrolled.json().at("secret_base32").as_string());
  const auto secret = server::crypto::base32_decode(secret_text);
  ASSERT_TRUE(secret.has_value());
  // A replay of the enrolment returns the same secret, which is stored sealed, not as text.
  EXPECT_EQ(server().call({"POST", "/v1/totp/enrolment", "", member_token(a), "e-1", {}}).body, enrolled.body);
  const auto stored = server().connect().exec("SELECT string_agg(response_body, '') FROM idempotency_keys");
  EXPECT_EQ(std::string(stored.text(0, 0)).find(secret_text), std::string::npos);
  const std::int64_t step = step_now();
  const std::string confirm = R"({"code":")" + server::crypto::totp_code(*secret, step - 1) + "\"}";
  ASSERT_EQ(server().call({"POST", "/v1/totp/enrolment/confirm", confirm, member_token(a), "e-2", {}}).status, 200);
  EXPECT_EQ(server().call({"POST", "/v1/totp/enrolment", "", member_token(a), "e-3", {}}).status, 409);

  // The confirming code's step is spent; a wrong code fails; the next step's code works once.
  result = request(a, 600000, "w-3", kClabe, server::crypto::totp_code(*secret, step - 1));
  EXPECT_EQ(result.json().at("error").at("code"), "totp_invalid");
  const std::string code = server::crypto::totp_code(*secret, step + 1);
  result = request(a, 600000, "w-4", kClabe, code);
  ASSERT_EQ(result.status, 201) << result.body;
  result = request(a, 600000, "w-5", kClabe, code);
  EXPECT_EQ(result.status, 403);
  EXPECT_EQ(result.json().at("error").at("code"), "totp_invalid");
  EXPECT_EQ(balance(a), 1400000);
}

}  // namespace
}  // namespace nnw::test_server
