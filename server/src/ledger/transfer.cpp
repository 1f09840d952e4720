#include "ledger/transfer.hpp"

#include <algorithm>

#include "nnw/rules/calendar.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/rules/money.hpp"

namespace nnw::server::ledger {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMinuteWindowS = 60;

ApiError insufficient_funds(std::int64_t balance_cents, std::int64_t amount_cents) {
  ApiError error = conflict("insufficient_funds", "the balance does not cover this amount", "amount_cents");
  error.details = {{"balance_cents", balance_cents}, {"shortfall_cents", amount_cents - balance_cents}};
  return error;
}

ApiError overflow(const char* what) {
  return conflict("amount_overflow", std::string("the transfer would overflow the ") + what, "amount_cents");
}

}  // namespace

std::string transfer_created_json(const TransferRequest& r, const TransferDone& d) {
  std::string body;
  nnw::rules::json::Writer w(body);
  w.begin_object().key("transfer").begin_object();
  w.field("id", d.transfer_id).field("from_member_id", std::string_view(r.from_member_id));
  w.field("to_member_id", std::string_view(d.to_member_id)).field("to_member_number", std::string_view(d.to_member_number));
  w.field("amount_cents", r.amount_cents).field("currency", std::string_view(d.currency));
  if (r.note) w.field("note", std::string_view(*r.note)); else w.null_field("note");
  w.field("created_at", std::string_view(d.created_at));
  w.end_object();
  w.field("balance_cents", d.balance_after_cents);
  w.end_object();
  return body;
}

std::int64_t local_day_start_s(const nnw::rules::RulesConfig& rules, const std::string& market_code,
                               std::chrono::system_clock::time_point at) {
  const auto now = std::chrono::floor<std::chrono::seconds>(at);
  const auto* market = rules.find_market(market_code);
  if (market == nullptr) return (now - std::chrono::hours(24)).time_since_epoch().count();
  const auto local = nnw::rules::to_local(market->zone, now);
  const nnw::rules::Period period{local.year, local.month};
  return nnw::rules::local_day_start(market->zone, period, local.day).time_since_epoch().count();
}

TransferPlanner::TransferPlanner(const nnw::rules::RulesConfig& rules, std::vector<LockedWallet> wallets, std::int64_t now_us)
    : rules_(rules), wallets_(std::move(wallets)), moved_(wallets_.size(), false), now_us_(now_us) {}

LockedWallet* TransferPlanner::find(const std::string& member_id) {
  for (auto& w : wallets_) if (w.member_id == member_id) return &w;
  return nullptr;
}

const LockedWallet* TransferPlanner::wallet_of(const std::string& member_id) const {
  for (const auto& w : wallets_) if (w.member_id == member_id) return &w;
  return nullptr;
}

std::vector<LockedWallet> TransferPlanner::moved_wallets() const {
  std::vector<LockedWallet> moved;
  for (std::size_t i = 0; i < wallets_.size(); ++i) if (moved_[i]) moved.push_back(wallets_[i]);
  return moved;
}

