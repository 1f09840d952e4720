#include "crypto/sealed_box.hpp"

#include <openssl/crypto.h>

#include <array>
#include <stdexcept>

#include "crypto/aes_gcm.hpp"
#include "crypto/base64.hpp"
#include "crypto/random.hpp"

namespace nnw::server::crypto {

namespace {

constexpr std::string_view kVersion = "v1";
constexpr std::size_t kSealedParts = 4;
// base64 of the largest plaintext plus tag, with room for the prefix and the nonce.
constexpr std::size_t kSealedMaxBytes = (kAesGcmPlaintextMaxBytes + kAesGcmTagBytes + 2) / 3 * 4 + 128;

bool is_valid_key_id(std::string_view id) {
  if (id.empty() || id.size() > kKeyIdMaxBytes) return false;
  for (const char c : id) {
    const bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

// "v1.<key_id>." — the authenticated prefix of a sealed value. Key ids hold no '.', so prefix
// plus caller's associated data has one reading.
std::string header_of(std::string_view key_id) {
  std::string header(kVersion);
  header += '.';
  header += key_id;
  header += '.';
  return header;
}

// Exactly kSealedParts non-overlapping parts split at '.', or nullopt.
std::optional<std::array<std::string_view, kSealedParts>> split_sealed(std::string_view sealed) {
  std::array<std::string_view, kSealedParts> parts;
  for (std::size_t i = 0; i + 1 < kSealedParts; ++i) {
    const std::size_t dot = sealed.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    parts[i] = sealed.substr(0, dot);
    sealed.remove_prefix(dot + 1);
  }
  if (sealed.find('.') != std::string_view::npos) return std::nullopt;
  parts[kSealedParts - 1] = sealed;
  return parts;
}

}  // namespace

std::optional<KeyRing> KeyRing::parse(std::string_view spec) {
  KeyRing ring;
  while (true) {
    const std::size_t comma = spec.find(',');
    const std::string_view entry = spec.substr(0, comma);
    const std::size_t colon = entry.find(':');
    if (colon == std::string_view::npos || ring.keys_.size() == kKeyRingMaxKeys) return std::nullopt;
    const std::string_view id = entry.substr(0, colon);
    if (!is_valid_key_id(id) || ring.contains(id)) return std::nullopt;
    auto key = base64_decode(entry.substr(colon + 1));
    if (!key || key->size() != kAesGcmKeyBytes) {
      if (key) OPENSSL_cleanse(key->data(), key->size());
      return std::nullopt;
    }
    ring.keys_.push_back(Key{std::string(id), std::move(*key)});
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return ring;
}

KeyRing::~KeyRing() {
  for (Key& key : keys_) OPENSSL_cleanse(key.bytes.data(), key.bytes.size());
}

const KeyRing::Key* KeyRing::find(std::string_view key_id) const noexcept {
  for (const Key& key : keys_) {
    if (key.id == key_id) return &key;
  }
  return nullptr;
}

std::string seal(const KeyRing& ring, std::string_view plaintext, std::string_view associated_data) {
  if (plaintext.size() > kAesGcmPlaintextMaxBytes) throw std::length_error("seal: plaintext above kAesGcmPlaintextMaxBytes");
  const KeyRing::Key& key = ring.keys_.front();
  // A fresh random 96-bit nonce per value: with far fewer than 2^32 values per key, the
  // chance of a repeat (which would break GCM) stays negligible.
  const std::string nonce = random_bytes(kAesGcmNonceBytes);
  std::string sealed = header_of(key.id);
  const auto ciphertext = aes256gcm_encrypt(key.bytes, nonce, plaintext, sealed + std::string(associated_data));
  if (!ciphertext) throw std::runtime_error("seal: AES-256-GCM encryption failed");
  sealed += base64_encode(nonce);
  sealed += '.';
  sealed += base64_encode(*ciphertext);
  return sealed;
}

std::optional<std::string> open(const KeyRing& ring, std::string_view sealed, std::string_view associated_data) {
  if (sealed.size() > kSealedMaxBytes) return std::nullopt;
  const auto parts = split_sealed(sealed);
  if (!parts || (*parts)[0] != kVersion) return std::nullopt;
  const KeyRing::Key* key = ring.find((*parts)[1]);
  if (key == nullptr) return std::nullopt;
  const auto nonce = base64_decode((*parts)[2]);
  const auto ciphertext = base64_decode((*parts)[3]);
  if (!nonce || nonce->size() != kAesGcmNonceBytes || !ciphertext) return std::nullopt;
  return aes256gcm_decrypt(key->bytes, *nonce, *ciphertext, header_of(key->id) + std::string(associated_data));
}

}  // namespace nnw::server::crypto
