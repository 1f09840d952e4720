#pragma once
// NN Travel events (RULES.md "NN Travel points"): intake from the MLM system (service role)
// and the two operations checkout calls inside its own transaction. Events are stored as
// facts; points are never stored per event but computed by the rules module from a campaign
// and its events (incentives/travel_campaigns.hpp), so the points table lives in one place.
//
// Which campaign an event belongs to: the one containing its instant (occurred_at) or, when
// none does, the one containing its arrival (received_at) — so an event from before a
// campaign that arrives during it is reported there, rejected OUTSIDE_CAMPAIGN.
//
// Locking: every writer of events holds the open (ACTIVA) campaigns FOR SHARE until commit;
// closing a campaign takes its row FOR UPDATE. A write therefore lands wholly before a close
// (and is in the standings' input) or wholly after it (received after the close, so rejected
// CAMPAIGN_CLOSED): the frozen standings and every later summary see the same events.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/pg.hpp"
#include "http/api.hpp"

namespace nnw::server::incentives {

// ---- Checkout (issue #4 item 2) ----------------------------------------------------------

struct KitSoldResult {
  bool recorded = false;                   // false: a no-op (no open campaign covers `at`, or the id is known)
  std::optional<std::string> campaign_id;  // the campaign credited, when recorded
};

// Credits a kit sold at `at_unix_s` to `sponsor_member_id` (the buyer's sponsor, a lowercase
// uuid as members.id holds it; a buyer without a sponsor credits no one, so do not call) as a
// KIT_SOLD event `event_id` tied to `order_id`, inside the caller's transaction. The event
// counts as received at `at_unix_s` (checkout is the source, there is no delivery delay).
// kit: "FULL_SUPPLEMENT", "FULL_SKIN" or "FULL_PROTECT". One call per kit unit: `event_id`
// must differ per unit (e.g. "ORD-1:line-2:unit-1") and stay the same when checkout retries.
// A no-op (recorded = false, ok) when no ACTIVA campaign contains `at_unix_s` or `event_id` is
// already stored — so a retried checkout may call it again. The campaign stays locked
// (FOR SHARE) until the caller commits, so it cannot close in between.
// Errors (nothing written): 400 invalid_value for a bad kit, event_id (1-64 visible ASCII)
// or order_id (1-64 characters); 400 unknown_member when the sponsor is not a member.
ApiResult<KitSoldResult> record_kit_sold(db::Connection& connection, const std::string& sponsor_member_id,
                                         const std::string& event_id, std::string_view kit, std::int64_t at_unix_s,
                                         const std::string& order_id);

struct KitsRevoked {
  std::vector<std::string> revoked;  // event ids taken back now
  std::vector<std::string> kept;     // event ids left standing: their campaign is closed (or none)
};

// Takes back the KIT_SOLD events of a cancelled order (sets revoked_at = now_s) while their
// campaign is still ACTIVA; events of a closed campaign stay, as the standings froze them.
// Idempotent: events already revoked are neither revoked again nor listed. Runs inside the
// caller's transaction and holds the open campaigns FOR SHARE until it commits.
ApiResult<KitsRevoked> revoke_order_kit_events(db::Connection& connection, const std::string& order_id,
                                               std::int64_t now_s);

// ---- Intake from the MLM system (POST /v1/travel/events) ---------------------------------

struct TravelEventIn {
  std::string event_id;
  std::string member_id;         // lowercase uuid
  std::string type;              // KIT_SOLD, RANK_REACHED, DIRECT_RANK_REACHED
  std::optional<std::string> kit;
  std::optional<std::string> rank;
  std::optional<std::string> direct_member_id;
  std::int64_t occurred_s = 0;
  std::optional<std::string> order_id;
};

struct EventIntake {
  std::vector<std::pair<std::string, std::optional<std::string>>> recorded;  // event_id, campaign_id
  std::vector<std::string> duplicates;                                       // event ids already stored
};

// Records a validated batch in one statement, received now_s. Members (and directs) must
// exist: 400 unknown_member naming "events[i].member_id" (batch form) or "member_id".
ApiResult<EventIntake> record_events(db::Connection& connection, const std::vector<TravelEventIn>& batch,
                                     std::int64_t now_s, bool batch_form);

}  // namespace nnw::server::incentives
