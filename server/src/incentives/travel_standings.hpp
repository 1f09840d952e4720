#pragma once
// Closing an NN Travel campaign (by an admin or the close-travel-campaigns job) and its
// standings: frozen when closed, computed live by the rules while open.

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "db/pg.hpp"
#include "http/api.hpp"
#include "incentives/travel_rules.hpp"
#include "nnw/rules/engine.hpp"

namespace nnw::server::incentives {

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
