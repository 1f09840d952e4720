#pragma once
// The ledger checked whole against itself and its business tables (db/queries/ledger_verify.sql),
// read only, in one snapshot: what the verify-ledger job reports.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "db/pg.hpp"

namespace nnw::server::ledger {

struct LedgerVerification {
  std::int64_t wallets = 0;
  std::int64_t entries = 0;
  std::int64_t total_cents = 0;
  // Every check by name with its count, in the statement's order; each must be 0.
  std::vector<std::pair<std::string, std::int64_t>> checks;
  // For each check that is not 0, its first few faults named for a person ("NN-1004", "NN-1004 #3",
  // "order …", "TRANSFER_OUT of 17"); absent for checks with nothing to name (conservation).
  std::vector<std::pair<std::string, std::vector<std::string>>> examples;
  std::string json;  // the statement's whole object, as PostgreSQL wrote it

  // The checks whose count is not 0.
  std::vector<std::pair<std::string, std::int64_t>> violated() const;
};

LedgerVerification verify_ledger(db::Connection& connection);

}  // namespace nnw::server::ledger
