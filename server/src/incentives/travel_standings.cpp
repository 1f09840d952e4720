#include "incentives/travel_standings.hpp"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <map>
#include <stdexcept>

#include "db/job_lock.hpp"
#include "db/pool.hpp"
#include "incentives/travel_campaigns.hpp"
#include "incentives/travel_rules.hpp"
#include "ledger/ledger.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "notify/outbox.hpp"

namespace nnw::server::incentives {

namespace bj = boost::json;

namespace {

constexpr std::string_view kCloseJob = "close-travel-campaigns";
constexpr std::int64_t kPageMembers = 500;         // members whose events are read at once
constexpr std::int64_t kStandingsRowsMax = 100000;  // members in one standings answer
constexpr std::int64_t kClosePagesMax = 100000;     // 50 million members: a runaway guard

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
    for (; row < rows.size() && rows.text(row, 0) == member; ++row) events.push_back(stored_event(rows, row, 1));
    std::vector<const StoredEvent*> refs;
    for (const auto& e : events) refs.push_back(&e);
    auto document = run_travel_rules(engine, travel_request_json(campaign, refs), "", http::status::internal_server_error);
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
  db::ArrayLiteral members, points, kits, ranks, directs, qualified, accepted, rejected;
  for (const Standing& s : standings) {
    members.text(s.member_id);
    points.integer(s.points);
    kits.integer(s.kits);
    ranks.integer(s.ranks);
    directs.integer(s.directs);
    qualified.boolean(s.qualified);
    accepted.integer(s.events_accepted);
    rejected.integer(s.events_rejected);
  }
  c.run(sql::travel_standings_insert_batch.name, sql::travel_standings_insert_batch.text,
        db::Params().add(campaign.id).add(members.str()).add(points.str()).add(kits.str()).add(ranks.str())
            .add(directs.str()).add(qualified.str()).add(accepted.str()).add(rejected.str()).add(now_s));
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

ApiResult<CloseResult> close_campaign(db::Connection& c, const nnw::rules::Engine& engine, const std::string& campaign_id,
                                      std::int64_t now_s, const Actor& actor) {
  auto locked = lock_campaign(c, campaign_id);
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
    return conflict("campaign_not_ended", "the campaign runs until " + utc_text(campaign.ends_s) + "; it closes from then on");
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
    // Each qualifier hears about it, in the transaction that froze the standings.
    for (const auto& standing : standings) {
      if (!standing.qualified) continue;
      std::string payload;
      nnw::rules::json::Writer p(payload);
      p.begin_object().field("campaign_id", std::string_view(campaign.id)).field("campaign_name", std::string_view(campaign.name));
      p.field("points", standing.points).end_object();
      notify::enqueue(c, standing.member_id, notify::kTravelQualified,
                      "travel-qualified:" + campaign.id + ":" + standing.member_id, payload);
    }
    result.members += static_cast<std::int64_t>(standings.size());
    result.qualifiers += std::count_if(standings.begin(), standings.end(), [](const Standing& s) { return s.qualified; });
    after = standings.back().member_id;
  }
  std::string details;
  nnw::rules::json::Writer w(details);
  w.begin_object().field("closed_at", utc_text(campaign.ends_s)).field("frozen_at", utc_text(now_s)).field("members", result.members).field("qualifiers", result.qualifiers);
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
                               db::Params().add(db::text_array(ids)));
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
  const auto ran = db::with_job_lock(c, kCloseJob, [&] {
    const Actor actor{std::string(kCloseJob), "system", {}};
    const db::Rows due = c.run(sql::travel_campaigns_due.name, sql::travel_campaigns_due.text, db::Params().add(now_s));
    for (int row = 0; row < due.size(); ++row) {
      const std::string id(due.text(row, 0));
      // One transaction per campaign: a failure leaves the others closed and this one open.
      auto closed = db::in_transaction(c, [&](db::Connection& tx) { return close_campaign(tx, engine, id, now_s, actor); });
      if (closed.ok() && closed.value().closed_now) report.closed.push_back(closed.value());
    }
    return true;
  });
  report.ran = ran.has_value();
  return report;
}

}  // namespace nnw::server::incentives
