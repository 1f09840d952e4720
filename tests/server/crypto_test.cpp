#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "crypto/aes_gcm.hpp"
#include "crypto/base32.hpp"
#include "crypto/base64.hpp"
#include "crypto/hmac.hpp"
#include "crypto/jwt.hpp"
#include "crypto/random.hpp"
#include "crypto/sealed_box.hpp"
#include "crypto/totp.hpp"

namespace nnw::server::crypto {
namespace {

std::string from_hex(std::string_view hex) {
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) bytes.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  return bytes;
}

std::string to_hex(std::string_view bytes) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string hex;
  for (const char c : bytes) {
    hex.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    hex.push_back(kHex[static_cast<unsigned char>(c) & 0x0Fu]);
  }
  return hex;
}

std::string all_byte_values() {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  return bytes;
}

// ---------------------------------------------------------------------------------------- base64

TEST(Base64, Rfc4648Vectors_EncodeAndDecode) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(base64_encode(bytes), text);
    EXPECT_EQ(base64_decode(text), std::string(bytes)) << text;
    std::string unpadded(text.substr(0, text.find('=')));
    EXPECT_EQ(base64url_encode(bytes), unpadded);
    EXPECT_EQ(base64url_decode(unpadded), std::string(bytes)) << unpadded;
  }
}

TEST(Base64, UrlAlphabet_DiffersOnlyInSymbols62And63) {
  const std::string bytes = from_hex("fbffbf");
  EXPECT_EQ(base64_encode(bytes), "+/+/");
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(base64url_encode(from_hex("fbff")), "-_8");
  EXPECT_EQ(base64_encode(from_hex("fbff")), "+/8=");
}

TEST(Base64, EveryByteAndLength_RoundTrips) {
  const std::string bytes = all_byte_values();
  for (std::size_t length = 0; length <= bytes.size(); ++length) {
    const std::string_view slice(bytes.data(), length);
    EXPECT_EQ(base64_decode(base64_encode(slice)), std::string(slice)) << length;
    EXPECT_EQ(base64url_decode(base64url_encode(slice)), std::string(slice)) << length;
  }
}

TEST(Base64, StandardDecode_RejectsInvalidText) {
  for (const std::string_view text : {"Zg", "Zg=", "Z===", "====", "Zh==", "Zm9=", "Zm9v\n", "Zm=v", "Zm9v Zg==",
                                      "-_8=", "Zg==Zg==", "Zm9vYg=", "\xC3\xA9xx"}) {
    EXPECT_FALSE(base64_decode(text).has_value()) << text;
  }
}

TEST(Base64, UrlDecode_RejectsPaddingStandardSymbolsAndBadLengths) {
  for (const std::string_view text : {"Zg==", "Zg=", "Z", "Zm9vY", "Zh", "Zm9", "+/8", "Zm9v.", "Zm 9v"}) {
    EXPECT_FALSE(base64url_decode(text).has_value()) << text;
  }
}

// ---------------------------------------------------------------------------------------- base32

