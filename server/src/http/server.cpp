#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <random>

#include "http/poke_socket.hpp"
#include "http/static_files.hpp"
#include "observability/log.hpp"

namespace nnw::server {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

namespace {

constexpr std::size_t kHeaderLimitBytes = 16 * 1024;
constexpr auto kUseAwaitable = net::as_tuple(net::use_awaitable);

std::string new_request_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(16, '0');
  std::uint64_t bits = random();
  for (char& c : id) { c = kHex[bits & 0xF]; bits >>= 4; }
  return id;
}

// A caller's X-Request-Id is kept when it is short and plain, so logs join across services.
std::string request_id_for(const Request& request) {
  const auto found = request.find("X-Request-Id");
  if (found != request.end()) {
    const auto value = found->value();
    const bool plain = !value.empty() && value.size() <= 64 && std::all_of(value.begin(), value.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (plain) return std::string(value);
  }
  return new_request_id();
}

Response shed(const RequestContext& ctx, App& app) {
  ApiError busy{http::status::service_unavailable, app.draining() ? "shutting_down" : "overloaded",
                app.draining() ? "this instance is shutting down; retry" : "the server is at capacity; retry shortly",
                {}, 1, {}};
  return error_response(ctx, busy);
}

void log_request(const RequestContext& ctx, const Response& response, std::int64_t duration_us) {
  boost::json::object fields{{"request_id", ctx.request_id},
                             {"method", std::string(ctx.request.method_string())},
                             {"route", ctx.route},
                             {"status", response.result_int()},
                             {"duration_us", duration_us}};
  if (ctx.principal) {
    fields["principal"] = ctx.principal->subject;
    fields["role"] = role_name(ctx.principal->role);
  }
  log_event(LogLevel::info, std::move(fields));
}

// The router's response. A deferred handler (a transfer waiting for its batch) answers
// later from another thread; meanwhile this coroutine is suspended and its thread serves
// other requests, so no thread's count bounds how many transfers wait at once.
net::awaitable<Response> answer(const Router& router, const Route* route, RequestContext& ctx) {
  using Later = net::experimental::concurrent_channel<void(boost::system::error_code, Response)>;
  auto later = std::make_shared<Later>(co_await net::this_coro::executor, 1);
  auto now = router.handle(route, ctx, [later](Response response) {
    later->try_send(boost::system::error_code{}, std::move(response));  // room for one: never refused
  });
  if (now) co_return std::move(*now);
  co_return co_await later->async_receive(net::use_awaitable);
}

// Runs one request to its response. A deferred route runs here, on the connection's I/O
// thread: its handler only reads the request and hands it on (a transfer to its batch), and
// its answer comes back to this thread, so the request crosses threads once each way. Every
// other request runs on the worker pool, where a handler may wait on the database; the
// session coroutine awaits it.
net::awaitable<Response> respond(net::thread_pool& workers, App& app, const Router& router, const Request& request) {
  const auto started = std::chrono::steady_clock::now();
  RequestContext ctx{request, app, request_id_for(request), {}, {}, {}, {}, app.now()};
  const std::string_view target(request.target().data(), request.target().size());
  ctx.query = parse_query(target);
  Response response;
  const bool admitted = !app.draining() &&
                        app.in_flight().fetch_add(1) < static_cast<std::int64_t>(app.settings().max_in_flight);
  if (!admitted) {
    if (!app.draining()) app.in_flight().fetch_sub(1);  // undo the count taken above
    ctx.route = "shed";
    response = shed(ctx, app);
  } else {
    const Route* route = router.find(ctx);
    if (route != nullptr && route->deferred != nullptr) {
      response = co_await answer(router, route, ctx);
    } else {
      response = co_await net::co_spawn(
          workers,
          [&]() -> net::awaitable<Response> {
            if (auto file = serve_static(ctx)) {
              ctx.route = "static";
              co_return std::move(*file);
            }
            co_return co_await answer(router, route, ctx);
          },
          net::use_awaitable);
    }
    app.in_flight().fetch_sub(1);
  }
  const auto duration_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
  app.metrics().observe_request(ctx.route, static_cast<int>(response.result_int()), duration_us);
  log_request(ctx, response, duration_us);
  co_return response;
}

Response payload_too_large(App& app, const Request& request, std::size_t limit) {
  RequestContext ctx{request, app, new_request_id(), "too_large", {}, {}, {}, {}};
  ApiError error{http::status::payload_too_large, "payload_too_large",
                 "the body exceeds " + std::to_string(limit) + " bytes", {}, {}, {}};
  return error_response(ctx, error);
}

net::awaitable<void> session(tcp::socket socket, net::thread_pool& workers, App& app, const Router& router,
                             sync::PokeHub& pokes) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  const Settings& settings = app.settings();
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimitBytes);
    parser.body_limit(settings.body_limit_bytes);
    // Waiting for the next request on a kept-alive connection is bounded by the idle
    // timeout; once its header has arrived, the body must follow within the request timeout.
    stream.expires_after(settings.idle_timeout);
    auto [header_error, header_bytes] = co_await http::async_read_header(stream, buffer, parser, kUseAwaitable);
    boost::system::error_code read_error = header_error;
    if (!read_error && !parser.is_done()) {
      stream.expires_after(settings.request_timeout);
      auto [body_error, body_bytes] = co_await http::async_read(stream, buffer, parser, kUseAwaitable);
      read_error = body_error;
    }
    if (read_error == http::error::body_limit) {
      Response response = payload_too_large(app, parser.get(), settings.body_limit_bytes);
      app.metrics().observe_request("too_large", static_cast<int>(response.result_int()), 0);
      log_event(LogLevel::warn, {{"route", "too_large"}, {"status", response.result_int()},
                                 {"request_id", std::string(response["X-Request-Id"])}});
      response.keep_alive(false);
      co_await beast::async_write(stream, http::message_generator(std::move(response)), kUseAwaitable);
      break;
    }
    if (read_error) break;  // closed, timed out, or not HTTP: nothing to answer
    Request request = parser.release();
    if (is_poke_socket_request(request)) {
      co_await run_poke_socket(std::move(stream), std::move(request), app, pokes);
      co_return;
    }
    Response response = co_await respond(workers, app, router, request);
    response.keep_alive(request.keep_alive() && !app.draining());
    const bool keep_alive = response.keep_alive();
    stream.expires_after(settings.request_timeout);
    auto [write_error, written] = co_await beast::async_write(stream, http::message_generator(std::move(response)), kUseAwaitable);
    if (write_error || !keep_alive) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> accept_loop(tcp::acceptor& acceptor, net::thread_pool& workers, App& app, const Router& router,
                                 sync::PokeHub& pokes) {
  for (;;) {
    auto [error, socket] = co_await acceptor.async_accept(kUseAwaitable);
    if (error == net::error::operation_aborted || !acceptor.is_open()) co_return;
    if (error) continue;  // e.g. EMFILE: the next accept may succeed
    net::co_spawn(acceptor.get_executor(), session(std::move(socket), workers, app, router, pokes),
                  [](const std::exception_ptr& failure) {
                    if (!failure) return;
                    try { std::rethrow_exception(failure); } catch (const std::exception& e) {
                      log_event(LogLevel::error, {{"session_error", e.what()}});
                    }
                  });
  }
}

}  // namespace

HttpServer::HttpServer(net::io_context& io, net::thread_pool& workers, App& app, const Router& router)
    : io_(io), workers_(workers), app_(app), router_(router), acceptor_(io) {}

void HttpServer::start() {
  const auto address = net::ip::make_address(app_.settings().listen_host);
  const tcp::endpoint endpoint(address, app_.settings().listen_port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
  net::co_spawn(io_, accept_loop(acceptor_, workers_, app_, router_, pokes_), net::detached);
  listener_ = std::make_unique<sync::ChangeListener>(app_.settings().database_url, pokes_);
}

void HttpServer::stop_accepting() {
  net::post(io_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
  });
}

unsigned short HttpServer::port() const { return acceptor_.local_endpoint().port(); }

}  // namespace nnw::server
