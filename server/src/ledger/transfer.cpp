#include "ledger/transfer.hpp"

#include <chrono>

#include "ledger/ledger.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::ledger {

namespace {

ApiError insufficient_funds(std::int64_t balance_cents, std::int64_t amount_cents) {
  ApiError error = conflict("insufficient_funds", "the balance does not cover this amount", "amount_cents");
  error.details = {{"balance_cents", balance_cents}, {"shortfall_cents", amount_cents - balance_cents}};
  return error;
}

// Start of the sender's local day, as an instant: "per day" limits follow the market calendar.
std::string local_day_start(const nnw::rules::RulesConfig& rules, const std::string& market_code,
                            std::chrono::system_clock::time_point at) {
  const auto* market = rules.find_market(market_code);
  const auto now = std::chrono::floor<std::chrono::seconds>(at);
  if (market == nullptr) return nnw::rules::format_utc(now - std::chrono::hours(24));
  const auto local = nnw::rules::to_local(market->zone, now);
  const nnw::rules::Period period{local.year, local.month};
  return nnw::rules::format_utc(nnw::rules::local_day_start(market->zone, period, local.day));
}

ApiResult<std::string> resolve_recipient(db::Connection& c, const TransferRequest& request) {
  const db::Rows rows = c.run(sql::member_by_number_or_id.name, sql::member_by_number_or_id.text,
                              db::Params().add(request.to_member_number).add(request.to_member_id));
  if (rows.empty()) return ApiError{http::status::not_found, "recipient_not_found", "no member with that id or number",
                                    request.to_member_number ? "to_member_number" : "to_member_id", {}, {}};
  return std::string(rows.text(0, 0));
}

std::optional<ApiError> check_limits(db::Connection& c, const nnw::rules::RulesConfig& rules, const LockedWallet& from,
                                     std::int64_t amount_cents, std::chrono::system_clock::time_point now) {
  const auto* limits = rules.find_wallet(from.currency);
  if (limits == nullptr) return conflict("currency_unsupported", "transfers are not configured for " + from.currency);
  if (amount_cents > limits->transfer_max_cents) {
    ApiError error = bad_request("limit_exceeded", "the amount exceeds the per-transfer limit", "amount_cents");
    error.details = {{"limit_cents", limits->transfer_max_cents}};
    return error;
  }
  const db::Rows activity = c.run(sql::transfer_sender_activity.name, sql::transfer_sender_activity.text,
                                  db::Params().add(from.member_id).add(local_day_start(rules, from.market, now)));
  if (activity.int64(0, 0) >= limits->transfers_per_minute) {
    ApiError error{http::status::too_many_requests, "rate_limited", "too many transfers in the last minute", {}, {}, {}};
    error.retry_after_s = static_cast<int>(std::max<std::int64_t>(1, activity.int64(0, 1)));
    return error;
  }
  const std::int64_t day_total = activity.int64(0, 2);
  if (day_total + amount_cents > limits->transfer_daily_max_cents) {
    ApiError error = bad_request("daily_limit_exceeded", "the amount exceeds what is left of today's limit", "amount_cents");
    error.details = {{"limit_cents", limits->transfer_daily_max_cents},
                     {"remaining_cents", std::max<std::int64_t>(0, limits->transfer_daily_max_cents - day_total)}};
    return error;
  }
  return std::nullopt;
}

}  // namespace

ApiResult<TransferDone> transfer(db::Connection& c, const nnw::rules::RulesConfig& rules, const TransferRequest& request) {
  auto recipient = resolve_recipient(c, request);
  if (!recipient.ok()) return recipient.error();
  const std::string& to_id = recipient.value();
  const char* to_field = request.to_member_number ? "to_member_number" : "to_member_id";
  if (to_id == request.from_member_id) return bad_request("same_member", "a transfer needs two different members", to_field);

  const auto wallets = lock_wallets(c, {request.from_member_id, to_id});
  const auto find = [&](const std::string& id) -> const LockedWallet* {
    for (const auto& w : wallets) if (w.member_id == id) return &w;
    return nullptr;
  };
  const LockedWallet* from = find(request.from_member_id);
  const LockedWallet* to = find(to_id);
  if (from == nullptr) return not_found("the sender has no wallet");
  if (to == nullptr) return ApiError{http::status::not_found, "recipient_not_found", "the recipient has no wallet", to_field, {}, {}};
  if (from->member_status != "ACTIVE") return conflict("member_inactive", "the sender's account is not active");
  if (to->member_status != "ACTIVE") return conflict("recipient_inactive", "the recipient's account is not active", to_field);
  if (from->currency != to->currency) return conflict("currency_mismatch", "both wallets must hold the same currency", to_field);
  if (auto limited = check_limits(c, rules, *from, request.amount_cents, request.now)) return *limited;
  if (from->balance_cents < request.amount_cents) return insufficient_funds(from->balance_cents, request.amount_cents);

  const db::Rows inserted = c.run(sql::transfer_insert.name, sql::transfer_insert.text,
                                  db::Params().add(from->member_id).add(to->member_id).add(request.amount_cents)
                                      .add(from->currency).add(request.note));
  TransferDone done{inserted.int64(0, 0), to->member_id, to->member_number, from->currency, 0, std::string(inserted.text(0, 1))};
  EntryRefs out_refs{{}, {}, to->member_id, done.transfer_id, {}, request.idempotency_key, {}, request.note};
  const auto debit = post_entry(c, from->id, kTransferOut, -request.amount_cents, out_refs);
  if (!debit) return insufficient_funds(from->balance_cents, request.amount_cents);
  EntryRefs in_refs{{}, {}, from->member_id, done.transfer_id, {}, request.idempotency_key, {}, request.note};
  if (!post_entry(c, to->id, kTransferIn, request.amount_cents, in_refs)) {
    throw db::DbError("XX000", "a credit was refused by the ledger");
  }
  done.balance_after_cents = debit->balance_after_cents;
  audit(c, request.from_member_id, "member", "transfer.create", to->member_id,
        "{\"transfer_id\":" + std::to_string(done.transfer_id) + ",\"amount_cents\":" + std::to_string(request.amount_cents) + "}",
        request.request_id);
  return done;
}

}  // namespace nnw::server::ledger