TEST(Base32, Rfc4648Vectors_EncodeUnpaddedAndDecodeEitherWay) {
  const std::pair<std::string_view, std::string_view> vectors[] = {
      {"", ""},
      {"f", "MY======"},
      {"fo", "MZXQ===="},
      {"foo", "MZXW6==="},
      {"foob", "MZXW6YQ="},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI======"}};
  for (const auto& [bytes, padded] : vectors) {
    const std::string unpadded(padded.substr(0, padded.find('=')));
    EXPECT_EQ(base32_encode(bytes), unpadded);
    EXPECT_EQ(base32_decode(padded), std::string(bytes)) << padded;
    EXPECT_EQ(base32_decode(unpadded), std::string(bytes)) << unpadded;
    std::string lower = unpadded;
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    EXPECT_EQ(base32_decode(lower), std::string(bytes)) << lower;
  }
}

TEST(Base32, EveryByteAndLength_RoundTrips) {
  const std::string bytes = all_byte_values();
  for (std::size_t length = 0; length <= bytes.size(); ++length) {
    const std::string_view slice(bytes.data(), length);
    EXPECT_EQ(base32_decode(base32_encode(slice)), std::string(slice)) << length;
  }
}

TEST(Base32, Decode_RejectsInvalidText) {
  for (const std::string_view text : {"M", "MZX", "MZXW6Y", "MZ", "MY1", "MY8", "MY=====", "MY=======", "MY==",
                                      "========", "MZXW6===MY", "MY ", "MZXW6YQ==", "M=Y====="}) {
    EXPECT_FALSE(base32_decode(text).has_value()) << text;
  }
}

// ---------------------------------------------------------------------------------------- hmac

// RFC 4231 test case 2 (SHA-256) and RFC 2202 test case 2 (SHA-1): key "Jefe", this message.
constexpr std::string_view kJefeMessage = "what do ya want for nothing?";
constexpr std::string_view kJefeSha256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
constexpr std::string_view kJefeSha1 = "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79";

TEST(Hmac, Rfc4231AndRfc2202Vectors) {
  EXPECT_EQ(to_hex(hmac(HmacDigest::sha256, "Jefe", kJefeMessage).value()), kJefeSha256);
  EXPECT_EQ(to_hex(hmac(HmacDigest::sha1, "Jefe", kJefeMessage).value()), kJefeSha1);
}

// Each thread keeps its HMAC contexts and keys them again on every call: a call must never
// see the previous call's key, digest or data.
TEST(Hmac, EveryCallUsesItsOwnKeyDigestAndData) {
  const std::string long_key(131, '\xaa');  // RFC 4231 test case 6: a key longer than a block
  const std::string_view long_key_data = "Test Using Larger Than Block-Size Key - Hash Key First";
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(to_hex(hmac(HmacDigest::sha256, long_key, long_key_data).value()),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    EXPECT_EQ(to_hex(hmac(HmacDigest::sha1, "Jefe", kJefeMessage).value()), kJefeSha1);
    EXPECT_EQ(to_hex(hmac(HmacDigest::sha256, "Jefe", kJefeMessage).value()), kJefeSha256);
  }
}

// OpenSSL keys a reused context with its previous key when given a null one, and an empty
// string_view may hold a null pointer.
TEST(Hmac, AnEmptyKeyIsNotThePreviousCallsKey) {
  ASSERT_TRUE(hmac(HmacDigest::sha256, "Jefe", "").has_value());
  ASSERT_TRUE(hmac(HmacDigest::sha1, "Jefe", "").has_value());
  EXPECT_EQ(to_hex(hmac(HmacDigest::sha256, std::string_view(), std::string_view()).value()),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(to_hex(hmac(HmacDigest::sha1, std::string_view(), std::string_view()).value()),
            "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
}

TEST(Hmac, ThreadsMacSideBySide) {
  constexpr int kThreads = 4;
  constexpr int kCalls = 500;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &wrong] {
      for (int i = 0; i < kCalls; ++i) {
        const bool sha1 = (i + t) % 2 == 0;
        const auto mac = hmac(sha1 ? HmacDigest::sha1 : HmacDigest::sha256, "Jefe", kJefeMessage);
        const std::string_view expected = sha1 ? kJefeSha1 : kJefeSha256;
        if (!mac || to_hex(*mac) != expected) wrong.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(Hmac, EqualConstantTime_ComparesWholeContents) {
  EXPECT_TRUE(equal_constant_time("abc", "abc"));
  EXPECT_FALSE(equal_constant_time("abc", "abd"));
  EXPECT_FALSE(equal_constant_time("abc", "ab"));
  EXPECT_TRUE(equal_constant_time("", ""));
}

// ---------------------------------------------------------------------------------------- jwt

constexpr std::string_view kSecret = "nnw-test-secret-0123456789abcdef-0123456789";
constexpr std::int64_t kIat = 1700000000;
constexpr std::int64_t kExp = 1700003600;
constexpr std::int64_t kNow = 1700001000;

// Computed with Python's hmac/hashlib/base64 from the same claims in sign_jwt's layout:
// {"aud":"authenticated","exp":1700003600,"iat":1700000000,
//  "sub":"7c9e6679-7425-40de-944b-e07fc1f90ae7","role":"authenticated","app_metadata":{"nnw_role":"admin"}}
constexpr std::string_view kAdminTokenVector =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE3MDAwMDAwMDAsInN1YiI6IjdjOWU2Njc5LTc0MjUtNDBkZS05"
    "NDRiLWUwN2ZjMWY5MGFlNyIsInJvbGUiOiJhdXRoZW50aWNhdGVkIiwiYXBwX21ldGFkYXRhIjp7Im5ud19yb2xlIjoiYWRtaW4ifX0."
    "bIxDLsNKL-6Jqod9IpmlhaZ3zRQP9G5BRI7MdnnkAOY";

// A Supabase Auth access token's full claim set, also computed with Python; user_metadata
// claims admin, which must not count (users can edit user_metadata themselves).
constexpr std::string_view kSupabaseUserTokenVector =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJhdWQiOiJhdXRoZW50aWNhdGVkIiwiZXhwIjoxNzAwMDAzNjAwLCJpYXQiOjE3MDAwMDAwMDAsImlzcyI6Imh0dHBzOi8vYWJjZGVmZ2guc3Vw"
    "YWJhc2UuY28vYXV0aC92MSIsInN1YiI6IjBiMWY2YThlLTNjMWQtNGY3ZS05YTJiLTVkNmM3ZThmOWEwYiIsImVtYWlsIjoiYW5hQGV4YW1wbGUu"
    "bXgiLCJwaG9uZSI6IiIsImFwcF9tZXRhZGF0YSI6eyJwcm92aWRlciI6ImVtYWlsIiwicHJvdmlkZXJzIjpbImVtYWlsIl19LCJ1c2VyX21ldGFk"
    "YXRhIjp7Im5ud19yb2xlIjoiYWRtaW4ifSwicm9sZSI6ImF1dGhlbnRpY2F0ZWQiLCJhYWwiOiJhYWwxIiwiYW1yIjpbeyJtZXRob2QiOiJwYXNz"
    "d29yZCIsInRpbWVzdGFtcCI6MTcwMDAwMDAwMH1dLCJzZXNzaW9uX2lkIjoiNWYxZTJkM2MtNGI1YS02OTc4LThhOWItMGMxZDJlM2Y0YTViIiwi"
    "aXNfYW5vbnltb3VzIjpmYWxzZX0."
    "QYkHElE_ErTPn-hkAR4o6ct1X_zk8wSqJ0JxDKrYOGQ";

// HS512 over {"sub":"x","exp":1700003600} with kSecret, computed with Python.
constexpr std::string_view kHs512TokenVector =
    "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4IiwiZXhwIjoxNzAwMDAzNjAwfQ."
    "rIntoM3O9LS6CHbGdMo3nrI7d1-Ho-BKsNPIUIfgWupM9k1Y-ckd1PMHesZATXUM9lKP86NBWCYCDvggLm5U9Q";

constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";

// A correctly signed token around arbitrary header and payload text, to reach the claim checks.
std::string make_token(std::string_view header_json, std::string_view payload_json, std::string_view secret = kSecret) {
  std::string token = base64url_encode(header_json) + "." + base64url_encode(payload_json);
  return token + "." + base64url_encode(hmac(HmacDigest::sha256, secret, token).value());
}

std::string payload_with(std::string_view extra_claims) {
  return std::string(R"({"sub":"user-1","exp":1700003600,"iat":1700000000)") +
         (extra_claims.empty() ? "" : ",") + std::string(extra_claims) + "}";
}

JwtError error_of(const JwtVerification& verification) {
  EXPECT_FALSE(verification.ok());
  return verification.error;
}

TEST(Jwt, SignThenVerify_RoundTripsEveryRole) {
  for (const Role role : {Role::member, Role::admin, Role::service}) {
    const auto token = sign_jwt(JwtClaims{"user-42", role, kExp, kIat}, kSecret);
    ASSERT_TRUE(token.has_value());
    const auto verification = verify_jwt(*token, kSecret, kNow);
    ASSERT_TRUE(verification.ok()) << jwt_error_name(verification.error);
    EXPECT_EQ(verification.claims->sub, "user-42");
    EXPECT_EQ(verification.claims->role, role);
    EXPECT_EQ(verification.claims->exp_s, kExp);
    EXPECT_EQ(verification.claims->iat_s, kIat);
  }
}

TEST(Jwt, Sign_MatchesTokenComputedIndependently) {
  const auto token = sign_jwt(JwtClaims{"7c9e6679-7425-40de-944b-e07fc1f90ae7", Role::admin, kExp, kIat}, kSecret);
  EXPECT_EQ(token, std::string(kAdminTokenVector));
  const auto verification = verify_jwt(kAdminTokenVector, kSecret, kNow);
  ASSERT_TRUE(verification.ok());
  EXPECT_EQ(verification.claims->role, Role::admin);
}

TEST(Jwt, SupabaseUserToken_IsMemberAndIgnoresUserMetadata) {
  const auto verification = verify_jwt(kSupabaseUserTokenVector, kSecret, kNow);
  ASSERT_TRUE(verification.ok()) << jwt_error_name(verification.error);
  EXPECT_EQ(verification.claims->sub, "0b1f6a8e-3c1d-4f7e-9a2b-5d6c7e8f9a0b");
  EXPECT_EQ(verification.claims->role, Role::member);
}

TEST(Jwt, ServiceToken_CarriesSupabaseServiceRole) {
  const std::string token = sign_jwt(JwtClaims{"mlm-commission-engine", Role::service, kExp, kIat}, kSecret).value();
  const std::string payload = base64url_decode(token.substr(token.find('.') + 1, token.rfind('.') - token.find('.') - 1)).value();
  EXPECT_NE(payload.find(R"("role":"service_role")"), std::string::npos) << payload;
  EXPECT_NE(payload.find(R"("nnw_role":"service")"), std::string::npos) << payload;
}

TEST(Jwt, RoleMapping_NnwRoleWinsThenSupabaseRoleThenMember) {
  const auto role_for = [](std::string_view claims) {
    const auto verification = verify_jwt(make_token(kHs256Header, payload_with(claims)), kSecret, kNow);
    return verification.ok() ? std::optional<Role>(verification.claims->role) : std::nullopt;
  };
  EXPECT_EQ(role_for(R"("role":"service_role")"), Role::service);
  EXPECT_EQ(role_for(R"("role":"authenticated")"), Role::member);
  EXPECT_EQ(role_for(""), Role::member);
  EXPECT_EQ(role_for(R"("role":"service_role","app_metadata":{"nnw_role":"admin"})"), Role::admin);
  EXPECT_EQ(role_for(R"("role":"authenticated","app_metadata":{"nnw_role":"service"})"), Role::service);
  EXPECT_EQ(role_for(R"("role":"service_role","app_metadata":{"provider":"email"})"), Role::service);
  EXPECT_EQ(role_for(R"("app_metadata":{"nnw_role":null})"), Role::member);
}

TEST(Jwt, UnknownOrMistypedRoleClaims_AreInvalidClaims) {
  for (const std::string_view claims :
       {R"("app_metadata":{"nnw_role":"superadmin"})", R"("app_metadata":{"nnw_role":"Admin"})",
        R"("app_metadata":{"nnw_role":1})", R"("app_metadata":"admin")", R"("role":7)"}) {
    EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, payload_with(claims)), kSecret, kNow)),
              JwtError::invalid_claims)
        << claims;
  }
}

TEST(Jwt, Audience_MustIncludeAuthenticatedWhenPresent) {
  EXPECT_TRUE(verify_jwt(make_token(kHs256Header, payload_with(R"("aud":["other","authenticated"])")), kSecret, kNow).ok());
  EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, payload_with(R"("aud":"other")")), kSecret, kNow)),
            JwtError::invalid_claims);
  EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, payload_with(R"("aud":["other"])")), kSecret, kNow)),
            JwtError::invalid_claims);
}

