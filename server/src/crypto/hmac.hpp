#pragma once
// HMAC through OpenSSL 3's EVP_MAC interface, and the constant-time comparison every MAC
// check in this module goes through (an early-exit compare leaks how many leading bytes of a
// forged MAC were right).

#include <optional>
#include <string>
#include <string_view>

namespace nnw::server::crypto {

enum class HmacDigest { sha1, sha256 };

// The raw MAC (20 bytes for SHA-1, 32 for SHA-256); nullopt only if OpenSSL itself fails.
std::optional<std::string> hmac(HmacDigest digest, std::string_view key, std::string_view data);

// True when equal; time depends on the lengths only, which are public (fixed MAC sizes).
bool equal_constant_time(std::string_view a, std::string_view b) noexcept;

}  // namespace nnw::server::crypto
