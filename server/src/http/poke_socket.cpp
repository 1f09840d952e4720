#include "http/poke_socket.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/websocket.hpp>
#include <algorithm>
#include <memory>

#include "auth/auth.hpp"
#include "observability/log.hpp"

namespace nnw::server {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

constexpr auto kUseAwaitable = net::as_tuple(net::use_awaitable);
constexpr std::size_t kClientMessageMaxBytes = 1024;  // clients have nothing to say but close

std::string_view path_of(const Request& request) {
  const std::string_view target(request.target().data(), request.target().size());
  return target.substr(0, target.find('?'));
}

// The token from the Authorization header, else from ?access_token= (browsers cannot set
// headers on a WebSocket).
std::string token_of(const Request& request) {
  const auto header = request.find(http::field::authorization);
  constexpr std::string_view kScheme = "Bearer ";
  if (header != request.end() && header->value().starts_with(kScheme)) return std::string(header->value().substr(kScheme.size()));
  auto query = parse_query(std::string_view(request.target().data(), request.target().size()));
  const auto token = query.find("access_token");
  return token == query.end() ? std::string() : std::move(token->second);
}

Response refuse(const Request& request, http::status status, std::string_view code, std::string_view message) {
  Response response{status, request.version()};
  response.set(http::field::content_type, "application/json");
  response.body() = R"({"error":{"code":")" + std::string(code) + R"(","message":")" + std::string(message) +
                    R"(","field":"Authorization"}})";
  response.keep_alive(false);
  response.prepare_payload();
  return response;
}

// One connected socket. Everything here runs on `strand`: the reader coroutine, the pokes
// the hub posts, and the write completions; only shared_ptr copies keep it alive, so it
// outlives whichever of them ends last.
struct PokeSocket {
  PokeSocket(beast::tcp_stream stream, net::any_io_executor strand_)
      : ws(std::move(stream)), strand(std::move(strand_)) {}
  websocket::stream<beast::tcp_stream> ws;
  net::any_io_executor strand;  // a strand, type-erased
  std::string message;  // the write in flight
  bool writing = false;
  std::uint64_t member_xid = 0;    // a member change waits to be told: its transaction (≥ 1)
  std::uint64_t everyone_xid = 0;  // the same for catalog and rules changes
  bool closed = false;
};

// Sends one poke when there is one and no write is in flight; pokes coalesce meanwhile (one
// pull covers them all), naming the newest transaction among them: the client pulls until its
// cursor has passed it.
void flush(const std::shared_ptr<PokeSocket>& socket) {
  if (socket->writing || socket->closed || (socket->member_xid == 0 && socket->everyone_xid == 0)) return;
  const char* scope = socket->member_xid != 0 ? "member" : "everyone";
  const std::uint64_t xid = std::max(socket->member_xid, socket->everyone_xid);
  socket->member_xid = socket->everyone_xid = 0;
  socket->message = R"({"type":"changes","scope":")" + std::string(scope) + R"(","xid":")" + std::to_string(xid) + R"("})";
  socket->writing = true;
  socket->ws.async_write(net::buffer(socket->message),
                         net::bind_executor(socket->strand, [socket](const beast::error_code& error, std::size_t) {
                           socket->writing = false;
                           if (!error) flush(socket);
                         }));
}

// A coroutine function, not a capturing lambda: its frame owns its own copy of the socket,
// whatever order a stopping io_context destroys frames in.
net::awaitable<void> read_until_closed(std::shared_ptr<PokeSocket> socket) {
  beast::flat_buffer buffer;
  for (;;) {
    auto [error, bytes] = co_await socket->ws.async_read(buffer, kUseAwaitable);
    if (error) break;
    buffer.consume(bytes);
  }
  socket->closed = true;
}

}  // namespace

bool is_poke_socket_request(const Request& request) {
  return websocket::is_upgrade(request) && path_of(request) == kPokeSocketPath;
}

net::awaitable<void> run_poke_socket(beast::tcp_stream stream, Request request, App& app, sync::PokeHub& hub) {
  const auto principal = authenticate_token(app, token_of(request));
  if (!principal.ok() || principal.value().role != Role::member || app.draining()) {
    auto response = !principal.ok() ? refuse(request, http::status::unauthorized, "invalid_token", "a member's token is required")
                    : app.draining() ? refuse(request, http::status::service_unavailable, "shutting_down", "this instance is shutting down")
                                     : refuse(request, http::status::forbidden, "forbidden", "the poke socket is for members");
    co_await beast::async_write(stream, http::message_generator(std::move(response)), kUseAwaitable);
    co_return;
  }
  const std::string member_id = principal.value().subject;

  stream.expires_never();  // the WebSocket's own timeouts take over
  net::any_io_executor strand = net::make_strand(stream.get_executor());
  auto socket = std::make_shared<PokeSocket>(std::move(stream), strand);
  socket->ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));  // pings idle peers
  socket->ws.read_message_max(kClientMessageMaxBytes);
  auto [accept_error] = co_await socket->ws.async_accept(request, kUseAwaitable);
  if (accept_error) co_return;

  // A payload without a transaction id (xid 0) still pokes: 1 is older than any cursor.
  const auto subscription = hub.subscribe(member_id, [socket](std::uint64_t xid) {
    net::post(socket->strand, [socket, xid] { socket->member_xid = std::max({socket->member_xid, xid, std::uint64_t{1}}); flush(socket); });
  });
  const auto everyone = hub.subscribe("*", [socket](std::uint64_t xid) {
    net::post(socket->strand, [socket, xid] { socket->everyone_xid = std::max({socket->everyone_xid, xid, std::uint64_t{1}}); flush(socket); });
  });
  // The reader runs on the strand too; it ends when the peer closes, goes silent past the
  // ping timeout, or sends too much.
  co_await net::co_spawn(strand, read_until_closed(socket), net::use_awaitable);
  hub.unsubscribe(subscription);
  hub.unsubscribe(everyone);
}

}  // namespace nnw::server
