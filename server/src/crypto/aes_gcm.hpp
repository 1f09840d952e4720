#pragma once
// AES-256-GCM through OpenSSL's EVP interface: the primitive under sealed_box, exposed on its
// own so a published test vector can pin it. Use sealed_box for data at rest; it chooses the
// nonces, which GCM needs never repeated under one key.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace nnw::server::crypto {

inline constexpr std::size_t kAesGcmKeyBytes = 32;
inline constexpr std::size_t kAesGcmNonceBytes = 12;
inline constexpr std::size_t kAesGcmTagBytes = 16;
// Far above any bank detail, far below GCM's limits and OpenSSL's int lengths.
inline constexpr std::size_t kAesGcmPlaintextMaxBytes = 1 << 20;

// ciphertext || tag; nullopt when a size is wrong (key, nonce, plaintext above the maximum)
// or OpenSSL fails.
std::optional<std::string> aes256gcm_encrypt(std::string_view key, std::string_view nonce, std::string_view plaintext,
                                             std::string_view associated_data);

// The plaintext when the tag authenticates ciphertext and associated data under key and
// nonce; nullopt otherwise (no partial plaintext is ever returned).
std::optional<std::string> aes256gcm_decrypt(std::string_view key, std::string_view nonce,
                                             std::string_view ciphertext_and_tag, std::string_view associated_data);

}  // namespace nnw::server::crypto
