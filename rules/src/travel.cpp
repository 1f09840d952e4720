#include "nnw/rules/travel.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <unordered_set>

namespace nnw::rules {

namespace {

bool in_promo(const Campaign& campaign, UtcSeconds at) {
  return std::any_of(campaign.promo_windows.begin(), campaign.promo_windows.end(),
                     [at](const PromoWindow& w) { return w.starts_at <= at && at < w.ends_at; });
}

const PointsColumns& columns_for(const RulesConfig& config, const TravelEvent& event) {
  if (event.type == TravelEventType::kit_sold) return config.travel.kit_points[static_cast<std::size_t>(event.kit)];
  return config.travel.ranks[event.rank].points;
}

// First-time-per-rank bookkeeping for one campaign.
struct RankLedger {
  std::set<std::size_t> own;
  std::set<std::pair<std::string_view, std::size_t>> directs;

  std::optional<TravelRejection> claim(const TravelEvent& event) {
    if (event.type == TravelEventType::rank_reached && !own.insert(event.rank).second) {
      return TravelRejection::rank_already_counted;
    }
    if (event.type == TravelEventType::direct_rank_reached &&
        !directs.insert({std::string_view(event.direct_id), event.rank}).second) {
      return TravelRejection::direct_rank_already_counted;
    }
    return std::nullopt;
  }
};

std::optional<TravelRejection> campaign_rejection(const Campaign& campaign, const TravelEvent& event) {
  if (event.at < campaign.starts_at || event.at >= campaign.ends_at) return TravelRejection::outside_campaign;
  if (campaign.status == CampaignStatus::cerrada && campaign.closed_at && event.received_at >= *campaign.closed_at) {
    return TravelRejection::campaign_closed;
  }
  return std::nullopt;
}

void credit(TravelSummary& summary, const TravelEvent& event, std::int64_t points) {
  summary.points += points;
  switch (event.type) {
    case TravelEventType::kit_sold: summary.kit_points += points; break;
    case TravelEventType::rank_reached: summary.rank_points += points; break;
    case TravelEventType::direct_rank_reached: summary.direct_points += points; break;
  }
}

}  // namespace

const char* campaign_status_name(CampaignStatus status) noexcept {
  return status == CampaignStatus::activa ? "ACTIVA" : "CERRADA";
}

const char* travel_event_name(TravelEventType type) noexcept {
  switch (type) {
    case TravelEventType::kit_sold: return "KIT_SOLD";
    case TravelEventType::rank_reached: return "RANK_REACHED";
    case TravelEventType::direct_rank_reached: return "DIRECT_RANK_REACHED";
  }
  return "KIT_SOLD";
}

const char* points_column_name(PointsColumn column) noexcept {
  return column == PointsColumn::base ? "BASE" : "PROMO";
}

const char* travel_rejection_name(TravelRejection reason) noexcept {
  switch (reason) {
    case TravelRejection::duplicate_event: return "DUPLICATE_EVENT";
    case TravelRejection::outside_campaign: return "OUTSIDE_CAMPAIGN";
    case TravelRejection::campaign_closed: return "CAMPAIGN_CLOSED";
    case TravelRejection::rank_already_counted: return "RANK_ALREADY_COUNTED";
    case TravelRejection::direct_rank_already_counted: return "DIRECT_RANK_ALREADY_COUNTED";
  }
  return "DUPLICATE_EVENT";
}

std::optional<Error> validate_travel(const RulesConfig& config, const TravelRequest& request) {
  const InputLimits& limits = config.limits;
  const Campaign& campaign = request.campaign;
  const auto id_ok = [&](const std::string& id) {
    return !id.empty() && static_cast<std::int64_t>(id.size()) <= limits.id_length_max;
  };
  const std::string id_message = "must be 1 to " + std::to_string(limits.id_length_max) + " characters";
  if (!id_ok(campaign.id)) return make_error(ErrorCode::out_of_range, id_message, "campaign.id");
  if (campaign.ends_at <= campaign.starts_at) {
    return make_error(ErrorCode::out_of_range, "must be after starts_at", "campaign.ends_at");
  }
  if (campaign.status == CampaignStatus::cerrada && !campaign.closed_at) {
    return make_error(ErrorCode::missing_field, "is required when the campaign is CERRADA", "campaign.closed_at");
  }
  if (campaign.status == CampaignStatus::activa && campaign.closed_at) {
    return make_error(ErrorCode::invalid_value, "must be null while the campaign is ACTIVA", "campaign.closed_at");
  }
  if (static_cast<std::int64_t>(campaign.promo_windows.size()) > limits.promo_windows_max) {
    return make_error(ErrorCode::out_of_range, "may hold at most " + std::to_string(limits.promo_windows_max) + " items",
                      "campaign.promo_windows");
  }
  for (std::size_t i = 0; i < campaign.promo_windows.size(); ++i) {
    const PromoWindow& window = campaign.promo_windows[i];
    const auto at = [i](const char* field) { return "campaign.promo_windows[" + std::to_string(i) + "]." + field; };
    if (window.starts_at < campaign.starts_at) return make_error(ErrorCode::out_of_range, "must lie inside the campaign", at("starts_at"));
    if (window.ends_at <= window.starts_at) return make_error(ErrorCode::out_of_range, "must be after starts_at", at("ends_at"));
    if (window.ends_at > campaign.ends_at) return make_error(ErrorCode::out_of_range, "must lie inside the campaign", at("ends_at"));
  }
  if (static_cast<std::int64_t>(request.events.size()) > limits.events_max) {
    return make_error(ErrorCode::out_of_range, "may hold at most " + std::to_string(limits.events_max) + " items", "events");
  }
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    const TravelEvent& event = request.events[i];
    const auto at = [i](const char* field) { return "events[" + std::to_string(i) + "]." + field; };
    if (!id_ok(event.id)) return make_error(ErrorCode::out_of_range, id_message, at("id"));
    if (event.rank >= config.travel.ranks.size()) return make_error(ErrorCode::invalid_value, "is not a configured rank", at("rank"));
    if (event.type == TravelEventType::direct_rank_reached && !id_ok(event.direct_id)) {
      return make_error(ErrorCode::out_of_range, id_message, at("direct_id"));
    }
  }
  return std::nullopt;
}

