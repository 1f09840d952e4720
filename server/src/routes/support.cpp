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

namespace {

// The JSON path ("lines[0].sku") of the first string, or member name, holding U+0000, if any.
// libpq passes text parameters as C strings, so PostgreSQL would see such a string cut short
// (acting on "NN-1002" for "NN-1002\u0000…") or, inside an array literal, fail the statement
// with a 5xx. The depth is bounded by the parser's max_depth.
std::optional<std::string> nul_path(const boost::json::value& value, const std::string& path) {
  if (value.is_string()) {
    if (value.get_string().find('\0') != boost::json::string::npos) return path;
  } else if (value.is_array()) {
    const auto& items = value.get_array();
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (auto found = nul_path(items[i], path + "[" + std::to_string(i) + "]")) return found;
    }
  } else if (value.is_object()) {
    for (const auto& member : value.get_object()) {
      const std::string at = path.empty() ? std::string(member.key()) : path + "." + std::string(member.key());
      if (member.key().find('\0') != std::string_view::npos) return at;
      if (auto found = nul_path(member.value(), at)) return found;
    }
  }
  return std::nullopt;
}

}  // namespace

ApiResult<boost::json::value> parse_body(const RequestContext& ctx) {
  nnw::rules::Error error;
  auto document = nnw::rules::json::parse(ctx.request.body(), error);
  if (!document) return from_rules_error(error);
  if (auto at = nul_path(*document, "")) return bad_request("invalid_value", "text may not contain U+0000", *at);
  return std::move(*document);
}

}  // namespace nnw::server::routes
