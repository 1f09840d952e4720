#include "sync/pull.hpp"

#include <charconv>

#include "incentives/cashback.hpp"
#include "incentives/loyalty.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "shop/catalog.hpp"

namespace nnw::server::sync {

namespace {

bool all_digits(std::string_view text) {
  if (text.empty() || text.size() > 19) return false;
  for (char ch : text) if (ch < '0' || ch > '9') return false;
  return true;
}

// Decimal strings without leading zeros compare by length, then digit by digit.
bool numeric_less(std::string_view a, std::string_view b) {
  return a.size() != b.size() ? a.size() < b.size() : a < b;
}

}  // namespace

std::optional<Cursor> parse_cursor(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view xid = text.substr(0, dot);
  const std::string_view id = text.substr(dot + 1);
  if (!all_digits(xid) || !all_digits(id) || (xid.size() > 1 && xid[0] == '0')) return std::nullopt;
  Cursor cursor{std::string(xid), 0};
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), cursor.id);
  if (ec != std::errc{} || end != id.data() + id.size()) return std::nullopt;
  return cursor;
}

std::string format_cursor(const Cursor& cursor) { return cursor.xid + "." + std::to_string(cursor.id); }

std::optional<std::string> pull_changes(db::Connection& c, const std::string& member_id, const Cursor& after, std::int64_t limit) {
  // One row more than the page tells whether there is more. An empty page is one row of
  // NULLs that still carries the horizon.
  const db::Rows rows = c.run(sql::member_changes_page.name, sql::member_changes_page.text,
                              db::Params().add(member_id).add(after.xid).add(after.id).add(limit + 1));
  const int found = rows.size() == 1 && rows.is_null(0, 0) ? 0 : rows.size();
  const bool has_more = found > limit;
  const int count = has_more ? static_cast<int>(limit) : found;
  Cursor next = after;
  std::string out;
  nnw::rules::json::Writer w(out);
  w.begin_object();
  std::string changes;
  nnw::rules::json::Writer cw(changes);
  cw.begin_array();
  for (int i = 0; i < count; ++i) {
    cw.begin_object().field("id", rows.int64(i, 0)).field("kind", rows.text(i, 3));
    cw.field("scope", rows.boolean(i, 2) ? "everyone" : "member").key("payload").raw(rows.text(i, 4));
    cw.field("at", rows.text(i, 5)).end_object();
    next = Cursor{std::string(rows.text(i, 1)), rows.int64(i, 0)};
  }
  cw.end_array();
  // A page that is not full holds every change settled in the page's snapshot: the cursor may
  // move to that snapshot's horizon, so the next pull starts past everything settled.
  if (!has_more) {
    const std::string xmin(rows.text(0, 6));
    if (numeric_less(xmin, after.xid)) return std::nullopt;
    if (numeric_less(next.xid, xmin)) next = Cursor{xmin, 0};
  }
  w.field("cursor", std::string_view(format_cursor(next))).field("has_more", has_more);
  w.key("changes").raw(changes).null_field("snapshot").end_object();
  return out;
}

std::string pull_snapshot(db::Connection& c, const nnw::rules::Engine& rules, const std::string& member_id,
                          std::int64_t now_s) {
  c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  try {
    const db::Rows horizon = c.run(sql::member_changes_horizon.name, sql::member_changes_horizon.text);
    const Cursor cursor{std::string(horizon.text(0, 0)), 0};
    const db::Rows wallet = c.run(sql::member_sync_wallet.name, sql::member_sync_wallet.text, db::Params().add(member_id));
    std::string out;
    nnw::rules::json::Writer w(out);
    w.begin_object().field("cursor", std::string_view(format_cursor(cursor))).field("has_more", false);
    w.key("changes").begin_array().end_array();
    w.key("snapshot").begin_object().field("member_id", std::string_view(member_id));
    w.field("rules_version", std::string_view(rules.version())).field("catalog_version", shop::catalog_version(c));
    if (wallet.empty()) {
      w.null_field("wallet").null_field("cashback").null_field("loyalty");
    } else {
      const std::string market(wallet.text(0, 0));
      w.key("wallet").begin_object().field("market", std::string_view(market)).field("currency", wallet.text(0, 1));
      w.field("balance_cents", wallet.int64(0, 2)).field("status", wallet.text(0, 3));
      w.field("last_entry_id", wallet.int64(0, 4)).end_object();
      w.key("cashback").raw(incentives::cashbacks_json(c, member_id, now_s));
      w.key("loyalty").raw(incentives::loyalty_status(c, rules, member_id, market, now_s));
    }
    w.end_object().end_object();
    c.exec("COMMIT");
    return out;
  } catch (...) {
    try { c.exec("ROLLBACK"); } catch (const db::DbError&) { c.reset(); }
    throw;
  }
}

}  // namespace nnw::server::sync
