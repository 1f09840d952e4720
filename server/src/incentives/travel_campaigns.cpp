#include "incentives/travel_campaigns.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <map>
#include <regex>
#include <stdexcept>

#include "db/pool.hpp"
#include "ledger/ledger.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::incentives {

namespace bj = boost::json;

namespace {

constexpr std::string_view kCloseJob = "close-travel-campaigns";
constexpr std::int64_t kSummaryEventsMax = 10000;  // the rules' limits.events_max
constexpr std::int64_t kPageMembers = 500;         // members whose events are read at once
constexpr std::int64_t kStandingsRowsMax = 100000;  // members in one standings answer
constexpr std::int64_t kClosePagesMax = 100000;     // 50 million members: a runaway guard

std::string utc(std::int64_t unix_s) { return nnw::rules::format_utc(nnw::rules::UtcSeconds(std::chrono::seconds(unix_s))); }

Campaign campaign_from(const db::Rows& rows, int row) {
  Campaign c;
  c.id = rows.text(row, 0);
  c.name = rows.text(row, 1);
  c.starts_s = rows.int64(row, 2);
  c.ends_s = rows.int64(row, 3);
  c.status = rows.text(row, 4);
  if (!rows.is_null(row, 5)) c.closed_s = rows.int64(row, 5);
  c.target_points = rows.int64(row, 6);
  c.rules_version = rows.text(row, 7);
  return c;
}

// Fills promo_windows of every campaign in `campaigns` with one query.
void load_windows(db::Connection& c, std::vector<Campaign>& campaigns) {
  std::vector<std::string> ids;
  for (const auto& campaign : campaigns) ids.push_back(campaign.id);
  const db::Rows rows = c.run(sql::travel_promo_windows_of.name, sql::travel_promo_windows_of.text,
                              db::Params().add(ledger::array_literal(ids)));
  std::map<std::string, Campaign*, std::less<>> by_id;
  for (auto& campaign : campaigns) by_id.emplace(campaign.id, &campaign);
  for (int row = 0; row < rows.size(); ++row) {
    by_id.at(std::string(rows.text(row, 0)))->promo_windows.emplace_back(rows.int64(row, 1), rows.int64(row, 2));
  }
}

std::optional<Campaign> campaign_by(db::Connection& c, const sql::Query& query, const db::Params& params) {
  const db::Rows rows = c.run(query.name, query.text, params);
  if (rows.empty()) return std::nullopt;
  std::vector<Campaign> one{campaign_from(rows, 0)};
  load_windows(c, one);
  return std::move(one.front());
}

// A stored event as the rules take it (docs/rules-api.md "Travel points").
struct StoredEvent {
  std::string id;
  std::string type;
  std::optional<std::string> kit;
  std::optional<std::string> rank;
  std::optional<std::string> direct_member_id;
  std::int64_t occurred_s = 0;
  std::int64_t received_s = 0;
  std::optional<std::string> order_id;
  std::optional<std::int64_t> revoked_s;
};

StoredEvent event_from(const db::Rows& rows, int row, int first) {
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

std::string rules_request(const Campaign& campaign, const std::vector<const StoredEvent*>& events) {
  std::string out;
  nnw::rules::json::Writer w(out);
  w.begin_object().key("campaign").raw(campaign_rules_json(campaign)).key("events").begin_array();
  for (const StoredEvent* e : events) {
    w.begin_object().field("id", std::string_view(e->id)).field("type", std::string_view(e->type));
    if (e->kit) w.field("kit", std::string_view(*e->kit));
    if (e->direct_member_id) w.field("direct_id", std::string_view(*e->direct_member_id));
    if (e->rank) w.field("rank", std::string_view(*e->rank));
    w.field("at", utc(e->occurred_s)).field("received_at", utc(e->received_s)).end_object();
  }
  w.end_array().end_object();
  return out;
}

// The rules' answer, or their error as an ApiError (`field` without `strip` at its front).
ApiResult<bj::object> run_rules(const nnw::rules::Engine& engine, const std::string& request, std::string_view strip,
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

bool valid_campaign_id(const std::string& id) {
  static const std::regex pattern("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  return std::regex_match(id, pattern);
}

bj::object event_api_json(const StoredEvent& e) {
  bj::object o;
  o["id"] = e.id;
  o["type"] = e.type;
  if (e.kit) o["kit"] = *e.kit;
  if (e.rank) o["rank"] = *e.rank;
  if (e.direct_member_id) o["direct_member_id"] = *e.direct_member_id;
  o["occurred_at"] = utc(e.occurred_s);
  o["received_at"] = utc(e.received_s);
  if (e.order_id) o["order_id"] = *e.order_id;
  if (e.revoked_s) o["revoked_at"] = utc(*e.revoked_s);
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

// One page of members (after `after`, in id order) through the rules, for `campaign` as it
// is given (closed or not); empty when no member is left.
std::vector<Standing> standings_page(db::Connection& c, const nnw::rules::Engine& engine, const Campaign& campaign,
                                     const std::string& after) {
  const db::Rows rows = c.run(sql::travel_campaign_events_page.name, sql::travel_campaign_events_page.text,
                              db::Params().add(campaign.id).add(after).add(kPageMembers));
  std::vector<Standing> standings;
  int row = 0;
  while (row < rows.size()) {
    const std::string member(rows.text(row, 0));
    std::vector<StoredEvent> events;
    for (; row < rows.size() && rows.text(row, 0) == member; ++row) events.push_back(event_from(rows, row, 1));
    std::vector<const StoredEvent*> refs;
    for (const auto& e : events) refs.push_back(&e);
    auto document = run_rules(engine, rules_request(campaign, refs), "", http::status::internal_server_error);
    // A stored campaign and stored events always satisfy the rules' shape; only the event count
    // limit can refuse them, and then standings must fail rather than show a wrong total.
    if (!document.ok()) throw std::runtime_error("travel standings: the rules refused member " + member + ": " + document.error().message);
    const bj::object& d = document.value();
    const bj::object& breakdown = d.at("breakdown").as_object();
    Standing s;
    s.member_id = member;
    s.points = d.at("points").as_int64();
    s.kits = breakdown.at("kits").as_int64();
    s.ranks = breakdown.at("ranks").as_int64();
    s.directs = breakdown.at("directs").as_int64();
    s.qualified = d.at("qualified").as_bool();
    s.events_accepted = static_cast<std::int64_t>(d.at("accepted").as_array().size());
    s.events_rejected = static_cast<std::int64_t>(d.at("rejected").as_array().size());
    assert(s.points == s.kits + s.ranks + s.directs);
    standings.push_back(std::move(s));
  }
  return standings;
}

void store_standings(db::Connection& c, const Campaign& campaign, const std::vector<Standing>& standings, std::int64_t now_s) {
  std::vector<std::string> members;
  std::string points = "{", kits = "{", ranks = "{", directs = "{", qualified = "{", accepted = "{", rejected = "{";
  for (std::size_t i = 0; i < standings.size(); ++i) {
    const Standing& s = standings[i];
    const char* sep = i ? "," : "";
    members.push_back(s.member_id);
    points += sep + std::to_string(s.points); kits += sep + std::to_string(s.kits);
    ranks += sep + std::to_string(s.ranks); directs += sep + std::to_string(s.directs);
    qualified += std::string(sep) + (s.qualified ? "t" : "f");
    accepted += sep + std::to_string(s.events_accepted); rejected += sep + std::to_string(s.events_rejected);
  }
  c.run(sql::travel_standings_insert_batch.name, sql::travel_standings_insert_batch.text,
        db::Params().add(campaign.id).add(ledger::array_literal(members)).add(points + "}").add(kits + "}").add(ranks + "}")
            .add(directs + "}").add(qualified + "}").add(accepted + "}").add(rejected + "}").add(now_s));
}

// Best first, then by member number: the order frozen standings are read in.
void rank_standings(std::vector<Standing>& standings) {
  std::sort(standings.begin(), standings.end(), [](const Standing& a, const Standing& b) {
    return a.points != b.points ? a.points > b.points : a.member_number < b.member_number;
  });
}

void audit(db::Connection& c, const Actor& actor, std::string_view action, const std::string& target, const std::string& details) {
  c.run(sql::audit_insert.name, sql::audit_insert.text,
        db::Params().add(actor.subject).add(actor.role).add(action).add(target).add(details).add(actor.request_id));
}

}  // namespace

std::string campaign_rules_json(const Campaign& campaign) {
  std::string out;
  nnw::rules::json::Writer w(out);
  w.begin_object().field("id", std::string_view(campaign.id)).field("starts_at", utc(campaign.starts_s));
  w.field("ends_at", utc(campaign.ends_s)).field("status", std::string_view(campaign.status));
  if (campaign.closed_s) w.field("closed_at", utc(*campaign.closed_s));
  else w.null_field("closed_at");
  w.key("promo_windows").begin_array();
  for (const auto& [starts_s, ends_s] : campaign.promo_windows) {
    w.begin_object().field("starts_at", utc(starts_s)).field("ends_at", utc(ends_s)).end_object();
  }
  w.end_array().end_object();
  return out;
}

bj::object campaign_api_json(const Campaign& campaign) {
  bj::object o;
  o["id"] = campaign.id;
  o["name"] = campaign.name;
  o["status"] = campaign.status;
  o["starts_at"] = utc(campaign.starts_s);
  o["ends_at"] = utc(campaign.ends_s);
  o["closed_at"] = campaign.closed_s ? bj::value(utc(*campaign.closed_s)) : bj::value(nullptr);
  o["target_points"] = campaign.target_points;
  bj::array windows;
  for (const auto& [starts_s, ends_s] : campaign.promo_windows) {
    windows.push_back(bj::object{{"starts_at", utc(starts_s)}, {"ends_at", utc(ends_s)}});
  }
  o["promo_windows"] = std::move(windows);
  if (campaign.status == "CERRADA" && campaign.qualifiers) o["qualifiers"] = *campaign.qualifiers;
  return o;
}

ApiResult<Campaign> create_campaign(db::Connection& c, const nnw::rules::Engine& engine, const CampaignIn& in) {
  if (!valid_campaign_id(in.id)) return bad_request("invalid_value", "must be 1-64 of A-Z, a-z, 0-9, '_', '.', '-' (e.g. 2026-S2)", "id");
  if (in.name.empty() || in.name.size() > 200) return bad_request("out_of_range", "must be 1-200 bytes", "name");
  Campaign campaign{in.id, in.name, in.starts_s, in.ends_s, "ACTIVA", std::nullopt,
                    engine.config().travel.target_points, engine.version(), in.promo_windows, std::nullopt};
  auto checked = run_rules(engine, "{\"campaign\":" + campaign_rules_json(campaign) + ",\"events\":[]}", "campaign.",
                           http::status::bad_request);
  if (!checked.ok()) return checked.error();
  if (campaign_by(c, sql::travel_campaign_by_id, db::Params().add(in.id))) {
    return conflict("campaign_exists", "a campaign with this id exists", "id");
  }
  const db::Rows overlapping = c.run(sql::travel_campaign_overlapping.name, sql::travel_campaign_overlapping.text,
                                     db::Params().add(in.starts_s).add(in.ends_s));
  if (!overlapping.empty()) {
    return conflict("campaign_overlaps", "overlaps campaign " + std::string(overlapping.text(0, 0)) + "; campaigns never share an instant",
                    "starts_at");
  }
  const db::Rows inserted = c.run(sql::travel_campaign_insert.name, sql::travel_campaign_insert.text,
                                  db::Params().add(campaign.id).add(campaign.name).add(campaign.starts_s).add(campaign.ends_s)
                                      .add(campaign.target_points).add(campaign.rules_version));
  if (inserted.empty()) return conflict("campaign_exists", "a campaign with this id exists", "id");
  std::vector<std::int64_t> starts, ends;
  for (const auto& [s, e] : campaign.promo_windows) { starts.push_back(s); ends.push_back(e); }
  if (!starts.empty()) {
    const auto ints = [](const std::vector<std::int64_t>& v) {
      std::string out = "{";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
      return out + "}";
    };
    c.run(sql::travel_promo_windows_insert.name, sql::travel_promo_windows_insert.text,
          db::Params().add(campaign.id).add(ints(starts)).add(ints(ends)));
  }
  return campaign;
}

std::vector<Campaign> list_campaigns(db::Connection& c, std::int64_t limit) {
  const db::Rows rows = c.run(sql::travel_campaigns_list.name, sql::travel_campaigns_list.text, db::Params().add(limit));
  std::vector<Campaign> campaigns;
  for (int row = 0; row < rows.size(); ++row) {
    campaigns.push_back(campaign_from(rows, row));
    if (!rows.is_null(row, 8)) campaigns.back().qualifiers = rows.int64(row, 8);
  }
  if (!campaigns.empty()) load_windows(c, campaigns);
  return campaigns;
}

ApiResult<Campaign> find_campaign(db::Connection& c, const std::string& id, std::int64_t now_s) {
  if (id.empty()) {
    auto current = campaign_by(c, sql::travel_campaign_current, db::Params().add(now_s));
    if (!current) return ApiError{http::status::not_found, "no_active_campaign", "no travel campaign is active", {}, {}, {}};
    return std::move(*current);
  }
  auto found = valid_campaign_id(id) ? campaign_by(c, sql::travel_campaign_by_id, db::Params().add(id)) : std::nullopt;
  if (!found) return not_found("no such campaign");
  return std::move(*found);
}

ApiResult<bj::object> member_summary(db::Connection& c, const nnw::rules::Engine& engine, const std::string& member_id,
                                     const Campaign& campaign) {
  const db::Rows rows = c.run(sql::travel_member_events.name, sql::travel_member_events.text,
                              db::Params().add(member_id).add(campaign.id).add(kSummaryEventsMax + 1));
  std::vector<StoredEvent> events;
  for (int row = 0; row < rows.size(); ++row) {
    events.push_back(event_from(rows, row, 0));
    events.back().order_id = rows.optional_text(row, 7);
    if (!rows.is_null(row, 8)) events.back().revoked_s = rows.int64(row, 8);
  }
  std::vector<const StoredEvent*> counted;  // revoked kits are taken back: the rules never see them
  bj::array revoked;
  for (const auto& e : events) {
    if (e.revoked_s) revoked.push_back(event_api_json(e));
    else counted.push_back(&e);
  }
  auto document = run_rules(engine, rules_request(campaign, counted), "", http::status::internal_server_error);
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
  else out["frozen"] = bj::object{{"points", frozen.int64(0, 0)}, {"qualified", frozen.boolean(0, 1)}, {"frozen_at", utc(frozen.int64(0, 2))}};
  return out;
}

ApiResult<CloseResult> close_campaign(db::Connection& c, const nnw::rules::Engine& engine, const std::string& campaign_id,
                                      std::int64_t now_s, const Actor& actor) {
  auto locked = campaign_by(c, sql::travel_campaign_lock, db::Params().add(campaign_id));
  if (!locked) return not_found("no such campaign");
  Campaign campaign = std::move(*locked);
  CloseResult result{campaign.id, false, 0, 0};
  if (campaign.status == "CERRADA") {
    const db::Rows counts = c.run(sql::travel_standings_count.name, sql::travel_standings_count.text, db::Params().add(campaign.id));
    result.members = counts.int64(0, 0);
    result.qualifiers = counts.int64(0, 1);
    return result;
  }
  if (now_s < campaign.ends_s) {
    return conflict("campaign_not_ended", "the campaign runs until " + utc(campaign.ends_s) + "; it closes from then on");
  }
  // The campaign closes as of its end, whenever this runs: a close job that runs late (or an
  // admin who closes days after) freezes the same standings as one on time — events that
  // arrived after the end are CAMPAIGN_CLOSED either way.
  c.run(sql::travel_campaign_close.name, sql::travel_campaign_close.text,
        db::Params().add(campaign.id).add(campaign.ends_s).add(engine.version()));
  campaign.status = "CERRADA";
  campaign.closed_s = campaign.ends_s;
  result.closed_now = true;
  std::string after = "00000000-0000-0000-0000-000000000000";
  for (std::int64_t page = 0; page < kClosePagesMax; ++page) {
    const std::vector<Standing> standings = standings_page(c, engine, campaign, after);
    if (standings.empty()) break;
    store_standings(c, campaign, standings, now_s);
    result.members += static_cast<std::int64_t>(standings.size());
    result.qualifiers += std::count_if(standings.begin(), standings.end(), [](const Standing& s) { return s.qualified; });
    after = standings.back().member_id;
  }
  std::string details;
  nnw::rules::json::Writer w(details);
  w.begin_object().field("closed_at", utc(campaign.ends_s)).field("frozen_at", utc(now_s)).field("members", result.members).field("qualifiers", result.qualifiers);
  w.field("rules_version", engine.version()).end_object();
  audit(c, actor, "travel_campaign_close", campaign.id, details);
  return result;
}

std::vector<Standing> frozen_standings(db::Connection& c, const Campaign& campaign) {
  const db::Rows rows = c.run(sql::travel_standings_of_campaign.name, sql::travel_standings_of_campaign.text,
                              db::Params().add(campaign.id).add(kStandingsRowsMax));
  std::vector<Standing> standings;
  for (int row = 0; row < rows.size(); ++row) {
    Standing s;
    s.member_id = rows.text(row, 0);
    s.member_number = rows.text(row, 1);
    s.display_name = rows.text(row, 2);
    s.points = rows.int64(row, 3);
    s.kits = rows.int64(row, 4);
    s.ranks = rows.int64(row, 5);
    s.directs = rows.int64(row, 6);
    s.qualified = rows.boolean(row, 7);
    s.events_accepted = rows.int64(row, 8);
    s.events_rejected = rows.int64(row, 9);
    standings.push_back(std::move(s));
  }
  return standings;
}

std::vector<Standing> live_standings(db::Connection& c, const nnw::rules::Engine& engine, const Campaign& campaign) {
  std::vector<Standing> standings;
  std::string after = "00000000-0000-0000-0000-000000000000";
  while (static_cast<std::int64_t>(standings.size()) < kStandingsRowsMax) {
    std::vector<Standing> page = standings_page(c, engine, campaign, after);
    if (page.empty()) break;
    after = page.back().member_id;
    std::move(page.begin(), page.end(), std::back_inserter(standings));
  }
  std::vector<std::string> ids;
  for (const auto& s : standings) ids.push_back(s.member_id);
  const db::Rows names = c.run(sql::travel_members_named.name, sql::travel_members_named.text,
                               db::Params().add(ledger::array_literal(ids)));
  std::map<std::string, int, std::less<>> row_of;
  for (int row = 0; row < names.size(); ++row) row_of.emplace(names.text(row, 0), row);
  for (auto& s : standings) {
    const int row = row_of.at(s.member_id);
    s.member_number = names.text(row, 1);
    s.display_name = names.text(row, 2);
  }
  rank_standings(standings);
  return standings;
}

bj::object standings_json(const Campaign& campaign, const std::vector<Standing>& standings, bool frozen) {
  bj::array all, qualifiers;
  for (const Standing& s : standings) {
    bj::object o;
    o["member_id"] = s.member_id;
    o["member_number"] = s.member_number;
    o["display_name"] = s.display_name;
    o["points"] = s.points;
    o["breakdown"] = bj::object{{"kits", s.kits}, {"ranks", s.ranks}, {"directs", s.directs}};
    o["qualified"] = s.qualified;
    o["events_accepted"] = s.events_accepted;
    o["events_rejected"] = s.events_rejected;
    if (s.qualified) qualifiers.push_back(o);
    all.push_back(std::move(o));
  }
  bj::object out;
  Campaign shown = campaign;
  if (frozen) shown.qualifiers = static_cast<std::int64_t>(qualifiers.size());
  out["campaign"] = campaign_api_json(shown);
  out["frozen"] = frozen;
  out["standings"] = std::move(all);
  out["qualifiers"] = std::move(qualifiers);
  return out;
}

std::string standings_csv(const Campaign& campaign, const std::vector<Standing>& standings) {
  // RFC 4180: text fields quoted, inner quotes doubled; numbers bare.
  const auto quoted = [](std::string_view text) {
    std::string out = "\"";
    for (const char ch : text) {
      if (ch == '"') out += '"';
      out += ch;
    }
    return out + "\"";
  };
  std::string out = "campaign_id,member_id,member_number,display_name,points,kits,ranks,directs,qualified\r\n";
  for (const Standing& s : standings) {
    out += quoted(campaign.id) + "," + s.member_id + "," + quoted(s.member_number) + "," + quoted(s.display_name) + "," +
           std::to_string(s.points) + "," + std::to_string(s.kits) + "," + std::to_string(s.ranks) + "," +
           std::to_string(s.directs) + "," + (s.qualified ? "true" : "false") + "\r\n";
  }
  return out;
}

CloseDueReport close_due_campaigns(db::Connection& c, const nnw::rules::Engine& engine, std::int64_t now_s) {
  CloseDueReport report;
  const db::Rows locked = c.run(sql::job_try_lock.name, sql::job_try_lock.text, db::Params().add(kCloseJob));
  if (!locked.boolean(0, 0)) return report;
  report.ran = true;
  const Actor actor{std::string(kCloseJob), "system", {}};
  try {
    const db::Rows due = c.run(sql::travel_campaigns_due.name, sql::travel_campaigns_due.text, db::Params().add(now_s));
    for (int row = 0; row < due.size(); ++row) {
      const std::string id(due.text(row, 0));
      // One transaction per campaign: a failure leaves the others closed and this one open.
      auto closed = db::in_transaction(c, [&](db::Connection& tx) { return close_campaign(tx, engine, id, now_s, actor); });
      if (closed.ok() && closed.value().closed_now) report.closed.push_back(closed.value());
    }
  } catch (...) {
    c.run(sql::job_unlock.name, sql::job_unlock.text, db::Params().add(kCloseJob));
    throw;
  }
  c.run(sql::job_unlock.name, sql::job_unlock.text, db::Params().add(kCloseJob));
  return report;
}

}  // namespace nnw::server::incentives
