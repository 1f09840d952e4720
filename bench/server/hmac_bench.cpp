// nnw_hmac_bench: the HMAC-SHA256 every request's JWT check computes, by the server's own
// crypto::hmac (one context per thread, keyed again per call) against OpenSSL's one-shot
// EVP_Q_mac in the same run (what hmac() called before: it looks HMAC and SHA-256 up by name
// on every call). The message is the signed part ("header.payload") of a member token made by
// sign_jwt, the token every member request carries.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <array>
#include <string>

#include "crypto/hmac.hpp"
#include "crypto/jwt.hpp"

namespace {

const std::string kSecret(40, 's');

std::string member_token_signed_part() {
  const nnw::server::crypto::JwtClaims claims{"00000000-0000-4000-8000-000000001001",
                                              nnw::server::crypto::Role::member, 1795580188, 1795536988};
  const std::string token = nnw::server::crypto::sign_jwt(claims, kSecret).value();
  return token.substr(0, token.rfind('.'));
}
const std::string kSignedPart = member_token_signed_part();

void BM_ServerHmac(benchmark::State& state) {
  for (auto _ : state) {
    auto mac = nnw::server::crypto::hmac(nnw::server::crypto::HmacDigest::sha256, kSecret, kSignedPart);
    benchmark::DoNotOptimize(mac);
  }
}

void BM_OneShotEvpQMac(benchmark::State& state) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  std::size_t mac_size = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, kSecret.data(), kSecret.size(),
                                       reinterpret_cast<const unsigned char*>(kSignedPart.data()), kSignedPart.size(),
                                       mac.data(), mac.size(), &mac_size));
  }
}

// One thread, and four (the server's request threads share 2 CPUs with PostgreSQL).
BENCHMARK(BM_ServerHmac)->Threads(1)->Threads(4)->UseRealTime();
BENCHMARK(BM_OneShotEvpQMac)->Threads(1)->Threads(4)->UseRealTime();

}  // namespace
