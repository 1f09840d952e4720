#include "crypto/totp.hpp"

#include <array>

#include "crypto/hmac.hpp"

namespace nnw::server::crypto {

namespace {

constexpr std::uint32_t kCodeModulus = 1'000'000;  // 10^kTotpDigits
constexpr std::size_t kSha1Bytes = 20;

bool is_six_digits(std::string_view code) {
  if (code.size() != kTotpDigits) return false;
  for (const char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
  constexpr std::string_view kHex = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(text.size());
  for (const char c : text) {
    if (is_unreserved(c)) {
      encoded.push_back(c);
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    encoded.push_back('%');
    encoded.push_back(kHex[byte >> 4]);
    encoded.push_back(kHex[byte & 0x0Fu]);
  }
  return encoded;
}

}  // namespace

std::string totp_code(std::string_view secret_bytes, std::int64_t counter) {
  // RFC 4226 §5.2: the counter is an 8-byte big-endian unsigned integer.
  const auto counter_bits = static_cast<std::uint64_t>(counter);
  std::array<char, 8> message{};
  for (std::size_t i = 0; i < message.size(); ++i) {
    message[i] = static_cast<char>((counter_bits >> (56 - 8 * i)) & 0xFFu);
  }
  const auto mac = hmac(HmacDigest::sha1, secret_bytes, std::string_view(message.data(), message.size()));
  if (!mac || mac->size() != kSha1Bytes) return {};
  // §5.3 dynamic truncation: the low nibble of the last byte picks 4 bytes; drop the top bit.
  const auto byte_at = [&mac](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>((*mac)[i])); };
  const std::size_t offset = byte_at(kSha1Bytes - 1) & 0x0Fu;
  const std::uint32_t truncated = ((byte_at(offset) & 0x7Fu) << 24) | (byte_at(offset + 1) << 16) |
                                  (byte_at(offset + 2) << 8) | byte_at(offset + 3);
  std::string code(kTotpDigits, '0');
  std::uint32_t value = truncated % kCodeModulus;
  for (std::size_t i = kTotpDigits; i > 0; --i) {
    code[i - 1] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return code;
}

std::optional<std::int64_t> totp_match(std::string_view secret_bytes, std::string_view code, std::int64_t now_s,
                                       std::int64_t last_used_counter) {
  if (!is_six_digits(code) || secret_bytes.size() < kTotpSecretMinBytes || now_s < 0) return std::nullopt;
  const std::int64_t current = now_s / kTotpStepS;
  std::optional<std::int64_t> matched;
  // All three candidates are computed whatever matches, so timing says nothing about which did.
  for (std::int64_t counter = current - 1; counter <= current + 1; ++counter) {
    const bool equal = equal_constant_time(totp_code(secret_bytes, counter), code);
    if (equal && counter > last_used_counter && !matched) matched = counter;
  }
  return matched;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret_base32) {
  const std::string encoded_issuer = percent_encode(issuer);
  std::string uri = "otpauth://totp/";
  uri += encoded_issuer;
  uri += ':';
  uri += percent_encode(account);
  uri += "?secret=";
  uri += percent_encode(secret_base32);
  uri += "&issuer=";
  uri += encoded_issuer;
  uri += "&algorithm=SHA1&digits=6&period=30";
  return uri;
}

}  // namespace nnw::server::crypto
