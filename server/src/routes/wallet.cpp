// GET /v1/members/{member_id}/wallet: balance and currency ("me" = the caller).
// GET /v1/members/{member_id}/wallet/entries: history, newest first, keyset pagination
//   (?limit, ?before=<entry id>), filters (?type=A,B ?from ?to as UTC instants), ?format=csv.
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "ledger/ledger.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"


namespace nnw::server::routes {

namespace {

constexpr std::int64_t kPageSizeDefault = 50;
constexpr std::int64_t kPageSizeMax = 200;
constexpr std::int64_t kCsvRowsMax = 10000;

struct WalletRow {
  std::int64_t id = 0;
  std::string currency;
};

ApiResult<WalletRow> find_wallet(db::Connection& c, const std::string& member_id) {
  const db::Rows rows = c.run(sql::wallet_by_member.name, sql::wallet_by_member.text, db::Params().add(member_id));
  if (rows.empty()) return not_found("no such member");
  return WalletRow{rows.int64(0, 0), std::string(rows.text(0, 5))};
}

struct HistoryQuery {
  std::optional<std::int64_t> before;
  std::optional<std::string> types;  // PostgreSQL array literal
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::int64_t limit = kPageSizeDefault;
  bool csv = false;
};

ApiResult<HistoryQuery> read_history_query(const RequestContext& ctx) {
  HistoryQuery q;
  q.csv = ctx.query_param("format") == std::optional<std::string_view>("csv");
  if (const auto limit = ctx.query_param("limit")) {
    const auto parsed = parse_positive(*limit);
    if (!parsed || *parsed > (q.csv ? kCsvRowsMax : kPageSizeMax)) {
      return bad_request("out_of_range", "limit must be 1 to " + std::to_string(q.csv ? kCsvRowsMax : kPageSizeMax), "limit");
    }
    q.limit = *parsed;
  } else if (q.csv) {
    q.limit = kCsvRowsMax;
  }
  if (const auto before = ctx.query_param("before")) {
    q.before = parse_positive(*before);
    if (!q.before) return bad_request("invalid_value", "before must be an entry id", "before");
  }
  if (const auto types = ctx.query_param("type")) {
    std::vector<std::string> list;
    std::string_view rest = *types;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const std::string_view type = rest.substr(0, comma);
      if (!ledger::is_entry_type(type)) return bad_request("invalid_value", "unknown entry type " + std::string(type), "type");
      list.emplace_back(type);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    q.types = db::text_array(list);
  }
  for (const auto& [name, target] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
    if (const auto value = ctx.query_param(name)) {
      if (!nnw::rules::parse_utc(*value)) return bad_request("invalid_timestamp", "must be YYYY-MM-DDTHH:MM:SSZ", name);
      *target = std::string(*value);
    }
  }
  return q;
}

void write_entry_json(nnw::rules::json::Writer& w, const db::Rows& rows, int row) {
  using nnw::rules::json::Writer;
  const auto optional_int = [&](std::string_view name, int column) {
    if (rows.is_null(row, column)) w.null_field(name);
    else w.field(name, rows.int64(row, column));
  };
  const auto optional_text = [&](std::string_view name, int column) {
    if (rows.is_null(row, column)) w.null_field(name);
    else w.field(name, rows.text(row, column));
  };
  w.begin_object();
  w.field("id", rows.int64(row, 0)).field("seq", rows.int64(row, 1)).field("type", rows.text(row, 2));
  w.field("amount_cents", rows.int64(row, 3)).field("balance_before_cents", rows.int64(row, 4));
  w.field("balance_after_cents", rows.int64(row, 5)).field("currency", rows.text(row, 6));
  optional_int("commission_id", 7);
  optional_text("order_id", 8);
  optional_text("counterparty_member_id", 9);
  optional_text("counterparty_member_number", 10);
  optional_int("transfer_id", 11);
  optional_int("withdrawal_id", 12);
  optional_text("description", 13);
  w.field("created_at", rows.text(row, 14));
  w.end_object();
}

std::string entries_csv(const db::Rows& rows) {
  std::string out = "id,created_at,type,amount_cents,balance_before_cents,balance_after_cents,currency,"
                    "counterparty_member_number,order_id,commission_id,transfer_id,withdrawal_id,description\r\n";
  for (int row = 0; row < rows.size(); ++row) {
    out += std::string(rows.text(row, 0)) + "," + std::string(rows.text(row, 14)) + "," + std::string(rows.text(row, 2)) +
           "," + std::string(rows.text(row, 3)) + "," + std::string(rows.text(row, 4)) + "," +
           std::string(rows.text(row, 5)) + "," + std::string(rows.text(row, 6)) + "," + csv_text(rows.text(row, 10)) +
           "," + csv_text(rows.text(row, 8)) + "," + std::string(rows.text(row, 7)) + "," +
           std::string(rows.text(row, 11)) + "," + std::string(rows.text(row, 12)) + "," + csv_text(rows.text(row, 13)) +
           "\r\n";
  }
  return out;
}

}  // namespace

Response get_wallet(RequestContext& ctx) {
  auto member_id = resolve_member(ctx);
  if (!member_id.ok()) return error_response(ctx, member_id.error());
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  const db::Rows rows = lease.value()->run(sql::wallet_by_member.name, sql::wallet_by_member.text, db::Params().add(member_id.value()));
  if (rows.empty()) return error_response(ctx, not_found("no such member"));
  std::string body;
  nnw::rules::json::Writer w(body);
  w.begin_object();
  w.field("member_id", rows.text(0, 1)).field("member_number", rows.text(0, 2)).field("display_name", rows.text(0, 3));
  w.field("market", rows.text(0, 4)).field("currency", rows.text(0, 5)).field("balance_cents", rows.int64(0, 6));
  w.field("entry_count", rows.int64(0, 7)).field("updated_at", rows.text(0, 8));
  w.end_object();
  return json_response(ctx, http::status::ok, std::move(body));
}

Response list_wallet_entries(RequestContext& ctx) {
  auto member_id = resolve_member(ctx);
  if (!member_id.ok()) return error_response(ctx, member_id.error());
  auto query = read_history_query(ctx);
  if (!query.ok()) return error_response(ctx, query.error());
  const HistoryQuery& q = query.value();
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  auto wallet = find_wallet(*lease.value(), member_id.value());
  if (!wallet.ok()) return error_response(ctx, wallet.error());
  const db::Rows rows = lease.value()->run(
      sql::wallet_entries_page.name, sql::wallet_entries_page.text,
      db::Params().add(wallet.value().id).add(q.before).add(q.types).add(q.from).add(q.to).add(q.limit));
  if (q.csv) {
    Response response = text_response(ctx, http::status::ok, "text/csv; charset=utf-8", entries_csv(rows));
    response.set(http::field::content_disposition, "attachment; filename=\"movimientos.csv\"");
    return response;
  }
  std::string body;
  nnw::rules::json::Writer w(body);
  w.begin_object().key("entries").begin_array();
  for (int row = 0; row < rows.size(); ++row) write_entry_json(w, rows, row);
  w.end_array();
  if (rows.size() == q.limit) w.field("next_before", rows.int64(rows.size() - 1, 0));
  else w.null_field("next_before");
  w.end_object();
  return json_response(ctx, http::status::ok, std::move(body));
}

}  // namespace nnw::server::routes
