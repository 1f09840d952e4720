#pragma once
// A member's NN Travel summary for one campaign, computed by the rules module.

#include <boost/json.hpp>
#include <string>

#include "db/pg.hpp"
#include "http/api.hpp"
#include "incentives/travel_rules.hpp"
#include "nnw/rules/engine.hpp"

namespace nnw::server::incentives {

// The rules' document for the member's non-revoked events in `campaign`, plus the campaign,
// the stored event behind each accepted/rejected entry, the revoked kit events, and the
// frozen standing once the campaign is closed (docs/server.md, GET /v1/members/{id}/travel).
ApiResult<boost::json::object> member_summary(db::Connection& connection, const nnw::rules::Engine& engine,
                                              const std::string& member_id, const Campaign& campaign);

}  // namespace nnw::server::incentives