TEST(Jwt, TamperedPayload_IsBadSignature) {
  // Swap the payload for one claiming admin, keeping the member token's header and signature.
  const std::string member = sign_jwt(JwtClaims{"user-1", Role::member, kExp, kIat}, kSecret).value();
  const std::string admin = sign_jwt(JwtClaims{"user-1", Role::admin, kExp, kIat}, kSecret).value();
  const std::string forged = admin.substr(0, admin.rfind('.')) + member.substr(member.rfind('.'));
  EXPECT_EQ(error_of(verify_jwt(forged, kSecret, kNow)), JwtError::bad_signature);
}

TEST(Jwt, TamperedSignature_IsBadSignature) {
  std::string token = sign_jwt(JwtClaims{"user-1", Role::member, kExp, kIat}, kSecret).value();
  const std::size_t signature_start = token.rfind('.') + 1;
  token[signature_start] = token[signature_start] == 'A' ? 'B' : 'A';
  EXPECT_EQ(error_of(verify_jwt(token, kSecret, kNow)), JwtError::bad_signature);
  const std::string truncated = token.substr(0, token.size() - 4);
  EXPECT_EQ(error_of(verify_jwt(truncated, kSecret, kNow)), JwtError::bad_signature);
}

TEST(Jwt, WrongSecret_IsBadSignature) {
  EXPECT_EQ(error_of(verify_jwt(kAdminTokenVector, "another-secret-of-sufficient-length-0123456", kNow)),
            JwtError::bad_signature);
}

