// NN Travel (RULES.md "NN Travel points"; the points come from the rules module):
// POST /v1/admin/travel/campaigns (admin, Idempotency-Key): a campaign and its promo windows.
// GET  /v1/admin/travel/campaigns (admin): every campaign, newest first.
// POST /v1/admin/travel/campaigns/{campaign_id}/close (admin, Idempotency-Key): freeze standings.
// GET  /v1/admin/travel/campaigns/{campaign_id}/standings (admin): frozen standings once closed, live
//   ones while open; ?qualified=true|false, ?format=csv.
// POST /v1/travel/events (service, Idempotency-Key): one event or {"events":[…]} (≤ 1,000).
// GET  /v1/members/{member_id}/travel (member self, admin): points in ?campaign_id= (default:
//   the active campaign).
#include <algorithm>
#include <set>

#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "incentives/travel.hpp"
#include "incentives/travel_campaigns.hpp"
#include "incentives/travel_standings.hpp"
#include "incentives/travel_summary.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

namespace {

namespace json = nnw::rules::json;
using incentives::TravelEventIn;

constexpr std::size_t kEventsBatchMax = 1000;
constexpr std::int64_t kCampaignsListed = 100;

std::int64_t unix_s(nnw::rules::UtcSeconds instant) { return instant.time_since_epoch().count(); }

ApiResult<incentives::CampaignIn> read_campaign(const RequestContext& ctx) {
  auto body = parse_body(ctx);
  if (!body.ok()) return body.error();
  json::Reader r;
  const json::Path& root = json::kDocument;
  const auto* o = r.object(&body.value(), root, {"id", "name", "starts_at", "ends_at", "promo_windows"});
  incentives::CampaignIn in;
  in.id = r.string(r.member(o, "id", root.member("id"), true), root.member("id"));
  in.name = r.string(r.member(o, "name", root.member("name"), true), root.member("name"));
  in.starts_s = unix_s(r.instant(r.member(o, "starts_at", root.member("starts_at"), true), root.member("starts_at")));
  in.ends_s = unix_s(r.instant(r.member(o, "ends_at", root.member("ends_at"), true), root.member("ends_at")));
  const json::Path windows_path = root.member("promo_windows");
  const auto* windows = r.array(r.member(o, "promo_windows", windows_path, false), windows_path,
                                ctx.app.rules().config().limits.promo_windows_max);
  for (std::size_t i = 0; r.ok() && windows != nullptr && i < windows->size(); ++i) {
    const json::Path at = windows_path.element(i);
    const auto* window = r.object(&(*windows)[i], at, {"starts_at", "ends_at"});
    const auto starts = r.instant(r.member(window, "starts_at", at.member("starts_at"), true), at.member("starts_at"));
    const auto ends = r.instant(r.member(window, "ends_at", at.member("ends_at"), true), at.member("ends_at"));
    in.promo_windows.emplace_back(unix_s(starts), unix_s(ends));
  }
  if (!r.ok()) return from_rules_error(*r.error());
  return in;
}

// Which optional fields each event type takes; any other is unknown_field.
std::optional<ApiError> check_event(const RequestContext& ctx, const TravelEventIn& e, const std::string& at) {
  const auto visible = [](std::string_view text) {
    return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
  };
  const auto only_for = [&](bool present, bool allowed, bool required, const char* field, const char* types) -> std::optional<ApiError> {
    if (present && !allowed) return bad_request("unknown_field", std::string("only ") + types + " events take it", at + field);
    if (!present && required) return bad_request("missing_field", std::string("is required for ") + types + " events", at + field);
    return std::nullopt;
  };
  if (!visible(e.event_id)) return bad_request("invalid_value", "must be 1-64 visible ASCII characters", at + "event_id");
  if (!is_uuid(e.member_id)) return bad_request("invalid_value", "must be a member id (uuid)", at + "member_id");
  const bool kit = e.type == "KIT_SOLD", direct = e.type == "DIRECT_RANK_REACHED";
  if (auto error = only_for(e.kit.has_value(), kit, kit, "kit", "KIT_SOLD")) return error;
  if (auto error = only_for(e.order_id.has_value(), kit, false, "order_id", "KIT_SOLD")) return error;
  if (auto error = only_for(e.rank.has_value(), !kit, !kit, "rank", "RANK_REACHED and DIRECT_RANK_REACHED")) return error;
  if (auto error = only_for(e.direct_member_id.has_value(), direct, direct, "direct_member_id", "DIRECT_RANK_REACHED")) return error;
  if (e.kit && *e.kit != "FULL_SUPPLEMENT" && *e.kit != "FULL_SKIN" && *e.kit != "FULL_PROTECT") {
    return bad_request("invalid_value", "must be FULL_SUPPLEMENT, FULL_SKIN or FULL_PROTECT", at + "kit");
  }
  if (e.rank && ctx.app.rules().config().find_rank(*e.rank) == nullptr) {
    return bad_request("invalid_value", "is not a configured rank (GET /v1/rules lists them)", at + "rank");
  }
  if (e.direct_member_id && !is_uuid(*e.direct_member_id)) return bad_request("invalid_value", "must be a member id (uuid)", at + "direct_member_id");
  if (e.direct_member_id && lowercase(*e.direct_member_id) == lowercase(e.member_id)) {
    return bad_request("invalid_value", "a member is not its own direct", at + "direct_member_id");
  }
  if (e.order_id && (e.order_id->empty() || e.order_id->size() > 64)) return bad_request("invalid_value", "must be 1-64 characters", at + "order_id");
  return std::nullopt;
}

TravelEventIn read_event(json::Reader& r, const boost::json::value& value, const json::Path& at) {
  const auto* o = r.object(&value, at, {"event_id", "member_id", "type", "kit", "rank", "direct_member_id", "occurred_at", "order_id"});
  const auto text = [&](std::string_view key) { return std::string(r.string(r.member(o, key, at.member(key), true), at.member(key))); };
  const auto optional_text = [&](std::string_view key) -> std::optional<std::string> {
    const auto* member = r.member(o, key, at.member(key), false);
    if (member == nullptr) return std::nullopt;
    return std::string(r.string(member, at.member(key)));
  };
  TravelEventIn e;
  e.event_id = text("event_id");
  e.member_id = text("member_id");
  const std::size_t type = r.choice(r.member(o, "type", at.member("type"), true), at.member("type"),
                                    {"KIT_SOLD", "RANK_REACHED", "DIRECT_RANK_REACHED"});
  e.type = type == 0 ? "KIT_SOLD" : type == 1 ? "RANK_REACHED" : "DIRECT_RANK_REACHED";
  e.kit = optional_text("kit");
  e.rank = optional_text("rank");
  e.direct_member_id = optional_text("direct_member_id");
  e.occurred_s = unix_s(r.instant(r.member(o, "occurred_at", at.member("occurred_at"), true), at.member("occurred_at")));
  e.order_id = optional_text("order_id");
  return e;
}

struct EventBatch {
  std::vector<TravelEventIn> items;
  bool batch_form = false;  // {"events":[…]} rather than one event object
};

ApiResult<EventBatch> read_events(const RequestContext& ctx) {
  auto body = parse_body(ctx);
  if (!body.ok()) return body.error();
  json::Reader r;
  const json::Path& root = json::kDocument;
  EventBatch batch;
  const auto* object = body.value().if_object();
  batch.batch_form = object != nullptr && object->contains("events");
  if (batch.batch_form) {
    const auto* o = r.object(&body.value(), root, {"events"});
    const auto* items = r.array(r.member(o, "events", root.member("events"), true), root.member("events"), kEventsBatchMax);
    if (r.ok() && items->empty()) return bad_request("out_of_range", "needs at least one event", "events");
    for (std::size_t i = 0; r.ok() && i < items->size(); ++i) {
      batch.items.push_back(read_event(r, (*items)[i], root.member("events").element(i)));
    }
  } else {
    batch.items.push_back(read_event(r, body.value(), root));
  }
  if (!r.ok()) return from_rules_error(*r.error());
  std::set<std::string> ids;
  for (std::size_t i = 0; i < batch.items.size(); ++i) {
    TravelEventIn& e = batch.items[i];
    const std::string at = batch.batch_form ? "events[" + std::to_string(i) + "]." : "";
    if (auto error = check_event(ctx, e, at)) return *error;
    if (!ids.insert(e.event_id).second) return bad_request("invalid_value", "repeats an event_id of this batch", at + "event_id");
    e.member_id = lowercase(std::move(e.member_id));
    if (e.direct_member_id) e.direct_member_id = lowercase(std::move(*e.direct_member_id));
  }
  return batch;
}

void audit(db::Connection& c, const RequestContext& ctx, std::string_view action, const std::string& target, const std::string& details) {
  c.run(sql::audit_insert.name, sql::audit_insert.text,
        db::Params().add(ctx.principal->subject).add(role_name(ctx.principal->role)).add(action).add(target).add(details)
            .add(ctx.request_id));
}

}  // namespace

