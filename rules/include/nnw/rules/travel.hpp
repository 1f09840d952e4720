#pragma once
// NN Travel points for one member in one campaign (RULES.md "NN Travel points").

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnw/rules/calendar.hpp"
#include "nnw/rules/config.hpp"
#include "nnw/rules/error.hpp"

namespace nnw::rules {

struct PromoWindow {
  UtcSeconds starts_at{};
  UtcSeconds ends_at{};  // exclusive
};

enum class CampaignStatus { activa, cerrada };
const char* campaign_status_name(CampaignStatus status) noexcept;  // "ACTIVA", "CERRADA"

struct Campaign {
  std::string id;
  UtcSeconds starts_at{};
  UtcSeconds ends_at{};  // exclusive
  CampaignStatus status = CampaignStatus::activa;
  std::optional<UtcSeconds> closed_at;
  std::vector<PromoWindow> promo_windows;
};

enum class TravelEventType { kit_sold, rank_reached, direct_rank_reached };
const char* travel_event_name(TravelEventType type) noexcept;  // "KIT_SOLD", ...

struct TravelEvent {
  std::string id;
  TravelEventType type = TravelEventType::kit_sold;
  Kit kit = Kit::full_supplement;  // kit_sold
  std::size_t rank = 0;            // index into config.travel.ranks (rank events)
  std::string direct_id;           // direct_rank_reached
  UtcSeconds at{};
  UtcSeconds received_at{};        // when the server took the event (defaults to `at`)
};

enum class PointsColumn { base, promo };
const char* points_column_name(PointsColumn column) noexcept;  // "BASE", "PROMO"

enum class TravelRejection { duplicate_event, outside_campaign, campaign_closed,
                             rank_already_counted, direct_rank_already_counted };
const char* travel_rejection_name(TravelRejection reason) noexcept;

struct TravelAccepted {
  std::size_t event = 0;  // index into the request's events
  std::int64_t points = 0;
  PointsColumn column = PointsColumn::base;
};

struct TravelRejected {
  std::size_t event = 0;
  TravelRejection reason = TravelRejection::duplicate_event;
};

struct TravelRequest {
  Campaign campaign;
  std::vector<TravelEvent> events;
};

struct TravelSummary {
  std::int64_t target_points = 0;
  std::int64_t points = 0;
  std::int64_t points_missing = 0;
  bool qualified = false;
  std::int64_t kit_points = 0;
  std::int64_t rank_points = 0;
  std::int64_t direct_points = 0;
  std::vector<TravelAccepted> accepted;  // in the order they were applied (by `at`, then input order)
  std::vector<TravelRejected> rejected;  // in the same order
};

Result<TravelSummary> travel_points(const RulesConfig& config, const TravelRequest& request);
std::optional<Error> validate_travel(const RulesConfig& config, const TravelRequest& request);

}  // namespace nnw::rules