TEST(Jwt, ShortSecret_SignsNothingAndAcceptsNothing) {
  const std::string short_secret(kJwtSecretMinBytes - 1, 's');
  EXPECT_FALSE(sign_jwt(JwtClaims{"user-1", Role::member, kExp, kIat}, short_secret).has_value());
  EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, payload_with(""), short_secret), short_secret, kNow)),
            JwtError::bad_signature);
  EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, payload_with(""), ""), "", kNow)), JwtError::bad_signature);
}

TEST(Jwt, AlgNone_IsUnsupported) {
  const std::string unsigned_token =
      base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + base64url_encode(payload_with("")) + ".";
  EXPECT_EQ(error_of(verify_jwt(unsigned_token, kSecret, kNow)), JwtError::unsupported_algorithm);
  // Even with a valid HS256 MAC attached, a header naming another algorithm is refused.
  EXPECT_EQ(error_of(verify_jwt(make_token(R"({"alg":"none"})", payload_with("")), kSecret, kNow)),
            JwtError::unsupported_algorithm);
  EXPECT_EQ(error_of(verify_jwt(make_token(R"({"alg":"hs256"})", payload_with("")), kSecret, kNow)),
            JwtError::unsupported_algorithm);
}

TEST(Jwt, AlgHs512_IsUnsupported) {
  EXPECT_EQ(error_of(verify_jwt(kHs512TokenVector, kSecret, kNow)), JwtError::unsupported_algorithm);
}

TEST(Jwt, CritHeader_IsUnsupported) {
  EXPECT_EQ(error_of(verify_jwt(make_token(R"({"alg":"HS256","crit":["exp"]})", payload_with("")), kSecret, kNow)),
            JwtError::unsupported_algorithm);
}

TEST(Jwt, Expiry_HonoursLeewayAtItsEdges) {
  const std::string token = sign_jwt(JwtClaims{"user-1", Role::member, kExp, kIat}, kSecret).value();
  EXPECT_TRUE(verify_jwt(token, kSecret, kExp + 29).ok());
  EXPECT_EQ(error_of(verify_jwt(token, kSecret, kExp + 30)), JwtError::expired);
  EXPECT_TRUE(verify_jwt(token, kSecret, kExp - 1, 0).ok());
  EXPECT_EQ(error_of(verify_jwt(token, kSecret, kExp, 0)), JwtError::expired);
  EXPECT_EQ(error_of(verify_jwt(token, kSecret, kExp, -100)), JwtError::expired);
  EXPECT_TRUE(verify_jwt(token, kSecret, kExp + 299, 300).ok());
}

TEST(Jwt, NotBefore_HonoursLeewayAtItsEdges) {
  const std::string token = make_token(kHs256Header, payload_with(R"("nbf":1700002000)"));
  EXPECT_TRUE(verify_jwt(token, kSecret, 1700002000 - 30).ok());
  EXPECT_EQ(error_of(verify_jwt(token, kSecret, 1700002000 - 31)), JwtError::not_yet_valid);
  EXPECT_TRUE(verify_jwt(token, kSecret, 1700002000, 0).ok());
  EXPECT_EQ(error_of(verify_jwt(token, kSecret, 1700001999, 0)), JwtError::not_yet_valid);
}

