#pragma once
// The catalog: products (SKU, name, category, kit, PV, active) with a public price per
// currency. Checkout prices every cart from here; the version tells clients when to refresh.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/pg.hpp"
#include "http/api.hpp"

namespace nnw::server::shop {

struct Product {
  std::string sku;
  std::string name;
  std::string category;  // SUPLEMENTOS | CUIDADO_PIEL | KITS
  std::string kit;       // NONE | FULL_SUPPLEMENT | FULL_SKIN | FULL_PROTECT
  std::int64_t pv = 0;
  bool active = true;
  std::int64_t unit_price_cents = 0;  // in the listed currency
};

std::int64_t catalog_version(db::Connection& connection);

// The active products priced in `currency`: what the shop sells in it.
std::vector<Product> list_products(db::Connection& connection, std::string_view currency);

struct ImportSummary {
  std::int64_t rows = 0;
  std::int64_t products_changed = 0;
  std::int64_t prices_changed = 0;
};

// Admin CSV import, all or nothing, in the caller's transaction. Header (any column order):
//   sku,name,category,kit,pv,active,price_<CURRENCY>...  e.g. price_MXN,price_USD
// Prices are decimal strings with two decimals ("599.00") or empty (not sold in that currency).
// Errors name the line and column: field "line 3: pv".
ApiResult<ImportSummary> import_csv(db::Connection& connection, std::string_view csv);

}  // namespace nnw::server::shop
