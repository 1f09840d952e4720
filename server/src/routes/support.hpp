#pragma once
// Small pieces most handlers share: strict JSON reading into ApiErrors, id checks, and
// object-level authorization ("me" and a member's own id).

#include <optional>
#include <string>
#include <string_view>

#include "http/api.hpp"
#include "nnw/rules/error.hpp"
#include "nnw/rules/json_read.hpp"

namespace nnw::server::routes {

ApiError from_rules_error(const nnw::rules::Error& error);

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lowercase or uppercase hex.
bool is_uuid(std::string_view text) noexcept;
// A positive decimal id from a path or query parameter ("42"); nullopt for anything else.
std::optional<std::int64_t> parse_positive(std::string_view text) noexcept;

// ASCII lowercase: member ids are compared in PostgreSQL's canonical (lowercase) uuid form.
std::string lowercase(std::string text);

// The member a path's {member_id} names: "me" is the caller. A member may name only itself;
// an admin any member. The 404 for someone else's id does not reveal whether it exists.
ApiResult<std::string> resolve_member(const RequestContext& ctx);

// RFC 4180: a text field quoted, each inner quote written twice (numbers stay bare).
std::string csv_text(std::string_view text);

// The parsed body as a JSON value, or 400 invalid_json; a string holding U+0000 is
// 400 invalid_value (PostgreSQL text cannot carry it).
ApiResult<boost::json::value> parse_body(const RequestContext& ctx);

}  // namespace nnw::server::routes
