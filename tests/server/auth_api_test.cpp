// Authentication and object-level authorization on the HTTP API.
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

class AuthApi : public ServerTest {};

TEST_F(AuthApi, HealthIsPublic_ReadinessChecksTheDatabase) {
  EXPECT_EQ(server().call({"GET", "/healthz", "", "", {}, {}}).status, 200);
  const auto ready = server().call({"GET", "/readyz", "", "", {}, {}});
  EXPECT_EQ(ready.status, 200) << ready.body;
  const auto metrics = server().call({"GET", "/metrics", "", "", {}, {}});
  EXPECT_NE(metrics.body.find("nnw_http_requests_total{route=\"/readyz\",status=\"200\"} 1"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("nnw_http_request_duration_seconds_count{route=\"/readyz\",status=\"200\"} 1\n"), std::string::npos)
      << metrics.body;
}

// A newer build migrated the database ahead of this one (a rolling deploy): this instance
// answers 503 on /readyz until the schema is again the one it was built for.
TEST_F(AuthApi, ReadinessFailsWhileTheSchemaIsNotTheOneThisBuildMigratesTo) {
  auto c = server().connect();
  c.exec("INSERT INTO schema_migrations (version, name, checksum) "
         "SELECT max(version) + 1, 'from_a_newer_build', 'x' FROM schema_migrations");
  const auto unready = server().call({"GET", "/readyz", "", "", {}, {}});
  EXPECT_EQ(unready.status, 503) << unready.body;
  EXPECT_EQ(unready.json().at("error").at("code"), "not_ready");
  EXPECT_EQ(unready.json().at("error").at("message"), "migrations are not current");
  EXPECT_EQ(unready.header("retry-after"), "1");
  EXPECT_EQ(server().call({"GET", "/healthz", "", "", {}, {}}).status, 200);  // the process itself is fine
  c.exec("DELETE FROM schema_migrations WHERE name = 'from_a_newer_build'");
  EXPECT_EQ(server().call({"GET", "/readyz", "", "", {}, {}}).status, 200);
}

TEST_F(AuthApi, MissingForgedOrExpiredTokens_Get401WithAClearCode) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string target = "/v1/members/" + a + "/wallet";
  auto result = server().call({"GET", target, "", "", {}, {}});
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(result.json().at("error").at("code"), "unauthenticated");
  std::string forged = member_token(a);
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  result = server().call({"GET", target, "", forged, {}, {}});
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(result.json().at("error").at("code"), "invalid_token");
  result = server().call({"GET", target, "", server().token(a, server::Role::member, -120), {}, {}});
  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(result.json().at("error").at("code"), "token_expired");
}

TEST_F(AuthApi, AMemberNeverReadsAnotherMembersWallet) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  EXPECT_EQ(server().call({"GET", "/v1/members/" + a + "/wallet", "", member_token(a), {}, {}}).status, 200);
  EXPECT_EQ(server().call({"GET", "/v1/members/me/wallet", "", member_token(a), {}, {}}).status, 200);
  const auto other = server().call({"GET", "/v1/members/" + b + "/wallet", "", member_token(a), {}, {}});
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(other.body.find("NN-2"), std::string::npos);
  EXPECT_EQ(server().call({"GET", "/v1/members/" + b + "/wallet/entries", "", member_token(a), {}, {}}).status, 404);
  EXPECT_EQ(server().call({"GET", "/v1/members/" + b + "/wallet", "", admin_token(), {}, {}}).status, 200);
}

TEST_F(AuthApi, RolesAreEnforcedPerRoute) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const auto as_member = server().call({"POST", "/v1/commissions", "{}", member_token(a), "k1", {}});
  EXPECT_EQ(as_member.status, 403);
  EXPECT_EQ(server().call({"POST", "/v1/jobs/deposit-commissions", "", member_token(a), {}, {}}).status, 403);
  EXPECT_EQ(server().call({"POST", "/v1/admin/adjustments", "{}", service_token(), "k2", {}}).status, 403);
  EXPECT_EQ(server().call({"POST", "/v1/transfers", "{}", admin_token(), "k3", {}}).status, 403);
}

TEST_F(AuthApi, DemoLoginMintsATokenForASeededMember) {
  const std::string a = server().create_member(member_uuid(7), "NN-7");
  const auto login = server().call({"POST", "/v1/demo/login", R"({"member_number":"NN-7"})", "", {}, {}});
  ASSERT_EQ(login.status, 200) << login.body;
  const std::string token(login.json().at("token").as_string());
  EXPECT_EQ(server().call({"GET", "/v1/members/me/wallet", "", token, {}, {}}).status, 200);
  EXPECT_EQ(server().call({"POST", "/v1/demo/login", R"({"member_number":"NN-404"})", "", {}, {}}).status, 404);
  // A member token always names a member: no number, no token.
  EXPECT_EQ(server().call({"POST", "/v1/demo/login", R"({"role":"member"})", "", {}, {}}).status, 400);
}

TEST_F(AuthApi, UnknownPathsAndMethods_AreJsonErrors) {
  auto result = server().call({"GET", "/v1/nothing-here", "", "", {}, {}});
  EXPECT_EQ(result.status, 404);
  EXPECT_EQ(result.json().at("error").at("code"), "not_found");
  result = server().call({"DELETE", "/v1/transfers", "", "", {}, {}});
  EXPECT_EQ(result.status, 405);
}

}  // namespace
}  // namespace nnw::test_server
