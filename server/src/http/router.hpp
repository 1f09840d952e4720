#pragma once
// Method + path pattern → handler, with the roles allowed to call it. Patterns are literal
// segments and {name} parameters: "/v1/withdrawals/{id}/cancel".

#include <initializer_list>
#include <string_view>
#include <vector>

#include "http/api.hpp"

namespace nnw::server {

using Handler = Response (*)(RequestContext&);

struct Route {
  http::verb method;
  std::string_view pattern;
  std::vector<Role> roles;  // empty: public, no token needed
  Handler handler;
};

class Router {
 public:
  explicit Router(std::vector<Route> routes) : routes_(std::move(routes)) {}

  // Authenticates, authorizes and runs the matching handler. Never throws: an escaping
  // exception is a bug and becomes a 500 carrying the request id.
  Response handle(RequestContext& ctx) const;

 private:
  const Route* match(RequestContext& ctx) const;
  std::vector<Route> routes_;
};

}  // namespace nnw::server
