#include "test_server.hpp"

#include <sys/wait.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <stdexcept>

#include "auth/auth.hpp"
#include "db/migrations.hpp"
#include "routes/routes.hpp"

namespace nnw::test_server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

boost::json::value HttpResult::json() const {
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  if (ec) throw std::runtime_error("response is not JSON: " + body);
  return value;
}

std::string HttpResult::header(const std::string& lowercase_name) const {
  const auto found = headers.find(lowercase_name);
  return found == headers.end() ? std::string() : found->second;
}

HttpResult http_call(unsigned short port, const Call& call) {
  net::io_context io;
  net::ip::tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  http::request<http::string_body> request{http::string_to_verb(call.method), call.target, 11};
  request.set(http::field::host, "127.0.0.1");
  if (!call.token.empty()) request.set(http::field::authorization, "Bearer " + call.token);
  if (!call.idempotency_key.empty()) request.set("Idempotency-Key", call.idempotency_key);
  for (const auto& [name, value] : call.headers) request.set(name, value);
  if (!call.body.empty()) request.set(http::field::content_type, "application/json");
  request.body() = call.body;
  request.prepare_payload();
  request.keep_alive(false);
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(socket, buffer, parser);
  HttpResult result;
  result.status = static_cast<int>(parser.get().result_int());
  result.body = parser.get().body();
  for (const auto& field : parser.get()) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    result.headers[name] = std::string(field.value());
  }
  beast::error_code ignored;
  socket.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  return result;
}

std::string member_uuid(int n) {
  char id[37];
  std::snprintf(id, sizeof id, "00000000-0000-4000-8000-%012d", n);
  return id;
}

TestServer::TestServer(const std::string& database_url, const std::string& rules_config, std::size_t max_in_flight)
    : database_url_(database_url) {
  server::Settings settings;
  settings.listen_host = "127.0.0.1";
  settings.listen_port = 0;
  settings.database_url = database_url;
  settings.jwt_secret = kJwtSecret;
  settings.data_keys = kDataKeys;
  settings.demo_mode = true;
  settings.db_pool_size = 24;
  settings.max_in_flight = max_in_flight;
  auto engine = rules_config.empty() ? nnw::rules::Engine::with_default_config()
                                     : nnw::rules::Engine::from_config_json(rules_config).value();
  {
    server::db::Connection connection(database_url);
    server::db::migrate(connection);
  }
  app_ = std::make_unique<server::App>(settings, std::move(engine));
  router_ = std::make_unique<server::Router>(server::routes::all());
  server_ = std::make_unique<server::HttpServer>(io_, workers_, *app_, *router_);
  server_->start();
  port_ = server_->port();
  for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
}

TestServer::~TestServer() {
  server_->stop_accepting();
  io_.stop();
  for (auto& thread : threads_) thread.join();
  workers_.join();
}

std::string TestServer::token(const std::string& subject, server::Role role, std::int64_t lifetime_s) const {
  return server::mint_token(*app_, server::Principal{subject, role}, lifetime_s).value();
}

std::string TestServer::create_member(const std::string& id, const std::string& number, const std::string& market,
                                      const std::string& currency) {
  auto c = connect();
  c.exec("INSERT INTO members (id, member_number, display_name, email, market) VALUES ('" + id + "', '" + number +
         "', 'Socio " + number + "', '" + number + "@example.test', '" + market + "')");
  c.exec("INSERT INTO wallets (member_id, currency) VALUES ('" + id + "', '" + currency + "')");
  return id;
}

TestServer::JobCommand TestServer::run_job_command(const std::string& job) const {
  const std::string command = std::string(NNW_SERVER_BINARY) + " --database-url='" + database_url_ + "' --job " + job + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  JobCommand out;
  if (pipe == nullptr) return out;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out.report = buffer;  // the last line is the report
  const int status = pclose(pipe);
  if (WIFEXITED(status)) out.exit_status = WEXITSTATUS(status);
  return out;
}

void TestServer::fund(const std::string& member_id, std::int64_t amount_cents, const std::string& currency) {
  const std::string external_id = "fund-" + member_id + "-" + std::to_string(++funding_counter_);
  const std::string body = R"({"external_id":")" + external_id + R"(","member_id":")" + member_id +
                           R"(","bonus_type":"UNINIVEL","period":"2026-11","amount_cents":)" + std::to_string(amount_cents) +
                           R"(,"currency":")" + currency + R"(","source_amount_cents":)" + std::to_string(amount_cents) +
                           R"(,"source_currency":")" + currency + R"(","rate_micros":1000000})";
  const std::string service = token("mlm-commission-engine", server::Role::service);
  const auto recorded = call({"POST", "/v1/commissions", body, service, external_id, {}});
  if (recorded.status != 201) throw std::runtime_error("fund: commission refused: " + recorded.body);
  const auto deposited = call({"POST", "/v1/jobs/deposit-commissions", "", service, {}, {}});
  if (deposited.status != 200) throw std::runtime_error("fund: deposit failed: " + deposited.body);
}

}  // namespace nnw::test_server

namespace nnw::test_server {

std::string rules_with_high_transfer_limits() {
  boost::json::value config = boost::json::parse(nnw::rules::default_config_json());
  for (auto& wallet : config.at("wallets").as_array()) {
    wallet.as_object()["transfer_max_cents"] = 100000000000;
    wallet.as_object()["transfer_daily_max_cents"] = 100000000000;
    wallet.as_object()["transfers_per_minute"] = 10000;
  }
  return boost::json::serialize(config);
}

}  // namespace nnw::test_server
