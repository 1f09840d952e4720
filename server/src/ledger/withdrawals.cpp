#include "ledger/withdrawals.hpp"

#include <boost/json.hpp>

#include "crypto/base32.hpp"
#include "crypto/random.hpp"
#include "crypto/totp.hpp"
#include "ledger/ledger.hpp"
#include "nnw/rules/clabe.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "notify/outbox.hpp"

namespace nnw::server::ledger {

namespace {

std::string bank_aad(const std::string& member_id) { return "bank-details:" + member_id; }
std::string totp_aad(const std::string& member_id) { return "totp-secret:" + member_id; }

ApiError forbidden_code(std::string code, std::string message, std::string_view field = "totp_code") {
  return ApiError{http::status::forbidden, std::move(code), std::move(message), std::string(field), {}, {}};
}

// The TOTP step-up and the amount rules, before anything is written.
std::optional<ApiError> check_request(db::Connection& c, const nnw::rules::WalletConfig& limits,
                                      const crypto::KeyRing& keys, const WithdrawalRequest& request) {
  if (request.amount_cents < limits.withdrawal_min_cents) {
    ApiError error = bad_request("below_minimum", "the amount is below the minimum withdrawal", "amount_cents");
    error.details = {{"minimum_cents", limits.withdrawal_min_cents}};
    return error;
  }
  if (request.amount_cents <= limits.withdrawal_totp_above_cents) return std::nullopt;
  if (!request.totp_code) {
    ApiError error = forbidden_code("totp_required", "withdrawals above this amount need a code from your authenticator");
    error.details = {{"totp_above_cents", limits.withdrawal_totp_above_cents}};
    return error;
  }
  return use_totp(c, keys, request.member_id, *request.totp_code, request.now_s, true, "totp_code");
}

// The member hears of the decision in its own transaction: WITHDRAWAL_STATUS, once per status.
void notify_decision(db::Connection& c, const DecisionRequest& request, const Decided& done, std::string_view currency) {
  std::string payload;
  nnw::rules::json::Writer w(payload);
  w.begin_object().field("withdrawal_id", request.withdrawal_id).field("status", std::string_view(done.status));
  w.field("amount_cents", done.amount_cents).field("currency", currency);
  if (request.bank_reference) w.field("bank_reference", std::string_view(*request.bank_reference));
  if (request.reason) w.field("reason", std::string_view(*request.reason));
  w.end_object();
  notify::enqueue(c, done.member_id, notify::kWithdrawalStatus,
                  "withdrawal-status:" + std::to_string(request.withdrawal_id) + ":" + done.status, payload);
}

}  // namespace

std::string seal_bank_details(const crypto::KeyRing& keys, const std::string& member_id, const BankDetails& bank) {
  std::string plaintext;
  nnw::rules::json::Writer w(plaintext);
  w.begin_object().field("bank_name", std::string_view(bank.bank_name)).field("holder_name", std::string_view(bank.holder_name));
  w.field("clabe", std::string_view(bank.clabe)).end_object();
  return crypto::seal(keys, plaintext, bank_aad(member_id));
}

std::optional<BankDetails> open_bank_details(const crypto::KeyRing& keys, const std::string& member_id,
                                             const std::string& sealed) {
  const auto plaintext = crypto::open(keys, sealed, bank_aad(member_id));
  if (!plaintext) return std::nullopt;
  boost::system::error_code ec;
  const auto document = boost::json::parse(*plaintext, ec);
  if (ec || !document.is_object()) return std::nullopt;
  const auto& o = document.as_object();
  return BankDetails{std::string(o.at("bank_name").as_string()), std::string(o.at("holder_name").as_string()),
                     std::string(o.at("clabe").as_string())};
}

ApiResult<WithdrawalCreated> request_withdrawal(db::Connection& c, const nnw::rules::RulesConfig& rules,
                                                const crypto::KeyRing& keys, const WithdrawalRequest& request) {
  const auto check = nnw::rules::check_clabe(request.bank.clabe);
  if (!check.valid()) {
    ApiError error = bad_request("invalid_clabe", "the CLABE is not valid", "bank.clabe");
    error.details = {{"problem", nnw::rules::clabe_problem_name(check.problem)}};
    return error;
  }
  const auto wallets = lock_wallets(c, {request.member_id});
  if (wallets.empty()) return not_found("the member has no wallet");
  const LockedWallet& wallet = wallets[0];
  if (wallet.member_status != "ACTIVE") return conflict("member_inactive", "the account is not active");
  const auto* limits = rules.find_wallet(wallet.currency);
  if (limits == nullptr) return conflict("currency_unsupported", "withdrawals are not configured for " + wallet.currency);
  if (auto refused = check_request(c, *limits, keys, request)) return *refused;
  if (wallet.balance_cents < request.amount_cents) {
    ApiError error = conflict("insufficient_funds", "the balance does not cover this amount", "amount_cents");
    error.details = {{"balance_cents", wallet.balance_cents}, {"shortfall_cents", request.amount_cents - wallet.balance_cents}};
    return error;
  }
  const std::string sealed = seal_bank_details(keys, request.member_id, request.bank);
  const db::Rows inserted = c.run(sql::withdrawal_insert.name, sql::withdrawal_insert.text,
                                  db::Params().add(request.member_id).add(request.amount_cents).add(wallet.currency)
                                      .add(sealed).add(keys.current_key_id()).add(request.bank.clabe.substr(0, 3))
                                      .add(request.bank.clabe.substr(14, 4)));
  WithdrawalCreated created{inserted.int64(0, 0), wallet.currency, std::string(inserted.text(0, 1)), 0};
  EntryRefs refs;
  refs.withdrawal_id = created.id;
  refs.idempotency_key = request.idempotency_key;
  const auto hold = post_entry(c, wallet.id, kWithdrawalHold, -request.amount_cents, refs);
  if (!hold) throw db::DbError("XX000", "a checked withdrawal hold was refused by the ledger");
  created.balance_after_cents = hold->balance_after_cents;
  audit(c, request.member_id, "member", "withdrawal.request", std::to_string(created.id),
        "{\"amount_cents\":" + std::to_string(request.amount_cents) + "}", request.request_id);
  return created;
}

ApiResult<Decided> decide_withdrawal(db::Connection& c, const DecisionRequest& request) {
  const char* status = request.decision == Decision::approve ? "PAGADO"
                       : request.decision == Decision::reject ? "RECHAZADO" : "CANCELADO";
  const db::Rows decided = c.run(sql::withdrawal_decide.name, sql::withdrawal_decide.text,
                                 db::Params().add(request.withdrawal_id).add(status).add(request.bank_reference)
                                     .add(request.reason).add(request.actor).add(request.member_scope));
  if (decided.empty()) {
    const db::Rows current = c.run(sql::withdrawal_status.name, sql::withdrawal_status.text, db::Params().add(request.withdrawal_id));
    if (current.empty() || (request.member_scope && current.text(0, 1) != *request.member_scope)) {
      return not_found("no such withdrawal");
    }
    ApiError error = conflict("withdrawal_not_pending", "the withdrawal is already " + std::string(current.text(0, 0)));
    error.details = {{"status", std::string(current.text(0, 0))}};
    return error;
  }
  Decided done{status, std::string(decided.text(0, 0)), decided.int64(0, 1)};
  if (request.decision != Decision::approve) {
    const auto wallets = lock_wallets(c, {done.member_id});
    EntryRefs refs;
    refs.withdrawal_id = request.withdrawal_id;
    refs.idempotency_key = request.idempotency_key;
    refs.description = request.reason;
    if (wallets.empty() || !post_entry(c, wallets[0].id, kWithdrawalRelease, done.amount_cents, refs)) {
      throw db::DbError("XX000", "a withdrawal release was refused by the ledger");
    }
  }
  audit(c, request.actor, request.member_scope ? "member" : "admin", std::string("withdrawal.") + status,
        std::to_string(request.withdrawal_id), "{}", request.request_id);
  notify_decision(c, request, done, decided.text(0, 2));
  return done;
}

ApiResult<TotpEnrolment> enrol_totp(db::Connection& c, const crypto::KeyRing& keys, const std::string& member_id,
                                    const std::string& account_label) {
  const std::string secret = crypto::random_bytes(crypto::kTotpSecretBytes);
  const db::Rows enrolled = c.run(sql::totp_enrol.name, sql::totp_enrol.text,
                                  db::Params().add(member_id).add(crypto::seal(keys, secret, totp_aad(member_id)))
                                      .add(keys.current_key_id()));
  if (enrolled.empty()) return conflict("totp_already_enrolled", "an authenticator is already confirmed for this account");
  const std::string secret_base32 = crypto::base32_encode(secret);
  return TotpEnrolment{secret_base32, crypto::otpauth_uri("NN Wallet", account_label, secret_base32)};
}

std::optional<ApiError> use_totp(db::Connection& c, const crypto::KeyRing& keys, const std::string& member_id,
                                 const std::string& code, std::int64_t now_s, bool require_confirmed,
                                 std::string_view code_field) {
  const db::Rows row = c.run(sql::totp_lock.name, sql::totp_lock.text, db::Params().add(member_id));
  if (row.empty() || (require_confirmed && !row.boolean(0, 1))) {
    return forbidden_code("totp_not_enrolled", "enrol an authenticator first", code_field);
  }
  const auto secret = crypto::open(keys, std::string(row.text(0, 0)), totp_aad(member_id));
  if (!secret) throw db::DbError("XX000", "a TOTP secret does not open with the configured keys");
  const auto counter = crypto::totp_match(*secret, code, now_s, row.int64(0, 2));
  if (!counter) return forbidden_code("totp_invalid", "the code is wrong, expired or already used", code_field);
  c.run(sql::totp_use.name, sql::totp_use.text, db::Params().add(member_id).add(*counter));
  return std::nullopt;
}

}  // namespace nnw::server::ledger
