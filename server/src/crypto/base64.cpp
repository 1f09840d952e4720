#include "crypto/base64.hpp"

#include <cstddef>

#include "crypto/bit_codec.hpp"

namespace nnw::server::crypto {

namespace {
constexpr std::string_view kStandardAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kMaxPadding = 2;

// The alphabets differ only in symbols 62 and 63.
auto symbol_value_with(char symbol_62, char symbol_63) {
  return [symbol_62, symbol_63](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == symbol_62) return 62;
    if (c == symbol_63) return 63;
    return -1;
  };
}
}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string text = detail::encode_bits<6>(bytes, kStandardAlphabet);
  while (text.size() % 4 != 0) text.push_back('=');
  return text;
}

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  while (padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  if (padding > kMaxPadding) return std::nullopt;
  text.remove_suffix(padding);
  return detail::decode_bits<6>(text, symbol_value_with('+', '/'));
}

std::string base64url_encode(std::string_view bytes) { return detail::encode_bits<6>(bytes, kUrlAlphabet); }

std::optional<std::string> base64url_decode(std::string_view text) {
  return detail::decode_bits<6>(text, symbol_value_with('-', '_'));
}

}  // namespace nnw::server::crypto
