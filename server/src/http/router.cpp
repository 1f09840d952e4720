#include "http/router.hpp"

#include <algorithm>
#include <future>

#include "app.hpp"
#include "auth/auth.hpp"
#include "db/pg.hpp"
#include "observability/log.hpp"

namespace nnw::server {

namespace {

std::vector<std::string_view> segments(std::string_view path) {
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    if (path.front() == '/') { path.remove_prefix(1); continue; }
    const auto slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash);
  }
  return parts;
}

// A parameter segment: "{name}".
bool is_parameter(std::string_view segment) { return segment.size() > 2 && segment.front() == '{' && segment.back() == '}'; }

bool matches(const std::vector<std::string_view>& pattern, const std::vector<std::string_view>& path) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!is_parameter(pattern[i]) && pattern[i] != path[i]) return false;
  }
  return true;
}

ApiError method_not_allowed() {
  return ApiError{http::status::method_not_allowed, "method_not_allowed", "this path does not take that method", {}, {}, {}};
}

}  // namespace

Router::Router(std::vector<Route> routes) {
  for (Route& route : routes) {
    const auto parts = segments(route.pattern);  // views into the pattern, a literal that outlives the router
    routes_.push_back(Compiled{std::move(route), parts});
  }
}

const Route* Router::find(RequestContext& ctx) const {
  const std::string_view target(ctx.request.target().data(), ctx.request.target().size());
  const auto path = segments(target.substr(0, target.find('?')));
  ctx.route = "unmatched";
  for (const Compiled& compiled : routes_) {
    if (!matches(compiled.segments, path)) continue;
    ctx.route = compiled.route.pattern;
    if (compiled.route.method != ctx.request.method()) continue;
    for (std::size_t i = 0; i < path.size(); ++i) {
      const std::string_view part = compiled.segments[i];
      if (is_parameter(part)) ctx.path_params[std::string(part.substr(1, part.size() - 2))] = std::string(path[i]);
    }
    return &compiled.route;
  }
  return nullptr;
}

std::optional<Response> Router::run(const Route* route, RequestContext& ctx, const Reply& reply) const {
  if (route == nullptr) {
    if (ctx.route != "unmatched") return error_response(ctx, method_not_allowed());
    return error_response(ctx, not_found("no such endpoint"));
  }
  if (!route->roles.empty()) {
    auto principal = authenticate(ctx);
    if (!principal.ok()) return error_response(ctx, principal.error());
    ctx.principal = principal.value();
    if (std::find(route->roles.begin(), route->roles.end(), ctx.principal->role) == route->roles.end()) {
      return error_response(ctx, forbidden("this endpoint is not open to the " +
                                           std::string(role_name(ctx.principal->role)) + " role"));
    }
  }
  if (route->deferred != nullptr) {
    route->deferred(ctx, reply);
    return std::nullopt;
  }
  return route->handler(ctx);
}

std::optional<Response> Router::handle(const Route* route, RequestContext& ctx, const Reply& reply) const {
  try {
    return run(route, ctx, reply);
  } catch (...) {
    return answer_exception(ctx, std::current_exception());
  }
}

Response Router::handle(RequestContext& ctx) const {
  std::promise<Response> answered;
  auto later = answered.get_future();
  const Route* route = nullptr;
  try {
    route = find(ctx);
  } catch (...) {
    return answer_exception(ctx, std::current_exception());
  }
  if (auto now = handle(route, ctx, [&answered](Response response) { answered.set_value(std::move(response)); })) {
    return std::move(*now);
  }
  return later.get();
}

Response answer_exception(RequestContext& ctx, std::exception_ptr failed) {
  try {
    std::rethrow_exception(failed);
  } catch (const db::DbError& error) {
    log_event(LogLevel::error, {{"request_id", ctx.request_id}, {"sqlstate", error.sqlstate()}, {"db_error", error.what()}});
    ApiError unavailable{http::status::service_unavailable, "unavailable", "the ledger database is unavailable; retry", {}, 1, {}};
    return error_response(ctx, unavailable);
  } catch (const std::exception& error) {
    log_event(LogLevel::error, {{"request_id", ctx.request_id}, {"exception", error.what()}});
  } catch (...) {
    log_event(LogLevel::error, {{"request_id", ctx.request_id}, {"exception", "not a std::exception"}});
  }
  ApiError internal{http::status::internal_server_error, "internal", "an internal error occurred", {}, {}, {}};
  return error_response(ctx, internal);
}

}  // namespace nnw::server
