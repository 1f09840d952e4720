#include "incentives/cashback.hpp"

#include "nnw/rules/calendar.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::incentives {

std::string cashbacks_json(db::Connection& c, const std::string& member_id, std::int64_t now_s) {
  const db::Rows rows = c.run(sql::cashbacks_by_member.name, sql::cashbacks_by_member.text, db::Params().add(member_id));
  const std::string now = nnw::rules::format_utc(now_s);
  std::string out;
  nnw::rules::json::Writer w(out);
  w.begin_object().field("member_id", std::string_view(member_id)).key("cashbacks").begin_array();
  for (int i = 0; i < rows.size(); ++i) {
    w.begin_object().field("id", rows.int64(i, 0)).field("period", rows.text(i, 1)).field("status", rows.text(i, 2));
    w.field("value_cents", rows.int64(i, 3)).field("currency", rows.text(i, 4));
    w.field("generated_by_order", rows.text(i, 5));
    if (rows.is_null(i, 6)) w.null_field("used_by_order"); else w.field("used_by_order", rows.text(i, 6));
    w.field("expires_at", rows.text(i, 7));
    // Fixed-format UTC strings compare like the instants they name.
    w.field("available", rows.text(i, 2) == "AVAILABLE" && now < std::string(rows.text(i, 7)));
    w.key("events").raw(rows.text(i, 8));
    w.end_object();
  }
  w.end_array().end_object();
  return out;
}

ExpiryReport expire_cashbacks(db::Connection& c, std::int64_t now_s) {
  const db::Rows rows = c.run(sql::cashbacks_expire.name, sql::cashbacks_expire.text, db::Params().add(nnw::rules::format_utc(now_s)));
  ExpiryReport report;
  for (int i = 0; i < rows.size(); ++i) {
    ++report.expired;
    report.value_cents += rows.int64(i, 1);
  }
  return report;
}

}  // namespace nnw::server::incentives
