#include <gtest/gtest.h>

#include "nnw/rules/travel.hpp"
#include "test_support.hpp"

namespace nnw::rules {
namespace {

using testing::at;
using testing::default_config;

std::size_t rank(std::string_view id) {
  return static_cast<std::size_t>(default_config().find_rank(id) - default_config().travel.ranks.data());
}

TravelRequest campaign_request(std::vector<TravelEvent> events) {
  TravelRequest request;
  request.campaign.id = "2026-S2";
  request.campaign.starts_at = at("2026-07-01T06:00:00Z");
  request.campaign.ends_at = at("2027-01-01T06:00:00Z");
  request.campaign.promo_windows = {{at("2026-09-01T06:00:00Z"), at("2026-09-16T06:00:00Z")}};
  request.events = std::move(events);
  return request;
}

TravelEvent kit(std::string id, Kit k, std::string_view when) {
  TravelEvent e{std::move(id), TravelEventType::kit_sold, k, 0, {}, at(when), at(when)};
  return e;
}

TravelEvent own_rank(std::string id, std::string_view r, std::string_view when) {
  return TravelEvent{std::move(id), TravelEventType::rank_reached, Kit::full_supplement, rank(r), {}, at(when), at(when)};
}

TravelEvent direct_rank(std::string id, std::string direct, std::string_view r, std::string_view when) {
  return TravelEvent{std::move(id), TravelEventType::direct_rank_reached, Kit::full_supplement, rank(r),
                     std::move(direct), at(when), at(when)};
}

TravelSummary summarize(const TravelRequest& request) {
  EXPECT_FALSE(validate_travel(default_config(), request).has_value());
  return travel_points(default_config(), request).value();
}

TEST(Travel, PromoWindowIsHalfOpen) {
  const auto s = summarize(campaign_request({kit("a", Kit::full_protect, "2026-09-01T06:00:00Z"),
                                             kit("b", Kit::full_protect, "2026-09-16T06:00:00Z"),
                                             kit("c", Kit::full_protect, "2026-09-16T05:59:59Z")}));
  EXPECT_EQ(s.kit_points, 8 + 4 + 8);
}

TEST(Travel, OwnRankCountsOncePerCampaign_DirectRanksOncePerDirect) {
  const auto s = summarize(campaign_request({own_rank("a", "CREATIVO", "2026-08-01T00:00:00Z"),
                                             own_rank("b", "CREATIVO", "2026-08-02T00:00:00Z"),
                                             direct_rank("c", "M-1", "CREATIVO", "2026-08-03T00:00:00Z"),
                                             direct_rank("d", "M-2", "CREATIVO", "2026-08-04T00:00:00Z"),
                                             direct_rank("e", "M-1", "CREATIVO", "2026-08-05T00:00:00Z")}));
  EXPECT_EQ(s.rank_points, 15);
  EXPECT_EQ(s.direct_points, 30);
  ASSERT_EQ(s.rejected.size(), 2u);
  EXPECT_EQ(s.rejected[0].reason, TravelRejection::rank_already_counted);
  EXPECT_EQ(s.rejected[1].reason, TravelRejection::direct_rank_already_counted);
}

TEST(Travel, FirstTimeIsDecidedByEventTime_NotArrivalOrder) {
  const auto s = summarize(campaign_request({own_rank("late", "INNOVADOR", "2026-09-10T00:00:00Z"),
                                             own_rank("early", "INNOVADOR", "2026-08-10T00:00:00Z")}));
  ASSERT_EQ(s.accepted.size(), 1u);
  EXPECT_EQ(s.accepted[0].event, 1u);
  EXPECT_EQ(s.rank_points, 25);  // the early one, outside the promo window
}

TEST(Travel, DuplicateIdsOutsideEventsAndClosedCampaign_AreRejectedWithReasons) {
  TravelRequest request = campaign_request({kit("a", Kit::full_skin, "2026-08-01T00:00:00Z"),
                                            kit("a", Kit::full_skin, "2026-08-02T00:00:00Z"),
                                            kit("b", Kit::full_skin, "2027-01-01T06:00:00Z"),
                                            kit("c", Kit::full_skin, "2026-12-31T00:00:00Z")});
  request.campaign.status = CampaignStatus::cerrada;
  request.campaign.closed_at = at("2027-01-02T00:00:00Z");
  request.events[3].received_at = at("2027-01-03T00:00:00Z");
  const auto s = summarize(request);
  EXPECT_EQ(s.points, 2);
  ASSERT_EQ(s.rejected.size(), 3u);
  EXPECT_EQ(s.rejected[0].reason, TravelRejection::duplicate_event);
  EXPECT_EQ(s.rejected[1].reason, TravelRejection::campaign_closed);
  EXPECT_EQ(s.rejected[2].reason, TravelRejection::outside_campaign);
}

TEST(Travel, QualifiesAtExactlyTheTarget) {
  auto s = summarize(campaign_request({own_rank("a", "EMBAJADOR_CONSCIENTE", "2026-08-01T00:00:00Z")}));
  EXPECT_TRUE(s.qualified);
  EXPECT_EQ(s.points_missing, 0);
  s = summarize(campaign_request({own_rank("a", "EMBAJADOR_INSPIRADOR", "2026-08-01T00:00:00Z"),
                                  own_rank("b", "EMBAJADOR_TRANSFORMADOR", "2026-08-01T00:00:00Z"),
                                  own_rank("c", "INNOVADOR", "2026-08-01T00:00:00Z"),
                                  own_rank("d", "CREATIVO", "2026-08-01T00:00:00Z"),
                                  own_rank("e", "EMPRENDEDOR", "2026-08-01T00:00:00Z"),
                                  kit("f", Kit::full_protect, "2026-08-01T00:00:00Z")}));
  EXPECT_EQ(s.points, 199);
  EXPECT_FALSE(s.qualified);
  EXPECT_EQ(s.points_missing, 1);
}

}  // namespace
}  // namespace nnw::rules
