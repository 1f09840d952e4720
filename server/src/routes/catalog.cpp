// GET /v1/catalog?currency=MXN (anyone): the active products priced in that currency, with the
//   catalog version; ETag + If-None-Match, so a client revalidates cheaply.
// PUT /v1/admin/catalog (admin, text/csv, Idempotency-Key): CSV import, all or nothing; see
//   shop/catalog.hpp for the columns. → {"rows","products_changed","prices_changed","catalog_version"}.
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "ledger/ledger.hpp"
#include "nnw/rules/json_write.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"
#include "shop/catalog.hpp"

namespace nnw::server::routes {

Response get_catalog(RequestContext& ctx) {
  const std::string currency(ctx.query_param("currency").value_or("MXN"));
  if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
    return error_response(ctx, bad_request("invalid_value", "currency is an ISO 4217 code such as MXN", "currency"));
  }
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  const std::int64_t version = shop::catalog_version(*lease.value());
  const std::string etag = "\"catalog-" + std::to_string(version) + "-" + currency + "\"";
  if (const auto match = ctx.header("If-None-Match"); match && *match == etag) {
    Response response = text_response(ctx, http::status::not_modified, "application/json", {});
    response.set(http::field::etag, etag);
    response.set(http::field::cache_control, "no-cache");
    return response;
  }
  const auto products = shop::list_products(*lease.value(), currency);
  std::string out;
  nnw::rules::json::Writer w(out);
  w.begin_object().field("catalog_version", version).field("currency", std::string_view(currency)).key("products").begin_array();
  for (const auto& p : products) {
    w.begin_object().field("sku", std::string_view(p.sku)).field("name", std::string_view(p.name));
    w.field("category", std::string_view(p.category)).field("kit", std::string_view(p.kit)).field("pv", p.pv);
    w.field("active", p.active);
    w.field("unit_price_cents", p.unit_price_cents);
    w.end_object();
  }
  w.end_array().end_object();
  Response response = json_response(ctx, http::status::ok, std::move(out));
  response.set(http::field::etag, etag);
  response.set(http::field::cache_control, "no-cache");
  return response;
}

Response import_catalog(RequestContext& ctx) {
  return idempotent_write(ctx, [&](db::Connection& c, const std::string&) -> ApiResult<WriteOutcome> {
    auto summary = shop::import_csv(c, ctx.request.body());
    if (!summary.ok()) return summary.error();
    const auto& s = summary.value();
    std::string out;
    nnw::rules::json::Writer w(out);
    w.begin_object().field("rows", s.rows).field("products_changed", s.products_changed);
    w.field("prices_changed", s.prices_changed).field("catalog_version", shop::catalog_version(c)).end_object();
    ledger::audit(c, ctx.principal->subject, "admin", "catalog.import", "catalog", out, ctx.request_id);
    return WriteOutcome{http::status::ok, std::move(out), false, {}};
  });
}

}  // namespace nnw::server::routes
