#pragma once
// The HTTP/1.1 transport: an acceptor coroutine and one coroutine per connection (read →
// handle → write, keep-alive), with explicit limits on bodies, headers, time and in-flight
// requests. Handlers run on a worker pool because libpq calls block.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include <memory>

#include "app.hpp"
#include "http/router.hpp"
#include "sync/change_listener.hpp"
#include "sync/poke_hub.hpp"

namespace nnw::server {

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, boost::asio::thread_pool& workers, App& app, const Router& router);

  // Binds and starts accepting; throws on a bind failure (a start-up error).
  void start();
  // Stops accepting new connections; requests already read are still answered.
  void stop_accepting();
  unsigned short port() const;
  // The poke sockets connected to this instance (GET /v1/sync/ws), fed by a LISTEN on the database.
  sync::PokeHub& pokes() { return pokes_; }

 private:
  boost::asio::io_context& io_;
  boost::asio::thread_pool& workers_;
  App& app_;
  const Router& router_;
  boost::asio::ip::tcp::acceptor acceptor_;
  sync::PokeHub pokes_;
  std::unique_ptr<sync::ChangeListener> listener_;
};

}  // namespace nnw::server