TEST(Jwt, ExtremeTimes_DoNotOverflow) {
  const std::string far_future = make_token(kHs256Header, R"({"sub":"u","exp":9223372036854775807})");
  EXPECT_TRUE(verify_jwt(far_future, kSecret, kNow).ok());
  const std::string far_past = make_token(kHs256Header, R"({"sub":"u","exp":-9223372036854775807})");
  EXPECT_EQ(error_of(verify_jwt(far_past, kSecret, kNow)), JwtError::expired);
  const std::string late_nbf = make_token(kHs256Header, R"({"sub":"u","exp":9223372036854775807,"nbf":9223372036854775807})");
  EXPECT_TRUE(verify_jwt(late_nbf, kSecret, 9223372036854775807 - 20).ok());  // now + leeway saturates
  EXPECT_EQ(error_of(verify_jwt(late_nbf, kSecret, 9223372036854775807 - 31)), JwtError::not_yet_valid);
}

TEST(Jwt, TimeClaims_MustBeIntegers) {
  for (const std::string_view payload :
       {R"({"sub":"u"})", R"({"sub":"u","exp":"1700003600"})", R"({"sub":"u","exp":1700003600.5})",
        R"({"sub":"u","exp":1.7000036e9})", R"({"sub":"u","exp":18446744073709551615})",
        R"({"sub":"u","exp":1700003600,"nbf":"0"})", R"({"sub":"u","exp":1700003600,"iat":true})"}) {
    EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, payload), kSecret, kNow)), JwtError::invalid_claims)
        << payload;
  }
  const auto no_iat = verify_jwt(make_token(kHs256Header, R"({"sub":"u","exp":1700003600})"), kSecret, kNow);
  ASSERT_TRUE(no_iat.ok());
  EXPECT_EQ(no_iat.claims->iat_s, 0);
}

TEST(Jwt, MissingSubject_IsReported) {
  for (const std::string_view payload :
       {R"({"exp":1700003600})", R"({"sub":"","exp":1700003600})", R"({"sub":null,"exp":1700003600})"}) {
    EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, payload), kSecret, kNow)), JwtError::missing_subject)
        << payload;
  }
}

TEST(Jwt, Subject_IsAStringOfAtMost128PrintableBytes) {
  const std::string longest(kJwtSubjectMaxBytes, 'u');
  EXPECT_TRUE(verify_jwt(make_token(kHs256Header, R"({"sub":")" + longest + R"(","exp":1700003600})"), kSecret, kNow).ok());
  for (const std::string& payload :
       {R"({"sub":")" + longest + R"(u","exp":1700003600})", std::string(R"({"sub":42,"exp":1700003600})"),
        std::string(R"({"sub":"a\nb","exp":1700003600})"), std::string(R"({"sub":["u"],"exp":1700003600})")}) {
    EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, payload), kSecret, kNow)), JwtError::invalid_claims)
        << payload;
  }
  EXPECT_FALSE(sign_jwt(JwtClaims{"", Role::member, kExp, kIat}, kSecret).has_value());
  EXPECT_FALSE(sign_jwt(JwtClaims{longest + "u", Role::member, kExp, kIat}, kSecret).has_value());
}

TEST(Jwt, Garbage_IsMalformed) {
  const std::string valid_payload = base64url_encode(payload_with(""));
  for (const std::string& token :
       {std::string(), std::string("abc"), std::string("a.b"), std::string("a.b.c.d"), std::string(".."),
        std::string("...."), std::string("!!!.???.***"), std::string(kAdminTokenVector) + ".x",
        base64url_encode("not json") + "." + valid_payload + ".sig", base64url_encode("[1,2]") + "." + valid_payload + ".sig",
        base64url_encode(R"({"typ":"JWT"})") + "." + valid_payload + ".sig",
        base64url_encode(R"({"alg":5})") + "." + valid_payload + ".sig",
        std::string("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9=.") + valid_payload + ".sig"}) {
    EXPECT_EQ(error_of(verify_jwt(token, kSecret, kNow)), JwtError::malformed) << token;
  }
}

TEST(Jwt, SignedButNonJsonPayload_IsMalformed) {
  EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, "not json"), kSecret, kNow)), JwtError::malformed);
  EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, R"(["sub"])"), kSecret, kNow)), JwtError::malformed);
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_EQ(error_of(verify_jwt(make_token(kHs256Header, R"({"sub":"u","exp":1700003600,"x":)" + deep + "}"), kSecret, kNow)),
            JwtError::malformed);
}

TEST(Jwt, OversizedToken_IsMalformedEvenWhenSigned) {
  const std::string padding(kJwtMaxBytes, 'x');
  const std::string token = make_token(kHs256Header, payload_with(R"("pad":")" + padding + "\""));
  EXPECT_GT(token.size(), kJwtMaxBytes);
  EXPECT_EQ(error_of(verify_jwt(token, kSecret, kNow)), JwtError::malformed);
}

TEST(Jwt, ErrorAndRoleNames_AreStable) {
  EXPECT_STREQ(jwt_error_name(JwtError::bad_signature), "BAD_SIGNATURE");
  EXPECT_STREQ(jwt_error_name(JwtError::not_yet_valid), "NOT_YET_VALID");
  EXPECT_STREQ(role_name(Role::service), "service");
}

// ---------------------------------------------------------------------------------------- totp

constexpr std::string_view kRfcSecret = "12345678901234567890";