Response create_travel_campaign(RequestContext& ctx) {
  auto in = read_campaign(ctx);
  if (!in.ok()) return error_response(ctx, in.error());
  return idempotent_write(ctx, [&](db::Connection& c, const std::string&) -> ApiResult<WriteOutcome> {
    auto campaign = incentives::create_campaign(c, ctx.app.rules(), in.value());
    if (!campaign.ok()) return campaign.error();
    audit(c, ctx, "travel_campaign_create", campaign.value().id, incentives::campaign_rules_json(campaign.value()));
    return WriteOutcome{http::status::created, boost::json::serialize(incentives::campaign_api_json(campaign.value())), false, {}};
  });
}

Response list_travel_campaigns(RequestContext& ctx) {
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  boost::json::array campaigns;
  for (const auto& campaign : incentives::list_campaigns(*lease.value(), kCampaignsListed)) {
    campaigns.push_back(incentives::campaign_api_json(campaign));
  }
  return json_response(ctx, http::status::ok, boost::json::object{{"campaigns", std::move(campaigns)}});
}

Response close_travel_campaign(RequestContext& ctx) {
  const std::string campaign_id(ctx.path_param("campaign_id"));
  return idempotent_write(ctx, [&](db::Connection& c, const std::string&) -> ApiResult<WriteOutcome> {
    const incentives::Actor actor{ctx.principal->subject, role_name(ctx.principal->role), ctx.request_id};
    auto closed = incentives::close_campaign(c, ctx.app.rules(), campaign_id, ctx.now_s(), actor);
    if (!closed.ok()) return closed.error();
    auto campaign = incentives::find_campaign(c, campaign_id, ctx.now_s());
    if (!campaign.ok()) return campaign.error();
    boost::json::object body{{"closed_now", closed.value().closed_now}};
    const auto standings = incentives::frozen_standings(c, campaign.value());
    for (auto& item : incentives::standings_json(campaign.value(), standings, true)) body[item.key()] = std::move(item.value());
    return WriteOutcome{http::status::ok, boost::json::serialize(body), false, {}};
  });
}

