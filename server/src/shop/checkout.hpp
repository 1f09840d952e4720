#pragma once
// Authoritative checkout: prices a member's cart from the catalog and the member's booked
// state, runs the rules module's cart preview on it (the same JSON the WebAssembly API
// takes), and books a confirmed order (order, lines, cashback generated and/or spent with
// its usage, wallet payment, loyalty record) in the caller's transaction. Cancelling undoes
// what RULES.md says it undoes.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "db/pg.hpp"
#include "http/api.hpp"
#include "nnw/rules/engine.hpp"

namespace nnw::server::shop {

struct CartItem {
  std::string sku;
  std::int64_t quantity = 0;
};

// What the member's screen showed: a confirm must match the authoritative preview exactly.
struct DisplayedTotals {
  std::int64_t subtotal_cents = 0;
  std::int64_t discount_cents = 0;
  std::int64_t shipping_cents = 0;
  std::int64_t total_cents = 0;
};

struct PricedCart {
  std::string rules_request;   // the preview request document, as sent to the rules module
  std::string preview;         // the rules module's preview document, verbatim
  boost::json::object parsed;  // the same, parsed
  std::int64_t catalog_version = 0;
  std::int64_t balance_cents = 0;
  std::string market;
  std::string currency;
  std::string member_status;                  // ACTIVE | SUSPENDED
  std::vector<std::string> kits;              // per line
  std::optional<std::int64_t> cashback_id;    // the member's latest cashback, as sent to the rules
};

// Prices the cart for the member at `now` (Unix seconds). lock = true locks the member's
// wallet first, so what is read cannot change before the caller's transaction ends (every
// booking for a member holds that lock).
ApiResult<PricedCart> price_cart(db::Connection& connection, const nnw::rules::Engine& rules,
                                 const std::string& member_id, const std::vector<CartItem>& items,
                                 std::int64_t now_s, bool lock);

struct ConfirmRequest {
  std::string member_id;
  std::vector<CartItem> items;
  std::int64_t wallet_cents = 0;  // paid from the wallet; the rest is an external payment
  std::string rules_version;      // the version the client previewed with
  DisplayedTotals displayed;
  std::string idempotency_key;
  std::string request_id;
  std::int64_t now_s = 0;
};

struct ConfirmedOrder {
  std::string order_id;
  std::string body;  // the 201 response document
  std::int64_t wallet_cents = 0;
};

// 409 with a reason code and the authoritative preview (error.details.preview) when the rules
// version, prices, cashback or totals differ from what the client displayed, or the balance
// is short; nothing is booked then.
ApiResult<ConfirmedOrder> confirm_order(db::Connection& connection, const nnw::rules::Engine& rules,
                                        const ConfirmRequest& request);

struct CancelRequest {
  std::string order_id;
  std::string actor;          // who cancels (the member, or an admin)
  std::string actor_role;     // "member" | "admin"
  std::optional<std::string> member_id;  // a member may cancel only its own orders
  std::string idempotency_key;
  std::string request_id;
  std::int64_t now_s = 0;
};

struct CancelledOrder {
  std::string body;
  std::int64_t refunded_cents = 0;
};

ApiResult<CancelledOrder> cancel_order(db::Connection& connection, const nnw::rules::Engine& rules,
                                       const CancelRequest& request);

}  // namespace nnw::server::shop
