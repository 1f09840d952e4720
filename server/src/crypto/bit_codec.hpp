#pragma once
// The bit-group arithmetic shared by base64 (6 bits a symbol) and base32 (5 bits a symbol).
// Padding and alphabets belong to the callers; this part only packs bits, and it decodes
// strictly: one canonical text per byte string, so a token or key has a single spelling.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nnw::server::crypto::detail {

// Symbols for `bytes`, most significant bits first, the last symbol zero-filled; no padding.
template <unsigned kBitsPerSymbol>
std::string encode_bits(std::string_view bytes, std::string_view alphabet) {
  static_assert(kBitsPerSymbol == 5 || kBitsPerSymbol == 6);
  constexpr std::uint32_t kSymbolMask = (1u << kBitsPerSymbol) - 1;
  std::string text;
  text.reserve((bytes.size() * 8 + kBitsPerSymbol - 1) / kBitsPerSymbol);
  std::uint32_t buffer = 0;
  unsigned buffered_bits = 0;
  for (const char c : bytes) {
    buffer = ((buffer << 8) | static_cast<unsigned char>(c)) & 0xFFFFu;
    buffered_bits += 8;
    while (buffered_bits >= kBitsPerSymbol) {
      buffered_bits -= kBitsPerSymbol;
      text.push_back(alphabet[(buffer >> buffered_bits) & kSymbolMask]);
    }
  }
  if (buffered_bits > 0) text.push_back(alphabet[(buffer << (kBitsPerSymbol - buffered_bits)) & kSymbolMask]);
  return text;
}

// Bytes for unpadded `text`; `symbol_value(c)` gives a symbol's value or -1. Rejects unknown
// symbols, lengths no encoder produces (a trailing partial symbol of a whole symbol's width
// or more) and non-zero fill bits.
template <unsigned kBitsPerSymbol, class SymbolValue>
std::optional<std::string> decode_bits(std::string_view text, SymbolValue symbol_value) {
  static_assert(kBitsPerSymbol == 5 || kBitsPerSymbol == 6);
  std::string bytes;
  bytes.reserve(text.size() * kBitsPerSymbol / 8);
  std::uint32_t buffer = 0;
  unsigned buffered_bits = 0;
  for (const char c : text) {
    const int value = symbol_value(c);
    if (value < 0) return std::nullopt;
    buffer = ((buffer << kBitsPerSymbol) | static_cast<std::uint32_t>(value)) & 0xFFFFu;
    buffered_bits += kBitsPerSymbol;
    if (buffered_bits >= 8) {
      buffered_bits -= 8;
      bytes.push_back(static_cast<char>((buffer >> buffered_bits) & 0xFFu));
    }
  }
  if (buffered_bits >= kBitsPerSymbol) return std::nullopt;
  if ((buffer & ((1u << buffered_bits) - 1)) != 0) return std::nullopt;
  return bytes;
}

}  // namespace nnw::server::crypto::detail
