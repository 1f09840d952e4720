#include "crypto/hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>
#include <cstddef>

namespace nnw::server::crypto {

std::optional<std::string> hmac(HmacDigest digest, std::string_view key, std::string_view data) {
  const char* digest_name = digest == HmacDigest::sha1 ? "SHA1" : "SHA256";
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  std::size_t mac_size = 0;
  const unsigned char* result =
      EVP_Q_mac(nullptr, "HMAC", nullptr, digest_name, nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), mac.size(),
                &mac_size);
  if (result == nullptr || mac_size == 0 || mac_size > mac.size()) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(mac.data()), mac_size);
}

bool equal_constant_time(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace nnw::server::crypto
