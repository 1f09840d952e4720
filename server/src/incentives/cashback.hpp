#pragma once
// Cashback as booked: a member's cashbacks with their history, and the daily expiry job.
// Generation and spending happen inside checkout (shop/checkout.cpp).

#include <cstdint>
#include <string>

#include "db/pg.hpp"

namespace nnw::server::incentives {

// {"cashbacks":[{id, period, status, value_cents, currency, generated_by_order, used_by_order,
//  expires_at, available, events:[…]}]}: newest period first. `available` applies the rule
// that a cashback is never spendable at or after its period's end, whether or not the job ran.
std::string cashbacks_json(db::Connection& connection, const std::string& member_id, std::int64_t now_s);

struct ExpiryReport {
  std::int64_t expired = 0;
  std::int64_t value_cents = 0;
};

// Marks every AVAILABLE cashback whose period ended by now_s as EXPIRED, with a history row.
ExpiryReport expire_cashbacks(db::Connection& connection, std::int64_t now_s);

}  // namespace nnw::server::incentives
