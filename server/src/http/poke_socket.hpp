#pragma once
// GET /v1/sync/ws (WebSocket, member): a connected client hears {"type":"changes","scope":…}
// within moments of a commit that changed its member's state (or everyone's: catalog,
// rules), from whichever instance made it, and then pulls GET /v1/sync. Authenticated by
// `Authorization: Bearer` or, for browsers (which cannot set headers on a WebSocket),
// `?access_token=`. Idle connections are pinged and dead peers dropped by Beast's timeouts.

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "app.hpp"
#include "http/api.hpp"
#include "sync/poke_hub.hpp"

namespace nnw::server {

inline constexpr std::string_view kPokeSocketPath = "/v1/sync/ws";

// Whether this request asks for the poke socket.
bool is_poke_socket_request(const Request& request);

// Answers the upgrade (or a 401/403 JSON error) and runs the socket until it closes.
boost::asio::awaitable<void> run_poke_socket(boost::beast::tcp_stream stream, Request request, App& app,
                                             sync::PokeHub& hub);

}  // namespace nnw::server
