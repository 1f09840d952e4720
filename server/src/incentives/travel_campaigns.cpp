#include "incentives/travel_campaigns.hpp"

#include <map>
#include <regex>

#include "incentives/travel_rules.hpp"
#include "ledger/ledger.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::incentives {

namespace bj = boost::json;

namespace {

Campaign campaign_from(const db::Rows& rows, int row) {
  Campaign c;
  c.id = rows.text(row, 0);
  c.name = rows.text(row, 1);
  c.starts_s = rows.int64(row, 2);
  c.ends_s = rows.int64(row, 3);
  c.status = rows.text(row, 4);
  if (!rows.is_null(row, 5)) c.closed_s = rows.int64(row, 5);
  c.target_points = rows.int64(row, 6);
  c.rules_version = rows.text(row, 7);
  return c;
}

// Fills promo_windows of every campaign in `campaigns` with one query.
void load_windows(db::Connection& c, std::vector<Campaign>& campaigns) {
  std::vector<std::string> ids;
  for (const auto& campaign : campaigns) ids.push_back(campaign.id);
  const db::Rows rows = c.run(sql::travel_promo_windows_of.name, sql::travel_promo_windows_of.text,
                              db::Params().add(db::text_array(ids)));
  std::map<std::string, Campaign*, std::less<>> by_id;
  for (auto& campaign : campaigns) by_id.emplace(campaign.id, &campaign);
  for (int row = 0; row < rows.size(); ++row) {
    by_id.at(std::string(rows.text(row, 0)))->promo_windows.emplace_back(rows.int64(row, 1), rows.int64(row, 2));
  }
}

std::optional<Campaign> campaign_by(db::Connection& c, const sql::Query& query, const db::Params& params) {
  const db::Rows rows = c.run(query.name, query.text, params);
  if (rows.empty()) return std::nullopt;
  std::vector<Campaign> one{campaign_from(rows, 0)};
  load_windows(c, one);
  return std::move(one.front());
}

bool valid_campaign_id(const std::string& id) {
  static const std::regex pattern("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  return std::regex_match(id, pattern);
}

}  // namespace

bj::object campaign_api_json(const Campaign& campaign) {
  bj::object o;
  o["id"] = campaign.id;
  o["name"] = campaign.name;
  o["status"] = campaign.status;
  o["starts_at"] = utc_text(campaign.starts_s);
  o["ends_at"] = utc_text(campaign.ends_s);
  o["closed_at"] = campaign.closed_s ? bj::value(utc_text(*campaign.closed_s)) : bj::value(nullptr);
  o["target_points"] = campaign.target_points;
  bj::array windows;
  for (const auto& [starts_s, ends_s] : campaign.promo_windows) {
    windows.push_back(bj::object{{"starts_at", utc_text(starts_s)}, {"ends_at", utc_text(ends_s)}});
  }
  o["promo_windows"] = std::move(windows);
  if (campaign.status == "CERRADA" && campaign.qualifiers) o["qualifiers"] = *campaign.qualifiers;
  return o;
}

ApiResult<Campaign> create_campaign(db::Connection& c, const nnw::rules::Engine& engine, const CampaignIn& in) {
  if (!valid_campaign_id(in.id)) return bad_request("invalid_value", "must be 1-64 of A-Z, a-z, 0-9, '_', '.', '-' (e.g. 2026-S2)", "id");
  if (in.name.empty() || in.name.size() > 200) return bad_request("out_of_range", "must be 1-200 bytes", "name");
  Campaign campaign{in.id, in.name, in.starts_s, in.ends_s, "ACTIVA", std::nullopt,
                    engine.config().travel.target_points, engine.version(), in.promo_windows, std::nullopt};
  auto checked = run_travel_rules(engine, "{\"campaign\":" + campaign_rules_json(campaign) + ",\"events\":[]}", "campaign.",
                           http::status::bad_request);
  if (!checked.ok()) return checked.error();
  if (campaign_by(c, sql::travel_campaign_by_id, db::Params().add(in.id))) {
    return conflict("campaign_exists", "a campaign with this id exists", "id");
  }
  const db::Rows overlapping = c.run(sql::travel_campaign_overlapping.name, sql::travel_campaign_overlapping.text,
                                     db::Params().add(in.starts_s).add(in.ends_s));
  if (!overlapping.empty()) {
    return conflict("campaign_overlaps", "overlaps campaign " + std::string(overlapping.text(0, 0)) + "; campaigns never share an instant",
                    "starts_at");
  }
  const db::Rows inserted = c.run(sql::travel_campaign_insert.name, sql::travel_campaign_insert.text,
                                  db::Params().add(campaign.id).add(campaign.name).add(campaign.starts_s).add(campaign.ends_s)
                                      .add(campaign.target_points).add(campaign.rules_version));
  if (inserted.empty()) return conflict("campaign_exists", "a campaign with this id exists", "id");
  std::vector<std::int64_t> starts, ends;
  for (const auto& [s, e] : campaign.promo_windows) { starts.push_back(s); ends.push_back(e); }
  if (!starts.empty()) {
    const auto ints = [](const std::vector<std::int64_t>& v) {
      std::string out = "{";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
      return out + "}";
    };
    c.run(sql::travel_promo_windows_insert.name, sql::travel_promo_windows_insert.text,
          db::Params().add(campaign.id).add(ints(starts)).add(ints(ends)));
  }
  return campaign;
}

std::vector<Campaign> list_campaigns(db::Connection& c, std::int64_t limit) {
  const db::Rows rows = c.run(sql::travel_campaigns_list.name, sql::travel_campaigns_list.text, db::Params().add(limit));
  std::vector<Campaign> campaigns;
  for (int row = 0; row < rows.size(); ++row) {
    campaigns.push_back(campaign_from(rows, row));
    if (!rows.is_null(row, 8)) campaigns.back().qualifiers = rows.int64(row, 8);
  }
  if (!campaigns.empty()) load_windows(c, campaigns);
  return campaigns;
}

ApiResult<Campaign> find_campaign(db::Connection& c, const std::string& id, std::int64_t now_s) {
  if (id.empty()) {
    auto current = campaign_by(c, sql::travel_campaign_current, db::Params().add(now_s));
    if (!current) return ApiError{http::status::not_found, "no_active_campaign", "no travel campaign is active", {}, {}, {}};
    return std::move(*current);
  }
  auto found = valid_campaign_id(id) ? campaign_by(c, sql::travel_campaign_by_id, db::Params().add(id)) : std::nullopt;
  if (!found) return not_found("no such campaign");
  return std::move(*found);
}

std::optional<Campaign> lock_campaign(db::Connection& c, const std::string& id) {
  return campaign_by(c, sql::travel_campaign_lock, db::Params().add(id));
}

}  // namespace nnw::server::incentives
