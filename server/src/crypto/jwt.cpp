#include "crypto/jwt.hpp"

#include <boost/json.hpp>
#include <limits>

#include "crypto/base64.hpp"
#include "crypto/hmac.hpp"

namespace nnw::server::crypto {

namespace {

namespace json = boost::json;

constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::size_t kSignatureBytes = 32;  // HMAC-SHA256
constexpr std::string_view kSupabaseServiceRole = "service_role";
constexpr std::string_view kSupabaseUserRole = "authenticated";

struct TokenParts {
  std::string_view header;
  std::string_view payload;
  std::string_view signature;
  std::string_view signed_part;  // "header.payload", what the MAC covers
};

std::optional<TokenParts> split_token(std::string_view token) {
  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return std::nullopt;
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  return TokenParts{token.substr(0, first_dot), token.substr(first_dot + 1, second_dot - first_dot - 1),
                    token.substr(second_dot + 1), token.substr(0, second_dot)};
}

// A base64url segment holding a JSON object, or nullopt.
std::optional<json::object> decode_object(std::string_view segment) {
  const auto text = base64url_decode(segment);
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 16;  // Supabase claims nest two levels; deep nesting is hostile input
  json::value value = json::parse(*text, ec, {}, options);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::optional<JwtError> check_header(const json::object& header) {
  const json::value* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return JwtError::malformed;
  if (alg->get_string() != "HS256") return JwtError::unsupported_algorithm;
  // RFC 7515 §4.1.11: a recipient must refuse critical extensions it does not implement (all).
  if (header.contains("crit")) return JwtError::unsupported_algorithm;
  return std::nullopt;
}

bool signature_matches(const TokenParts& parts, std::string_view secret) {
  if (secret.size() < kJwtSecretMinBytes) return false;
  const auto given = base64url_decode(parts.signature);
  if (!given || given->size() != kSignatureBytes) return false;
  const auto expected = hmac(HmacDigest::sha256, secret, parts.signed_part);
  return expected && equal_constant_time(*expected, *given);
}

// NumericDate as an integer: Supabase never emits fractions, and money-path code has no floats.
std::optional<std::int64_t> integer_of(const json::value& value) {
  if (value.is_int64()) return value.get_int64();
  if (value.is_uint64() && value.get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(value.get_uint64());
  }
  return std::nullopt;
}

// Subjects end up in logs and SQL parameters: no control characters.
bool is_valid_subject(std::string_view sub) {
  if (sub.empty() || sub.size() > kJwtSubjectMaxBytes) return false;
  for (const char c : sub) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return false;
  }
  return true;
}

const json::value* present(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value == nullptr || value->is_null() ? nullptr : value;
}

bool audience_accepted(const json::value* aud) {
  if (aud == nullptr) return true;  // Supabase's own API keys carry no aud
  if (aud->is_string()) return aud->get_string() == kJwtAudience;
  if (!aud->is_array()) return false;
  for (const json::value& entry : aud->get_array()) {
    if (entry.is_string() && entry.get_string() == kJwtAudience) return true;
  }
  return false;
}

std::optional<Role> role_of(const json::object& payload) {
  if (const json::value* metadata = present(payload, "app_metadata")) {
    if (!metadata->is_object()) return std::nullopt;
    if (const json::value* nnw_role = present(metadata->get_object(), "nnw_role")) {
      if (!nnw_role->is_string()) return std::nullopt;
      const json::string& name = nnw_role->get_string();
      if (name == "member") return Role::member;
      if (name == "admin") return Role::admin;
      if (name == "service") return Role::service;
      return std::nullopt;  // an unknown role is a provisioning error, not a member
    }
  }
  const json::value* supabase_role = present(payload, "role");
  if (supabase_role == nullptr) return Role::member;
  if (!supabase_role->is_string()) return std::nullopt;
  return supabase_role->get_string() == kSupabaseServiceRole ? Role::service : Role::member;
}

std::optional<std::int64_t> optional_time(const json::object& payload, std::string_view key, bool& valid) {
  const json::value* value = present(payload, key);
  if (value == nullptr) return std::nullopt;
  const auto seconds = integer_of(*value);
  valid = valid && seconds.has_value();
  return seconds;
}

std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum = 0;
  if (!__builtin_add_overflow(a, b, &sum)) return sum;
  return b > 0 ? std::numeric_limits<std::int64_t>::max() : std::numeric_limits<std::int64_t>::min();
}

JwtVerification failure(JwtError error) { return JwtVerification{std::nullopt, error}; }

JwtVerification read_claims(const json::object& payload, std::int64_t now_s, std::int64_t leeway_s) {
  const json::value* sub = present(payload, "sub");
  if (sub == nullptr || (sub->is_string() && sub->get_string().empty())) return failure(JwtError::missing_subject);
  if (!sub->is_string() || !is_valid_subject(sub->get_string())) return failure(JwtError::invalid_claims);

  bool times_valid = true;
  const auto exp_s = optional_time(payload, "exp", times_valid);
  const auto nbf_s = optional_time(payload, "nbf", times_valid);
  const auto iat_s = optional_time(payload, "iat", times_valid);
  if (!times_valid || !exp_s) return failure(JwtError::invalid_claims);
  const auto role = role_of(payload);
  if (!role || !audience_accepted(present(payload, "aud"))) return failure(JwtError::invalid_claims);

  const std::int64_t leeway = leeway_s > 0 ? leeway_s : 0;
  if (now_s >= saturating_add(*exp_s, leeway)) return failure(JwtError::expired);
  if (nbf_s && saturating_add(now_s, leeway) < *nbf_s) return failure(JwtError::not_yet_valid);

  return JwtVerification{JwtClaims{std::string(sub->get_string()), *role, *exp_s, iat_s.value_or(0)},
                         JwtError::malformed};
}

}  // namespace

