#include "routes/support.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace nnw::server::routes {

ApiError from_rules_error(const nnw::rules::Error& error) {
  return bad_request(nnw::rules::error_code_name(error.code), error.message, error.field);
}

bool is_uuid(std::string_view text) noexcept {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

std::optional<std::int64_t> parse_positive(std::string_view text) noexcept {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < 1) return std::nullopt;
  return value;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

ApiResult<std::string> resolve_member(const RequestContext& ctx) {
  std::string member_id(ctx.path_param("member_id"));
  if (member_id == "me") member_id = ctx.principal->subject;
  if (!is_uuid(member_id)) return not_found("no such member");
  member_id = lowercase(std::move(member_id));
  if (ctx.principal->role == Role::member && member_id != ctx.principal->subject) return not_found("no such member");
  return member_id;
}

std::string csv_text(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

ApiResult<boost::json::value> parse_body(const RequestContext& ctx) {
  nnw::rules::Error error;
  auto document = nnw::rules::json::parse(ctx.request.body(), error);
  if (!document) return from_rules_error(error);
  return std::move(*document);
}

}  // namespace nnw::server::routes
