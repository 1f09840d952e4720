#include "crypto/hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstddef>
#include <memory>

namespace nnw::server::crypto {

namespace {

struct MacDeleter {
  void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};
struct MacContextDeleter {
  void operator()(EVP_MAC_CTX* context) const noexcept { EVP_MAC_CTX_free(context); }
};

// One HMAC context per thread and digest, made once and keyed again on every call. The
// one-shot EVP_Q_mac looked the algorithm and the digest up by name in OpenSSL's provider
// tables on every call, under its locks: every request's JWT check paid that. Each thread
// owns its contexts, so nothing here is shared between threads.
class ThreadMacs {
 public:
  EVP_MAC_CTX* context(HmacDigest digest) {
    auto& slot = slot_of(digest);
    if (slot) return slot.get();
    if (!mac_) mac_.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac_) return nullptr;
    ContextSlot context(EVP_MAC_CTX_new(mac_.get()));
    if (!context) return nullptr;
    // OSSL_PARAM takes a non-const pointer for every direction; a digest name is only read.
    const char* digest_name = digest == HmacDigest::sha1 ? "SHA1" : "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_name), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_CTX_set_params(context.get(), params) != 1) return nullptr;
    slot = std::move(context);
    return slot.get();
  }

  // A context whose last use failed part-way is dropped, not keyed again.
  void discard(HmacDigest digest) noexcept { slot_of(digest).reset(); }

 private:
  using ContextSlot = std::unique_ptr<EVP_MAC_CTX, MacContextDeleter>;
  ContextSlot& slot_of(HmacDigest digest) noexcept { return digest == HmacDigest::sha1 ? sha1_ : sha256_; }

  std::unique_ptr<EVP_MAC, MacDeleter> mac_;
  ContextSlot sha1_;
  ContextSlot sha256_;
};

thread_local ThreadMacs thread_macs;

}  // namespace

std::optional<std::string> hmac(HmacDigest digest, std::string_view key, std::string_view data) {
  EVP_MAC_CTX* context = thread_macs.context(digest);
  if (context == nullptr) return std::nullopt;
  // EVP_MAC_init keeps the previous call's key when given a null key, so an empty key must
  // still be a non-null pointer: otherwise hmac("", …) after hmac(secret, …) would MAC with
  // that secret (test: Hmac.AnEmptyKeyIsNotThePreviousCallsKey).
  static constexpr unsigned char kNoKeyBytes[1] = {0};
  const auto* key_bytes = key.empty() ? kNoKeyBytes : reinterpret_cast<const unsigned char*>(key.data());
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  std::size_t mac_size = 0;
  if (EVP_MAC_init(context, key_bytes, key.size(), nullptr) != 1 ||
      EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
      EVP_MAC_final(context, mac.data(), &mac_size, mac.size()) != 1 || mac_size == 0 || mac_size > mac.size()) {
    thread_macs.discard(digest);
    return std::nullopt;
  }
  return std::string(reinterpret_cast<const char*>(mac.data()), mac_size);
}

bool equal_constant_time(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace nnw::server::crypto