const char* role_name(Role role) noexcept {
  switch (role) {
    case Role::member: return "member";
    case Role::admin: return "admin";
    case Role::service: return "service";
  }
  return "member";
}

const char* jwt_error_name(JwtError error) noexcept {
  switch (error) {
    case JwtError::malformed: return "MALFORMED";
    case JwtError::unsupported_algorithm: return "UNSUPPORTED_ALGORITHM";
    case JwtError::bad_signature: return "BAD_SIGNATURE";
    case JwtError::expired: return "EXPIRED";
    case JwtError::not_yet_valid: return "NOT_YET_VALID";
    case JwtError::missing_subject: return "MISSING_SUBJECT";
    case JwtError::invalid_claims: return "INVALID_CLAIMS";
  }
  return "MALFORMED";
}

JwtVerification verify_jwt(std::string_view token, std::string_view secret, std::int64_t now_s,
                           std::int64_t leeway_s) {
  if (token.size() > kJwtMaxBytes) return failure(JwtError::malformed);
  const auto parts = split_token(token);
  if (!parts) return failure(JwtError::malformed);
  const auto header = decode_object(parts->header);
  if (!header) return failure(JwtError::malformed);
  if (const auto header_error = check_header(*header)) return failure(*header_error);
  if (!signature_matches(*parts, secret)) return failure(JwtError::bad_signature);
  const auto payload = decode_object(parts->payload);
  if (!payload) return failure(JwtError::malformed);
  return read_claims(*payload, now_s, leeway_s);
}

std::optional<std::string> sign_jwt(const JwtClaims& claims, std::string_view secret) {
  if (secret.size() < kJwtSecretMinBytes || !is_valid_subject(claims.sub)) return std::nullopt;
  json::object payload;
  payload["aud"] = kJwtAudience;
  payload["exp"] = claims.exp_s;
  payload["iat"] = claims.iat_s;
  payload["sub"] = claims.sub;
  payload["role"] = claims.role == Role::service ? kSupabaseServiceRole : kSupabaseUserRole;
  payload["app_metadata"] = json::object{{"nnw_role", role_name(claims.role)}};
  std::string token = base64url_encode(kHeader);
  token += '.';
  token += base64url_encode(json::serialize(payload));
  const auto mac = hmac(HmacDigest::sha256, secret, token);
  if (!mac) return std::nullopt;
  token += '.';
  token += base64url_encode(*mac);
  return token;
}

}  // namespace nnw::server::crypto
