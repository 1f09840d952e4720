// GET /v1/admin/reports/{report}?from=YYYY-MM&to=YYYY-MM[&format=csv] (admin): the back
// office's reports, one SQL query each (server/db/queries/report_*.sql), as JSON
// {"report","from","to","columns":[…],"rows":[{…}]} or as CSV with a header line.
//   commissions      commissions by period and bonus type (paid and pending)
//   cashback         cashback generated, used (discount given), expired, available, by period
//   loyalty-rewards  reward entitlements, pending first, with the member's choice and delivery
#include <array>

#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

namespace {

struct Report {
  std::string_view name;
  const sql::Query* query;
};

const std::array kReports{
    Report{"commissions", &sql::report_commissions},
    Report{"cashback", &sql::report_cashback},
    Report{"loyalty-rewards", &sql::report_loyalty_rewards},
};

ApiResult<std::string> period_param(const RequestContext& ctx, std::string_view name, std::string_view fallback) {
  const auto value = ctx.query_param(name);
  if (!value) return std::string(fallback);
  if (!nnw::rules::parse_period(*value)) return bad_request("invalid_value", "a period is YYYY-MM", std::string(name));
  return std::string(*value);
}

std::string as_csv(const db::Rows& rows) {
  std::string out;
  for (int c = 0; c < rows.columns(); ++c) out += (c ? "," : "") + std::string(rows.column_name(c));
  out += "\r\n";
  for (int r = 0; r < rows.size(); ++r) {
    for (int c = 0; c < rows.columns(); ++c) {
      if (c) out += ",";
      if (rows.is_null(r, c)) continue;
      out += rows.is_integer_column(c) ? std::string(rows.text(r, c)) : csv_text(rows.text(r, c));
    }
    out += "\r\n";
  }
  return out;
}

std::string as_json(std::string_view name, const std::string& from, const std::string& to, const db::Rows& rows) {
  std::string out;
  nnw::rules::json::Writer w(out);
  w.begin_object().field("report", name).field("from", std::string_view(from)).field("to", std::string_view(to));
  w.key("columns").begin_array();
  for (int c = 0; c < rows.columns(); ++c) w.value(rows.column_name(c));
  w.end_array().key("rows").begin_array();
  for (int r = 0; r < rows.size(); ++r) {
    w.begin_object();
    for (int c = 0; c < rows.columns(); ++c) {
      w.key(rows.column_name(c));
      if (rows.is_null(r, c)) w.null();
      else if (rows.is_integer_column(c)) w.value(rows.int64(r, c));
      else w.value(rows.text(r, c));
    }
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

}  // namespace

Response get_report(RequestContext& ctx) {
  const std::string_view name = ctx.path_param("report");
  const Report* report = nullptr;
  for (const auto& r : kReports) if (r.name == name) report = &r;
  if (report == nullptr) return error_response(ctx, not_found("no such report; known: commissions, cashback, loyalty-rewards"));
  auto from = period_param(ctx, "from", "2000-01");
  if (!from.ok()) return error_response(ctx, from.error());
  auto to = period_param(ctx, "to", "2199-12");
  if (!to.ok()) return error_response(ctx, to.error());
  if (from.value() > to.value()) return error_response(ctx, bad_request("out_of_range", "from must not be after to", "from"));
  const auto format = ctx.query_param("format").value_or("json");
  if (format != "json" && format != "csv") return error_response(ctx, bad_request("invalid_value", "format is json or csv", "format"));
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  const db::Rows rows = lease.value()->run(report->query->name, report->query->text, db::Params().add(from.value()).add(to.value()));
  if (format == "csv") {
    Response response = text_response(ctx, http::status::ok, "text/csv; charset=utf-8", as_csv(rows));
    response.set(http::field::content_disposition, "attachment; filename=\"reporte-" + std::string(name) + ".csv\"");
    return response;
  }
  return json_response(ctx, http::status::ok, as_json(name, from.value(), to.value(), rows));
}

}  // namespace nnw::server::routes
