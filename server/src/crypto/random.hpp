#pragma once
// Cryptographically secure random bytes (OpenSSL's DRBG), for TOTP secrets and GCM nonces.

#include <cstddef>
#include <string>

namespace nnw::server::crypto {

// The largest request: callers want keys, secrets and nonces, tens of bytes.
inline constexpr std::size_t kRandomBytesMax = 4096;

// `n` random bytes. Throws std::length_error when n > kRandomBytesMax (a caller bug) and
// std::runtime_error when the generator fails: no value a caller could check would be safe
// to continue with, so this goes to the outermost catch (a 500), never to a weak fallback.
std::string random_bytes(std::size_t n);

}  // namespace nnw::server::crypto
