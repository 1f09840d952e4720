#include "shop/catalog.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "nnw/server/sql.hpp"

namespace nnw::server::shop {

namespace {

constexpr std::int64_t kImportRowsMax = 5000;
constexpr std::int64_t kUnitPriceMax = 100000000;  // the migration's CHECK and the rules' limit
constexpr std::int64_t kPvMax = 1000000;

// RFC 4180 records: quoted fields may hold commas, quotes ("") and line breaks. nullopt on an
// unterminated quote.
std::optional<std::vector<std::vector<std::string>>> parse_csv(std::string_view text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char ch = text[i];
    if (quoted) {
      if (ch == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') { field.push_back('"'); ++i; } else { quoted = false; }
      } else {
        field.push_back(ch);
      }
      continue;
    }
    if (ch == '"' && field.empty()) { quoted = true; field_started = true; continue; }
    if (ch == ',') { record.push_back(std::move(field)); field.clear(); field_started = true; continue; }
    if (ch == '\r') continue;
    if (ch == '\n') {
      if (field_started || !field.empty() || !record.empty()) { record.push_back(std::move(field)); records.push_back(std::move(record)); }
      field.clear(); record.clear(); field_started = false;
      continue;
    }
    field.push_back(ch);
    field_started = true;
  }
  if (quoted) return std::nullopt;
  if (field_started || !field.empty() || !record.empty()) { record.push_back(std::move(field)); records.push_back(std::move(record)); }
  return records;
}

// "599.00" or "599" → 59900 centavos; nullopt for anything else (signs, one decimal, spaces).
std::optional<std::int64_t> parse_price(std::string_view text) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view cents = dot == std::string_view::npos ? std::string_view("00") : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || cents.size() != 2) return std::nullopt;
  std::int64_t value = 0;
  for (char ch : whole) { if (ch < '0' || ch > '9') return std::nullopt; value = value * 10 + (ch - '0'); }
  for (char ch : cents) { if (ch < '0' || ch > '9') return std::nullopt; value = value * 10 + (ch - '0'); }
  if (value > kUnitPriceMax) return std::nullopt;
  return value;
}

std::optional<std::int64_t> parse_count(std::string_view text, std::int64_t max) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  std::int64_t value = 0;
  for (char ch : text) { if (ch < '0' || ch > '9') return std::nullopt; value = value * 10 + (ch - '0'); }
  if (value > max) return std::nullopt;
  return value;
}

bool valid_sku(std::string_view sku) {
  if (sku.empty() || sku.size() > 40) return false;
  for (std::size_t i = 0; i < sku.size(); ++i) {
    const char ch = sku[i];
    const bool alnum = (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (!alnum && !(i > 0 && ch == '-')) return false;
  }
  return true;
}

bool one_of(std::string_view value, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed) if (a == value) return true;
  return false;
}

}  // namespace

std::int64_t catalog_version(db::Connection& c) {
  return c.run(sql::catalog_version.name, sql::catalog_version.text).int64(0, 0);
}

std::vector<Product> list_products(db::Connection& c, std::string_view currency) {
  const db::Rows rows = c.run(sql::catalog_list.name, sql::catalog_list.text, db::Params().add(currency));
  std::vector<Product> products;
  products.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    products.push_back(Product{std::string(rows.text(i, 0)), std::string(rows.text(i, 1)), std::string(rows.text(i, 2)),
                               std::string(rows.text(i, 3)), rows.int64(i, 4), rows.boolean(i, 5),
                               rows.int64(i, 6)});
  }
  return products;
}