Result<TravelSummary> travel_points(const RulesConfig& config, const TravelRequest& request) {
  const Campaign& campaign = request.campaign;
  TravelSummary summary;
  summary.target_points = config.travel.target_points;

  // A replayed id is a no-op: the first occurrence in request order is the event.
  std::vector<std::size_t> order;
  order.reserve(request.events.size());
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < request.events.size(); ++i) {
    if (seen.insert(request.events[i].id).second) {
      order.push_back(i);
    } else {
      summary.rejected.push_back({i, TravelRejection::duplicate_event});
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return request.events[a].at < request.events[b].at; });

  RankLedger ranks;
  for (const std::size_t index : order) {
    const TravelEvent& event = request.events[index];
    auto rejection = campaign_rejection(campaign, event);
    if (!rejection) rejection = ranks.claim(event);
    if (rejection) {
      summary.rejected.push_back({index, *rejection});
      continue;
    }
    const PointsColumn column = in_promo(campaign, event.at) ? PointsColumn::promo : PointsColumn::base;
    const PointsColumns& table = columns_for(config, event);
    const std::int64_t points = column == PointsColumn::promo ? table.promo : table.base;
    credit(summary, event, points);  // ≤ events_max × 1e6 points: no overflow
    summary.accepted.push_back({index, points, column});
  }
  summary.points_missing = std::max<std::int64_t>(0, summary.target_points - summary.points);
  summary.qualified = summary.points >= summary.target_points;
  return summary;
}

}  // namespace nnw::rules
