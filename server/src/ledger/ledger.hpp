#pragma once
// The ledger core: every money movement is one appended entry that moves one wallet's
// balance, inside a transaction the caller owns. Wallets are locked in wallet id order.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/pg.hpp"

namespace nnw::server::ledger {

// Entry types (RULES.md "Wallet"); the database checks each one's sign.
inline constexpr std::string_view kCommissionDeposit = "COMMISSION_DEPOSIT";
inline constexpr std::string_view kOrderPayment = "ORDER_PAYMENT";
inline constexpr std::string_view kOrderRefund = "ORDER_REFUND";
inline constexpr std::string_view kTransferOut = "TRANSFER_OUT";
inline constexpr std::string_view kTransferIn = "TRANSFER_IN";
inline constexpr std::string_view kWithdrawalHold = "WITHDRAWAL_HOLD";
inline constexpr std::string_view kWithdrawalRelease = "WITHDRAWAL_RELEASE";
inline constexpr std::string_view kAdjustmentCredit = "ADJUSTMENT_CREDIT";
inline constexpr std::string_view kAdjustmentDebit = "ADJUSTMENT_DEBIT";
bool is_entry_type(std::string_view type) noexcept;

struct EntryRefs {
  std::optional<std::int64_t> commission_id;
  std::optional<std::string> order_id;
  std::optional<std::string> counterparty_member_id;
  std::optional<std::int64_t> transfer_id;
  std::optional<std::int64_t> withdrawal_id;
  std::optional<std::string> idempotency_key;
  std::optional<std::string> rules_version;
  std::optional<std::string> description;
};

struct PostedEntry {
  std::int64_t id = 0;
  std::int64_t seq = 0;
  std::int64_t balance_before_cents = 0;
  std::int64_t balance_after_cents = 0;
  std::string created_at;
};

// Appends one entry of `type` moving the wallet by amount_cents (signed). nullopt when a
// debit would take the balance below zero; nothing is written then.
std::optional<PostedEntry> post_entry(db::Connection& connection, std::int64_t wallet_id, std::string_view type,
                                      std::int64_t amount_cents, const EntryRefs& refs);

struct LockedWallet {
  std::int64_t id = 0;
  std::string member_id;
  std::string currency;
  std::int64_t balance_cents = 0;
  std::string member_status;
  std::string market;
  std::string member_number;
  std::int64_t entry_count = 0;  // the wallet's last entry's seq
};

// Locks the wallets of these members (FOR UPDATE, wallet id order). Missing members are absent.
std::vector<LockedWallet> lock_wallets(db::Connection& connection, const std::vector<std::string>& member_ids);
// The same lock as one call of a pipeline (db::Connection::run_pipelined), for members named
// by id or by member number (PostgreSQL array literals, db::ArrayLiteral), and its answer read.
db::Call lock_wallets_call(std::string_view member_ids_array, std::string_view member_numbers_array);
std::vector<LockedWallet> locked_wallets(const db::Rows& rows);

// Appends to the audit log in the caller's transaction.
void audit(db::Connection& connection, std::string_view actor, std::string_view actor_role, std::string_view action,
           std::string_view target, std::string_view details_json, std::string_view request_id);

}  // namespace nnw::server::ledger
