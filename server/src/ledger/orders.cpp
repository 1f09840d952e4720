#include "ledger/orders.hpp"

#include "ledger/ledger.hpp"

namespace nnw::server::ledger {

namespace {

std::optional<ApiError> check_amounts(const OrderPayment& payment) {
  if (payment.total_cents < 0) return bad_request("out_of_range", "the order total cannot be negative", "total_cents");
  if (payment.wallet_cents < 0 || payment.wallet_cents > payment.total_cents) {
    return bad_request("out_of_range", "the wallet part must be between 0 and the order total", "wallet_cents");
  }
  return std::nullopt;
}

ApiResult<OrderPaid> move(db::Connection& c, const OrderPayment& payment, std::string_view type, std::int64_t sign) {
  if (auto error = check_amounts(payment)) return *error;
  const auto wallets = lock_wallets(c, {payment.member_id});
  if (wallets.empty()) return not_found("the member has no wallet");
  OrderPaid paid{payment.wallet_cents, payment.total_cents - payment.wallet_cents, wallets[0].balance_cents, 0};
  if (payment.wallet_cents == 0) return paid;
  EntryRefs refs;
  refs.order_id = payment.order_id;
  refs.idempotency_key = payment.idempotency_key;
  refs.rules_version = payment.rules_version;
  const auto entry = post_entry(c, wallets[0].id, type, sign * payment.wallet_cents, refs);
  if (!entry) {
    ApiError error = conflict("insufficient_funds", "the balance does not cover the wallet part", "wallet_cents");
    error.details = {{"balance_cents", wallets[0].balance_cents},
                     {"shortfall_cents", payment.wallet_cents - wallets[0].balance_cents}};
    return error;
  }
  paid.balance_after_cents = entry->balance_after_cents;
  paid.entry_id = entry->id;
  return paid;
}

}  // namespace

ApiResult<OrderPaid> pay_order(db::Connection& c, const OrderPayment& payment) { return move(c, payment, kOrderPayment, -1); }

ApiResult<OrderPaid> refund_order(db::Connection& c, const OrderPayment& payment) { return move(c, payment, kOrderRefund, 1); }

}  // namespace nnw::server::ledger
