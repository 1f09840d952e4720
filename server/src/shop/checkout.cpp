#include "shop/checkout.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "incentives/loyalty.hpp"
#include "incentives/travel.hpp"
#include "ledger/ledger.hpp"
#include "ledger/orders.hpp"
#include "notify/outbox.hpp"
#include "shop/catalog.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::shop {

namespace {

using nnw::rules::UtcSeconds;

std::int64_t get_int(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}

std::string get_string(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

struct CatalogRow {
  std::string kit;
  std::int64_t pv = 0;
  bool active = false;
  std::optional<std::int64_t> unit_price_cents;
};

struct MemberWallet {
  std::string market;
  std::string currency;
  std::int64_t balance_cents = 0;
  std::string status;
};

ApiResult<MemberWallet> member_wallet(db::Connection& c, const std::string& member_id, bool lock) {
  if (lock) {
    const auto wallets = ledger::lock_wallets(c, {member_id});
    if (wallets.empty()) return not_found("the member has no wallet");
    return MemberWallet{wallets[0].market, wallets[0].currency, wallets[0].balance_cents, wallets[0].member_status};
  }
  const db::Rows rows = c.run(sql::member_wallet_state.name, sql::member_wallet_state.text, db::Params().add(member_id));
  if (rows.empty()) return not_found("the member has no wallet");
  return MemberWallet{std::string(rows.text(0, 0)), std::string(rows.text(0, 1)), rows.int64(0, 2), std::string(rows.text(0, 3))};
}

}  // namespace

ApiResult<PricedCart> price_cart(db::Connection& c, const nnw::rules::Engine& rules, const std::string& member_id,
                                 const std::vector<CartItem>& items, std::int64_t now_s, bool lock) {
  auto wallet = member_wallet(c, member_id, lock);
  if (!wallet.ok()) return wallet.error();
  const MemberWallet& w = wallet.value();
  const auto* market = rules.config().find_market(w.market);
  if (market == nullptr) return conflict("market_unsupported", "the member's market is not configured: " + w.market);

  // The catalog rows for the cart's SKUs, in the member's currency.
  std::vector<std::string> skus;
  skus.reserve(items.size());
  for (const auto& item : items) skus.push_back(item.sku);
  std::map<std::string, CatalogRow, std::less<>> catalog;
  if (!skus.empty()) {
    const db::Rows rows = c.run(sql::catalog_cart_lines.name, sql::catalog_cart_lines.text,
                                db::Params().add(db::text_array(skus)).add(w.currency));
    for (int i = 0; i < rows.size(); ++i) {
      catalog[std::string(rows.text(i, 0))] =
          CatalogRow{std::string(rows.text(i, 1)), rows.int64(i, 2), rows.boolean(i, 3),
                     rows.is_null(i, 4) ? std::nullopt : std::optional<std::int64_t>(rows.int64(i, 4))};
    }
  }

  const UtcSeconds now{std::chrono::seconds(now_s)};
  const auto period = nnw::rules::period_of(market->zone, now);
  const db::Rows pv = c.run(sql::orders_period_pv.name, sql::orders_period_pv.text,
                            db::Params().add(member_id).add(nnw::rules::format_period(period)));
  const db::Rows cashback = c.run(sql::cashback_latest.name, sql::cashback_latest.text, db::Params().add(member_id));
  const db::Rows shipping = c.run(sql::shipping_rate.name, sql::shipping_rate.text, db::Params().add(w.currency));
  if (shipping.empty()) return conflict("currency_unsupported", "the shop does not ship in " + w.currency);

  PricedCart priced;
  priced.market = w.market;
  priced.currency = w.currency;
  priced.member_status = w.status;
  priced.balance_cents = w.balance_cents;
  priced.catalog_version = shop::catalog_version(c);
  nnw::rules::json::Writer out(priced.rules_request);
  out.begin_object().field("market", std::string_view(w.market)).field("now", std::string_view(nnw::rules::format_utc(now)));
  out.field("period_pv", pv.int64(0, 0));
  if (cashback.empty()) {
    out.null_field("cashback");
  } else {
    priced.cashback_id = cashback.int64(0, 0);
    out.key("cashback").begin_object().field("period", cashback.text(0, 1)).field("status", cashback.text(0, 2));
    out.field("value_cents", cashback.int64(0, 3)).end_object();
  }
  out.key("lines").begin_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string field = "lines[" + std::to_string(i) + "].sku";
    const auto found = catalog.find(items[i].sku);
    if (found == catalog.end()) return bad_request("unknown_product", "no product with this SKU", field);
    if (!found->second.active || !found->second.unit_price_cents) {
      return conflict("product_unavailable", "this product is not sold now in " + w.currency, field);
    }
    priced.kits.push_back(found->second.kit);
    out.begin_object().field("sku", std::string_view(items[i].sku)).field("quantity", items[i].quantity);
    out.field("unit_price_cents", *found->second.unit_price_cents).field("unit_pv", found->second.pv).end_object();
  }
  out.end_array().field("shipping_cents", shipping.int64(0, 0)).end_object();

