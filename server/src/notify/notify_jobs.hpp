#pragma once
// The notification jobs, run by name through jobs::run (HTTP, command line, scheduler):
//   notify-cashback-expiring — queues CASHBACK_EXPIRING for cashbacks ending within 3 days;
//   send-notifications       — delivers the outbox by SMTP (off while NNW_SMTP_URL is unset).

#include <cstdint>

#include "db/pg.hpp"
#include "jobs/jobs.hpp"
#include "observability/metrics.hpp"

namespace nnw::server::notify {

// How long before a cashback's end its member is warned.
inline constexpr std::int64_t kCashbackExpiringNotice_s = 3 * 24 * 3600;

// One transaction; once per cashback whatever the schedule (the dedupe key). The caller
// holds the job's single-runner lock.
jobs::JobReport queue_expiring_cashbacks_job(db::Connection& connection, Metrics& metrics, std::int64_t now_s);

// Not single-runner: several senders share the queue safely (SKIP LOCKED). Reads its SMTP
// settings from the environment on every run; a malformed one throws std::invalid_argument.
jobs::JobReport send_notifications_job(db::Connection& connection, Metrics& metrics, std::int64_t now_s);

}  // namespace nnw::server::notify
