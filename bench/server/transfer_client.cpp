#include "transfer_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <random>
#include <utility>

#include "bench_members.hpp"
#include "crypto/jwt.hpp"

namespace nnw::bench {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);
constexpr auto kConnectTimeout = std::chrono::seconds(5);
// Longer than any healthy response; a request past it counts as a transport error.
constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr auto kReconnectPause = std::chrono::milliseconds(100);
constexpr std::int64_t kConnectsMax = 50;
// A bound far above what a client can send in a 600 s window; the window ends the loop.
constexpr std::int64_t kRequestsMax = 100'000'000;
constexpr std::size_t kLatencySamplesMax = 20'000'000;
constexpr std::size_t kExampleBodyBytesMax = 300;

// The sender changes with every uniform request but never in hot-debit: sign only on change.
class TokenCache {
 public:
  TokenCache(const std::string& secret, std::int64_t lifetime_s) : secret_(secret), lifetime_s_(lifetime_s) {}

  const std::string& bearer_for(const std::string& member) {
    if (member == member_) return bearer_;
    const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::system_clock::now().time_since_epoch()).count();
    server::crypto::JwtClaims claims{member, server::crypto::Role::member, now_s + lifetime_s_, now_s};
    const auto token = server::crypto::sign_jwt(claims, secret_);
    if (!token) throw std::runtime_error("cannot sign a token (is NNW_JWT_SECRET at least 32 characters?)");
    member_ = member;
    bearer_ = "Bearer " + *token;
    return bearer_;
  }

 private:
  const std::string& secret_;
  std::int64_t lifetime_s_;
  std::string member_;
  std::string bearer_;
};

struct Pair {
  std::int64_t from = 0;
  std::int64_t to = 0;
};

Pair pick_pair(const ClientPlan& plan, std::mt19937_64& random) {
  std::uniform_int_distribution<std::int64_t> any(plan.members_first, plan.members_last);
  switch (plan.scenario) {
    case Scenario::hot_debit: return {plan.hot_member, any(random)};
    case Scenario::hot_credit: return {any(random), plan.hot_member};
    case Scenario::uniform:
    case Scenario::checkout: break;
  }
  const auto [from, to] = distinct_members(plan.members_first, plan.members_last, random);
  return {from, to};
}

http::request<http::string_body> transfer_request(const ClientPlan& plan, TokenCache& tokens, std::mt19937_64& random,
                                                  std::int64_t sequence) {
  const Pair pair = pick_pair(plan, random);
  std::uniform_int_distribution<std::int64_t> amount(1, plan.amount_cents_max);
  http::request<http::string_body> request{http::verb::post, "/v1/transfers", 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::authorization, tokens.bearer_for(member_id(pair.from)));
  request.set(http::field::content_type, "application/json");
  request.set("Idempotency-Key", plan.idempotency_key_prefix + std::to_string(sequence));
  request.body() = R"({"to_member_id":")" + member_id(pair.to) + R"(","amount_cents":)" + std::to_string(amount(random)) + "}";
  request.prepare_payload();
  return request;
}

// The demo catalog's SKUs (server/db/seed/demo_catalog.sql, which scripts/bench-server loads).
constexpr std::string_view kCatalogSkus[] = {
    "NN-OMEGA3", "NN-COLAGENO", "NN-VITC", "NN-MULTI", "NN-PROBIO", "NN-MAGNESIO", "NN-PROTEINA", "NN-SERUM",
    "NN-CREMA-NOCHE", "NN-PROTECTOR", "NN-LIMPIADOR", "NN-CONTORNO", "NN-KIT-FS", "NN-KIT-SKIN", "NN-KIT-PROTECT"};

struct Cart {
  std::int64_t member = 0;
  std::string lines;  // the JSON array
};

// 1-6 lines of random products, 1-3 units each: some carts cross 2,930 PV, most do not.
Cart random_cart(const ClientPlan& plan, std::mt19937_64& random) {
  std::uniform_int_distribution<std::int64_t> any(plan.members_first, plan.members_last);
  std::uniform_int_distribution<std::size_t> sku(0, std::size(kCatalogSkus) - 1);
  std::uniform_int_distribution<int> lines(1, 6), quantity(1, 3);
  Cart cart{any(random), "["};
  const int count = lines(random);
  for (int i = 0; i < count; ++i) {
    if (i) cart.lines += ",";
    cart.lines += R"({"sku":")" + std::string(kCatalogSkus[sku(random)]) + R"(","quantity":)" + std::to_string(quantity(random)) + "}";
  }
  cart.lines += "]";
  return cart;
}

http::request<http::string_body> json_post(const std::string& target, const std::string& bearer, std::string body) {
  http::request<http::string_body> request{http::verb::post, target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::authorization, bearer);
  request.set(http::field::content_type, "application/json");
  request.body() = std::move(body);
  request.prepare_payload();
  return request;
}

