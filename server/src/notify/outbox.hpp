#pragma once
// The notification outbox (migration 0007, docs/server.md "Notifications"): what a member
// should hear about is queued in the same transaction as the change that caused it, and the
// sender (smtp_sender.hpp, job send-notifications) delivers it later by email.
//
// To notify from a write, call enqueue() with the connection the write runs on, inside its
// transaction (db::in_transaction / idempotent_write). If the write rolls back, so does the
// notification; if it commits, the notification will be sent (at least once).

#include <string>
#include <string_view>

#include "db/pg.hpp"

namespace nnw::server::notify {

// Kinds, each with its dedupe key and the payload fields the sender's text uses (all
// amounts integer centavos with their currency). A missing field makes that row FAILED
// instead of sending a wrong email.
//
// COMMISSION_DEPOSITED   'commissions-deposited:<member id>:<last entry id>' — the deposit
//   job, one per member per run {commissions, amount_cents, currency, bonus_types[], periods[],
//   last_entry_id}
inline constexpr std::string_view kCommissionDeposited = "COMMISSION_DEPOSITED";
// CASHBACK_UNLOCKED      'cashback-unlocked:<cashback id>'        — for checkout to queue
//   {cashback_id, value_cents, currency, period}
inline constexpr std::string_view kCashbackUnlocked = "CASHBACK_UNLOCKED";
// CASHBACK_EXPIRING      'cashback-expiring:<cashback id>'        — job notify-cashback-expiring
//   {cashback_id, value_cents, currency, period, expires_at}
inline constexpr std::string_view kCashbackExpiring = "CASHBACK_EXPIRING";
// CASHBACK_EXPIRED       'cashback-expired:<cashback id>'         — job expire-cashbacks
//   {cashback_id, value_cents, currency, period}
inline constexpr std::string_view kCashbackExpired = "CASHBACK_EXPIRED";
// LOYALTY_REWARD_EARNED  'loyalty-reward-earned:<loyalty_rewards id>' — for loyalty to queue
//   {loyalty_reward_id, period}
inline constexpr std::string_view kLoyaltyRewardEarned = "LOYALTY_REWARD_EARNED";
// TRAVEL_QUALIFIED       'travel-qualified:<campaign id>:<member id>' — for travel to queue
//   {campaign_id, campaign_name, points}
inline constexpr std::string_view kTravelQualified = "TRAVEL_QUALIFIED";
// WITHDRAWAL_STATUS      'withdrawal-status:<withdrawal id>:<status>' — ledger/withdrawals.cpp
//   {withdrawal_id, status (PAGADO | RECHAZADO | CANCELADO), amount_cents, currency,
//    bank_reference (PAGADO), reason (RECHAZADO; optional for CANCELADO)}
inline constexpr std::string_view kWithdrawalStatus = "WITHDRAWAL_STATUS";

bool is_kind(std::string_view kind) noexcept;

// Queues a notification for member_id in the CALLER's transaction (it neither begins nor
// commits one). A dedupe_key already queued — whatever that row's status — leaves the
// outbox unchanged, so retried requests and re-run jobs notify once. payload_json must be a
// JSON object (build it with nnw::rules::json::Writer). An unknown kind or a payload that is
// not an object is a bug: it throws (std::invalid_argument) before touching the database.
void enqueue(db::Connection& connection, const std::string& member_id, std::string_view kind,
             std::string_view dedupe_key, std::string_view payload_json);

}  // namespace nnw::server::notify
