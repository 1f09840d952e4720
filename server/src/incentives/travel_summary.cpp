#include "incentives/travel_summary.hpp"

#include <algorithm>

#include "incentives/travel_campaigns.hpp"
#include "incentives/travel_rules.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::incentives {

namespace bj = boost::json;

namespace {

constexpr std::int64_t kSummaryEventsMax = 10000;  // the rules' limits.events_max

bj::object event_api_json(const StoredEvent& e) {
  bj::object o;
  o["id"] = e.id;
  o["type"] = e.type;
  if (e.kit) o["kit"] = *e.kit;
  if (e.rank) o["rank"] = *e.rank;
  if (e.direct_member_id) o["direct_member_id"] = *e.direct_member_id;
  o["occurred_at"] = utc_text(e.occurred_s);
  o["received_at"] = utc_text(e.received_s);
  if (e.order_id) o["order_id"] = *e.order_id;
  if (e.revoked_s) o["revoked_at"] = utc_text(*e.revoked_s);
  return o;
}

// Rewrites the rules' accepted/rejected entries to carry the stored event behind each.
bj::array with_events(const bj::array& entries, const std::vector<const StoredEvent*>& events) {
  bj::array out;
  for (const bj::value& entry : entries) {
    const bj::object& o = entry.as_object();
    bj::object item = event_api_json(*events.at(static_cast<std::size_t>(o.at("event").as_int64())));
    if (const auto* column = o.if_contains("column")) item["column"] = *column;
    if (const auto* points = o.if_contains("points")) item["points"] = *points;
    if (const auto* reason = o.if_contains("reason")) item["reason"] = *reason;
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

ApiResult<bj::object> member_summary(db::Connection& c, const nnw::rules::Engine& engine, const std::string& member_id,
                                     const Campaign& campaign) {
  const db::Rows rows = c.run(sql::travel_member_events.name, sql::travel_member_events.text,
                              db::Params().add(member_id).add(campaign.id).add(kSummaryEventsMax + 1));
  std::vector<StoredEvent> events;
  for (int row = 0; row < rows.size(); ++row) {
    events.push_back(stored_event(rows, row, 0));
    events.back().order_id = rows.optional_text(row, 7);
    if (!rows.is_null(row, 8)) events.back().revoked_s = rows.int64(row, 8);
  }
  std::vector<const StoredEvent*> counted;  // revoked kits are taken back: the rules never see them
  bj::array revoked;
  for (const auto& e : events) {
    if (e.revoked_s) revoked.push_back(event_api_json(e));
    else counted.push_back(&e);
  }
  auto document = run_travel_rules(engine, travel_request_json(campaign, counted), "", http::status::internal_server_error);
  if (!document.ok()) return document.error();
  bj::object& d = document.value();
  bj::object out;
  out["member_id"] = member_id;
  out["campaign"] = campaign_api_json(campaign);
  out["rules_version"] = d.at("rules_version");
  out["target_points"] = d.at("target_points");
  out["points"] = d.at("points");
  out["points_missing"] = d.at("points_missing");
  const std::int64_t target = d.at("target_points").as_int64();
  out["progress_percent"] = target > 0 ? std::min<std::int64_t>(100, d.at("points").as_int64() * 100 / target) : 100;
  out["qualified"] = d.at("qualified");
  out["breakdown"] = d.at("breakdown");
  out["accepted"] = with_events(d.at("accepted").as_array(), counted);
  out["rejected"] = with_events(d.at("rejected").as_array(), counted);
  out["revoked"] = std::move(revoked);
  const db::Rows frozen = c.run(sql::travel_standing_of_member.name, sql::travel_standing_of_member.text,
                                db::Params().add(campaign.id).add(member_id));
  if (frozen.empty()) out["frozen"] = nullptr;
  else out["frozen"] = bj::object{{"points", frozen.int64(0, 0)}, {"qualified", frozen.boolean(0, 1)}, {"frozen_at", utc_text(frozen.int64(0, 2))}};
  return out;
}

}  // namespace nnw::server::incentives
