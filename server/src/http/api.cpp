#include "http/api.hpp"

#include <boost/beast/version.hpp>

namespace nnw::server {

ApiError bad_request(std::string code, std::string message, std::string field) {
  return ApiError{http::status::bad_request, std::move(code), std::move(message), std::move(field), {}, {}};
}
ApiError not_found(std::string message) {
  return ApiError{http::status::not_found, "not_found", std::move(message), {}, {}, {}};
}
ApiError forbidden(std::string message) {
  return ApiError{http::status::forbidden, "forbidden", std::move(message), {}, {}, {}};
}
ApiError conflict(std::string code, std::string message, std::string field) {
  return ApiError{http::status::conflict, std::move(code), std::move(message), std::move(field), {}, {}};
}

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') { out.push_back(' '); continue; }
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
      continue;
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace

std::map<std::string, std::string, std::less<>> parse_query(std::string_view target) {
  std::map<std::string, std::string, std::less<>> query;
  const auto mark = target.find('?');
  if (mark == std::string_view::npos) return query;
  std::string_view rest = target.substr(mark + 1);
  while (!rest.empty()) {
    const auto amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const auto equals = pair.find('=');
    if (!pair.empty()) {
      query.emplace(percent_decode(pair.substr(0, equals)),
                    equals == std::string_view::npos ? std::string() : percent_decode(pair.substr(equals + 1)));
    }
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
  }
  return query;
}

std::int64_t RequestContext::now_s() const noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
}

std::string_view RequestContext::path_param(std::string_view name) const {
  const auto found = path_params.find(name);
  return found == path_params.end() ? std::string_view() : std::string_view(found->second);
}

std::optional<std::string_view> RequestContext::query_param(std::string_view name) const {
  const auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return std::string_view(found->second);
}

std::optional<std::string_view> RequestContext::header(std::string_view name) const {
  const auto found = request.find(boost::beast::string_view(name.data(), name.size()));
  if (found == request.end()) return std::nullopt;
  return std::string_view(found->value().data(), found->value().size());
}

Response text_response(const RequestContext& ctx, http::status status, std::string content_type, std::string body) {
  Response response{status, ctx.request.version()};
  response.set(http::field::server, "nn-wallet");
  response.set(http::field::content_type, content_type);
  response.set("X-Request-Id", ctx.request_id);
  response.set(http::field::cache_control, "no-store");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response json_response(const RequestContext& ctx, http::status status, std::string body) {
  return text_response(ctx, status, "application/json", std::move(body));
}

Response json_response(const RequestContext& ctx, http::status status, const boost::json::value& body) {
  return json_response(ctx, status, boost::json::serialize(body));
}

Response error_response(const RequestContext& ctx, const ApiError& error) {
  // code, message and field first, then the error's details, then the request id.
  boost::json::object inner;
  inner["code"] = error.code;
  inner["message"] = error.message;
  inner["field"] = error.field;
  for (const auto& [key, value] : error.details) inner[key] = value;
  inner["request_id"] = ctx.request_id;
  Response response = json_response(ctx, error.status, boost::json::value{{"error", std::move(inner)}});
  if (error.retry_after_s) response.set(http::field::retry_after, std::to_string(*error.retry_after_s));
  return response;
}

ApiResult<boost::json::object> json_body(const RequestContext& ctx) {
  boost::system::error_code ec;
  boost::json::parse_options options;
  options.max_depth = 16;
  boost::json::value document = boost::json::parse(ctx.request.body(), ec, {}, options);
  if (ec) return bad_request("invalid_json", "the body is not valid JSON");
  if (!document.is_object()) return bad_request("invalid_type", "the body must be a JSON object");
  return std::move(document.as_object());
}

}  // namespace nnw::server
