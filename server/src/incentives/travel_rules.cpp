#include "incentives/travel_rules.hpp"

#include "nnw/rules/calendar.hpp"
#include "nnw/rules/json_write.hpp"

namespace nnw::server::incentives {

namespace bj = boost::json;

std::string utc_text(std::int64_t unix_s) { return nnw::rules::format_utc(unix_s); }

std::string campaign_rules_json(const Campaign& campaign) {
  std::string out;
  nnw::rules::json::Writer w(out);
  w.begin_object().field("id", std::string_view(campaign.id)).field("starts_at", utc_text(campaign.starts_s));
  w.field("ends_at", utc_text(campaign.ends_s)).field("status", std::string_view(campaign.status));
  if (campaign.closed_s) w.field("closed_at", utc_text(*campaign.closed_s));
  else w.null_field("closed_at");
  w.key("promo_windows").begin_array();
  for (const auto& [starts_s, ends_s] : campaign.promo_windows) {
    w.begin_object().field("starts_at", utc_text(starts_s)).field("ends_at", utc_text(ends_s)).end_object();
  }
  w.end_array().end_object();
  return out;
}

StoredEvent stored_event(const db::Rows& rows, int row, int first) {
  StoredEvent e;
  e.id = rows.text(row, first);
  e.type = rows.text(row, first + 1);
  e.kit = rows.optional_text(row, first + 2);
  e.rank = rows.optional_text(row, first + 3);
  e.direct_member_id = rows.optional_text(row, first + 4);
  e.occurred_s = rows.int64(row, first + 5);
  e.received_s = rows.int64(row, first + 6);
  return e;
}

std::string travel_request_json(const Campaign& campaign, const std::vector<const StoredEvent*>& events) {
  std::string out;
  nnw::rules::json::Writer w(out);
  w.begin_object().key("campaign").raw(campaign_rules_json(campaign)).key("events").begin_array();
  for (const StoredEvent* e : events) {
    w.begin_object().field("id", std::string_view(e->id)).field("type", std::string_view(e->type));
    if (e->kit) w.field("kit", std::string_view(*e->kit));
    if (e->direct_member_id) w.field("direct_id", std::string_view(*e->direct_member_id));
    if (e->rank) w.field("rank", std::string_view(*e->rank));
    w.field("at", utc_text(e->occurred_s)).field("received_at", utc_text(e->received_s)).end_object();
  }
  w.end_array().end_object();
  return out;
}

ApiResult<bj::object> run_travel_rules(const nnw::rules::Engine& engine, const std::string& request, std::string_view strip,
                                       http::status status) {
  bj::value answer = bj::parse(engine.travel_points(request));
  bj::object& document = answer.as_object();
  if (const auto* error = document.if_contains("error")) {
    std::string field(error->at("field").as_string());
    if (field.starts_with(strip)) field.erase(0, strip.size());
    ApiError api{status, std::string(error->at("code").as_string()), std::string(error->at("message").as_string()), field, {}, {}};
    return api;
  }
  return std::move(document);
}

}  // namespace nnw::server::incentives