ApiResult<ImportSummary> import_csv(db::Connection& c, std::string_view csv) {
  const auto records = parse_csv(csv);
  if (!records) return bad_request("invalid_csv", "a quoted field is not closed", "");
  if (records->empty()) return bad_request("invalid_csv", "the file is empty", "");
  const auto& header = records->front();
  std::map<std::string, std::size_t, std::less<>> column;
  std::vector<std::pair<std::string, std::size_t>> price_columns;  // currency, column
  for (std::size_t i = 0; i < header.size(); ++i) {
    const std::string& name = header[i];
    if (column.count(name)) return bad_request("invalid_csv", "column " + name + " appears twice", "line 1");
    column[name] = i;
    if (name.rfind("price_", 0) == 0) {
      const std::string currency = name.substr(6);
      if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; })) {
        return bad_request("invalid_csv", "price columns are price_<ISO 4217 code>, e.g. price_MXN", "line 1: " + name);
      }
      price_columns.emplace_back(currency, i);
    } else if (!one_of(name, {"sku", "name", "category", "kit", "pv", "active"})) {
      return bad_request("invalid_csv", "unknown column " + name, "line 1: " + name);
    }
  }
  for (std::string_view required : {"sku", "name", "category", "kit", "pv", "active"}) {
    if (!column.count(required)) return bad_request("invalid_csv", "the header needs a " + std::string(required) + " column", "line 1");
  }
  if (static_cast<std::int64_t>(records->size()) - 1 > kImportRowsMax) {
    return bad_request("out_of_range", "at most 5000 products per file", "");
  }

  ImportSummary summary;
  std::map<std::string, std::size_t, std::less<>> seen;
  for (std::size_t r = 1; r < records->size(); ++r) {
    const auto& row = (*records)[r];
    const std::string where = "line " + std::to_string(r + 1) + ": ";
    if (row.size() != header.size()) return bad_request("invalid_csv", "expected " + std::to_string(header.size()) + " fields", where.substr(0, where.size() - 2));
    const auto get = [&](std::string_view name) -> const std::string& { return row[column.find(name)->second]; };
    const std::string& sku = get("sku");
    if (!valid_sku(sku)) return bad_request("invalid_value", "a SKU is 1-40 of A-Z, 0-9 and inner hyphens", where + "sku");
    if (seen.count(sku)) return bad_request("invalid_value", "this SKU already appears on line " + std::to_string(seen[sku]), where + "sku");
    seen[sku] = r + 1;
    const std::string& name = get("name");
    if (name.empty() || name.size() > 120) return bad_request("out_of_range", "a name is 1-120 bytes", where + "name");
    const std::string& category = get("category");
    if (!one_of(category, {"SUPLEMENTOS", "CUIDADO_PIEL", "KITS"})) {
      return bad_request("invalid_value", "category is SUPLEMENTOS, CUIDADO_PIEL or KITS", where + "category");
    }
    const std::string& kit = get("kit");
    if (!one_of(kit, {"NONE", "FULL_SUPPLEMENT", "FULL_SKIN", "FULL_PROTECT"})) {
      return bad_request("invalid_value", "kit is NONE, FULL_SUPPLEMENT, FULL_SKIN or FULL_PROTECT", where + "kit");
    }
    const auto pv = parse_count(get("pv"), kPvMax);
    if (!pv) return bad_request("out_of_range", "PV is a whole number from 0 to 1000000", where + "pv");
    const std::string& active = get("active");
    if (active != "true" && active != "false") return bad_request("invalid_value", "active is true or false", where + "active");
    std::vector<std::pair<std::string, std::int64_t>> prices;
    for (const auto& [currency, index] : price_columns) {
      if (row[index].empty()) continue;
      const auto price = parse_price(row[index]);
      if (!price) return bad_request("invalid_value", "a price is pesos with two decimals, e.g. 599.00 (at most 1000000.00)", where + "price_" + currency);
      prices.emplace_back(currency, *price);
    }
    ++summary.rows;
    if (!c.run(sql::catalog_upsert_product.name, sql::catalog_upsert_product.text,
               db::Params().add(sku).add(name).add(category).add(kit).add(*pv).add(active == "true")).empty()) {
      ++summary.products_changed;
    }
    for (const auto& [currency, price] : prices) {
      if (!c.run(sql::catalog_upsert_price.name, sql::catalog_upsert_price.text,
                 db::Params().add(sku).add(currency).add(price)).empty()) {
        ++summary.prices_changed;
      }
    }
  }
  return summary;
}

}  // namespace nnw::server::shop
