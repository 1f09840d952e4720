#pragma once
// Values encrypted at rest (withdrawal bank details) with AES-256-GCM under keys kept outside
// the database, with rotation: a KeyRing holds every key still needed to open old values and
// seals new ones under its current key. A sealed value is text:
//   v1.<key_id>.<base64 12-byte nonce>.<base64 ciphertext || 16-byte tag>
// The caller's associated data (e.g. the withdrawal id) is authenticated but not stored, so a
// ciphertext copied into another row does not open there. The version and key id are
// authenticated too.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nnw::server::crypto {

inline constexpr std::size_t kKeyRingMaxKeys = 16;
inline constexpr std::size_t kKeyIdMaxBytes = 32;

class KeyRing;

// Throws std::length_error when plaintext exceeds kAesGcmPlaintextMaxBytes (callers validate
// bank details long before) and std::runtime_error when OpenSSL or the random generator
// fails; neither is something a request can cause.
std::string seal(const KeyRing& ring, std::string_view plaintext, std::string_view associated_data);

// The plaintext, or nullopt when the text is malformed, names a key not in the ring, or does
// not authenticate (wrong key, tampering, other associated data).
std::optional<std::string> open(const KeyRing& ring, std::string_view sealed, std::string_view associated_data);

class KeyRing {
 public:
  // "id1:BASE64KEY[,id2:BASE64KEY…]": the first key is current. Ids are [A-Za-z0-9_-]{1,32},
  // unique; each key is standard padded base64 of exactly 32 bytes; at most kKeyRingMaxKeys.
  // nullopt on anything else (no whitespace is trimmed: configuration is exact).
  static std::optional<KeyRing> parse(std::string_view spec);

  KeyRing(const KeyRing&) = default;
  KeyRing(KeyRing&&) noexcept = default;
  KeyRing& operator=(const KeyRing&) = default;
  KeyRing& operator=(KeyRing&&) noexcept = default;
  ~KeyRing();  // wipes the key bytes

  const std::string& current_key_id() const noexcept { return keys_.front().id; }
  bool contains(std::string_view key_id) const noexcept { return find(key_id) != nullptr; }
  std::size_t size() const noexcept { return keys_.size(); }

 private:
  struct Key {
    std::string id;
    std::string bytes;  // kAesGcmKeyBytes
  };

  KeyRing() = default;
  const Key* find(std::string_view key_id) const noexcept;

  std::vector<Key> keys_;  // never empty; keys_.front() is current

  friend std::string seal(const KeyRing& ring, std::string_view plaintext, std::string_view associated_data);
  friend std::optional<std::string> open(const KeyRing& ring, std::string_view sealed,
                                         std::string_view associated_data);
};

}  // namespace nnw::server::crypto
