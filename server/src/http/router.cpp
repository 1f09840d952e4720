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

bool match_pattern(std::string_view pattern, const std::vector<std::string_view>& path,
                   std::map<std::string, std::string, std::less<>>& params) {
  const auto parts = segments(pattern);
  if (parts.size() != path.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].size() > 2 && parts[i].front() == '{' && parts[i].back() == '}') {
      params[std::string(parts[i].substr(1, parts[i].size() - 2))] = std::string(path[i]);
    } else if (parts[i] != path[i]) {
      return false;
    }
  }
  return true;
}

ApiError method_not_allowed() {
  return ApiError{http::status::method_not_allowed, "method_not_allowed", "this path does not take that method", {}, {}, {}};
}

}  // namespace

const Route* Router::match(RequestContext& ctx) const {
  const std::string_view target(ctx.request.target().data(), ctx.request.target().size());
  const auto path = segments(target.substr(0, target.find('?')));
  for (const Route& route : routes_) {
    std::map<std::string, std::string, std::less<>> params;
    if (!match_pattern(route.pattern, path, params)) continue;
    ctx.route = route.pattern;
    if (route.method != ctx.request.method()) continue;
    ctx.path_params = std::move(params);
    return &route;
  }
  return nullptr;
}

std::optional<Response> Router::run(RequestContext& ctx, const Reply& reply) const {
  const Route* route = match(ctx);
  if (route == nullptr) {
    if (!ctx.route.empty()) return error_response(ctx, method_not_allowed());
    ctx.route = "unmatched";
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

std::optional<Response> Router::handle(RequestContext& ctx, const Reply& reply) const {
  try {
    return run(ctx, reply);
  } catch (...) {
    return answer_exception(ctx, std::current_exception());
  }
}

Response Router::handle(RequestContext& ctx) const {
  std::promise<Response> answered;
  auto later = answered.get_future();
  if (auto now = handle(ctx, [&answered](Response response) { answered.set_value(std::move(response)); })) return std::move(*now);
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