  priced.preview = rules.preview_cart(priced.rules_request);
  boost::json::value parsed = boost::json::parse(priced.preview);
  priced.parsed = std::move(parsed.as_object());
  if (const auto* error = priced.parsed.if_contains("error")) {
    // The rules module checks every range (quantities, totals) with the request's own paths.
    const auto& e = error->as_object();
    return bad_request(get_string(e, "code"), get_string(e, "message"), get_string(e, "field"));
  }
  return priced;
}

namespace {

ApiError stale(const PricedCart& priced, std::string code, std::string message, std::string field = {}) {
  ApiError error = conflict(std::move(code), std::move(message), std::move(field));
  error.details = {{"preview", priced.parsed}, {"rules_request", boost::json::parse(priced.rules_request)}};
  return error;
}

// Why the client's displayed numbers differ from the authoritative preview, most specific first.
std::optional<ApiError> compare_displayed(const PricedCart& priced, const nnw::rules::Engine& rules,
                                          const ConfirmRequest& request) {
  if (request.rules_version != rules.version()) {
    return stale(priced, "rules_version_changed", "the rules changed since this cart was previewed", "rules_version");
  }
  const auto& p = priced.parsed;
  const DisplayedTotals& d = request.displayed;
  if (d.subtotal_cents != get_int(p, "subtotal_cents")) {
    return stale(priced, "prices_changed", "prices changed since this cart was previewed", "displayed.subtotal_cents");
  }
  if (d.discount_cents != get_int(p, "discount_cents")) {
    const std::string in = get_string(p, "cashback_in");
    if (in == "EXPIRED") return stale(priced, "cashback_expired", "the cashback expired at the end of its month", "displayed.discount_cents");
    if (in == "USED") return stale(priced, "cashback_used", "the cashback was already used on another order", "displayed.discount_cents");
    return stale(priced, "cashback_changed", "the cashback for this cart changed since it was previewed", "displayed.discount_cents");
  }
  if (d.shipping_cents != get_int(p, "shipping_cents")) {
    return stale(priced, "shipping_changed", "shipping changed since this cart was previewed", "displayed.shipping_cents");
  }
  if (d.total_cents != get_int(p, "total_cents")) {
    return stale(priced, "totals_changed", "the total changed since this cart was previewed", "displayed.total_cents");
  }
  return std::nullopt;
}

struct LineArrays {
  std::vector<std::string> sku, kit;
  std::vector<std::int64_t> quantity, unit_price, unit_pv, discounted_units, discount, total, index;
};

void write_order(nnw::rules::json::Writer& w, const std::string& order_id, const ConfirmRequest& request,
                 const PricedCart& priced, std::string_view placed_at, std::string_view period) {
  const auto& p = priced.parsed;
  w.key("order").begin_object();
  w.field("id", std::string_view(order_id)).field("member_id", std::string_view(request.member_id));
  w.field("status", "CONFIRMED").field("market", std::string_view(priced.market));
  w.field("currency", std::string_view(priced.currency)).field("period", period).field("placed_at", placed_at);
  w.field("cart_pv", get_int(p, "cart_pv")).field("subtotal_cents", get_int(p, "subtotal_cents"));
  w.field("discount_cents", get_int(p, "discount_cents")).field("shipping_cents", get_int(p, "shipping_cents"));
  w.field("total_cents", get_int(p, "total_cents")).field("wallet_cents", request.wallet_cents);
  w.field("external_cents", get_int(p, "total_cents") - request.wallet_cents);
  w.field("cashback_spend", std::string_view(get_string(p, "cashback_spend")));
  w.field("rules_version", std::string_view(get_string(p, "rules_version")));
  w.field("catalog_version", priced.catalog_version);
  w.end_object();
}

}  // namespace

