#include "jobs/jobs.hpp"

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

}  // namespace

bool is_job(std::string_view name) noexcept { return name == "deposit-commissions"; }

std::string job_names() { return "deposit-commissions"; }

JobReport run(std::string_view name, db::Connection& connection, Metrics& metrics) {
  if (name == "deposit-commissions") return deposit_commissions(connection, metrics);
  return {};
}

}  // namespace nnw::server::jobs
