#pragma once
// The outbox's sender: delivers due PENDING notifications by SMTP (libcurl) and records each
// outcome. Several senders may run at once (instances, the scheduler, POST /v1/jobs): rows
// are claimed FOR UPDATE SKIP LOCKED, so no row is delivered by two of them. Delivery is
// at least once: a crash after the SMTP server accepted a message but before the batch
// committed sends that batch again (each message keeps its Message-ID, so mail clients can
// fold the copy).

#include <cstdint>
#include <optional>
#include <string>

#include "db/pg.hpp"

namespace nnw::server::notify {

struct SmtpConfig {
  std::string url;           // NNW_SMTP_URL: smtp://host:port (STARTTLS when offered) or smtps://host:port;
                             // credentials, if the relay wants them, go in it: smtp://user:password@host:587
  std::string from_address;  // NNW_SMTP_FROM: the envelope sender and From address (avisos@example.mx)
};

// From NNW_SMTP_URL and NNW_SMTP_FROM. nullopt when NNW_SMTP_URL is unset or empty: the sender
// is off. Throws std::invalid_argument naming the variable when it is set but unusable.
std::optional<SmtpConfig> smtp_config_from_environment();

struct SendPolicy {
  int batch_size = 20;                     // rows claimed per transaction
  int batches_max = 50;                    // per run: at most 1,000 emails
  int attempts_max = 8;                    // the 8th failure is final: FAILED
  std::int64_t backoff_first_s = 300;      // after the 1st failure; doubles after each one
  std::int64_t backoff_max_s = 6 * 3600;   // 5, 10, 20, 40, 80, 160, 320 min: FAILED after ~10.5 h
  long connect_timeout_ms = 10000;
  long transfer_timeout_ms = 30000;        // one whole message, connection included
};

struct SendReport {
  std::int64_t sent = 0;
  std::int64_t retrying = 0;  // failed this time, will be tried again
  std::int64_t failed = 0;    // FAILED for good: attempts used up, refused permanently (5xx), or unrenderable
  std::int64_t batches = 0;
  bool server_unreachable = false;  // the run stopped early: the next run tries again
};

// Seconds to wait after the `attempts`-th failed attempt (1-based).
std::int64_t backoff_s(const SendPolicy& policy, int attempts) noexcept;

// Delivers notifications due at now_s (never tried, or whose next attempt has come), oldest
// first, one transaction per batch. The SMTP server's 4xx answers and network errors are
// retried with backoff; 5xx answers are final. When the server cannot be reached the run
// stops after recording that attempt, leaving the rest of the queue untouched.
SendReport send_due_notifications(db::Connection& connection, const SmtpConfig& config, const SendPolicy& policy,
                                  std::int64_t now_s);

}  // namespace nnw::server::notify
