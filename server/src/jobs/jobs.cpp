#include "jobs/jobs.hpp"

#include "app.hpp"
#include "incentives/travel_standings.hpp"
#include "ledger/commissions.hpp"
#include "nnw/rules/json_write.hpp"
#include "observability/log.hpp"

namespace nnw::server::jobs {

namespace {

constexpr std::int64_t kDepositBatchSize = 10000;
constexpr std::int64_t kDepositBatchesMax = 1000;  // ≤ 10 million commissions per run

JobReport deposit_commissions(db::Connection& connection, Metrics& metrics) {
  const auto report = ledger::deposit_pending_commissions(connection, kDepositBatchSize, kDepositBatchesMax);
  JobReport out{report.ran, {}};
  if (!report.ran) return out;
  nnw::rules::json::Writer w(out.json);
  w.begin_object().field("job", "deposit-commissions").field("commissions_deposited", report.commissions);
  w.field("amount_cents", report.amount_cents).field("batches", report.batches).end_object();
  metrics.count_job("deposit-commissions", report.commissions);
  log_event(LogLevel::info, {{"job", "deposit-commissions"}, {"commissions_deposited", report.commissions},
                             {"amount_cents", report.amount_cents}, {"batches", report.batches}});
  return out;
}

JobReport close_travel_campaigns(db::Connection& connection, App& app) {
  const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(app.now().time_since_epoch()).count();
  const auto report = incentives::close_due_campaigns(connection, app.rules(), now_s);
  JobReport out{report.ran, {}};
  if (!report.ran) return out;
  std::int64_t members = 0, qualifiers = 0;
  boost::json::array campaign_ids;
  nnw::rules::json::Writer w(out.json);
  w.begin_object().field("job", "close-travel-campaigns").field("campaigns_closed", static_cast<std::int64_t>(report.closed.size()));
  w.key("closed").begin_array();
  for (const auto& closed : report.closed) {
    w.begin_object().field("campaign_id", std::string_view(closed.campaign_id)).field("members", closed.members);
    w.field("qualifiers", closed.qualifiers).end_object();
    campaign_ids.emplace_back(closed.campaign_id);
    members += closed.members;
    qualifiers += closed.qualifiers;
  }
  w.end_array().end_object();
  app.metrics().count_job("close-travel-campaigns", static_cast<std::int64_t>(report.closed.size()));
  log_event(LogLevel::info, {{"job", "close-travel-campaigns"}, {"campaigns_closed", static_cast<std::int64_t>(report.closed.size())},
                             {"campaigns", std::move(campaign_ids)}, {"members", members}, {"qualifiers", qualifiers}});
  return out;
}

}  // namespace

bool is_job(std::string_view name) noexcept { return name == "deposit-commissions" || name == "close-travel-campaigns"; }

std::string job_names() { return "deposit-commissions, close-travel-campaigns"; }

JobReport run(std::string_view name, db::Connection& connection, Metrics& metrics) {
  if (name == "deposit-commissions") return deposit_commissions(connection, metrics);
  return {};
}

JobReport run(std::string_view name, db::Connection& connection, App& app) {
  if (name == "close-travel-campaigns") return close_travel_campaigns(connection, app);
  return run(name, connection, app.metrics());
}

}  // namespace nnw::server::jobs
