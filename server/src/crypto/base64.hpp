#pragma once
// Base64 (RFC 4648). Two spellings: base64url without padding, as JWTs use (§5), and
// standard base64 with padding (§4), as keys in configuration and sealed values use.
// Bytes are std::string throughout this module. Decoders return nullopt on any character
// outside the alphabet, a length no encoder produces, misplaced padding or non-zero fill
// bits, so every byte string has exactly one accepted spelling.

#include <optional>
#include <string>
#include <string_view>

namespace nnw::server::crypto {

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace nnw::server::crypto
