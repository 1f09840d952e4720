#pragma once
// The HTTP/1.1 transport: an acceptor coroutine and one coroutine per connection (read →
// handle → write, keep-alive), with explicit limits on bodies, headers, time and in-flight
// requests. Handlers run on a worker pool because libpq calls block.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>

#include "app.hpp"
#include "http/router.hpp"

namespace nnw::server {

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, boost::asio::thread_pool& workers, App& app, const Router& router);

  // Binds and starts accepting; throws on a bind failure (a start-up error).
  void start();
  // Stops accepting new connections; requests already read are still answered.
  void stop_accepting();
  unsigned short port() const;

 private:
  boost::asio::io_context& io_;
  boost::asio::thread_pool& workers_;
  App& app_;
  const Router& router_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace nnw::server
