// nnw_hmac_bench: the HMAC-SHA256 every request's JWT check computes, by the server's own
// crypto::hmac (one context per thread, keyed again per call) against OpenSSL's one-shot
// EVP_Q_mac in the same run (what hmac() called before: it looks HMAC and SHA-256 up by name
// on every call). The message is the signed part of a member token as sign_jwt makes it.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <array>
#include <string>

#include "crypto/hmac.hpp"

namespace {

const std::string kSecret(40, 's');
const std::string kSignedPart(260, 't');

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
