#pragma once
// Method + path pattern → handler, with the roles allowed to call it. Patterns are literal
// segments and {name} parameters: "/v1/withdrawals/{id}/cancel".

#include <exception>
#include <functional>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <vector>

#include "http/api.hpp"

namespace nnw::server {

using Handler = Response (*)(RequestContext&);
// Answers a request later, from any thread, exactly once.
using Reply = std::function<void(Response)>;
// A handler that answers through `reply` instead of returning: it waits for something (a
// transfer for its batch) without holding the thread it was called on. If it throws, it has
// not handed `reply` on, and the router answers the exception.
using DeferredHandler = void (*)(RequestContext&, Reply reply);

struct Route {
  http::verb method;
  std::string_view pattern;
  std::vector<Role> roles;  // empty: public, no token needed
  Handler handler = nullptr;
  DeferredHandler deferred = nullptr;  // instead of handler
};

// The answer to a handler's exception: 503 when the database failed (nothing was committed
// that the client could not find again by replaying its idempotency key), else 500; logged
// with the request id either way.
Response answer_exception(RequestContext& ctx, std::exception_ptr failed);

class Router {
 public:
  explicit Router(std::vector<Route> routes);

  // The route a request names, by method and path alone (no I/O, no authentication): sets
  // ctx.route and ctx.path_params. nullptr when none does; ctx.route is then "unmatched", or
  // the pattern of a path that takes other methods.
  const Route* find(RequestContext& ctx) const;
  // Authenticates, authorizes and runs `route` (as find() gave it; nullptr answers 404 or 405).
  // Returns its response, or nothing when a deferred handler took `reply` (it answers there,
  // later). Never throws: an escaping exception is a bug and becomes a 500 carrying the
  // request id.
  std::optional<Response> handle(const Route* route, RequestContext& ctx, const Reply& reply) const;
  // The same, finding the route first, and waiting for a deferred handler's answer.
  Response handle(RequestContext& ctx) const;

 private:
  struct Compiled {
    Route route;
    std::vector<std::string_view> segments;  // of route.pattern
  };
  std::optional<Response> run(const Route* route, RequestContext& ctx, const Reply& reply) const;
  std::vector<Compiled> routes_;
};

}  // namespace nnw::server
