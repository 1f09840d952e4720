#pragma once
// The real server, in-process, on a fresh database of the test cluster: the same App,
// Router and HttpServer the binary runs, on an ephemeral port. Tests talk to it over HTTP.

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app.hpp"
#include "db/pg.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace nnw::test_server {

inline constexpr const char* kJwtSecret = "test-secret-test-secret-test-secret-0123";
inline constexpr const char* kDataKeys = "test1:a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=";

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names
  boost::json::value json() const;
  std::string header(const std::string& lowercase_name) const;
};

struct Call {
  std::string method = "GET";
  std::string target;
  std::string body;
  std::string token;            // Bearer token, if any
  std::string idempotency_key;  // Idempotency-Key header, if any
  std::vector<std::pair<std::string, std::string>> headers;
};

// One request on a fresh connection (thread-safe: nothing shared).
HttpResult http_call(unsigned short port, const Call& call);

class TestServer {
 public:
  // rules_config: a rules JSON document (default: the shipped one). Migrates the database.
  explicit TestServer(const std::string& database_url, const std::string& rules_config = {},
                      std::size_t max_in_flight = 512);
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  unsigned short port() const { return port_; }
  server::App& app() { return *app_; }
  HttpResult call(const Call& call) const { return http_call(port_, call); }
  std::string token(const std::string& subject, server::Role role, std::int64_t lifetime_s = 3600) const;
  // A connection for direct SQL checks.
  server::db::Connection connect() const { return server::db::Connection(database_url_); }
  const std::string& database_url() const { return database_url_; }

  // Inserts a member and its wallet (like member sign-up will); returns the member id.
  std::string create_member(const std::string& id, const std::string& number, const std::string& market = "MX",
                            const std::string& currency = "MXN");
  // Credits a wallet through the public API: a service commission and the deposit job.
  void fund(const std::string& member_id, std::int64_t amount_cents, const std::string& currency = "MXN");
  // Runs `nnw_server --job NAME` on this server's database, as cron would: its exit status
  // and the last line of its stdout (the report), its log lines on stderr dropped.
  struct JobCommand {
    int exit_status = -1;  // -1: it did not exit normally
    std::string report;
  };
  JobCommand run_job_command(const std::string& job) const;

 private:
  std::string database_url_;
  std::unique_ptr<server::App> app_;
  std::unique_ptr<server::Router> router_;
  boost::asio::io_context io_;
  boost::asio::thread_pool workers_{8};
  std::unique_ptr<server::HttpServer> server_;
  std::vector<std::thread> threads_;
  unsigned short port_ = 0;
  int funding_counter_ = 0;
};

// Member ids for tests: deterministic UUIDs from a small number.
std::string member_uuid(int n);

}  // namespace nnw::test_server

#include <gtest/gtest.h>

#include "test_database.hpp"

namespace nnw::test_server {

// A fresh database and a fresh server for every test: tests never see each other's rows.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { start(); }
  void start(const std::string& rules_config = {}) {
    server_.reset();
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    server_ = std::make_unique<TestServer>(nnw::test_db::fresh_database(info->name()), rules_config);
  }
  TestServer& server() { return *server_; }
  std::string member_token(const std::string& member_id) { return server_->token(member_id, server::Role::member); }
  std::string admin_token() { return server_->token("ops-admin", server::Role::admin); }
  std::string service_token() { return server_->token("mlm-commission-engine", server::Role::service); }
  std::int64_t balance(const std::string& member_id) {
    const auto result = server_->call({"GET", "/v1/members/" + member_id + "/wallet", "", admin_token(), {}, {}});
    EXPECT_EQ(result.status, 200) << result.body;
    return result.json().at("balance_cents").as_int64();
  }

  std::unique_ptr<TestServer> server_;
};

// The shipped rules with generous transfer limits, for load-shaped tests.
std::string rules_with_high_transfer_limits();

}  // namespace nnw::test_server
