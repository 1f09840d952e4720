#include "jobs/jobs.hpp"

#include <array>
#include <chrono>

#include "db/job_lock.hpp"
#include "db/pool.hpp"
#include "incentives/cashback.hpp"
#include "incentives/loyalty.hpp"
#include "incentives/travel_standings.hpp"
#include "ledger/commissions.hpp"
#include "ledger/verify.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "notify/notify_jobs.hpp"
#include "observability/log.hpp"

namespace nnw::server::jobs {

namespace {

constexpr std::int64_t kDepositBatchSize = 10000;
constexpr std::int64_t kDepositBatchesMax = 1000;  // ≤ 10 million commissions per run
// Deposit batches booked side by side, each on its own connection: one batch keeps one
// backend (one CPU) busy, and batches never wait on each other (docs/server.md "Jobs").
// Three were slower on two CPUs while a server listened for the deposits' pokes (70.7 and
// 68.8 s for 1,000,000 commissions, against 66.3 and 57.6 s with two).
constexpr int kDepositWorkers = 2;

struct JobInput {
  db::Connection& connection;
  const std::string& database_url;
  Metrics& metrics;
  const nnw::rules::Engine& rules;
  std::int64_t now_s;
};

JobReport deposit_commissions(const JobInput& in) {
  const auto report = ledger::deposit_pending_commissions(in.connection, in.database_url, kDepositWorkers,
                                                          kDepositBatchSize, kDepositBatchesMax);
  JobReport out{report.ran, {}};
  if (!report.ran) return out;
  nnw::rules::json::Writer w(out.json);
  w.begin_object().field("job", "deposit-commissions").field("commissions_deposited", report.commissions);
  w.field("amount_cents", report.amount_cents).field("batches", report.batches);
  w.field("notifications_queued", report.notices).end_object();
  in.metrics.count_job("deposit-commissions", report.commissions);
  log_event(LogLevel::info, {{"job", "deposit-commissions"}, {"commissions_deposited", report.commissions},
                             {"amount_cents", report.amount_cents}, {"batches", report.batches},
                             {"notifications_queued", report.notices}});
  return out;
}

// One runner per job across every instance; not run (ran = false) while another holds it.
template <class Work>
JobReport single_runner(const JobInput& in, std::string_view name, Work&& work) {
  return db::with_job_lock(in.connection, name, std::forward<Work>(work)).value_or(JobReport{});
}

JobReport expire_cashbacks(const JobInput& in) {
  return single_runner(in, "expire-cashbacks", [&] {
    struct Done { incentives::ExpiryReport report; bool ok() const { return true; } };
    const Done done = db::in_transaction(in.connection, [&](db::Connection& tx) {
      return Done{incentives::expire_cashbacks(tx, in.now_s)};
    });
    JobReport out{true, {}};
    nnw::rules::json::Writer w(out.json);
    w.begin_object().field("job", "expire-cashbacks").field("cashbacks_expired", done.report.expired);
    w.field("value_cents", done.report.value_cents).end_object();
    in.metrics.count_job("expire-cashbacks", done.report.expired);
    log_event(LogLevel::info, {{"job", "expire-cashbacks"}, {"cashbacks_expired", done.report.expired},
                               {"value_cents", done.report.value_cents}});
    return out;
  });
}

JobReport record_loyalty(const JobInput& in) {
  return single_runner(in, "record-loyalty", [&] {
    const auto report = incentives::record_all_loyalty(in.connection, in.rules, in.now_s);
    JobReport out{true, {}};
    nnw::rules::json::Writer w(out.json);
    w.begin_object().field("job", "record-loyalty").field("members", report.members);
    w.field("events_recorded", report.events).field("resets_recorded", report.resets).end_object();
    in.metrics.count_job("record-loyalty", report.events);
    log_event(LogLevel::info, {{"job", "record-loyalty"}, {"members", report.members},
                               {"events_recorded", report.events}, {"resets_recorded", report.resets}});
    return out;
  });
}

// Closes every ACTIVA campaign whose end has passed, as of that end (its own advisory lock).
JobReport close_travel_campaigns(const JobInput& in) {
  const auto report = incentives::close_due_campaigns(in.connection, in.rules, in.now_s);
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
  in.metrics.count_job("close-travel-campaigns", static_cast<std::int64_t>(report.closed.size()));
  log_event(LogLevel::info, {{"job", "close-travel-campaigns"}, {"campaigns_closed", static_cast<std::int64_t>(report.closed.size())},
                             {"campaigns", std::move(campaign_ids)}, {"members", members}, {"qualifiers", qualifiers}});
  return out;
}

// Reads the whole ledger in one snapshot and reports each check's count (db/queries/
// ledger_verify.sql). It writes nothing, so it needs no lock: two runs read the same ledger.
// Any count above 0 fails the run (exit status 4 from --job) and is logged as an error.
JobReport verify_ledger(const JobInput& in) {
  const auto verification = ledger::verify_ledger(in.connection);
  const auto violated = verification.violated();
  boost::json::object checks;
  for (const auto& [check, count] : verification.checks) checks[check] = count;
  boost::json::object examples;  // in the report and in the log line
  for (const auto& [check, labels] : verification.examples) examples[check] = boost::json::array(labels.begin(), labels.end());
  JobReport out{true, {}, !violated.empty()};
  nnw::rules::json::Writer w(out.json);
  w.begin_object().field("job", "verify-ledger").field("ok", violated.empty());
  w.field("wallets", verification.wallets).field("entries", verification.entries);
  w.field("total_cents", verification.total_cents);
  w.key("checks").raw(boost::json::serialize(checks)).key("examples").raw(boost::json::serialize(examples)).end_object();
  in.metrics.count_job("verify-ledger", verification.entries);
  // The wall clock, not the business clock (which tests and demos may pin): staleness is real time.
  const auto finished = std::chrono::system_clock::now().time_since_epoch();
  in.metrics.record_ledger_checks(verification.checks, std::chrono::duration_cast<std::chrono::seconds>(finished).count());
  boost::json::object found;
  for (const auto& [check, count] : violated) found[check] = count;
  log_event(violated.empty() ? LogLevel::info : LogLevel::error,
            {{"job", "verify-ledger"}, {"ok", violated.empty()}, {"wallets", verification.wallets},
             {"entries", verification.entries}, {"violations", std::move(found)}, {"examples", std::move(examples)}});
  return out;
}

struct Job {
  std::string_view name;
  JobReport (*run)(const JobInput&);
};

constexpr std::array kJobs{
    Job{"deposit-commissions", deposit_commissions},
    Job{"expire-cashbacks", expire_cashbacks},
    Job{"record-loyalty", record_loyalty},
    Job{"close-travel-campaigns", close_travel_campaigns},
    Job{"verify-ledger", verify_ledger},
    // Notifications (notify/notify_jobs.hpp). The sender is not single-runner: senders share
    // the outbox through SKIP LOCKED.
    Job{"notify-cashback-expiring",
        [](const JobInput& in) {
          return single_runner(in, "notify-cashback-expiring", [&] {
            return notify::queue_expiring_cashbacks_job(in.connection, in.metrics, in.now_s);
          });
        }},
    Job{"send-notifications",
        [](const JobInput& in) { return notify::send_notifications_job(in.connection, in.metrics, in.now_s); }},
};

}  // namespace

bool is_job(std::string_view name) noexcept {
  for (const auto& job : kJobs) if (job.name == name) return true;
  return false;
}

std::string job_names() {
  std::string names;
  for (const auto& job : kJobs) names += (names.empty() ? "" : ", ") + std::string(job.name);
  return names;
}

JobReport run(std::string_view name, db::Connection& connection, const std::string& database_url, Metrics& metrics,
              const nnw::rules::Engine& rules, std::int64_t now_s) {
  const JobInput in{connection, database_url, metrics, rules, now_s};
  for (const auto& job : kJobs) if (job.name == name) return job.run(in);
  return {};
}

}  // namespace nnw::server::jobs
