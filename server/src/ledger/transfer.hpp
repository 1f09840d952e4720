#pragma once
// A member-to-member transfer: two entries in one transaction, within the configured limits
// (per transfer, per local day, per minute). The caller's transaction holds the idempotency key.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "db/pg.hpp"
#include "http/api.hpp"
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

ApiResult<TransferDone> transfer(db::Connection& connection, const nnw::rules::RulesConfig& rules,
                                 const TransferRequest& request);

}  // namespace nnw::server::ledger
