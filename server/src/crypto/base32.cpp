#include "crypto/base32.hpp"

#include <cstddef>

#include "crypto/bit_codec.hpp"

namespace nnw::server::crypto {

namespace {
constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::size_t kBlockSymbols = 8;  // 8 symbols carry 5 bytes

int symbol_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

// Padding an encoder can emit: 8 minus 2, 4, 5 or 7 trailing symbols.
bool is_valid_padding(std::size_t padding) { return padding == 0 || padding == 1 || padding == 3 || padding == 4 || padding == 6; }
}  // namespace

std::string base32_encode(std::string_view bytes) { return detail::encode_bits<5>(bytes, kAlphabet); }

std::optional<std::string> base32_decode(std::string_view text) {
  std::size_t padding = 0;
  while (padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  if (padding > 0 && (text.size() % kBlockSymbols != 0 || !is_valid_padding(padding))) return std::nullopt;
  text.remove_suffix(padding);
  return detail::decode_bits<5>(text, symbol_value);
}

}  // namespace nnw::server::crypto
