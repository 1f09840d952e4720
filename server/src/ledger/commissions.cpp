#include "ledger/commissions.hpp"

#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

#include "db/job_lock.hpp"
#include "ledger/ledger.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::ledger {

namespace {

constexpr std::string_view kDepositJob = "deposit-commissions";

}  // namespace

ApiResult<IntakeResult> record_commissions(db::Connection& c, const std::vector<CommissionIn>& batch, bool batch_form) {
  std::vector<std::string> member_ids;
  for (const auto& item : batch) member_ids.push_back(item.member_id);
  const db::Rows members = c.run(sql::commission_members.name, sql::commission_members.text,
                                 db::Params().add(db::text_array(member_ids)));
  std::map<std::string, std::string, std::less<>> currency_of;
  for (int row = 0; row < members.size(); ++row) currency_of.emplace(members.text(row, 0), members.text(row, 1));
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::string at = batch_form ? "commissions[" + std::to_string(i) + "]." : "";
    const auto found = currency_of.find(batch[i].member_id);
    if (found == currency_of.end()) return bad_request("unknown_member", "no member with this id", at + "member_id");
    if (found->second != batch[i].currency) {
      return bad_request("currency_mismatch", "the member's wallet holds " + found->second, at + "currency");
    }
  }
  std::vector<std::string> external, member, type, period, currency, source_currency;
  std::vector<std::int64_t> amount, source_amount, rate;
  for (const auto& item : batch) {
    external.push_back(item.external_id); member.push_back(item.member_id); type.push_back(item.bonus_type);
    period.push_back(item.period); amount.push_back(item.amount_cents); currency.push_back(item.currency);
    source_amount.push_back(item.source_amount_cents); source_currency.push_back(item.source_currency);
    rate.push_back(item.rate_micros);
  }
  const db::Rows inserted = c.run(
      sql::commissions_insert_batch.name, sql::commissions_insert_batch.text,
      db::Params().add(db::text_array(external)).add(db::text_array(member)).add(db::text_array(type)).add(db::text_array(period))
          .add(db::integer_array(amount)).add(db::text_array(currency)).add(db::integer_array(source_amount))
          .add(db::text_array(source_currency)).add(db::integer_array(rate)));
  IntakeResult result;
  std::map<std::string, std::int64_t, std::less<>> new_ids;
  for (int row = 0; row < inserted.size(); ++row) new_ids.emplace(inserted.text(row, 0), inserted.int64(row, 1));
  for (const auto& item : batch) {
    const auto found = new_ids.find(item.external_id);
    if (found == new_ids.end()) result.duplicates.push_back(item.external_id);
    else result.recorded.emplace_back(item.external_id, found->second);
  }
  return result;
}

DepositReport deposit_pending_commissions(db::Connection& c, const std::string& database_url, int workers,
                                          std::int64_t batch_size, std::int64_t batches_max) {
  DepositReport report;
  std::mutex report_mutex;
  std::atomic<std::int64_t> batches_left{batches_max};
  // Books batches until none is left to claim (or the run's batch budget is spent).
  const auto work = [&](db::Connection& connection) {
    while (batches_left.fetch_sub(1) > 0) {
      struct Batch { std::int64_t count = 0; std::int64_t amount = 0; bool ok() const { return true; } };
      const Batch done = db::in_transaction(connection, [&](db::Connection& tx) {
        // The batch statement's estimated cost would switch JIT on: 40-125 ms of compiling
        // for a plan that runs once.
        tx.exec("SET LOCAL jit = off");
        const db::Rows paid = tx.run(sql::commissions_deposit_batch.name, sql::commissions_deposit_batch.text,
                                     db::Params().add(batch_size));
        Batch b;
        for (int row = 0; row < paid.size(); ++row) b.amount += paid.int64(row, 1);
        b.count = paid.size();
        return b;
      });
      if (done.count == 0) return;
      std::lock_guard lock(report_mutex);
      report.commissions += done.count;
      report.amount_cents += done.amount;
      ++report.batches;
    }
  };
  const auto ran = db::with_job_lock(c, kDepositJob, [&] {
    std::vector<std::exception_ptr> failures(static_cast<std::size_t>(std::max(1, workers)));
    std::vector<std::thread> helpers;
    for (std::size_t i = 1; i < failures.size(); ++i) {
      helpers.emplace_back([&, i] {
        try {
          db::Connection connection(database_url);
          work(connection);
        } catch (...) {
          failures[i] = std::current_exception();
        }
      });
    }
    try {
      work(c);
    } catch (...) {
      failures[0] = std::current_exception();
    }
    for (auto& helper : helpers) helper.join();
    // What was committed stays committed; the first failure is reported, the next run resumes
    // (its notices included: the mark has not moved past these deposits).
    for (const auto& failure : failures) if (failure) std::rethrow_exception(failure);
    // One notice per member for everything deposited since the mark, this run and any run
    // stopped before this point. No batch is in flight now, so none can commit below the mark.
    struct Queued { std::int64_t notices = 0; bool ok() const { return true; } };
    report.notices = db::in_transaction(c, [](db::Connection& tx) {
      return Queued{tx.run(sql::notifications_queue_commission_deposits.name,
                           sql::notifications_queue_commission_deposits.text).int64(0, 0)};
    }).notices;
    return true;
  });
  report.ran = ran.has_value();
  return report;
}

}  // namespace nnw::server::ledger
