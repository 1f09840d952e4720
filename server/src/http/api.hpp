#pragma once
// What a route handler sees and returns: the request with its path parameters, query and
// caller; a JSON (or CSV) response; and API errors as values with a stable code.

#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "crypto/jwt.hpp"
#include "nnw/rules/error.hpp"

namespace nnw::server {

class App;  // the server's long-lived parts (app.hpp)

namespace http = boost::beast::http;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// The roles a token carries (RULES.md "Writes, idempotency, roles"), as the JWT names them.
using Role = crypto::Role;
using crypto::role_name;

struct Principal {
  std::string subject;  // JWT sub: a member id, or a service/admin identity
  Role role = Role::member;
};

// A failure the caller caused or must handle: {"error":{"code","message","field"}} + status.
struct ApiError {
  http::status status = http::status::bad_request;
  std::string code;
  std::string message;
  std::string field;
  std::optional<int> retry_after_s;
  boost::json::object details;  // extra members of the error object (e.g. balance, shortfall)
};

template <class T>
using ApiResult = nnw::rules::Result<T, ApiError>;

ApiError bad_request(std::string code, std::string message, std::string field = {});
ApiError not_found(std::string message);
ApiError forbidden(std::string message);
ApiError conflict(std::string code, std::string message, std::string field = {});

struct RequestContext {
  const Request& request;
  App& app;
  std::string request_id;
  std::string route;  // the route pattern, for logs and metrics
  std::map<std::string, std::string, std::less<>> path_params;
  std::map<std::string, std::string, std::less<>> query;
  std::optional<Principal> principal;
  std::chrono::system_clock::time_point now;

  // `now` in Unix seconds, the unit tokens and TOTP steps count in.
  std::int64_t now_s() const noexcept;

  std::string_view path_param(std::string_view name) const;
  std::optional<std::string_view> query_param(std::string_view name) const;
  std::optional<std::string_view> header(std::string_view name) const;
};

// The query of a request target ("/v1/x?a=1&b=%20"), percent-decoded; a name given twice keeps the first.
std::map<std::string, std::string, std::less<>> parse_query(std::string_view target);

Response json_response(const RequestContext& ctx, http::status status, std::string body);
Response json_response(const RequestContext& ctx, http::status status, const boost::json::value& body);
Response error_response(const RequestContext& ctx, const ApiError& error);
Response text_response(const RequestContext& ctx, http::status status, std::string content_type, std::string body);

// Parses the body as a JSON object (400 invalid_json / invalid_type otherwise).
ApiResult<boost::json::object> json_body(const RequestContext& ctx);

}  // namespace nnw::server