TEST(Totp, DynamicTruncation_MatchesRfc4226AppendixD) {
  const std::string_view expected[] = {"755224", "287082", "359152", "969429", "338314",
                                       "254676", "287922", "162583", "399871", "520489"};
  for (std::int64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(totp_code(kRfcSecret, counter), expected[counter]) << counter;
  }
}

TEST(Totp, Rfc6238AppendixBSha1_LastSixDigits) {
  // The RFC's 8-digit codes 94287082, 07081804, 14050471, 89005924, 69279037, 65353130 mod 10^6.
  const std::pair<std::int64_t, std::string_view> vectors[] = {
      {59, "287082"},         {1111111109, "081804"}, {1111111111, "050471"},
      {1234567890, "005924"}, {2000000000, "279037"}, {20000000000, "353130"}};
  for (const auto& [now_s, code] : vectors) {
    EXPECT_EQ(totp_code(kRfcSecret, now_s / kTotpStepS), code) << now_s;
    EXPECT_EQ(totp_match(kRfcSecret, code, now_s, -1), now_s / kTotpStepS) << now_s;
  }
}

TEST(Totp, Window_AcceptsOneStepEitherSideOnly) {
  const std::string code = totp_code(kRfcSecret, 10);  // valid in [300, 330)
  EXPECT_FALSE(totp_match(kRfcSecret, code, 269, -1).has_value());
  EXPECT_EQ(totp_match(kRfcSecret, code, 270, -1), 10);  // one step early (clock behind)
  EXPECT_EQ(totp_match(kRfcSecret, code, 315, -1), 10);
  EXPECT_EQ(totp_match(kRfcSecret, code, 359, -1), 10);  // one step late
  EXPECT_FALSE(totp_match(kRfcSecret, code, 360, -1).has_value());
}

TEST(Totp, Replay_IsRejectedThroughLastUsedCounter) {
  const std::string code = totp_code(kRfcSecret, 10);
  const auto used = totp_match(kRfcSecret, code, 315, -1);
  ASSERT_EQ(used, 10);
  EXPECT_FALSE(totp_match(kRfcSecret, code, 315, *used).has_value());
  EXPECT_FALSE(totp_match(kRfcSecret, code, 345, *used).has_value());
  // Once a later code has been used, an earlier still-in-window code is refused too.
  const auto next = totp_match(kRfcSecret, totp_code(kRfcSecret, 11), 335, *used);
  ASSERT_EQ(next, 11);
  EXPECT_FALSE(totp_match(kRfcSecret, code, 335, *next).has_value());
  EXPECT_EQ(totp_match(kRfcSecret, code, 315, 9), 10);
}

TEST(Totp, Code_MustBeExactlySixAsciiDigits) {
  const std::string code = totp_code(kRfcSecret, 1);  // "287082"
  EXPECT_EQ(totp_match(kRfcSecret, code, 59, -1), 1);
  for (const std::string_view bad : {"28708", "2870820", "28708a", " 87082", "287082 ", "-87082", "+87082", "",
                                     "\xEF\xBC\x92""87082", "94287082"}) {
    EXPECT_FALSE(totp_match(kRfcSecret, bad, 59, -1).has_value()) << bad;
  }
}

TEST(Totp, ShortSecretOrNegativeTime_NeverMatches) {
  const std::string short_secret(kTotpSecretMinBytes - 1, 'k');
  EXPECT_FALSE(totp_match(short_secret, totp_code(short_secret, 1), 59, -1).has_value());
  EXPECT_FALSE(totp_match(kRfcSecret, totp_code(kRfcSecret, -1), -1, -5).has_value());
}

