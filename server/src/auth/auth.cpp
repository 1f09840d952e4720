#include "auth/auth.hpp"

#include "app.hpp"
#include "crypto/jwt.hpp"

namespace nnw::server {

namespace {

std::int64_t unix_seconds(std::chrono::system_clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

ApiError unauthorized(std::string code, std::string message) {
  ApiError error{http::status::unauthorized, std::move(code), std::move(message), "Authorization", {}, {}};
  return error;
}

}  // namespace

ApiResult<Principal> authenticate(const RequestContext& ctx) {
  const auto header = ctx.header("Authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (!header || header->size() <= kScheme.size() || header->substr(0, kScheme.size()) != kScheme) {
    return unauthorized("unauthenticated", "send Authorization: Bearer <token>");
  }
  return authenticate_token(ctx.app, header->substr(kScheme.size()));
}

ApiResult<Principal> authenticate_token(const App& app, std::string_view token) {
  const auto verified = crypto::verify_jwt(token, app.settings().jwt_secret, unix_seconds(std::chrono::system_clock::now()));
  if (!verified.ok()) {
    const bool expired = verified.error == crypto::JwtError::expired;
    return unauthorized(expired ? "token_expired" : "invalid_token",
                        expired ? "the token has expired" : std::string("the token was refused: ") + crypto::jwt_error_name(verified.error));
  }
  return Principal{verified.claims->sub, verified.claims->role};
}

std::optional<std::string> mint_token(const App& app, const Principal& principal, std::int64_t lifetime_s) {
  const std::int64_t now_s = unix_seconds(std::chrono::system_clock::now());
  crypto::JwtClaims claims;
  claims.sub = principal.subject;
  claims.role = principal.role;
  claims.iat_s = now_s;
  claims.exp_s = now_s + lifetime_s;
  return crypto::sign_jwt(claims, app.settings().jwt_secret);
}

}  // namespace nnw::server