// The confirm for what the preview showed: its totals and rules version; the wallet pays
// nothing, half, or all of it (capped at 1,000.00 so the funded wallets last the run).
std::optional<std::string> confirm_body(const Cart& cart, const std::string& preview_response, std::mt19937_64& random) {
  boost::system::error_code error;
  const auto document = boost::json::parse(preview_response, error);
  if (error || !document.is_object() || !document.as_object().contains("preview")) return std::nullopt;
  const auto& p = document.at("preview").as_object();
  const std::int64_t total = p.at("total_cents").as_int64();
  const std::int64_t choices[] = {0, total / 2, std::min<std::int64_t>(total, 100000)};
  std::uniform_int_distribution<int> pick(0, 2);
  const std::int64_t wallet = std::min<std::int64_t>(choices[pick(random)], 100000);
  return R"({"lines":)" + cart.lines + R"(,"wallet_cents":)" + std::to_string(wallet) + R"(,"rules_version":")" +
         std::string(p.at("rules_version").as_string()) + R"(","displayed":{"subtotal_cents":)" +
         std::to_string(p.at("subtotal_cents").as_int64()) + R"(,"discount_cents":)" +
         std::to_string(p.at("discount_cents").as_int64()) + R"(,"shipping_cents":)" +
         std::to_string(p.at("shipping_cents").as_int64()) + R"(,"total_cents":)" + std::to_string(total) + "}}";
}

void note_transport_error(ClientTally& tally, const beast::error_code& error, const char* what) {
  ++tally.transport_errors;
  tally.last_transport_error = std::string(what) + ": " + error.message();
}

// `since_window_start`: when the response completed, from the start of the measured window.
void record(ClientTally& tally, const http::response<http::string_body>& response, Clock::duration latency,
            Clock::duration since_window_start) {
  const int status = static_cast<int>(response.result_int());
  ++tally.statuses[status];
  if (status == 201) {
    if (tally.created.size() < kLatencySamplesMax) {
      tally.created.push_back(CreatedSample{
          static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(latency).count()),
          static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(since_window_start).count())});
    }
  } else if (!tally.example_bodies.contains(status)) {
    tally.example_bodies.emplace(status, response.body().substr(0, kExampleBodyBytesMax));
  }
}

net::awaitable<void> drive(const ClientPlan& plan, ClientTally& tally) {
  const auto executor = co_await net::this_coro::executor;
  beast::tcp_stream stream(executor);
  const tcp::endpoint server{net::ip::address_v4::loopback(), plan.port};
  std::mt19937_64 random(plan.random_seed);
  TokenCache tokens(plan.jwt_secret, plan.token_lifetime_s);
  beast::flat_buffer buffer;
  bool connected = false;
  std::int64_t connects = 0;
  for (std::int64_t sequence = 0; sequence < kRequestsMax && Clock::now() < plan.measure_end; ++sequence) {
    if (!connected) {
      if (++connects > kConnectsMax) break;
      if (connects > 1) {
        net::steady_timer pause(executor, kReconnectPause);
        co_await pause.async_wait(kAsTuple);
      }
      stream.expires_after(kConnectTimeout);
      const auto [connect_error] = co_await stream.async_connect(server, kAsTuple);
      if (connect_error) {
        note_transport_error(tally, connect_error, "connect");
        continue;
      }
      connected = true;
    }
    http::request<http::string_body> request;
    if (plan.scenario == Scenario::checkout) {
      // The preview a member's screen showed, then (below, measured) its confirmation.
      const Cart cart = random_cart(plan, random);
      const std::string& bearer = tokens.bearer_for(member_id(cart.member));
      auto preview = json_post("/v1/checkout/preview", bearer, R"({"lines":)" + cart.lines + "}");
      http::response<http::string_body> shown;
      stream.expires_after(kRequestTimeout);
      auto [preview_error, preview_bytes] = co_await http::async_write(stream, preview, kAsTuple);
      if (!preview_error) std::tie(preview_error, preview_bytes) = co_await http::async_read(stream, buffer, shown, kAsTuple);
      if (preview_error) {
        note_transport_error(tally, preview_error, "preview");
        stream.close();
        buffer.clear();
        connected = false;
        continue;
      }
      const auto body = confirm_body(cart, shown.body(), random);
      if (!body) {
        if (const auto now = Clock::now(); now >= plan.measure_start) record(tally, shown, {}, now - plan.measure_start);
        continue;
      }
      request = json_post("/v1/orders", bearer, *body);
      request.set("Idempotency-Key", plan.idempotency_key_prefix + std::to_string(sequence));
    } else {
      request = transfer_request(plan, tokens, random, sequence);
    }
    http::response<http::string_body> response;
    const auto started = Clock::now();
    stream.expires_after(kRequestTimeout);
    auto [error, bytes] = co_await http::async_write(stream, request, kAsTuple);
    if (!error) std::tie(error, bytes) = co_await http::async_read(stream, buffer, response, kAsTuple);
    const auto finished = Clock::now();
    if (error) {
      note_transport_error(tally, error, "request");
      stream.close();
      buffer.clear();
      connected = false;
      continue;
    }
    if (finished >= plan.measure_start && finished < plan.measure_end) record(tally, response, finished - started, finished - plan.measure_start);
    if (!response.keep_alive()) {
      stream.close();
      connected = false;
    }
  }
  stream.close();
}

}  // namespace

void spawn_client(net::io_context& io, const ClientPlan& plan, ClientTally& tally) {
  net::co_spawn(io, drive(plan, tally), [&tally](const std::exception_ptr& failure) {
    if (!failure) return;
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      ++tally.transport_errors;
      tally.last_transport_error = std::string("client stopped: ") + e.what();
    }
  });
}

}  // namespace nnw::bench
