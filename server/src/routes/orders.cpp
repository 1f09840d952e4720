// POST /v1/checkout/preview (member): {"lines":[{"sku","quantity"}]} → the cart priced from the
//   catalog and the member's booked state: {"rules_request":…, "preview":…, "catalog_version",
//   "balance_cents"}. `preview` is the rules module's document for `rules_request`, byte for
//   byte what the WebAssembly API returns for it.
// POST /v1/orders (member, Idempotency-Key): {"lines", "wallet_cents", "rules_version",
//   "displayed":{"subtotal_cents","discount_cents","shipping_cents","total_cents"}} → 201 the
//   booked order; 409 with a reason code and the authoritative preview when anything differs.
// GET /v1/members/{member_id}/orders (member, admin): newest first.
// POST /v1/orders/{order_id}/cancel (member: own orders; admin: any; Idempotency-Key).
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"
#include "shop/checkout.hpp"

namespace nnw::server::routes {

namespace {

namespace json = nnw::rules::json;

// {"lines":[{"sku","quantity"}], …}: shapes only; the rules module checks quantity ranges
// (with the same field paths) once the cart is priced.
std::vector<shop::CartItem> read_items(json::Reader& r, const boost::json::object* o, const json::Path& root,
                                       std::int64_t lines_max) {
  std::vector<shop::CartItem> items;
  const auto* lines = r.array(r.member(o, "lines", root.member("lines"), true), root.member("lines"), lines_max);
  if (!lines) return items;
  const auto lines_path = root.member("lines");  // a Path points to its parent: keep it alive
  for (std::size_t i = 0; i < lines->size(); ++i) {
    const auto at = lines_path.element(i);
    const auto* line = r.object(&(*lines)[i], at, {"sku", "quantity"});
    shop::CartItem item;
    item.sku = std::string(r.string(r.member(line, "sku", at.member("sku"), true), at.member("sku")));
    item.quantity = r.integer(r.member(line, "quantity", at.member("quantity"), true), at.member("quantity"));
    if (!r.ok()) return {};
    items.push_back(std::move(item));
  }
  return items;
}

}  // namespace

Response preview_checkout(RequestContext& ctx) {
  auto body = parse_body(ctx);
  if (!body.ok()) return error_response(ctx, body.error());
  json::Reader r;
  const auto& root = json::kDocument;
  const auto* o = r.object(&body.value(), root, {"lines"});
  auto items = read_items(r, o, root, ctx.app.rules().config().limits.cart_lines_max);
  if (!r.ok()) return error_response(ctx, from_rules_error(*r.error()));
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  auto priced = shop::price_cart(*lease.value(), ctx.app.rules(), ctx.principal->subject, items, ctx.now_s(), false);
  if (!priced.ok()) return error_response(ctx, priced.error());
  const auto& p = priced.value();
  std::string out;
  json::Writer w(out);
  w.begin_object().key("rules_request").raw(p.rules_request).key("preview").raw(p.preview);
  w.field("catalog_version", p.catalog_version).field("balance_cents", p.balance_cents).end_object();
  return json_response(ctx, http::status::ok, std::move(out));
}

Response confirm_order(RequestContext& ctx) {
  auto body = parse_body(ctx);
  if (!body.ok()) return error_response(ctx, body.error());
  json::Reader r;
  const auto& root = json::kDocument;
  const auto* o = r.object(&body.value(), root, {"lines", "wallet_cents", "rules_version", "displayed"});
  shop::ConfirmRequest request;
  request.items = read_items(r, o, root, ctx.app.rules().config().limits.cart_lines_max);
  request.wallet_cents = r.integer(r.member(o, "wallet_cents", root.member("wallet_cents"), true), root.member("wallet_cents"));
  request.rules_version = std::string(r.string(r.member(o, "rules_version", root.member("rules_version"), true), root.member("rules_version")));
  const auto at = root.member("displayed");
  const auto* d = r.object(r.member(o, "displayed", at, true), at, {"subtotal_cents", "discount_cents", "shipping_cents", "total_cents"});
  request.displayed.subtotal_cents = r.integer(r.member(d, "subtotal_cents", at.member("subtotal_cents"), true), at.member("subtotal_cents"));
  request.displayed.discount_cents = r.integer(r.member(d, "discount_cents", at.member("discount_cents"), true), at.member("discount_cents"));
  request.displayed.shipping_cents = r.integer(r.member(d, "shipping_cents", at.member("shipping_cents"), true), at.member("shipping_cents"));
  request.displayed.total_cents = r.integer(r.member(d, "total_cents", at.member("total_cents"), true), at.member("total_cents"));
  if (!r.ok()) return error_response(ctx, from_rules_error(*r.error()));
  if (request.wallet_cents < 0) return error_response(ctx, bad_request("out_of_range", "cannot be negative", "wallet_cents"));
  request.member_id = ctx.principal->subject;
  request.request_id = ctx.request_id;
  request.now_s = ctx.now_s();
  return idempotent_write(ctx, [&](db::Connection& c, const std::string& key) -> ApiResult<WriteOutcome> {
    request.idempotency_key = key;
    auto confirmed = shop::confirm_order(c, ctx.app.rules(), request);
    if (!confirmed.ok()) return confirmed.error();
    WriteOutcome outcome{http::status::created, std::move(confirmed.value().body), false, {}};
    if (confirmed.value().wallet_cents > 0) outcome.entries.emplace_back("ORDER_PAYMENT", -confirmed.value().wallet_cents);
    return outcome;
  });
}

Response cancel_order(RequestContext& ctx) {
  const std::string order_id = lowercase(std::string(ctx.path_param("order_id")));
  if (!is_uuid(order_id)) return error_response(ctx, not_found("no such order"));
  shop::CancelRequest request;
  request.order_id = order_id;
  request.actor = ctx.principal->subject;
  request.actor_role = ctx.principal->role == Role::admin ? "admin" : "member";
  if (ctx.principal->role == Role::member) request.member_id = ctx.principal->subject;
  request.request_id = ctx.request_id;
  request.now_s = ctx.now_s();
  return idempotent_write(ctx, [&](db::Connection& c, const std::string& key) -> ApiResult<WriteOutcome> {
    request.idempotency_key = key;
    auto cancelled = shop::cancel_order(c, ctx.app.rules(), request);
    if (!cancelled.ok()) return cancelled.error();
    WriteOutcome outcome{http::status::ok, std::move(cancelled.value().body), false, {}};
    if (cancelled.value().refunded_cents > 0) outcome.entries.emplace_back("ORDER_REFUND", cancelled.value().refunded_cents);
    return outcome;
  });
}

Response list_member_orders(RequestContext& ctx) {
  auto member_id = resolve_member(ctx);
  if (!member_id.ok()) return error_response(ctx, member_id.error());
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  const db::Rows rows = lease.value()->run(sql::orders_by_member.name, sql::orders_by_member.text, db::Params().add(member_id.value()));
  std::string out;
  json::Writer w(out);
  w.begin_object().field("member_id", std::string_view(member_id.value())).key("orders").begin_array();
  for (int i = 0; i < rows.size(); ++i) {
    w.begin_object().field("id", rows.text(i, 0)).field("status", rows.text(i, 1)).field("period", rows.text(i, 2));
    w.field("cart_pv", rows.int64(i, 3)).field("subtotal_cents", rows.int64(i, 4)).field("discount_cents", rows.int64(i, 5));
    w.field("shipping_cents", rows.int64(i, 6)).field("total_cents", rows.int64(i, 7)).field("wallet_cents", rows.int64(i, 8));
    w.field("external_cents", rows.int64(i, 9)).field("cashback_spend", rows.text(i, 10)).field("currency", rows.text(i, 11));
    w.field("rules_version", rows.text(i, 12)).field("placed_at", rows.text(i, 13));
    if (rows.is_null(i, 14)) w.null_field("cancelled_at"); else w.field("cancelled_at", rows.text(i, 14));
    w.key("lines").raw(rows.text(i, 15));
    w.end_object();
  }
  w.end_array().end_object();
  return json_response(ctx, http::status::ok, std::move(out));
}

}  // namespace nnw::server::routes
