#pragma once
// Base32 (RFC 4648 §6), the spelling authenticator apps take TOTP secrets in. Encoding is
// uppercase without padding (what otpauth:// URIs carry); decoding also takes lowercase and
// correct trailing padding, since people copy secrets from other tools, and rejects anything
// else (unknown characters, impossible lengths, wrong padding, non-zero fill bits).

#include <optional>
#include <string>
#include <string_view>

namespace nnw::server::crypto {

std::string base32_encode(std::string_view bytes);
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace nnw::server::crypto
