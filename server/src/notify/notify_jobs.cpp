#include "notify/notify_jobs.hpp"

#include "db/pool.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "notify/smtp_sender.hpp"
#include "observability/log.hpp"

namespace nnw::server::notify {

jobs::JobReport queue_expiring_cashbacks_job(db::Connection& connection, Metrics& metrics, std::int64_t now_s) {
  struct Queued { std::int64_t count = 0; bool ok() const { return true; } };
  const std::string now = nnw::rules::format_utc(now_s);
  const Queued queued = db::in_transaction(connection, [&](db::Connection& tx) {
    const db::Rows rows = tx.run(sql::notifications_queue_cashbacks_expiring.name,
                                 sql::notifications_queue_cashbacks_expiring.text,
                                 db::Params().add(now).add(kCashbackExpiringNotice_s));
    return Queued{rows.size()};
  });
  jobs::JobReport out{true, {}};
  nnw::rules::json::Writer w(out.json);
  w.begin_object().field("job", "notify-cashback-expiring").field("notifications_queued", queued.count).end_object();
  metrics.count_job("notify-cashback-expiring", queued.count);
  log_event(LogLevel::info, {{"job", "notify-cashback-expiring"}, {"notifications_queued", queued.count}});
  return out;
}

jobs::JobReport send_notifications_job(db::Connection& connection, Metrics& metrics, std::int64_t now_s) {
  const auto config = smtp_config_from_environment();
  SendReport report;
  if (config) report = send_due_notifications(connection, *config, SendPolicy{}, now_s);
  jobs::JobReport out{true, {}};
  nnw::rules::json::Writer w(out.json);
  w.begin_object().field("job", "send-notifications").field("enabled", config.has_value());
  w.field("sent", report.sent).field("retrying", report.retrying).field("failed", report.failed);
  w.field("batches", report.batches).field("server_unreachable", report.server_unreachable).end_object();
  metrics.count_job("send-notifications", report.sent);
  log_event(LogLevel::info, {{"job", "send-notifications"}, {"enabled", config.has_value()}, {"sent", report.sent},
                             {"retrying", report.retrying}, {"failed", report.failed}, {"batches", report.batches},
                             {"server_unreachable", report.server_unreachable}});
  return out;
}

}  // namespace nnw::server::notify
