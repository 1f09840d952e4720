#pragma once
// Member-to-member transfers, worked out in batches (RULES.md "Transfers"). A transfer is two
// entries and a transfer row, within the configured limits (per transfer, per local day, per
// minute). TransferPlanner decides a batch's transfers one after another, in arrival order,
// over the state read under the wallets' locks: each sees the balances and the sender's
// counts as every earlier transfer of the batch left them, exactly as if they had run one per
// transaction. It does no I/O; transfer_batch.cpp reads its inputs and books its result.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "http/api.hpp"
#include "ledger/ledger.hpp"
#include "nnw/rules/config.hpp"

namespace nnw::server::ledger {

struct TransferRequest {
  std::string from_member_id;
  std::optional<std::string> to_member_id;
  std::optional<std::string> to_member_number;
  std::int64_t amount_cents = 0;
  std::optional<std::string> note;
  std::string idempotency_key;
  std::string request_id;
  std::chrono::system_clock::time_point now;  // the request's time: "today" is its local day
};

struct TransferDone {
  std::int64_t transfer_id = 0;
  std::string to_member_id;
  std::string to_member_number;
  std::string currency;
  std::int64_t balance_after_cents = 0;  // the sender's
  std::string created_at;
};

// The 201 body of POST /v1/transfers (docs/api.md).
std::string transfer_created_json(const TransferRequest& request, const TransferDone& done);

// Start of the sender's local day containing `at`, in Unix seconds: "per day" limits follow
// the market calendar (a market the rules do not know counts the last 24 hours).
std::int64_t local_day_start_s(const nnw::rules::RulesConfig& rules, const std::string& market_code,
                               std::chrono::system_clock::time_point at);

// A sender's transfers as the database holds them (transfer_senders_activity.sql).
struct SenderActivity {
  std::int64_t latest_seq = 0;           // its running count
  std::int64_t latest_total_cents = 0;   // its running total
  std::int64_t latest_at_us = 0;         // when its latest transfer was stamped (0: none)
  std::int64_t minute_count = 0;         // transfers in the last minute
  std::int64_t minute_retry_after_s = 0; // until the oldest of those leaves the minute (0: none)
  std::int64_t day_total_cents = 0;      // sent since its local day began
};

// One accepted transfer, ready to book (transfers_book.sql) with its request.
struct TransferBooking {
  TransferDone done;
  std::int64_t from_wallet_id = 0;
  std::int64_t to_wallet_id = 0;
  std::int64_t out_seq = 0;            // the sender's entry
  std::int64_t out_before_cents = 0;
  std::int64_t in_seq = 0;             // the recipient's entry
  std::int64_t in_before_cents = 0;
  std::int64_t sender_seq = 0;
  std::int64_t sender_total_cents = 0;
  std::int64_t created_at_us = 0;
};

class TransferPlanner {
 public:
  // wallets: every party's wallet, locked; now_us: the booking transaction's time.
  TransferPlanner(const nnw::rules::RulesConfig& rules, std::vector<LockedWallet> wallets, std::int64_t now_us);

  // The wallet of a member, as earlier transfers of the batch left it (nullptr: none).
  const LockedWallet* wallet_of(const std::string& member_id) const;

  // Decides one transfer. recipient_id: the member the request names (nullopt: no such
  // member); activity: its sender's, read for day_start_s; transfer_id: reserved for it.
  ApiResult<TransferBooking> decide(const TransferRequest& request, const std::optional<std::string>& recipient_id,
                                    const SenderActivity& activity, std::int64_t day_start_s, std::int64_t transfer_id);

  // The wallets some accepted transfer moved, with their final balance and entry count.
  std::vector<LockedWallet> moved_wallets() const;

 private:
  struct SenderRun {          // a sender's transfers accepted earlier in this batch
    std::int64_t count = 0;
    std::int64_t total_cents = 0;
    std::int64_t latest_seq = 0;
    std::int64_t latest_total_cents = 0;
    std::int64_t at_us = 0;
  };
  LockedWallet* find(const std::string& member_id);

  const nnw::rules::RulesConfig& rules_;
  std::vector<LockedWallet> wallets_;
  std::vector<bool> moved_;
  std::int64_t now_us_;
  std::map<std::string, SenderRun, std::less<>> senders_;
};

}  // namespace nnw::server::ledger
