#include "crypto/aes_gcm.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>

namespace nnw::server::crypto {

namespace {

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const noexcept { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

const unsigned char* bytes_of(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }
unsigned char* bytes_of(std::string& text) { return reinterpret_cast<unsigned char*>(text.data()); }

// Sizes are checked against kAesGcmPlaintextMaxBytes first, so they fit in an int.
int int_size(std::size_t size) { return static_cast<int>(size); }

bool sizes_valid(std::string_view key, std::string_view nonce, std::size_t text_bytes, std::size_t aad_bytes) {
  return key.size() == kAesGcmKeyBytes && nonce.size() == kAesGcmNonceBytes &&
         text_bytes <= kAesGcmPlaintextMaxBytes && aad_bytes <= kAesGcmPlaintextMaxBytes;
}

// A context keyed for one message, the associated data already absorbed.
CipherContext start(bool encrypt, std::string_view key, std::string_view nonce, std::string_view associated_data) {
  CipherContext context(EVP_CIPHER_CTX_new());
  if (!context) return nullptr;
  // The default 12-byte GCM IV length is what kAesGcmNonceBytes asks for.
  if (EVP_CipherInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, bytes_of(key), bytes_of(nonce), encrypt ? 1 : 0) != 1) {
    return nullptr;
  }
  int written = 0;
  if (!associated_data.empty() && EVP_CipherUpdate(context.get(), nullptr, &written, bytes_of(associated_data),
                                                   int_size(associated_data.size())) != 1) {
    return nullptr;
  }
  return context;
}

}  // namespace

std::optional<std::string> aes256gcm_encrypt(std::string_view key, std::string_view nonce, std::string_view plaintext,
                                             std::string_view associated_data) {
  if (!sizes_valid(key, nonce, plaintext.size(), associated_data.size())) return std::nullopt;
  const CipherContext context = start(true, key, nonce, associated_data);
  if (!context) return std::nullopt;
  std::string sealed(plaintext.size() + kAesGcmTagBytes, '\0');
  int written = 0;
  if (!plaintext.empty() &&
      EVP_EncryptUpdate(context.get(), bytes_of(sealed), &written, bytes_of(plaintext), int_size(plaintext.size())) != 1) {
    return std::nullopt;
  }
  int final_written = 0;
  if (EVP_EncryptFinal_ex(context.get(), bytes_of(sealed) + written, &final_written) != 1) return std::nullopt;
  if (static_cast<std::size_t>(written) + static_cast<std::size_t>(final_written) != plaintext.size()) return std::nullopt;
  if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, int_size(kAesGcmTagBytes),
                          bytes_of(sealed) + plaintext.size()) != 1) {
    return std::nullopt;
  }
  return sealed;
}

std::optional<std::string> aes256gcm_decrypt(std::string_view key, std::string_view nonce,
                                             std::string_view ciphertext_and_tag, std::string_view associated_data) {
  if (ciphertext_and_tag.size() < kAesGcmTagBytes) return std::nullopt;
  const std::string_view ciphertext = ciphertext_and_tag.substr(0, ciphertext_and_tag.size() - kAesGcmTagBytes);
  std::string tag(ciphertext_and_tag.substr(ciphertext.size()));  // OpenSSL wants it writable
  if (!sizes_valid(key, nonce, ciphertext.size(), associated_data.size())) return std::nullopt;
  const CipherContext context = start(false, key, nonce, associated_data);
  if (!context) return std::nullopt;
  std::string plaintext(ciphertext.size(), '\0');
  int written = 0;
  if (!ciphertext.empty() && EVP_DecryptUpdate(context.get(), bytes_of(plaintext), &written, bytes_of(ciphertext),
                                               int_size(ciphertext.size())) != 1) {
    return std::nullopt;
  }
  if (EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, int_size(kAesGcmTagBytes), tag.data()) != 1) {
    return std::nullopt;
  }
  int final_written = 0;
  if (EVP_DecryptFinal_ex(context.get(), bytes_of(plaintext) + written, &final_written) != 1) {
    // The tag did not authenticate: wipe what was decrypted before discarding it.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return std::nullopt;
  }
  return plaintext;
}

}  // namespace nnw::server::crypto
