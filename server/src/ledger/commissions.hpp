#pragma once
// Commission intake (from the commission engine) and the deposit job that turns PENDING
// commissions into wallet entries exactly once, set-based, in bounded batches.

#include <cstdint>
#include <string>
#include <vector>

#include "db/pool.hpp"
#include "http/api.hpp"

namespace nnw::server::ledger {

struct CommissionIn {
  std::string external_id;
  std::string member_id;
  std::string bonus_type;
  std::string period;
  std::int64_t amount_cents = 0;
  std::string currency;
  std::int64_t source_amount_cents = 0;
  std::string source_currency;
  std::int64_t rate_micros = 0;
};

struct IntakeResult {
  std::vector<std::pair<std::string, std::int64_t>> recorded;  // external_id, id
  std::vector<std::string> duplicates;                          // external_ids already known
};

// Checks members and currencies, then records the batch in one statement. Error fields name
// "commissions[i]." items when the request was a batch, bare fields for a single commission.
ApiResult<IntakeResult> record_commissions(db::Connection& connection, const std::vector<CommissionIn>& batch,
                                           bool batch_form);

struct DepositReport {
  bool ran = false;  // false: another runner holds the job
  std::int64_t commissions = 0;
  std::int64_t amount_cents = 0;
  std::int64_t batches = 0;
  std::int64_t notices = 0;  // COMMISSION_DEPOSITED notifications queued: one per member of the run
};

// Deposits every PENDING commission, `batch_size` per transaction, until none is left or
// `batches_max` transactions ran. Resumable: a crash loses nothing and repeats nothing.
// `connection` holds the job's lock; `workers` - 1 more connections to database_url book
// batches alongside it (they claim disjoint commissions with SKIP LOCKED and lock wallets in
// id order, so they never deadlock one another).
DepositReport deposit_pending_commissions(db::Connection& connection, const std::string& database_url, int workers,
                                          std::int64_t batch_size, std::int64_t batches_max);

}  // namespace nnw::server::ledger