TEST(Totp, OtpauthUri_PercentEncodesLabelAndIssuer) {
  EXPECT_EQ(otpauth_uri("NN Wallet", "ana+mx@example.com", "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "otpauth://totp/NN%20Wallet:ana%2Bmx%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            "&issuer=NN%20Wallet&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(otpauth_uri("A:B&C", "Núñez/1?x=y", "MY"),
            "otpauth://totp/A%3AB%26C:N%C3%BA%C3%B1ez%2F1%3Fx%3Dy?secret=MY&issuer=A%3AB%26C"
            "&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(base32_encode(kRfcSecret), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(Random, Bytes_HaveTheRequestedSizeAndDiffer) {
  EXPECT_TRUE(random_bytes(0).empty());
  const std::string a = random_bytes(kTotpSecretBytes);
  const std::string b = random_bytes(kTotpSecretBytes);
  EXPECT_EQ(a.size(), kTotpSecretBytes);
  EXPECT_NE(a, b);
  EXPECT_THROW(random_bytes(kRandomBytesMax + 1), std::length_error);
}

// ---------------------------------------------------------------------------------------- aes-gcm

// The GCM specification's (McGrew & Viega) AES-256 test cases 13, 14 and 16.
TEST(AesGcm, PublishedTestVectors) {
  const std::string zero_key(32, '\0');
  const std::string zero_nonce(12, '\0');
  EXPECT_EQ(to_hex(aes256gcm_encrypt(zero_key, zero_nonce, "", "").value()), "530f8afbc74536b9a963b4f1c4cb738b");
  EXPECT_EQ(to_hex(aes256gcm_encrypt(zero_key, zero_nonce, std::string(16, '\0'), "").value()),
            "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919");

  const std::string key = from_hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
  const std::string nonce = from_hex("cafebabefacedbaddecaf888");
  const std::string plaintext = from_hex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657"
      "ba637b39");
  const std::string aad = from_hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const std::string expected =
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0a"
      "bcc9f662"
      "76fc6ece0f4e1768cddf8853bb2d551b";
  EXPECT_EQ(to_hex(aes256gcm_encrypt(key, nonce, plaintext, aad).value()), expected);
  EXPECT_EQ(aes256gcm_decrypt(key, nonce, from_hex(expected), aad), plaintext);
}

TEST(AesGcm, WrongSizes_AreRefused) {
  EXPECT_FALSE(aes256gcm_encrypt(std::string(31, 'k'), std::string(12, 'n'), "x", "").has_value());
  EXPECT_FALSE(aes256gcm_encrypt(std::string(32, 'k'), std::string(16, 'n'), "x", "").has_value());
  EXPECT_FALSE(aes256gcm_decrypt(std::string(32, 'k'), std::string(12, 'n'), std::string(15, 't'), "").has_value());
  EXPECT_FALSE(
      aes256gcm_encrypt(std::string(32, 'k'), std::string(12, 'n'), std::string(kAesGcmPlaintextMaxBytes + 1, 'p'), "")
          .has_value());
}

// ---------------------------------------------------------------------------------------- sealed box

std::string key_entry(std::string_view id, char fill) { return std::string(id) + ":" + base64_encode(std::string(32, fill)); }

const KeyRing& test_ring() {
  static const KeyRing ring = KeyRing::parse(key_entry("k2025", 'a') + "," + key_entry("k2024", 'b')).value();
  return ring;
}

constexpr std::string_view kBankDetails = R"({"bank":"BBVA","holder":"Ana Núñez","clabe":"002180700123456788"})";
constexpr std::string_view kRowA = "withdrawal:8f14e45f";
constexpr std::string_view kRowB = "withdrawal:c9f0f895";

TEST(KeyRing, Parse_AcceptsIdsAndKeysAndMakesTheFirstCurrent) {
  const auto ring = KeyRing::parse(key_entry("k2025", 'a') + "," + key_entry("old_key-1", 'b'));
  ASSERT_TRUE(ring.has_value());
  EXPECT_EQ(ring->current_key_id(), "k2025");
  EXPECT_EQ(ring->size(), 2u);
  EXPECT_TRUE(ring->contains("old_key-1"));
  EXPECT_FALSE(ring->contains("k2024"));
  EXPECT_TRUE(KeyRing::parse(key_entry(std::string(kKeyIdMaxBytes, 'i'), 'a')).has_value());
}

TEST(KeyRing, Parse_RejectsMalformedSpecs) {
  const std::string good = key_entry("k1", 'a');
  std::string seventeen_keys = key_entry("k0", 'a');
  for (int i = 1; i <= static_cast<int>(kKeyRingMaxKeys); ++i) seventeen_keys += "," + key_entry("k" + std::to_string(i), 'a');
  for (const std::string& spec :
       {std::string(), std::string("k1"), std::string("k1:"), ":" + base64_encode(std::string(32, 'a')),
        key_entry("k.1", 'a'), key_entry("k 1", 'a'), key_entry("k:1", 'a'), key_entry("ñ", 'a'),
        key_entry(std::string(kKeyIdMaxBytes + 1, 'i'), 'a'), "k1:" + base64_encode(std::string(31, 'a')),
        "k1:" + base64_encode(std::string(33, 'a')), "k1:" + base64url_encode(std::string(32, '\xff')),
        std::string("k1:not-base64!"), good + "," + key_entry("k1", 'b'), good + ",", "," + good,
        good + ",," + key_entry("k2", 'b'),
        " " + good, good + " ", good + "\n", seventeen_keys}) {
    EXPECT_FALSE(KeyRing::parse(spec).has_value()) << spec;
  }
}

TEST(SealedBox, SealThenOpen_RoundTrips) {
  for (const std::string_view plaintext : {kBankDetails, std::string_view(""), std::string_view("\0\x01\xff", 3)}) {
    const std::string sealed = seal(test_ring(), plaintext, kRowA);
    EXPECT_EQ(open(test_ring(), sealed, kRowA), std::string(plaintext));
  }
}

TEST(SealedBox, SealedText_HasTheDocumentedLayoutAndAFreshNonce) {
  const std::string sealed = seal(test_ring(), kBankDetails, kRowA);
  ASSERT_EQ(sealed.rfind("v1.k2025.", 0), 0u) << sealed;
  const std::string rest = sealed.substr(std::string_view("v1.k2025.").size());
  const std::size_t dot = rest.find('.');
  ASSERT_NE(dot, std::string::npos);
  EXPECT_EQ(base64_decode(rest.substr(0, dot)).value().size(), kAesGcmNonceBytes);
  EXPECT_EQ(base64_decode(rest.substr(dot + 1)).value().size(), kBankDetails.size() + kAesGcmTagBytes);
  EXPECT_NE(seal(test_ring(), kBankDetails, kRowA), sealed);
}

TEST(SealedBox, Plaintext_NeverAppearsInTheSealedText) {
  const std::string sealed = seal(test_ring(), kBankDetails, kRowA);
  EXPECT_EQ(sealed.find("002180700123456788"), std::string::npos);
  EXPECT_EQ(sealed.find("BBVA"), std::string::npos);
  const std::string encoded_plaintext = base64_encode(kBankDetails);
  EXPECT_EQ(sealed.find(encoded_plaintext.substr(0, 16)), std::string::npos);
}

TEST(SealedBox, Rotation_OldValuesStillOpenAndNewOnesUseTheNewKey) {
  const auto old_ring = KeyRing::parse(key_entry("k2024", 'b')).value();
  const std::string old_sealed = seal(old_ring, kBankDetails, kRowA);
  const auto rotated = KeyRing::parse(key_entry("k2025", 'a') + "," + key_entry("k2024", 'b')).value();
  EXPECT_EQ(open(rotated, old_sealed, kRowA), std::string(kBankDetails));
  const std::string new_sealed = seal(rotated, kBankDetails, kRowA);
  EXPECT_EQ(new_sealed.rfind("v1.k2025.", 0), 0u);
  EXPECT_FALSE(open(old_ring, new_sealed, kRowA).has_value());
  const auto retired = KeyRing::parse(key_entry("k2025", 'a')).value();
  EXPECT_FALSE(open(retired, old_sealed, kRowA).has_value());
}

TEST(SealedBox, SameIdWithAnotherKey_DoesNotOpen) {
  const std::string sealed = seal(test_ring(), kBankDetails, kRowA);
  const auto impostor = KeyRing::parse(key_entry("k2025", 'z')).value();
  EXPECT_FALSE(open(impostor, sealed, kRowA).has_value());
}

TEST(SealedBox, WrongAssociatedData_DoesNotOpen) {
  const std::string sealed = seal(test_ring(), kBankDetails, kRowA);
  EXPECT_FALSE(open(test_ring(), sealed, kRowB).has_value());  // a ciphertext moved to another row
  EXPECT_FALSE(open(test_ring(), sealed, "").has_value());
  EXPECT_FALSE(open(test_ring(), seal(test_ring(), kBankDetails, ""), kRowA).has_value());
}

TEST(SealedBox, TamperingWithAnyPart_DoesNotOpen) {
  const std::string sealed = seal(test_ring(), kBankDetails, kRowA);
  const std::size_t nonce_start = std::string_view("v1.k2025.").size();
  const std::size_t body_start = sealed.rfind('.') + 1;
  const std::string nonce = base64_decode(sealed.substr(nonce_start, body_start - 1 - nonce_start)).value();
  const std::string body = base64_decode(sealed.substr(body_start)).value();
  const std::string prefix = sealed.substr(0, nonce_start);

  EXPECT_FALSE(open(test_ring(), "v2" + sealed.substr(2), kRowA).has_value());
  EXPECT_FALSE(open(test_ring(), "v1.k2024" + sealed.substr(8), kRowA).has_value());
  for (std::size_t i = 0; i < nonce.size(); ++i) {
    std::string flipped = nonce;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
    EXPECT_FALSE(open(test_ring(), prefix + base64_encode(flipped) + "." + base64_encode(body), kRowA).has_value()) << i;
  }
  for (std::size_t i = 0; i < body.size(); ++i) {  // ciphertext bytes, then the tag
    std::string flipped = body;
    flipped[i] = static_cast<char>(flipped[i] ^ 0x80);
    EXPECT_FALSE(open(test_ring(), prefix + base64_encode(nonce) + "." + base64_encode(flipped), kRowA).has_value()) << i;
  }
  const std::string shortened = body.substr(0, body.size() - 1);
  EXPECT_FALSE(open(test_ring(), prefix + base64_encode(nonce) + "." + base64_encode(shortened), kRowA).has_value());
  EXPECT_FALSE(open(test_ring(), prefix + base64_encode(nonce) + "." + base64_encode(body + "x"), kRowA).has_value());
}

TEST(SealedBox, MalformedText_DoesNotOpen) {
  const std::string sealed = seal(test_ring(), kBankDetails, kRowA);
  const std::string nonce = base64_encode(std::string(12, 'n'));
  const std::string body = base64_encode(std::string(32, 'c'));
  for (const std::string& text :
       {std::string(), std::string("v1"), std::string("v1..."), std::string("v1.k2025.."), sealed + ".",
        sealed + ".x", "." + sealed, "v1.unknown." + nonce + "." + body, "v1.k2025." + nonce + "." + "!!!!",
        "v1.k2025." + base64_encode(std::string(11, 'n')) + "." + body, "v1.k2025." + nonce + "." + base64_encode("short"),
        "v1.k2025." + nonce.substr(0, nonce.size() - 1) + "." + body, "V1" + sealed.substr(2),
        std::string(3 * kAesGcmPlaintextMaxBytes, 'A')}) {
    EXPECT_FALSE(open(test_ring(), text, kRowA).has_value()) << text.substr(0, 80);
  }
}

TEST(SealedBox, OversizedPlaintext_IsACallerBug) {
  EXPECT_THROW(seal(test_ring(), std::string(kAesGcmPlaintextMaxBytes + 1, 'p'), kRowA), std::length_error);
}

}  // namespace
}  // namespace nnw::server::crypto
