#include "incentives/travel.hpp"

#include <algorithm>
#include <cassert>
#include <map>
#include <set>

#include "ledger/ledger.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::incentives {

namespace {

constexpr std::size_t kIdLengthMax = 64;

bool visible_id(std::string_view text) {
  return !text.empty() && text.size() <= kIdLengthMax &&
         std::all_of(text.begin(), text.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// Lowercase hex uuid, the canonical form member ids are stored in.
bool canonical_uuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = text[i];
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool is_kit(std::string_view kit) {
  return kit == "FULL_SUPPLEMENT" || kit == "FULL_SKIN" || kit == "FULL_PROTECT";
}

// The open campaigns, held FOR SHARE until the caller's transaction ends.
std::vector<std::string> lock_open_campaigns(db::Connection& c) {
  const db::Rows rows = c.run(sql::travel_campaigns_lock_active.name, sql::travel_campaigns_lock_active.text);
  std::vector<std::string> ids;
  for (int row = 0; row < rows.size(); ++row) ids.emplace_back(rows.text(row, 0));
  return ids;
}

}  // namespace

ApiResult<KitSoldResult> record_kit_sold(db::Connection& c, const std::string& sponsor_member_id, const std::string& event_id,
                                         std::string_view kit, std::int64_t at_unix_s, const std::string& order_id) {
  if (!is_kit(kit)) return bad_request("invalid_value", "must be FULL_SUPPLEMENT, FULL_SKIN or FULL_PROTECT", "kit");
  if (!visible_id(event_id)) return bad_request("invalid_value", "must be 1-64 visible ASCII characters", "event_id");
  if (order_id.empty() || order_id.size() > kIdLengthMax) return bad_request("invalid_value", "must be 1-64 characters", "order_id");
  if (!canonical_uuid(sponsor_member_id)) return bad_request("unknown_member", "no member with this id", "sponsor_member_id");
  const db::Rows known = c.run(sql::travel_members_known.name, sql::travel_members_known.text,
                               db::Params().add(db::text_array({sponsor_member_id})));
  if (known.empty()) return bad_request("unknown_member", "no member with this id", "sponsor_member_id");
  const db::Rows campaign = c.run(sql::travel_campaign_covering_lock.name, sql::travel_campaign_covering_lock.text,
                                  db::Params().add(at_unix_s));
  if (campaign.empty()) return KitSoldResult{};
  const db::Rows inserted = c.run(sql::travel_kit_sold_insert.name, sql::travel_kit_sold_insert.text,
                                  db::Params().add(event_id).add(known.text(0, 0)).add(kit).add(at_unix_s).add(order_id));
  if (inserted.empty()) return KitSoldResult{};
  return KitSoldResult{true, std::string(campaign.text(0, 0))};
}

ApiResult<KitsRevoked> revoke_order_kit_events(db::Connection& c, const std::string& order_id, std::int64_t now_s) {
  if (order_id.empty() || order_id.size() > kIdLengthMax) return bad_request("invalid_value", "must be 1-64 characters", "order_id");
  const std::vector<std::string> open = lock_open_campaigns(c);
  KitsRevoked result;
  const db::Rows revoked = c.run(sql::travel_order_kits_revoke.name, sql::travel_order_kits_revoke.text,
                                 db::Params().add(order_id).add(now_s).add(db::text_array(open)));
  for (int row = 0; row < revoked.size(); ++row) result.revoked.emplace_back(revoked.text(row, 0));
  std::sort(result.revoked.begin(), result.revoked.end());
  const db::Rows kept = c.run(sql::travel_order_kits_kept.name, sql::travel_order_kits_kept.text, db::Params().add(order_id));
  for (int row = 0; row < kept.size(); ++row) result.kept.emplace_back(kept.text(row, 0));
  return result;
}

ApiResult<EventIntake> record_events(db::Connection& c, const std::vector<TravelEventIn>& batch, std::int64_t now_s,
                                     bool batch_form) {
  std::vector<std::string> people;
  for (const auto& event : batch) {
    people.push_back(event.member_id);
    if (event.direct_member_id) people.push_back(*event.direct_member_id);
  }
  const db::Rows known_rows = c.run(sql::travel_members_known.name, sql::travel_members_known.text,
                                    db::Params().add(db::text_array(people)));
  std::set<std::string, std::less<>> known;
  for (int row = 0; row < known_rows.size(); ++row) known.emplace(known_rows.text(row, 0));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::string at = batch_form ? "events[" + std::to_string(i) + "]." : "";
    if (!known.contains(batch[i].member_id)) return bad_request("unknown_member", "no member with this id", at + "member_id");
    if (batch[i].direct_member_id && !known.contains(*batch[i].direct_member_id)) {
      return bad_request("unknown_member", "no member with this id", at + "direct_member_id");
    }
  }
  lock_open_campaigns(c);
  std::vector<std::string> ids, members, types;
  std::vector<std::optional<std::string>> kits, ranks, directs, orders;
  std::vector<std::int64_t> occurred;
  for (const auto& event : batch) {
    ids.push_back(event.event_id); members.push_back(event.member_id); types.push_back(event.type);
    kits.push_back(event.kit); ranks.push_back(event.rank); directs.push_back(event.direct_member_id);
    occurred.push_back(event.occurred_s); orders.push_back(event.order_id);
  }
  const db::Rows inserted = c.run(
      sql::travel_events_insert_batch.name, sql::travel_events_insert_batch.text,
      db::Params().add(db::text_array(ids)).add(db::text_array(members)).add(db::text_array(types))
          .add(db::nullable_text_array(kits)).add(db::nullable_text_array(ranks)).add(db::nullable_text_array(directs))
          .add(db::integer_array(occurred)).add(db::nullable_text_array(orders)).add(now_s));
  std::map<std::string, std::optional<std::string>, std::less<>> placed;
  for (int row = 0; row < inserted.size(); ++row) placed.emplace(inserted.text(row, 0), inserted.optional_text(row, 1));
  EventIntake result;
  for (const auto& event : batch) {
    const auto found = placed.find(event.event_id);
    if (found == placed.end()) result.duplicates.push_back(event.event_id);
    else result.recorded.emplace_back(event.event_id, found->second);
  }
  assert(result.recorded.size() + result.duplicates.size() == batch.size());
  return result;
}

}  // namespace nnw::server::incentives
