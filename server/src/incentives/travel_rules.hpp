#pragma once
// The bridge between stored NN Travel data and the rules module: the campaign and events in
// exactly the JSON nnw::rules::Engine::travel_points takes (docs/rules-api.md "Travel
// points"), and its answer back. Every number of points the server shows comes through here;
// the server never re-implements the points table.

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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
  std::optional<std::int64_t> qualifiers;                            // once closed (lists only)
};

// A stored event; order_id and revoked_s are filled only where a query reads them.
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

// "YYYY-MM-DDTHH:MM:SSZ", the instants of every travel document.
std::string utc_text(std::int64_t unix_s);

// The campaign as the rules take it ({"id","starts_at",…,"promo_windows"}).
std::string campaign_rules_json(const Campaign& campaign);

// Columns first … first+6 of `row`: event_id, type, kit, rank, direct_member_id, occurred_at
// and received_at (Unix seconds).
StoredEvent stored_event(const db::Rows& rows, int row, int first);

// {"campaign":…, "events":[…]} in the order given (the order the rules apply ties in).
std::string travel_request_json(const Campaign& campaign, const std::vector<const StoredEvent*>& events);

// The rules' answer, or their error as an ApiError with `status` (and `field` without
// `strip` at its front, for callers whose request fields sit elsewhere in the rules' JSON).
ApiResult<boost::json::object> run_travel_rules(const nnw::rules::Engine& engine, const std::string& request,
                                                std::string_view strip, http::status status);

}  // namespace nnw::server::incentives
