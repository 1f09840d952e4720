#pragma once
// HS256 JSON Web Tokens in the shape Supabase Auth issues them: header
// {"alg":"HS256","typ":"JWT"}; claims sub, role, aud, exp, iat and app_metadata. The secret
// is the project's JWT secret used as raw bytes (Supabase does not base64-decode it).
//
// The NN Wallet role comes from app_metadata.nnw_role ("member" | "admin" | "service"),
// which only Supabase's service role can write (user_metadata is user-editable and is
// ignored). Without it, Supabase's top-level role "service_role" means service; anything
// else means member.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nnw::server::crypto {

enum class Role { member, admin, service };

// "member" | "admin" | "service": the spelling in app_metadata.nnw_role and in logs.
const char* role_name(Role role) noexcept;

struct JwtClaims {
  std::string sub;  // the Supabase user id (or a service's name); non-empty, ≤ kJwtSubjectMaxBytes
  Role role = Role::member;
  std::int64_t exp_s = 0;  // expiry, Unix seconds
  std::int64_t iat_s = 0;  // issued at, Unix seconds; 0 when the token carries no iat
};

enum class JwtError {
  malformed,              // not three base64url parts of JSON objects, or over kJwtMaxBytes
  unsupported_algorithm,  // alg other than HS256 (including "none"), or a crit header
  bad_signature,          // the MAC does not match (or the secret is shorter than the minimum)
  expired,                // now ≥ exp + leeway
  not_yet_valid,          // now + leeway < nbf
  missing_subject,        // sub absent, null or empty
  invalid_claims,         // a claim of the wrong type, exp absent, an unknown nnw_role, a foreign aud
};

// Stable machine spelling ("MALFORMED", …) for logs and error bodies.
const char* jwt_error_name(JwtError error) noexcept;

struct JwtVerification {
  std::optional<JwtClaims> claims;         // set exactly when the token is accepted
  JwtError error = JwtError::malformed;    // meaningful only when claims is empty
  bool ok() const noexcept { return claims.has_value(); }
};

inline constexpr std::size_t kJwtMaxBytes = 8192;
// HS256 keys shorter than the hash are brute-forceable; Supabase secrets are ≥ 32 characters.
inline constexpr std::size_t kJwtSecretMinBytes = 32;
inline constexpr std::size_t kJwtSubjectMaxBytes = 128;
inline constexpr std::int64_t kJwtDefaultLeewayS = 30;
// The audience Supabase gives signed-in users; a token naming only other audiences is refused.
inline constexpr std::string_view kJwtAudience = "authenticated";

// Accepts a token only when the signature checks and now_s is within [nbf − leeway,
// exp + leeway). A negative leeway counts as zero. The payload is parsed only after the
// signature checks, so unauthenticated input never reaches the JSON parser beyond the header.
JwtVerification verify_jwt(std::string_view token, std::string_view secret, std::int64_t now_s,
                           std::int64_t leeway_s = kJwtDefaultLeewayS);

// A token verify_jwt accepts, in Supabase's layout: aud "authenticated", top-level role
// "service_role" for service and "authenticated" otherwise, app_metadata.nnw_role. nullopt
// when the secret is shorter than kJwtSecretMinBytes or the subject is invalid.
std::optional<std::string> sign_jwt(const JwtClaims& claims, std::string_view secret);

}  // namespace nnw::server::crypto