// The checks, and their order, are the API's (docs/api.md "POST /v1/transfers"): who, then
// the accounts' state, then the limits, then the balance.
ApiResult<TransferBooking> TransferPlanner::decide(const TransferRequest& request, const std::optional<std::string>& recipient_id,
                                                   const SenderActivity& activity, std::int64_t day_start_s,
                                                   std::int64_t transfer_id) {
  const char* to_field = request.to_member_number ? "to_member_number" : "to_member_id";
  if (!recipient_id) return ApiError{http::status::not_found, "recipient_not_found", "no member with that id or number", to_field, {}, {}};
  if (*recipient_id == request.from_member_id) return bad_request("same_member", "a transfer needs two different members", to_field);
  LockedWallet* from = find(request.from_member_id);
  LockedWallet* to = find(*recipient_id);
  if (from == nullptr) return not_found("the sender has no wallet");
  if (to == nullptr) return ApiError{http::status::not_found, "recipient_not_found", "the recipient has no wallet", to_field, {}, {}};
  if (from->member_status != "ACTIVE") return conflict("member_inactive", "the sender's account is not active");
  if (to->member_status != "ACTIVE") return conflict("recipient_inactive", "the recipient's account is not active", to_field);
  if (from->currency != to->currency) return conflict("currency_mismatch", "both wallets must hold the same currency", to_field);

  const auto* limits = rules_.find_wallet(from->currency);
  if (limits == nullptr) return conflict("currency_unsupported", "transfers are not configured for " + from->currency);
  const std::int64_t amount = request.amount_cents;
  if (amount > limits->transfer_max_cents) {
    ApiError error = bad_request("limit_exceeded", "the amount exceeds the per-transfer limit", "amount_cents");
    error.details = {{"limit_cents", limits->transfer_max_cents}};
    return error;
  }
  // This sender's transfers accepted earlier in the batch are stamped with the batch's time
  // (never earlier than the sender's latest), so they are all inside the last minute, and
  // inside "today" when the batch's time is.
  SenderRun& run = senders_.try_emplace(request.from_member_id,
                                        SenderRun{0, 0, activity.latest_seq, activity.latest_total_cents,
                                                  std::max(now_us_, activity.latest_at_us)})
                       .first->second;
  if (activity.minute_count + run.count >= limits->transfers_per_minute) {
    ApiError error{http::status::too_many_requests, "rate_limited", "too many transfers in the last minute", {}, {}, {}};
    const std::int64_t wait_s = activity.minute_count > 0 ? activity.minute_retry_after_s : kMinuteWindowS;
    error.retry_after_s = static_cast<int>(std::clamp<std::int64_t>(wait_s, 1, kMinuteWindowS));
    return error;
  }
  const bool batch_in_day = run.at_us >= day_start_s * kMicrosPerSecond;
  const auto day_total = nnw::rules::checked_add(activity.day_total_cents, batch_in_day ? run.total_cents : 0);
  if (!day_total) return overflow("sender's daily total");
  const auto day_total_after = nnw::rules::checked_add(*day_total, amount);
  if (!day_total_after || *day_total_after > limits->transfer_daily_max_cents) {
    ApiError error = bad_request("daily_limit_exceeded", "the amount exceeds what is left of today's limit", "amount_cents");
    error.details = {{"limit_cents", limits->transfer_daily_max_cents},
                     {"remaining_cents", std::max<std::int64_t>(0, limits->transfer_daily_max_cents - *day_total)}};
    return error;
  }
  if (from->balance_cents < amount) return insufficient_funds(from->balance_cents, amount);
  const auto to_after = nnw::rules::checked_add(to->balance_cents, amount);
  const auto sender_total = nnw::rules::checked_add(run.latest_total_cents, amount);
  if (!to_after) return overflow("recipient's balance");
  if (!sender_total) return overflow("sender's running total");

  TransferBooking b;
  b.from_wallet_id = from->id;
  b.to_wallet_id = to->id;
  b.out_seq = ++from->entry_count;
  b.out_before_cents = from->balance_cents;
  from->balance_cents -= amount;
  b.in_seq = ++to->entry_count;
  b.in_before_cents = to->balance_cents;
  to->balance_cents = *to_after;
  moved_[static_cast<std::size_t>(from - wallets_.data())] = true;
  moved_[static_cast<std::size_t>(to - wallets_.data())] = true;
  b.sender_seq = ++run.latest_seq;
  b.sender_total_cents = run.latest_total_cents = *sender_total;
  run.count += 1;
  run.total_cents += amount;  // no overflow: it is part of sender_total, checked above
  b.created_at_us = run.at_us;
  b.done = TransferDone{transfer_id, to->member_id, to->member_number, from->currency, from->balance_cents,
                        nnw::rules::format_utc(run.at_us / kMicrosPerSecond)};  // after 1970: / floors
  return b;
}

}  // namespace nnw::server::ledger
