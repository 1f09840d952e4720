#include "notify/smtp_sender.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "nnw/rules/calendar.hpp"
#include "nnw/server/sql.hpp"
#include "notify/email.hpp"
#include "observability/log.hpp"

namespace nnw::server::notify {

namespace {

// curl_global_init is not safe to race with other threads' first use: once per process.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
  });
}

struct SmtpOutcome {
  bool delivered = false;
  bool permanent = false;    // 5xx: the server will not take this message, retrying is pointless
  bool unreachable = false;  // no connection at all: the server is down, stop this run
  std::string error;
};

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  const std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

// One message over one SMTP connection (MAIL FROM, RCPT TO, DATA, QUIT).
SmtpOutcome smtp_send(const SmtpConfig& config, const SendPolicy& policy, const std::string& to,
                      std::string_view message) {
  init_curl_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  const std::string from = "<" + config.from_address + ">";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients(
      curl_slist_append(nullptr, ("<" + to + ">").c_str()), &curl_slist_free_all);
  Upload upload{message, 0};
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, config.url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(h, CURLOPT_READDATA, &upload);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, policy.connect_timeout_ms);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, policy.transfer_timeout_ms);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(h);
  SmtpOutcome outcome;
  if (code == CURLE_OK) {
    outcome.delivered = true;
    return outcome;
  }
  long smtp_code = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &smtp_code);
  outcome.error = std::string(curl_easy_strerror(code)) + (error_buffer[0] ? ": " + std::string(error_buffer) : "");
  if (smtp_code > 0) outcome.error += " (SMTP " + std::to_string(smtp_code) + ")";
  outcome.permanent = smtp_code >= 500 && smtp_code <= 599;
  outcome.unreachable = code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
                        code == CURLE_OPERATION_TIMEDOUT || code == CURLE_COULDNT_RESOLVE_PROXY;
  return outcome;
}

struct Claimed {
  std::int64_t id = 0;
  std::string kind;
  std::string payload_json;
  int attempts = 0;  // before this one
  std::string email;
  std::string display_name;
};

std::string message_id_domain(const std::string& from_address) { return from_address.substr(from_address.find('@') + 1); }

// Renders and sends one notification: the outcome to record.
SmtpOutcome deliver(const SmtpConfig& config, const SendPolicy& policy, const Claimed& row, std::int64_t now_s) {
  if (!is_plain_address(row.email)) return {false, true, false, "the member's email address is not usable"};
  auto text = render_email(row.kind, row.payload_json, row.display_name);
  if (!text.ok()) return {false, true, false, text.error()};
  const EmailEnvelope envelope{config.from_address, row.email,
                               "notification-" + std::to_string(row.id) + "@" + message_id_domain(config.from_address),
                               now_s};
  return smtp_send(config, policy, row.email, compose_email(envelope, text.value()));
}

enum class Recorded { sent, retrying, failed };

Recorded record(db::Connection& c, const SendPolicy& policy, const Claimed& row, const SmtpOutcome& outcome,
                std::int64_t now_s) {
  if (outcome.delivered) {
    c.run(sql::notification_mark_sent.name, sql::notification_mark_sent.text, db::Params().add(row.id).add(nnw::rules::format_utc(now_s)));
    return Recorded::sent;
  }
  const int attempts = row.attempts + 1;
  const bool gives_up = outcome.permanent || attempts >= policy.attempts_max;
  std::optional<std::string> next_attempt_at;
  if (!gives_up) next_attempt_at = nnw::rules::format_utc(now_s + backoff_s(policy, attempts));
  c.run(sql::notification_mark_attempt_failed.name, sql::notification_mark_attempt_failed.text,
        db::Params().add(row.id).add(gives_up ? "FAILED" : "PENDING").add(next_attempt_at).add(outcome.error));
  log_event(LogLevel::warn, {{"event", "notification_not_delivered"}, {"notification_id", row.id},
                             {"kind", row.kind}, {"attempts", attempts}, {"final", gives_up}, {"error", outcome.error}});
  return gives_up ? Recorded::failed : Recorded::retrying;
}

std::vector<Claimed> claim_batch(db::Connection& c, const SendPolicy& policy, std::int64_t now_s) {
  const db::Rows rows = c.run(sql::notifications_claim_due.name, sql::notifications_claim_due.text,
                              db::Params().add(nnw::rules::format_utc(now_s)).add(policy.batch_size));
  std::vector<Claimed> claimed;
  for (int i = 0; i < rows.size(); ++i) {
    claimed.push_back({rows.int64(i, 0), std::string(rows.text(i, 1)), std::string(rows.text(i, 2)),
                       static_cast<int>(rows.int64(i, 3)), std::string(rows.text(i, 4)), std::string(rows.text(i, 5))});
  }
  return claimed;
}

// One transaction: claim, send each, record each. Not db::in_transaction: its retry after a
// serialization failure would send the batch's emails a second time.
bool send_batch(db::Connection& c, const SmtpConfig& config, const SendPolicy& policy, std::int64_t now_s,
                SendReport& report) {
  c.exec("BEGIN");
  try {
    const auto claimed = claim_batch(c, policy, now_s);
    for (const auto& row : claimed) {
      const SmtpOutcome outcome = deliver(config, policy, row, now_s);
      switch (record(c, policy, row, outcome, now_s)) {
        case Recorded::sent: ++report.sent; break;
        case Recorded::retrying: ++report.retrying; break;
        case Recorded::failed: ++report.failed; break;
      }
      if (outcome.unreachable) {
        report.server_unreachable = true;
        break;
      }
    }
    c.exec("COMMIT");
    if (!claimed.empty()) ++report.batches;
    return !claimed.empty() && !report.server_unreachable;
  } catch (...) {
    if (c.healthy()) {
      try { c.exec("ROLLBACK"); } catch (const db::DbError&) { c.reset(); }
    }
    throw;
  }
}

}  // namespace

std::optional<SmtpConfig> smtp_config_from_environment() {
  const char* url = std::getenv("NNW_SMTP_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  SmtpConfig config{url, {}};
  if (config.url.rfind("smtp://", 0) != 0 && config.url.rfind("smtps://", 0) != 0) {
    throw std::invalid_argument("NNW_SMTP_URL must start with smtp:// or smtps://");
  }
  const char* from = std::getenv("NNW_SMTP_FROM");
  if (from == nullptr || !is_plain_address(from)) {
    throw std::invalid_argument("NNW_SMTP_FROM must be an email address (avisos@example.mx) when NNW_SMTP_URL is set");
  }
  config.from_address = from;
  return config;
}

std::int64_t backoff_s(const SendPolicy& policy, int attempts) noexcept {
  std::int64_t wait_s = policy.backoff_first_s;
  for (int i = 1; i < attempts && wait_s < policy.backoff_max_s; ++i) wait_s *= 2;
  return std::min(wait_s, policy.backoff_max_s);
}

SendReport send_due_notifications(db::Connection& c, const SmtpConfig& config, const SendPolicy& policy,
                                  std::int64_t now_s) {
  SendReport report;
  for (int batch = 0; batch < policy.batches_max; ++batch) {
    if (!send_batch(c, config, policy, now_s, report)) break;
  }
  return report;
}

}  // namespace nnw::server::notify
