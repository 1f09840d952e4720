#pragma once
// Withdrawals to a bank: the request holds the amount at once (WITHDRAWAL_HOLD); a cancel or
// a rejection releases it (WITHDRAWAL_RELEASE); an approval records the bank's reference.
// Above the configured amount, a request needs a TOTP code from the member's authenticator.

#include <cstdint>
#include <optional>
#include <string>

#include "crypto/sealed_box.hpp"
#include "db/pg.hpp"
#include "http/api.hpp"
#include "nnw/rules/config.hpp"

namespace nnw::server::ledger {

struct BankDetails {
  std::string bank_name;
  std::string holder_name;
  std::string clabe;
};

struct WithdrawalRequest {
  std::string member_id;
  std::int64_t amount_cents = 0;
  BankDetails bank;
  std::optional<std::string> totp_code;
  std::string idempotency_key;
  std::string request_id;
  std::int64_t now_s = 0;
};

struct WithdrawalCreated {
  std::int64_t id = 0;
  std::string currency;
  std::string requested_at;
  std::int64_t balance_after_cents = 0;
};

ApiResult<WithdrawalCreated> request_withdrawal(db::Connection& connection, const nnw::rules::RulesConfig& rules,
                                                const crypto::KeyRing& keys, const WithdrawalRequest& request);

enum class Decision { cancel, approve, reject };

struct DecisionRequest {
  std::int64_t withdrawal_id = 0;
  Decision decision = Decision::cancel;
  std::optional<std::string> bank_reference;   // approve
  std::optional<std::string> reason;           // reject
  std::string actor;                           // who decides (member id or admin subject)
  std::optional<std::string> member_scope;     // cancel: only the owner's own withdrawal
  std::string idempotency_key;
  std::string request_id;
};

struct Decided {
  std::string status;
  std::string member_id;
  std::int64_t amount_cents = 0;
};

ApiResult<Decided> decide_withdrawal(db::Connection& connection, const DecisionRequest& request);

// The sealed form of bank details, bound to their member so a row cannot be moved.
std::string seal_bank_details(const crypto::KeyRing& keys, const std::string& member_id, const BankDetails& bank);
std::optional<BankDetails> open_bank_details(const crypto::KeyRing& keys, const std::string& member_id,
                                             const std::string& sealed);

struct TotpEnrolment {
  std::string secret_base32;
  std::string otpauth_uri;
};

// A new (or replacement, while unconfirmed) authenticator secret; 409 when one is confirmed.
ApiResult<TotpEnrolment> enrol_totp(db::Connection& connection, const crypto::KeyRing& keys,
                                    const std::string& member_id, const std::string& account_label);

// Accepts a code within ±1 time step whose step was never used before, and records it
// (confirming the enrolment on first use). Errors: totp_not_enrolled, totp_invalid.
std::optional<ApiError> use_totp(db::Connection& connection, const crypto::KeyRing& keys,
                                 const std::string& member_id, const std::string& code, std::int64_t now_s,
                                 bool require_confirmed, std::string_view code_field);

}  // namespace nnw::server::ledger
