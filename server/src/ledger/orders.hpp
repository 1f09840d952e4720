#pragma once
// Paying an order from the wallet, in full or in part, and refunding the wallet part: the
// internal operations checkout (issue #4) calls inside its own transaction.

#include <cstdint>
#include <string>

#include "db/pg.hpp"
#include "http/api.hpp"

namespace nnw::server::ledger {

struct OrderPayment {
  std::string member_id;
  std::string order_id;
  std::int64_t total_cents = 0;
  std::int64_t wallet_cents = 0;  // the part paid from the wallet; the rest is paid outside
  std::string rules_version;
  std::string idempotency_key;
};

struct OrderPaid {
  std::int64_t wallet_cents = 0;
  std::int64_t external_cents = 0;
  std::int64_t balance_after_cents = 0;
  std::int64_t entry_id = 0;  // 0 when nothing was paid from the wallet
};

// ORDER_PAYMENT of wallet_cents (0 ≤ wallet_cents ≤ total_cents). 409 insufficient_funds
// states the balance and the shortfall.
ApiResult<OrderPaid> pay_order(db::Connection& connection, const OrderPayment& payment);

// ORDER_REFUND of the wallet part of a cancelled order.
ApiResult<OrderPaid> refund_order(db::Connection& connection, const OrderPayment& payment);

}  // namespace nnw::server::ledger
