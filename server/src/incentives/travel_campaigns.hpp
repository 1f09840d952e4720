#pragma once
// NN Travel campaigns: creation (checked by the rules module), listing, and finding one by id
// or the one active now.

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/pg.hpp"
#include "http/api.hpp"
#include "incentives/travel_rules.hpp"
#include "nnw/rules/engine.hpp"

namespace nnw::server::incentives {

struct CampaignIn {
  std::string id;
  std::string name;
  std::int64_t starts_s = 0;
  std::int64_t ends_s = 0;
  std::vector<std::pair<std::int64_t, std::int64_t>> promo_windows;
};

// The campaign as the API shows it.
boost::json::object campaign_api_json(const Campaign& campaign);

// Checks `in` through the rules (an empty event list), then stores it ACTIVA with the rules'
// target. Errors: the rules' 400 (fields without the "campaign." prefix), 409 campaign_exists,
// 409 campaign_overlaps.
ApiResult<Campaign> create_campaign(db::Connection& connection, const nnw::rules::Engine& engine, const CampaignIn& in);

std::vector<Campaign> list_campaigns(db::Connection& connection, std::int64_t limit);

// `id`, or the current campaign at now_s when `id` is empty (404 no_active_campaign).
ApiResult<Campaign> find_campaign(db::Connection& connection, const std::string& id, std::int64_t now_s);

// The campaign locked FOR UPDATE until the caller's transaction ends (closing it).
std::optional<Campaign> lock_campaign(db::Connection& connection, const std::string& id);

}  // namespace nnw::server::incentives