ApiResult<ConfirmedOrder> confirm_order(db::Connection& c, const nnw::rules::Engine& rules, const ConfirmRequest& request) {
  if (request.items.empty()) return bad_request("out_of_range", "an order needs at least one line", "lines");
  auto priced_result = price_cart(c, rules, request.member_id, request.items, request.now_s, /*lock=*/true);
  if (!priced_result.ok()) return priced_result.error();
  const PricedCart& priced = priced_result.value();
  const auto& p = priced.parsed;
  if (priced.member_status != "ACTIVE") return conflict("member_inactive", "the member's account is not active");
  if (auto differs = compare_displayed(priced, rules, request)) return *differs;

  const std::int64_t total = get_int(p, "total_cents");
  if (request.wallet_cents > total) return bad_request("out_of_range", "the wallet part cannot exceed the order total", "wallet_cents");
  if (request.wallet_cents > priced.balance_cents) {
    ApiError error = stale(priced, "insufficient_funds", "the balance does not cover the wallet part", "wallet_cents");
    error.details["balance_cents"] = priced.balance_cents;
    error.details["shortfall_cents"] = request.wallet_cents - priced.balance_cents;
    return error;
  }

  const std::string period = get_string(p, "period");
  const UtcSeconds now{std::chrono::seconds(request.now_s)};
  const std::string placed_at = nnw::rules::format_utc(now);
  const auto* market = rules.config().find_market(priced.market);  // price_cart checked it exists
  const std::string spend = get_string(p, "cashback_spend");
  const db::Rows order = c.run(
      sql::order_insert.name, sql::order_insert.text,
      db::Params().add(request.member_id).add(priced.market).add(priced.currency).add(period)
          .add(get_int(p, "cart_pv")).add(get_int(p, "subtotal_cents")).add(get_int(p, "discount_cents"))
          .add(get_int(p, "shipping_cents")).add(total).add(request.wallet_cents).add(total - request.wallet_cents)
          .add(spend).add(rules.version()).add(priced.catalog_version).add(priced.preview)
          .add(request.idempotency_key).add(placed_at));
  const std::string order_id(order.text(0, 0));

  LineArrays lines;
  const auto& preview_lines = p.at("lines").as_array();
  for (std::size_t i = 0; i < preview_lines.size(); ++i) {
    const auto& l = preview_lines[i].as_object();
    lines.sku.push_back(get_string(l, "sku"));
    lines.kit.push_back(priced.kits[i]);
    lines.quantity.push_back(get_int(l, "quantity"));
    lines.unit_price.push_back(get_int(l, "unit_price_cents"));
    lines.unit_pv.push_back(get_int(l, "unit_pv"));
    lines.discounted_units.push_back(get_int(l, "discounted_units"));
    lines.discount.push_back(get_int(l, "discount_cents"));
    lines.total.push_back(get_int(l, "total_cents"));
    lines.index.push_back(static_cast<std::int64_t>(i));
  }
  c.run(sql::order_lines_insert.name, sql::order_lines_insert.text,
        db::Params().add(order_id).add(db::text_array(lines.sku)).add(db::text_array(lines.kit))
            .add(db::integer_array(lines.quantity)).add(db::integer_array(lines.unit_price)).add(db::integer_array(lines.unit_pv))
            .add(db::integer_array(lines.discounted_units)).add(db::integer_array(lines.discount)).add(db::integer_array(lines.total)));

  // The cashback: generated by this (crossing) order, and/or spent on it.
  std::optional<std::int64_t> spent_cashback;
  if (p.at("unlocks_cashback").as_bool()) {
    const auto parsed_period = nnw::rules::parse_period(period);
    const std::string expires_at = nnw::rules::format_utc(nnw::rules::period_end(market->zone, *parsed_period));
    const std::string status = spend == "CROSSING_ORDER" ? "USED" : "AVAILABLE";
    const std::int64_t value = get_int(p, "cashback_generated_cents");
    const db::Rows inserted = c.run(sql::cashback_insert.name, sql::cashback_insert.text,
                                    db::Params().add(request.member_id).add(period).add(priced.currency).add(value)
                                        .add(status).add(order_id).add(expires_at).add(rules.version()).add(placed_at));
    const std::int64_t cashback_id = inserted.int64(0, 0);
    c.run(sql::cashback_event_insert.name, sql::cashback_event_insert.text,
          db::Params().add(cashback_id).add("GENERATED").add(order_id).add(value).add(placed_at));
    if (spend == "CROSSING_ORDER") {
      spent_cashback = cashback_id;
    } else if (value > 0) {
      // Unlocked for the next order this month: the member should hear about it.
      const std::string id = std::to_string(cashback_id);
      notify::enqueue(c, request.member_id, notify::kCashbackUnlocked, "cashback-unlocked:" + id,
                      "{\"cashback_id\":" + id + ",\"value_cents\":" + std::to_string(value) + ",\"currency\":\"" +
                          priced.currency + "\",\"period\":\"" + period + "\"}");
    }
  } else if (spend == "AVAILABLE_CASHBACK") {
    const db::Rows used = c.run(sql::cashback_mark_used.name, sql::cashback_mark_used.text,
                                db::Params().add(*priced.cashback_id).add(order_id).add(placed_at));
    // The member's wallet lock serializes bookings, so the cashback read above is still AVAILABLE.
    if (used.empty()) throw db::DbError("XX000", "an available cashback changed under the member's lock");
    spent_cashback = *priced.cashback_id;
  }
  if (spent_cashback) {
    c.run(sql::cashback_event_insert.name, sql::cashback_event_insert.text,
          db::Params().add(*spent_cashback).add("USED").add(order_id).add(get_int(p, "discount_cents")).add(placed_at));
    c.run(sql::cashback_usage_insert.name, sql::cashback_usage_insert.text,
          db::Params().add(*spent_cashback).add(order_id).add(db::integer_array(lines.index))
              .add(db::integer_array(lines.discounted_units)).add(db::integer_array(lines.discount)));
  }

  // NN Travel: every kit unit sold credits the buyer's sponsor (one event per unit, ids stable
  // under retries), in the campaign open at the sale.
  std::int64_t kit_events = 0;
  const bool has_kits = std::any_of(priced.kits.begin(), priced.kits.end(), [](const std::string& k) { return k != "NONE"; });
  std::optional<std::string> sponsor_id;
  if (has_kits) {
    const db::Rows sponsor = c.run(sql::member_sponsor.name, sql::member_sponsor.text, db::Params().add(request.member_id));
    if (!sponsor.empty() && !sponsor.is_null(0, 0)) sponsor_id = std::string(sponsor.text(0, 0));
  }
  if (sponsor_id) {
    for (std::size_t i = 0; i < preview_lines.size(); ++i) {
      if (priced.kits[i] == "NONE") continue;
      const std::int64_t units = get_int(preview_lines[i].as_object(), "quantity");
      for (std::int64_t unit = 1; unit <= units; ++unit) {
        const std::string event_id = "kit:" + order_id + ":" + std::to_string(i) + ":" + std::to_string(unit);
        auto kit = incentives::record_kit_sold(c, *sponsor_id, event_id, priced.kits[i], request.now_s, order_id);
        if (!kit.ok()) return kit.error();
        if (kit.value().recorded) ++kit_events;
      }
    }
  }

  ledger::OrderPayment payment{request.member_id, order_id, total, request.wallet_cents, rules.version(),
                               request.idempotency_key};
  auto paid = ledger::pay_order(c, payment);
  if (!paid.ok()) return paid.error();

  // Only an order inside the loyalty window can add to the history (an accrual, then perhaps a
  // reward); the resets of closed windows are the day-8 job's. Outside the window, which is most
  // of the month, confirm skips reading the member's order history.
  const int local_day = nnw::rules::to_local(market->zone, now).day;
  const bool in_window = local_day >= rules.config().loyalty.window_first_day && local_day <= rules.config().loyalty.window_last_day;
  auto loyalty = in_window ? incentives::record_loyalty(c, rules, request.member_id, priced.market, request.now_s)
                           : incentives::LoyaltyRecord{};

  ledger::audit(c, request.member_id, "member", "order.confirm", order_id,
                "{\"total_cents\":" + std::to_string(total) + ",\"wallet_cents\":" + std::to_string(request.wallet_cents) + "}",
                request.request_id);

  ConfirmedOrder confirmed{order_id, {}, request.wallet_cents};
  nnw::rules::json::Writer w(confirmed.body);
  w.begin_object();
  write_order(w, order_id, request, priced, placed_at, period);
  w.key("preview").raw(priced.preview);
  w.field("balance_cents", paid.value().balance_after_cents);
  w.field("sponsor_kit_events", kit_events);
  w.key("loyalty_recorded").begin_array();
  for (const auto& event : loyalty.recorded) {
    w.begin_object().field("type", std::string_view(event.type)).field("period", std::string_view(event.period));
    w.field("points_after", event.points_after).end_object();
  }
  w.end_array();
  w.end_object();
  return confirmed;
}

