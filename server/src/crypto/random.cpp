#include "crypto/random.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace nnw::server::crypto {

std::string random_bytes(std::size_t n) {
  if (n > kRandomBytesMax) throw std::length_error("random_bytes: request above kRandomBytesMax");
  std::string bytes(n, '\0');
  if (n == 0) return bytes;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) != 1) {
    throw std::runtime_error("random_bytes: RAND_bytes failed");
  }
  return bytes;
}

}  // namespace nnw::server::crypto