Response get_travel_standings(RequestContext& ctx) {
  const std::string campaign_id(ctx.path_param("campaign_id"));
  const auto qualified = ctx.query_param("qualified");
  if (qualified && *qualified != "true" && *qualified != "false") return error_response(ctx, bad_request("invalid_value", "must be true or false", "qualified"));
  const auto format = ctx.query_param("format");
  if (format && *format != "csv" && *format != "json") return error_response(ctx, bad_request("invalid_value", "must be csv or json", "format"));
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  auto campaign = incentives::find_campaign(*lease.value(), campaign_id, ctx.now_s());
  if (!campaign.ok()) return error_response(ctx, campaign.error());
  // Closed: what the close froze. Open: what the rules give for the events stored so far.
  const bool frozen = campaign.value().status == "CERRADA";
  auto standings = frozen ? incentives::frozen_standings(*lease.value(), campaign.value())
                          : incentives::live_standings(*lease.value(), ctx.app.rules(), campaign.value());
  if (qualified) {
    const bool wanted = *qualified == "true";
    std::erase_if(standings, [&](const incentives::Standing& s) { return s.qualified != wanted; });
  }
  if (format == std::optional<std::string_view>("csv")) {
    Response response = text_response(ctx, http::status::ok, "text/csv; charset=utf-8", incentives::standings_csv(campaign.value(), standings));
    response.set(http::field::content_disposition, "attachment; filename=\"nn-travel-" + campaign_id + ".csv\"");
    return response;
  }
  return json_response(ctx, http::status::ok, incentives::standings_json(campaign.value(), standings, frozen));
}

Response create_travel_events(RequestContext& ctx) {
  auto batch = read_events(ctx);
  if (!batch.ok()) return error_response(ctx, batch.error());
  return idempotent_write(ctx, [&](db::Connection& c, const std::string&) -> ApiResult<WriteOutcome> {
    auto result = incentives::record_events(c, batch.value().items, ctx.now_s(), batch.value().batch_form);
    if (!result.ok()) return result.error();
    std::string body;
    json::Writer w(body);
    w.begin_object().key("recorded").begin_array();
    for (const auto& [event_id, campaign_id] : result.value().recorded) {
      w.begin_object().field("event_id", std::string_view(event_id));
      if (campaign_id) w.field("campaign_id", std::string_view(*campaign_id));
      else w.null_field("campaign_id");
      w.end_object();
    }
    w.end_array().key("duplicates").begin_array();
    for (const auto& event_id : result.value().duplicates) w.value(std::string_view(event_id));
    w.end_array().end_object();
    return WriteOutcome{http::status::created, std::move(body), false, {}};
  });
}

Response get_member_travel(RequestContext& ctx) {
  auto member_id = resolve_member(ctx);
  if (!member_id.ok()) return error_response(ctx, member_id.error());
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  db::Connection& c = *lease.value();
  const db::Rows known = c.run(sql::travel_members_known.name, sql::travel_members_known.text,
                               db::Params().add("{" + member_id.value() + "}"));
  if (known.empty()) return error_response(ctx, not_found("no such member"));
  auto campaign = incentives::find_campaign(c, std::string(ctx.query_param("campaign_id").value_or("")), ctx.now_s());
  if (!campaign.ok()) return error_response(ctx, campaign.error());
  auto summary = incentives::member_summary(c, ctx.app.rules(), member_id.value(), campaign.value());
  if (!summary.ok()) return error_response(ctx, summary.error());
  return json_response(ctx, http::status::ok, summary.value());
}

}  // namespace nnw::server::routes
