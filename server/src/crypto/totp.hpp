#pragma once
// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 6 digits, 30 s
// steps — the only parameters every authenticator app supports. Large withdrawals need one.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nnw::server::crypto {

inline constexpr std::int64_t kTotpStepS = 30;
inline constexpr std::size_t kTotpDigits = 6;
// RFC 4226 §4: secrets of at least 128 bits; 160 bits (the SHA-1 block size) recommended and
// what enrolment should generate with random_bytes(kTotpSecretBytes).
inline constexpr std::size_t kTotpSecretBytes = 20;
inline constexpr std::size_t kTotpSecretMinBytes = 16;

// The 6-digit HOTP value for `counter` (RFC 4226 §5.3 dynamic truncation, mod 10^6).
// Empty only if OpenSSL fails to compute the HMAC, so it never equals a submitted code.
std::string totp_code(std::string_view secret_bytes, std::int64_t counter);

// The time step `code` belongs to: one of now's step and its two neighbours (clock skew),
// and strictly after last_used_counter, so a code is accepted at most once. The caller
// stores the returned counter as the new last_used_counter in the same transaction as the
// action it authorises. nullopt when the code is not exactly 6 ASCII digits, the secret is
// shorter than kTotpSecretMinBytes, now_s is negative, or nothing matches.
std::optional<std::int64_t> totp_match(std::string_view secret_bytes, std::string_view code, std::int64_t now_s,
                                       std::int64_t last_used_counter);

// The enrolment URI authenticator apps read from a QR code (Google's Key Uri Format):
// otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30,
// with issuer and account percent-encoded (RFC 3986 unreserved characters kept).
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret_base32);

}  // namespace nnw::server::crypto