ApiResult<CancelledOrder> cancel_order(db::Connection& c, const nnw::rules::Engine& rules, const CancelRequest& request) {
  // Read the order's owner without a lock, then lock the owner's wallet before the order, the
  // same order every booking takes (wallet, then order).
  const db::Rows owner = c.run(sql::order_owner.name, sql::order_owner.text, db::Params().add(request.order_id));
  if (owner.empty()) return not_found("no such order");
  const std::string member_id(owner.text(0, 0));
  if (request.member_id && *request.member_id != member_id) return not_found("no such order");
  const auto wallets = ledger::lock_wallets(c, {member_id});
  if (wallets.empty()) return not_found("the member has no wallet");

  const db::Rows order = c.run(sql::order_lock.name, sql::order_lock.text, db::Params().add(request.order_id));
  // order_lock: status, total_cents, wallet_cents, market, period
  if (order.text(0, 0) == "CANCELLED") return conflict("already_cancelled", "the order is already cancelled");
  const std::int64_t total = order.int64(0, 1);
  const std::int64_t wallet_part = order.int64(0, 2);
  const std::string market(order.text(0, 3));
  const UtcSeconds now{std::chrono::seconds(request.now_s)};
  const std::string at = nnw::rules::format_utc(now);
  c.run(sql::order_mark_cancelled.name, sql::order_mark_cancelled.text, db::Params().add(request.order_id).add(at));

  ledger::OrderPayment refund{member_id, request.order_id, total, wallet_part, rules.version(), request.idempotency_key};
  auto refunded = ledger::refund_order(c, refund);
  if (!refunded.ok()) return refunded.error();

  // Cashbacks this order generated or spent (RULES.md: restore one still inside its period).
  std::vector<std::pair<std::string, std::int64_t>> cashback_changes;
  const db::Rows cashbacks = c.run(sql::cashbacks_of_order.name, sql::cashbacks_of_order.text,
                                   db::Params().add(request.order_id).add(at));
  // cashbacks_of_order: id, status, generated_here, used_here, period_over, value_cents
  for (int i = 0; i < cashbacks.size(); ++i) {
    const std::int64_t id = cashbacks.int64(i, 0);
    const std::string_view status = cashbacks.text(i, 1);
    const bool generated_here = cashbacks.boolean(i, 2);
    const bool used_here = cashbacks.boolean(i, 3);
    const bool period_over = cashbacks.boolean(i, 4);
    std::string next;
    if (generated_here && (status == "AVAILABLE" || used_here)) {
      next = "REVOKED";  // the crossing order is gone and nothing else was discounted with it
    } else if (used_here) {
      next = period_over ? "EXPIRED" : "AVAILABLE";
    } else {
      continue;  // generated here but spent on another order: that discount stands
    }
    c.run(sql::cashback_set_status.name, sql::cashback_set_status.text, db::Params().add(id).add(next).add(at));
    const std::string event = next == "AVAILABLE" ? "RESTORED" : next;
    c.run(sql::cashback_event_insert.name, sql::cashback_event_insert.text,
          db::Params().add(id).add(event).add(request.order_id).add(cashbacks.int64(i, 5)).add(at));
    cashback_changes.emplace_back(event, id);
  }

  auto loyalty = incentives::record_loyalty(c, rules, member_id, market, request.now_s);
  // The sponsor's kit points go back while their campaign is open; a closed one froze them.
  auto kits = incentives::revoke_order_kit_events(c, request.order_id, request.now_s);
  if (!kits.ok()) return kits.error();

  ledger::audit(c, request.actor, request.actor_role, "order.cancel", request.order_id,
                "{\"refunded_cents\":" + std::to_string(wallet_part) + "}", request.request_id);

  CancelledOrder cancelled{{}, wallet_part};
  nnw::rules::json::Writer w(cancelled.body);
  w.begin_object().key("order").begin_object();
  w.field("id", std::string_view(request.order_id)).field("member_id", std::string_view(member_id));
  w.field("status", "CANCELLED").field("cancelled_at", std::string_view(at)).end_object();
  w.field("refunded_cents", wallet_part).field("balance_cents", refunded.value().balance_after_cents);
  w.field("sponsor_kit_events_revoked", static_cast<std::int64_t>(kits.value().revoked.size()));
  w.key("cashback_changes").begin_array();
  for (const auto& [event, id] : cashback_changes) w.begin_object().field("cashback_id", id).field("event", std::string_view(event)).end_object();
  w.end_array();
  w.key("loyalty_recorded").begin_array();
  for (const auto& event : loyalty.recorded) {
    w.begin_object().field("type", std::string_view(event.type)).field("period", std::string_view(event.period));
    w.field("points_after", event.points_after).end_object();
  }
  w.end_array().end_object();
  return cancelled;
}

}  // namespace nnw::server::shop
