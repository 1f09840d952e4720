#include "incentives/loyalty.hpp"

#include <boost/json/parse.hpp>
#include <set>
#include <stdexcept>
#include <tuple>

#include "db/pool.hpp"
#include "ledger/ledger.hpp"
#include "notify/outbox.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::incentives {

namespace {

std::string text_of(const boost::json::value* v) {
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::int64_t int_of(const boost::json::value* v) { return v && v->is_int64() ? v->as_int64() : 0; }

}  // namespace

std::string loyalty_status(db::Connection& c, const nnw::rules::Engine& rules, const std::string& member_id,
                           const std::string& market, std::int64_t now_s) {
  const db::Rows orders = c.run(sql::orders_loyalty_history.name, sql::orders_loyalty_history.text,
                                db::Params().add(member_id).add(rules.config().limits.orders_max));
  std::string request;
  nnw::rules::json::Writer w(request);
  w.begin_object().field("market", std::string_view(market));
  w.field("now", std::string_view(nnw::rules::format_utc(now_s)));
  w.key("orders").begin_array();
  for (int i = 0; i < orders.size(); ++i) {
    w.begin_object().field("id", orders.text(i, 0)).field("placed_at", orders.text(i, 1));
    if (orders.is_null(i, 2)) w.null_field("cancelled_at"); else w.field("cancelled_at", orders.text(i, 2));
    w.end_object();
  }
  w.end_array().end_object();
  return rules.loyalty_status(request);
}

LoyaltyRecord record_loyalty(db::Connection& c, const nnw::rules::Engine& rules, const std::string& member_id,
                             const std::string& market, std::int64_t now_s) {
  const std::string status = loyalty_status(c, rules, member_id, market, now_s);
  const boost::json::value parsed = boost::json::parse(status);
  const auto& doc = parsed.as_object();
  if (doc.contains("error")) throw std::runtime_error("loyalty status refused the booked history: " + status);

  LoyaltyRecord record;
  std::set<std::pair<std::string, std::string>> accruals;  // (period, order id) in the computed history
  for (const auto& item : doc.at("history").as_array()) {
    const auto& e = item.as_object();
    const std::string type = text_of(e.if_contains("type"));
    const std::string period = text_of(e.if_contains("period"));
    const auto* order = e.if_contains("order_id");
    const std::optional<std::string> order_id =
        order && order->is_string() ? std::optional<std::string>(std::string(order->as_string())) : std::nullopt;
    if (type == "ACCRUAL" && order_id) accruals.emplace(period, *order_id);
    const db::Rows inserted = c.run(
        sql::loyalty_event_insert.name, sql::loyalty_event_insert.text,
        db::Params().add(member_id).add(type).add(period).add(order_id).add(int_of(e.if_contains("points_before")))
            .add(int_of(e.if_contains("points_after"))).add(int_of(e.if_contains("consecutive_months")))
            .add(text_of(e.if_contains("at"))));
    if (inserted.empty()) continue;
    record.recorded.push_back({type, period, int_of(e.if_contains("points_after"))});
    if (type == "REWARD") {
      const db::Rows reward = c.run(sql::loyalty_reward_insert.name, sql::loyalty_reward_insert.text,
                                    db::Params().add(member_id).add(period).add(text_of(e.if_contains("at"))));
      if (!reward.empty()) {
        const std::string id(reward.text(0, 0));
        notify::enqueue(c, member_id, notify::kLoyaltyRewardEarned, "loyalty-reward-earned:" + id,
                        "{\"loyalty_reward_id\":" + id + ",\"period\":\"" + period + "\"}");
      }
    }
  }

  // A recorded accrual the history no longer has: its order was cancelled inside the window.
  const std::string now_text = nnw::rules::format_utc(now_s);
  const db::Rows recorded = c.run(sql::loyalty_accruals_recorded.name, sql::loyalty_accruals_recorded.text,
                                  db::Params().add(member_id));
  for (int i = 0; i < recorded.size(); ++i) {
    const std::string period(recorded.text(i, 0));
    const std::string order_id(recorded.text(i, 1));
    if (accruals.count({period, order_id})) continue;
    const std::int64_t points_after = recorded.int64(i, 2);
    const std::int64_t reversed_points = std::max<std::int64_t>(0, points_after - rules.config().loyalty.points_per_period);
    const db::Rows inserted = c.run(
        sql::loyalty_event_insert.name, sql::loyalty_event_insert.text,
        db::Params().add(member_id).add("ACCRUAL_REVERSED").add(period).add(order_id).add(points_after)
            .add(reversed_points).add(std::max<std::int64_t>(0, recorded.int64(i, 3) - 1)).add(now_text));
    if (!inserted.empty()) record.recorded.push_back({"ACCRUAL_REVERSED", period, reversed_points});
  }
  return record;
}

LoyaltyJobReport record_all_loyalty(db::Connection& c, const nnw::rules::Engine& rules, std::int64_t now_s) {
  LoyaltyJobReport report;
  const db::Rows members = c.run(sql::members_with_orders.name, sql::members_with_orders.text);
  for (int i = 0; i < members.size(); ++i) {
    const std::string member_id(members.text(i, 0));
    const std::string market(members.text(i, 1));
    struct Done { LoyaltyRecord record; bool ok() const { return true; } };
    const Done done = db::in_transaction(c, [&](db::Connection& tx) {
      ledger::lock_wallets(tx, {member_id});  // the lock every booking for the member takes
      return Done{record_loyalty(tx, rules, member_id, market, now_s)};
    });
    ++report.members;
    report.events += static_cast<std::int64_t>(done.record.recorded.size());
    for (const auto& e : done.record.recorded) if (e.type == "RESET") ++report.resets;
  }
  return report;
}

}  // namespace nnw::server::incentives
