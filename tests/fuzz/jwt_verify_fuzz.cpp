// Fuzzes the HS256 JWT verifier (server/src/crypto/jwt.cpp), which every authenticated
// request goes through. Two ways in, chosen by the first byte:
//   'T' + token           the bytes are the token (what an attacker sends);
//   'S' + header \n payload  the harness signs header and payload with the secret, so the
//                            claims reader (sub, role, aud, exp, nbf, iat) sees fuzzed JSON
//                            behind a valid signature.
// A second byte 'C' takes now and leeway (2 × 8 bytes, little-endian) from the input, else
// a fixed clock. An accepted token must carry valid claims and round-trip through sign_jwt.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "crypto/base64.hpp"
#include "crypto/hmac.hpp"
#include "crypto/jwt.hpp"
#include "fuzz_check.hpp"

namespace {

namespace crypto = nnw::server::crypto;
using nnw::fuzz::check;

constexpr std::string_view kSecret = "fuzz-secret-fuzz-secret-fuzz-secret-0123";
constexpr std::int64_t kFixedNowS = 1795000000;  // 2026-11-18

std::int64_t take_int64(std::string_view& input) {
  std::uint64_t bits = 0;
  const std::size_t n = input.size() < 8 ? input.size() : 8;
  std::memcpy(&bits, input.data(), n);
  input.remove_prefix(n);
  return static_cast<std::int64_t>(bits);
}

std::string signed_token(std::string_view input) {
  const std::size_t newline = input.find('\n');
  const std::string_view header = input.substr(0, newline);
  const std::string_view payload = newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  std::string token = crypto::base64url_encode(header) + "." + crypto::base64url_encode(payload);
  const auto mac = crypto::hmac(crypto::HmacDigest::sha256, kSecret, token);
  check(mac.has_value(), "HMAC-SHA256 failed");
  return token + "." + crypto::base64url_encode(*mac);
}

void check_accepted(const crypto::JwtClaims& claims, std::int64_t now_s, std::int64_t leeway_s) {
  check(!claims.sub.empty() && claims.sub.size() <= crypto::kJwtSubjectMaxBytes, "an accepted subject's length");
  for (const char c : claims.sub) {
    const auto byte = static_cast<unsigned char>(c);
    check(byte >= 0x20 && byte != 0x7F, "an accepted subject with a control character");
  }
  // Past exp + leeway (saturated) nothing is accepted.
  const std::int64_t leeway = leeway_s > 0 ? leeway_s : 0;
  std::int64_t deadline = 0;
  if (!__builtin_add_overflow(claims.exp_s, leeway, &deadline)) check(now_s < deadline, "an expired token was accepted");
  const auto again = crypto::sign_jwt(claims, kSecret);
  check(again.has_value(), "sign_jwt refused claims verify_jwt accepted");
  const auto reverified = crypto::verify_jwt(*again, kSecret, now_s, leeway_s);
  check(reverified.ok(), "a re-signed accepted token is refused", crypto::jwt_error_name(reverified.error));
  check(reverified.claims->sub == claims.sub && reverified.claims->role == claims.role &&
            reverified.claims->exp_s == claims.exp_s,
        "a re-signed token carries other claims");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.size() < 2) return 0;
  const char mode = input[0];
  const bool own_clock = input[1] == 'C';
  input.remove_prefix(2);
  std::int64_t now_s = kFixedNowS;
  std::int64_t leeway_s = crypto::kJwtDefaultLeewayS;
  if (own_clock) {
    now_s = take_int64(input);
    leeway_s = take_int64(input);
  }
  const std::string token = mode == 'S' ? signed_token(input) : std::string(input);
  const auto verified = crypto::verify_jwt(token, kSecret, now_s, leeway_s);
  check(crypto::jwt_error_name(verified.error) != nullptr, "an unnamed JWT error");
  // The same bytes under another secret never pass.
  check(!crypto::verify_jwt(token, "another-secret-another-secret-0123456", now_s, leeway_s).ok(),
        "a token verified under a secret that did not sign it");
  if (verified.ok()) check_accepted(*verified.claims, now_s, leeway_s);
  return 0;
}
