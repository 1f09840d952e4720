#pragma once
// Bearer-token authentication: the back office's HS256 JWTs, mapped to a Principal.

#include "http/api.hpp"

namespace nnw::server {

// The request's `Authorization: Bearer` token.
ApiResult<Principal> authenticate(const RequestContext& ctx);
// A token however it came (the poke socket also takes one from the query string), checked
// against the real clock, never the business clock.
ApiResult<Principal> authenticate_token(const App& app, std::string_view token);

// A token for the demo login and tests; nullopt when the secret is too short.
std::optional<std::string> mint_token(const App& app, const Principal& principal, std::int64_t lifetime_s);

}  // namespace nnw::server
