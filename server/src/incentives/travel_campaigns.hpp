#pragma once
// NN Travel campaigns: creation (validated by the rules module), a member's summary and the
// close that freezes standings. Every number of points comes from
// nnw::rules::Engine::travel_points on the stored campaign and events (docs/rules-api.md
// "Travel points"); this file only moves data between PostgreSQL and that JSON.

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/pg.hpp"
#include "http/api.hpp"
#include "nnw/rules/engine.hpp"

namespace nnw::server::incentives {

struct Campaign {
  std::string id;
  std::string name;
  std::int64_t starts_s = 0;
  std::int64_t ends_s = 0;  // exclusive
  std::string status;       // ACTIVA, CERRADA
  std::optional<std::int64_t> closed_s;
  std::int64_t target_points = 0;
  std::string rules_version;
  std::vector<std::pair<std::int64_t, std::int64_t>> promo_windows;  // [starts_s, ends_s)
  std::optional<std::int64_t> qualifiers;                            // once closed (list only)
};

struct CampaignIn {
  std::string id;
  std::string name;
  std::int64_t starts_s = 0;
  std::int64_t ends_s = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> promo_windows;
};

// The campaign as the rules take it ({"id","starts_at",…,"promo_windows"}).
std::string campaign_rules_json(const Campaign& campaign);
// The campaign as the API shows it.
boost::json::object campaign_api_json(const Campaign& campaign);

// Checks `in` through the rules (an empty event list), then stores it ACTIVA. Errors: the
// rules' 400 (fields without the "campaign." prefix), 409 campaign_exists, 409 campaign_overlaps.
ApiResult<Campaign> create_campaign(db::Connection& connection, const nnw::rules::Engine& engine, const CampaignIn& in);

std::vector<Campaign> list_campaigns(db::Connection& connection, std::int64_t limit);

// `id`, or the current campaign at now_s when `id` is empty (404 no_active_campaign).
ApiResult<Campaign> find_campaign(db::Connection& connection, const std::string& id, std::int64_t now_s);

// A member's points in a campaign: the rules' document plus the campaign, the stored events
// behind each accepted/rejected entry, revoked kit events, and the frozen standing if closed.
ApiResult<boost::json::object> member_summary(db::Connection& connection, const nnw::rules::Engine& engine,
                                              const std::string& member_id, const Campaign& campaign);

struct Actor {
  std::string subject;
  std::string role;  // audit_log actor_role
  std::string request_id;
};

struct CloseResult {
  std::string campaign_id;
  bool closed_now = false;  // false: it was already closed (nothing changed)
  std::int64_t members = 0;
  std::int64_t qualifiers = 0;
};

// Inside the caller's transaction: locks the campaign, and if it is ACTIVA and its end has
// passed at now_s, marks it CERRADA with closed_at = ends_at (not now_s: a late close freezes
// what an on-time one would) and writes every member's standing as the rules compute it for
// the closed campaign, frozen_at now_s. Already closed: closed_now = false, same counts.
// Errors: 404 (unknown id), 409 campaign_not_ended.
ApiResult<CloseResult> close_campaign(db::Connection& connection, const nnw::rules::Engine& engine,
                                      const std::string& campaign_id, std::int64_t now_s, const Actor& actor);

struct Standing {
  std::string member_id;
  std::string member_number;
  std::string display_name;
  std::int64_t points = 0;
  std::int64_t kits = 0;
  std::int64_t ranks = 0;
  std::int64_t directs = 0;
  bool qualified = false;
  std::int64_t events_accepted = 0;
  std::int64_t events_rejected = 0;
};

// The standings written when the campaign closed, best first (at most 100,000).
std::vector<Standing> frozen_standings(db::Connection& connection, const Campaign& campaign);
// The standings of an open campaign as the rules compute them now, best first (at most
// 100,000 members); nothing is stored.
std::vector<Standing> live_standings(db::Connection& connection, const nnw::rules::Engine& engine, const Campaign& campaign);

// {"campaign":…, "frozen":bool, "standings":[…], "qualifiers":[…]}, or the CSV download.
boost::json::object standings_json(const Campaign& campaign, const std::vector<Standing>& standings, bool frozen);
std::string standings_csv(const Campaign& campaign, const std::vector<Standing>& standings);

struct CloseDueReport {
  bool ran = false;  // false: another runner holds the job
  std::vector<CloseResult> closed;
};

// The close-travel-campaigns job: closes every ACTIVA campaign whose end has passed at now_s,
// one transaction each, one runner at a time (advisory lock).
CloseDueReport close_due_campaigns(db::Connection& connection, const nnw::rules::Engine& engine, std::int64_t now_s);

}  // namespace nnw::server::incentives
