// Notifications against a real PostgreSQL and a real SMTP server: the outbox is written in
// the same transaction as the change (deposits, withdrawal decisions, cashback expiry), once
// per event, and the sender delivers it by libcurl to a small SMTP sink written here, with
// retries, backoff and SKIP LOCKED between concurrent senders.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <atomic>
#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

#include "crypto/base64.hpp"
#include "db/pool.hpp"
#include "nnw/rules/calendar.hpp"
#include "notify/email.hpp"
#include "notify/outbox.hpp"
#include "notify/smtp_sender.hpp"
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

namespace net = boost::asio;
namespace crypto = nnw::server::crypto;
namespace notify = nnw::server::notify;
using tcp = net::ip::tcp;
constexpr auto kNoThrow = net::as_tuple(net::use_awaitable);

struct SinkMessage {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string data;  // as received after DATA, dot-stuffing removed, without the final "."

  std::string header(const std::string& name) const;  // unfolded; "" when absent
  std::string subject() const;                         // RFC 2047 words decoded
  std::string body() const;                            // base64 decoded
};

// A small SMTP server on an ephemeral port speaking what libcurl needs: greeting, EHLO/HELO,
// MAIL, RCPT, DATA, RSET, NOOP, QUIT. It records accepted messages. `defer` answers RCPT with
// 451 (try later), `reject` with 554 (never). One io thread; sessions are coroutines.
class SmtpSink {
 public:
  enum class Mode { accept, defer, reject };

  SmtpSink() : acceptor_(io_, {net::ip::make_address("127.0.0.1"), 0}) {
    net::co_spawn(io_, accept_loop(), net::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~SmtpSink() {
    io_.stop();
    thread_.join();
  }
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()); }
  void set_mode(Mode mode) { mode_ = mode; }
  void set_delay_per_message(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  int connections() const { return connections_; }
  std::vector<SinkMessage> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }

 private:
  net::awaitable<void> accept_loop() {
    for (;;) {
      auto [error, socket] = co_await acceptor_.async_accept(kNoThrow);
      if (error) co_return;
      ++connections_;
      net::co_spawn(io_, session(std::move(socket)), net::detached);
    }
  }

  net::awaitable<void> session(tcp::socket socket) {
    std::string buffer;
    const auto reply = [&socket](std::string text) -> net::awaitable<bool> {
      auto [error, n] = co_await net::async_write(socket, net::buffer(text), kNoThrow);
      co_return !error;
    };
    const auto read_line = [&socket, &buffer]() -> net::awaitable<std::optional<std::string>> {
      auto [error, n] = co_await net::async_read_until(socket, net::dynamic_buffer(buffer), "\r\n", kNoThrow);
      if (error) co_return std::nullopt;
      std::string line = buffer.substr(0, n - 2);
      buffer.erase(0, n);
      co_return line;
    };
    if (!co_await reply("220 sink.test ESMTP\r\n")) co_return;
    SinkMessage message;
    for (;;) {
      const auto line = co_await read_line();
      if (!line) co_return;
      std::string verb = line->substr(0, 4);
      for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      std::string answer;
      if (verb == "EHLO") answer = "250-sink.test\r\n250 8BITMIME\r\n";
      else if (verb == "HELO") answer = "250 sink.test\r\n";
      else if (verb == "MAIL") { message = {}; message.mail_from = line->substr(10); answer = "250 2.1.0 OK\r\n"; }
      else if (verb == "RCPT") {
        if (mode_ == Mode::defer) answer = "451 4.3.0 Mailbox busy, try again later\r\n";
        else if (mode_ == Mode::reject) answer = "554 5.7.1 Relay access denied\r\n";
        else { message.rcpt_to.push_back(line->substr(8)); answer = "250 2.1.5 OK\r\n"; }
      } else if (verb == "DATA") {
        if (!co_await reply("354 End data with <CR><LF>.<CR><LF>\r\n")) co_return;
        for (;;) {
          const auto data_line = co_await read_line();
          if (!data_line) co_return;
          if (*data_line == ".") break;
          message.data += (data_line->rfind("..", 0) == 0 ? data_line->substr(1) : *data_line) + "\r\n";
        }
        if (delay_ms_ > 0) {
          net::steady_timer timer(io_, std::chrono::milliseconds(delay_ms_.load()));
          co_await timer.async_wait(kNoThrow);
        }
        {
          std::lock_guard lock(mutex_);
          messages_.push_back(message);
        }
        answer = "250 2.0.0 Queued\r\n";
      } else if (verb == "RSET") { message = {}; answer = "250 2.0.0 OK\r\n"; }
      else if (verb == "NOOP") answer = "250 2.0.0 OK\r\n";
      else if (verb == "QUIT") { co_await reply("221 2.0.0 Bye\r\n"); co_return; }
      else answer = "502 5.5.2 Command not recognized\r\n";
      if (!co_await reply(answer)) co_return;
    }
  }

  net::io_context io_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<Mode> mode_{Mode::accept};
  std::atomic<std::int64_t> delay_ms_{0};
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<SinkMessage> messages_;
};

std::string SinkMessage::header(const std::string& name) const {
  const std::string headers = data.substr(0, data.find("\r\n\r\n") + 2);
  const std::string prefix = "\r\n" + name + ": ";
  auto at = ("\r\n" + headers).find(prefix);
  if (at == std::string::npos) return {};
  std::string value;
  for (std::size_t i = at + prefix.size() - 2; i < headers.size(); ++i) {
    if (headers.compare(i, 2, "\r\n") == 0) {
      if (i + 2 < headers.size() && headers[i + 2] == ' ') { ++i; continue; }  // folded
      break;
    }
    value += headers[i];
  }
  return value;
}

std::string SinkMessage::subject() const {
  std::string decoded;
  std::string words = header("Subject");
  for (std::size_t at = 0; (at = words.find("=?UTF-8?B?", at)) != std::string::npos;) {
    const auto end = words.find("?=", at + 10);
    decoded += crypto::base64_decode(words.substr(at + 10, end - at - 10)).value();
    at = end + 2;
  }
  return decoded;
}

std::string SinkMessage::body() const {
  std::string base64;
  for (std::size_t i = data.find("\r\n\r\n") + 4; i < data.size(); ++i) {
    if (data[i] != '\r' && data[i] != '\n') base64 += data[i];
  }
  return crypto::base64_decode(base64).value();
}

class Notifications : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    unsetenv("NNW_SMTP_URL");
    setenv("NNW_SMTP_FROM", "avisos@nnwallet.test", 1);
    pin("2026-11-10T18:00:00Z");
    member = server().create_member(member_uuid(1), "NN-1");
  }
  void TearDown() override { unsetenv("NNW_SMTP_URL"); }

  void pin(const char* utc) { server().app().pin_clock(*nnw::rules::parse_utc(utc)); }
  void pin_s(std::int64_t s) { server().app().pin_clock(nnw::rules::UtcSeconds{std::chrono::seconds(s)}); }
  static std::int64_t seconds(const char* utc) { return nnw::rules::parse_utc(utc)->time_since_epoch().count(); }
  void use_sink(const SmtpSink& sink) { setenv("NNW_SMTP_URL", sink.url().c_str(), 1); }

  std::int64_t sql_int(const std::string& sql) { return server().connect().exec(sql).int64(0, 0); }
  std::string sql_text(const std::string& sql) { return std::string(server().connect().exec(sql).text(0, 0)); }

  boost::json::value job(const std::string& name) {
    const auto result = server().call({"POST", "/v1/jobs/" + name, "", admin_token(), {}, {}});
    EXPECT_EQ(result.status, 200) << result.body;
    return result.json();
  }

  // A service commission for the member, recorded but not yet deposited; returns its id.
  std::int64_t record_commission(const std::string& who, std::int64_t cents, const std::string& external_id) {
    const std::string body = R"({"external_id":")" + external_id + R"(","member_id":")" + who +
                             R"(","bonus_type":"UNINIVEL","period":"2026-11","amount_cents":)" + std::to_string(cents) +
                             R"(,"currency":"MXN","source_amount_cents":)" + std::to_string(cents) +
                             R"(,"source_currency":"MXN","rate_micros":1000000})";
    const auto result = server().call({"POST", "/v1/commissions", body, service_token(), external_id, {}});
    EXPECT_EQ(result.status, 201) << result.body;
    return result.json().at("recorded").at(0).at("id").as_int64();
  }

  // Queues n notifications directly, as a writer would, in one transaction.
  void enqueue_many(int n, const std::string& prefix) {
    auto c = server().connect();
    c.exec("BEGIN");
    for (int i = 0; i < n; ++i) {
      notify::enqueue(c, member, notify::kCommissionDeposited, prefix + std::to_string(i),
                      R"({"commissions":1,"amount_cents":10000,"currency":"MXN","bonus_types":["UNINIVEL"],)"
                      R"("periods":["2026-11"],"last_entry_id":)" + std::to_string(i) + "}");
    }
    c.exec("COMMIT");
  }

  std::string member;
};

TEST(NotificationEmail, MoneyIsPesosFromIntegerCentavos) {
  EXPECT_EQ(notify::format_money(0, "MXN"), "$0.00 MXN");
  EXPECT_EQ(notify::format_money(5, "MXN"), "$0.05 MXN");
  EXPECT_EQ(notify::format_money(123456, "MXN"), "$1,234.56 MXN");
  EXPECT_EQ(notify::format_money(99999, "MXN"), "$999.99 MXN");
  EXPECT_EQ(notify::format_money(100000000, "MXN"), "$1,000,000.00 MXN");
  EXPECT_EQ(notify::format_money(3500, "USD"), "$35.00 USD");
  EXPECT_EQ(notify::format_money(-123456, "MXN"), "-$1,234.56 MXN");
  EXPECT_EQ(notify::format_money(INT64_MIN, "MXN"), "-$92,233,720,368,547,758.08 MXN");
  EXPECT_EQ(notify::period_in_spanish("2026-11"), "noviembre de 2026");
  EXPECT_EQ(notify::period_in_spanish("2026-13"), "2026-13");
}

TEST(NotificationEmail, EachKindHasSpanishTextAndAMissingFieldIsAnError) {
  const auto deposit = notify::render_email(
      "COMMISSION_DEPOSITED",
      R"({"commissions":1,"amount_cents":748809,"currency":"MXN","bonus_types":["UNINIVEL"],"periods":["2026-11"],"last_entry_id":9})",
      "Ana López");
  ASSERT_TRUE(deposit.ok()) << deposit.error();
  EXPECT_EQ(deposit->subject, "Depositamos tu comisión de $7,488.09 MXN");
  EXPECT_NE(deposit->body.find("Hola, Ana López:"), std::string::npos);
  EXPECT_NE(deposit->body.find("Depositamos $7,488.09 MXN en tu monedero NN Wallet: tu comisión UNINIVEL de noviembre de 2026."),
            std::string::npos)
      << deposit->body;
  const auto several = notify::render_email(
      "COMMISSION_DEPOSITED",
      R"({"commissions":3,"amount_cents":1000000,"currency":"MXN","bonus_types":["MATCHING","UNINIVEL"],"periods":["2026-10","2026-11"],"last_entry_id":9})",
      "Ana");
  ASSERT_TRUE(several.ok()) << several.error();
  EXPECT_EQ(several->subject, "Depositamos tus 3 comisiones: $10,000.00 MXN");
  EXPECT_NE(several->body.find("Depositamos $10,000.00 MXN en tu monedero NN Wallet: 3 comisiones (MATCHING y UNINIVEL) "
                               "de octubre de 2026 y noviembre de 2026."),
            std::string::npos)
      << several->body;
  const auto lacking = notify::render_email("COMMISSION_DEPOSITED", R"({"commissions":1,"currency":"MXN"})", "Ana");
  ASSERT_FALSE(lacking.ok());
  EXPECT_EQ(lacking.error(), "the payload lacks amount_cents");
  const auto no_bonus = notify::render_email(
      "COMMISSION_DEPOSITED", R"({"commissions":1,"amount_cents":1,"currency":"MXN","bonus_types":[],"periods":["2026-11"]})", "Ana");
  ASSERT_FALSE(no_bonus.ok());
  EXPECT_EQ(no_bonus.error(), "the payload lacks bonus_types");
  EXPECT_FALSE(notify::render_email("SOMETHING_ELSE", "{}", "Ana").ok());
  EXPECT_FALSE(notify::render_email("WITHDRAWAL_STATUS", "[1]", "Ana").ok());
  for (const auto& [kind, payload] : std::vector<std::pair<std::string, std::string>>{
           {"CASHBACK_UNLOCKED", R"({"cashback_id":1,"value_cents":356860,"currency":"MXN","period":"2026-11"})"},
           {"CASHBACK_EXPIRING", R"({"cashback_id":1,"value_cents":356860,"currency":"MXN","period":"2026-11","expires_at":"2026-12-01T06:00:00Z"})"},
           {"CASHBACK_EXPIRED", R"({"cashback_id":1,"value_cents":356860,"currency":"MXN","period":"2026-11"})"},
           {"LOYALTY_REWARD_EARNED", R"({"loyalty_reward_id":3,"period":"2026-11"})"},
           {"TRAVEL_QUALIFIED", R"({"campaign_id":"cancun-2027","campaign_name":"Cancún 2027","points":215})"},
           {"WITHDRAWAL_STATUS", R"({"withdrawal_id":9,"status":"CANCELADO","amount_cents":30000,"currency":"MXN"})"}}) {
    const auto text = notify::render_email(kind, payload, "Ana");
    EXPECT_TRUE(text.ok()) << kind << ": " << text.error();
  }
  // Free text from people cannot break out of the body's lines.
  const auto rejected = notify::render_email(
      "WITHDRAWAL_STATUS",
      R"({"withdrawal_id":9,"status":"RECHAZADO","amount_cents":30000,"currency":"MXN","reason":"Cuenta\nno coincide\u0007"})",
      "Ana");
  ASSERT_TRUE(rejected.ok());
  EXPECT_NE(rejected->body.find("Motivo: Cuenta\r\nno coincide \r\n"), std::string::npos);
}

TEST_F(Notifications, DepositQueuesOneNoticePerMemberPerRun_EvenWhenTheJobRunsTwice) {
  const std::string other = server().create_member(member_uuid(2), "NN-2");
  record_commission(member, 123456, "c-1");
  record_commission(member, 5000, "c-2");
  record_commission(other, 777, "c-3");
  const auto ran = job("deposit-commissions");
  EXPECT_EQ(ran.at("commissions_deposited").as_int64(), 3);
  EXPECT_EQ(ran.at("notifications_queued").as_int64(), 2);
  const auto again = job("deposit-commissions");
  EXPECT_EQ(again.at("commissions_deposited").as_int64(), 0);
  EXPECT_EQ(again.at("notifications_queued").as_int64(), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications"), 2);
  // The member's two commissions, summed, keyed by the member and the run's last entry.
  const std::int64_t last = sql_int("SELECT max(e.id) FROM wallet_entries e JOIN wallets w ON w.id = e.wallet_id "
                                    "WHERE w.member_id = '" + member + "'");
  EXPECT_EQ(sql_text("SELECT dedupe_key || ' ' || payload::text FROM notifications WHERE member_id = '" + member + "'"),
            "commissions-deposited:" + member + ":" + std::to_string(last) + " " +
                R"({"periods": ["2026-11"], "currency": "MXN", "bonus_types": ["UNINIVEL"], "commissions": 2, "amount_cents": 128456, "last_entry_id": )" +
                std::to_string(last) + "}");
  EXPECT_EQ(sql_int("SELECT (payload->>'amount_cents')::bigint FROM notifications WHERE member_id = '" + other + "'"), 777);
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications WHERE status = 'PENDING' AND attempts = 0 "
                    "AND next_attempt_at IS NULL"),
            2);
  // A later run notices only its own deposits.
  record_commission(member, 100, "c-4");
  EXPECT_EQ(job("deposit-commissions").at("notifications_queued").as_int64(), 1);
  EXPECT_EQ(sql_text("SELECT string_agg((payload->>'commissions') || ':' || (payload->>'amount_cents'), ',' ORDER BY id) "
                     "FROM notifications WHERE member_id = '" + member + "'"),
            "2:128456,1:100");
}

// The notices move a mark in their own transaction, after the batches: deposits that a run
// booked but did not notice (it stopped in between) are noticed by the next run, once.
TEST_F(Notifications, DepositsARunDidNotNotice_AreNoticedByTheNextRunOnce) {
  record_commission(member, 2500, "c-1");
  record_commission(member, 7500, "c-2");
  job("deposit-commissions");
  // As if the run had stopped after its batches: no notice, and the mark still before them.
  auto c = server().connect();
  c.exec("DELETE FROM notifications");
  c.exec("UPDATE notification_marks SET last_entry_id = (SELECT min(id) - 1 FROM wallet_entries "
         "WHERE type = 'COMMISSION_DEPOSIT') WHERE source = 'COMMISSION_DEPOSIT'");
  const auto next = job("deposit-commissions");
  EXPECT_EQ(next.at("commissions_deposited").as_int64(), 0);
  EXPECT_EQ(next.at("notifications_queued").as_int64(), 1);
  EXPECT_EQ(sql_text("SELECT (payload->>'commissions') || ':' || (payload->>'amount_cents') FROM notifications"), "2:10000");
  EXPECT_EQ(sql_int("SELECT last_entry_id FROM notification_marks WHERE source = 'COMMISSION_DEPOSIT'"),
            sql_int("SELECT max(id) FROM wallet_entries"));
  // Set back over deposits already noticed, the same notice is not queued twice.
  c.exec("UPDATE notification_marks SET last_entry_id = 0 WHERE source = 'COMMISSION_DEPOSIT'");
  EXPECT_EQ(job("deposit-commissions").at("notifications_queued").as_int64(), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications"), 1);
}

TEST_F(Notifications, RolledBackChangeQueuesNothing) {
  auto c = server().connect();
  struct Outcome { bool committed; bool ok() const { return committed; } };
  // A write that ends in a user's error rolls back, notification included.
  server::db::in_transaction(c, [&](server::db::Connection& tx) {
    notify::enqueue(tx, member, notify::kCashbackUnlocked, "cashback-unlocked:1",
                    R"({"cashback_id":1,"value_cents":100,"currency":"MXN","period":"2026-11"})");
    return Outcome{false};
  });
  // So does one that fails after queuing.
  const auto queue_then_fail = [&](server::db::Connection& tx) -> Outcome {
    notify::enqueue(tx, member, notify::kCashbackUnlocked, "cashback-unlocked:2",
                    R"({"cashback_id":2,"value_cents":100,"currency":"MXN","period":"2026-11"})");
    tx.exec("SELECT 1 / 0");
    return Outcome{true};
  };
  EXPECT_THROW(server::db::in_transaction(c, queue_then_fail), server::db::DbError);
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications"), 0);
  // A refused decision (not pending) queues nothing either: withdrawals test the queued case.
  server().fund(member, 100000);
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications WHERE kind = 'COMMISSION_DEPOSITED'"), 1);  // the funding's
  server().connect().exec("DELETE FROM notifications");
  const auto refused = server().call({"POST", "/v1/admin/withdrawals/999/approve", R"({"bank_reference":"SPEI-1"})",
                                      admin_token(), "approve-999", {}});
  EXPECT_EQ(refused.status, 404) << refused.body;
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications"), 0);
}

TEST_F(Notifications, DedupeKeysHold_AndEnqueueRefusesBugs) {
  auto c = server().connect();
  const std::string payload = R"({"cashback_id":7,"value_cents":100,"currency":"MXN","period":"2026-11"})";
  notify::enqueue(c, member, notify::kCashbackExpired, "cashback-expired:7", payload);
  notify::enqueue(c, member, notify::kCashbackExpired, "cashback-expired:7", R"({"other":"payload"})");
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications"), 1);
  EXPECT_EQ(sql_int("SELECT (payload->>'cashback_id')::int FROM notifications"), 7);
  // Still once after it was sent: a late repeat of the event does not mail the member again.
  c.exec("UPDATE notifications SET status = 'SENT', sent_at = now()");
  notify::enqueue(c, member, notify::kCashbackExpired, "cashback-expired:7", payload);
  EXPECT_EQ(sql_text("SELECT count(*) || ':' || min(status) FROM notifications"), "1:SENT");
  EXPECT_THROW(notify::enqueue(c, member, "SOMETHING", "x:1", "{}"), std::invalid_argument);
  EXPECT_THROW(notify::enqueue(c, member, notify::kCashbackExpired, "x:2", "[1,2]"), std::invalid_argument);
  EXPECT_THROW(notify::enqueue(c, member, notify::kCashbackExpired, "", "{}"), std::invalid_argument);
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications"), 1);
}

TEST_F(Notifications, SenderDeliversToTheSink_RecipientSpanishSubjectPesoAmount) {
  SmtpSink sink;
  record_commission(member, 123456, "c-1");
  job("deposit-commissions");
  // Off while NNW_SMTP_URL is unset: nothing leaves, nothing changes.
  const auto off = job("send-notifications");
  EXPECT_FALSE(off.at("enabled").as_bool());
  EXPECT_EQ(sql_text("SELECT status FROM notifications"), "PENDING");
  use_sink(sink);
  pin("2026-11-10T18:05:00Z");
  const auto report = job("send-notifications");
  EXPECT_TRUE(report.at("enabled").as_bool());
  EXPECT_EQ(report.at("sent").as_int64(), 1);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_EQ(m.mail_from, "<avisos@nnwallet.test>");
  ASSERT_EQ(m.rcpt_to.size(), 1u);
  EXPECT_EQ(m.rcpt_to[0], "<NN-1@example.test>");
  EXPECT_EQ(m.header("To"), "<NN-1@example.test>");
  EXPECT_EQ(m.header("From"), "NN Wallet <avisos@nnwallet.test>");
  EXPECT_EQ(m.header("Date"), "Tue, 10 Nov 2026 18:05:00 +0000");
  const std::int64_t id = sql_int("SELECT id FROM notifications");
  EXPECT_EQ(m.header("Message-ID"), "<notification-" + std::to_string(id) + "@nnwallet.test>");
  EXPECT_EQ(m.subject(), "Depositamos tu comisión de $1,234.56 MXN");
  const std::string body = m.body();
  EXPECT_NE(body.find("Hola, Socio NN-1:\r\n"), std::string::npos) << body;
  EXPECT_NE(body.find("Depositamos $1,234.56 MXN en tu monedero NN Wallet: tu comisión UNINIVEL de noviembre de 2026."),
            std::string::npos)
      << body;
  EXPECT_EQ(sql_text("SELECT status || ':' || attempts || ':' || to_char(sent_at AT TIME ZONE 'UTC', 'HH24:MI') "
                     "FROM notifications WHERE kind = 'COMMISSION_DEPOSITED'"),
            "SENT:1:18:05");
  // Sent is sent: the next run finds nothing.
  EXPECT_EQ(job("send-notifications").at("sent").as_int64(), 0);
  EXPECT_EQ(sink.messages().size(), 1u);
}

TEST_F(Notifications, FailingSink_RetriesWithBackoff_ThenFailedAfterTheMax) {
  SmtpSink sink;
  sink.set_mode(SmtpSink::Mode::defer);
  use_sink(sink);
  enqueue_many(1, "retry:");
  std::int64_t now_s = seconds("2026-11-10T18:00:00Z");
  const notify::SendPolicy policy;
  for (int attempt = 1; attempt <= policy.attempts_max; ++attempt) {
    pin_s(now_s);
    const auto report = job("send-notifications");
    const bool last = attempt == policy.attempts_max;
    EXPECT_EQ(report.at(last ? "failed" : "retrying").as_int64(), 1) << "attempt " << attempt << ": " << report;
    EXPECT_EQ(sql_int("SELECT attempts FROM notifications"), attempt);
    EXPECT_NE(sql_text("SELECT last_error FROM notifications").find("451"), std::string::npos);
    if (last) break;
    const std::int64_t wait_s = std::min<std::int64_t>(300LL << (attempt - 1), 6 * 3600);
    EXPECT_EQ(notify::backoff_s(policy, attempt), wait_s);
    EXPECT_EQ(sql_int("SELECT extract(epoch FROM next_attempt_at)::bigint FROM notifications"), now_s + wait_s);
    // Not due a second before: that run leaves the row alone and opens no connection.
    const int connections = sink.connections();
    pin_s(now_s + wait_s - 1);
    EXPECT_EQ(job("send-notifications").at("retrying").as_int64(), 0);
    EXPECT_EQ(sink.connections(), connections);
    now_s += wait_s;
  }
  EXPECT_EQ(sql_text("SELECT status FROM notifications"), "FAILED");
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications WHERE next_attempt_at IS NULL"), 1);
  // FAILED is final, even once the server takes mail again.
  sink.set_mode(SmtpSink::Mode::accept);
  pin_s(now_s + 86400);
  EXPECT_EQ(job("send-notifications").at("sent").as_int64(), 0);
  EXPECT_TRUE(sink.messages().empty());
}

TEST_F(Notifications, PermanentRefusalFailsAtOnce_UnreachableServerStopsTheRun) {
  SmtpSink sink;
  sink.set_mode(SmtpSink::Mode::reject);
  use_sink(sink);
  enqueue_many(1, "refused:");
  const auto refused = job("send-notifications");
  EXPECT_EQ(refused.at("failed").as_int64(), 1);
  EXPECT_EQ(sql_text("SELECT status || ':' || attempts FROM notifications"), "FAILED:1");
  EXPECT_NE(sql_text("SELECT last_error FROM notifications").find("554"), std::string::npos);

  // Nothing listens here: the first row records a retry, the others are not tried this run.
  server().connect().exec("DELETE FROM notifications");
  enqueue_many(3, "unreachable:");
  net::io_context io;
  tcp::acceptor closed(io, {net::ip::make_address("127.0.0.1"), 0});
  const std::string url = "smtp://127.0.0.1:" + std::to_string(closed.local_endpoint().port());
  closed.close();
  setenv("NNW_SMTP_URL", url.c_str(), 1);
  const auto down = job("send-notifications");
  EXPECT_TRUE(down.at("server_unreachable").as_bool()) << down;
  EXPECT_EQ(down.at("retrying").as_int64(), 1);
  EXPECT_EQ(sql_text("SELECT string_agg(attempts::text, ',' ORDER BY id) FROM notifications"), "1,0,0");
  EXPECT_EQ(sql_text("SELECT string_agg(status, ',' ORDER BY id) FROM notifications"), "PENDING,PENDING,PENDING");

  // A malformed setting is an operator's error the job reports, not a silent no-op.
  setenv("NNW_SMTP_FROM", "not an address", 1);
  EXPECT_THROW(notify::smtp_config_from_environment(), std::invalid_argument);
  setenv("NNW_SMTP_URL", "http://127.0.0.1:1", 1);
  EXPECT_THROW(notify::smtp_config_from_environment(), std::invalid_argument);
}

TEST_F(Notifications, TwoSendersInParallelNeverSendARowTwice) {
  SmtpSink sink;
  sink.set_delay_per_message(std::chrono::milliseconds(5));
  const int total = 60;
  enqueue_many(total, "parallel:");
  const notify::SmtpConfig config{sink.url(), "avisos@nnwallet.test"};
  notify::SendPolicy policy;
  policy.batch_size = 4;
  const std::int64_t now_s = seconds("2026-11-10T18:00:00Z");
  notify::SendReport a, b;
  std::thread ta([&] { auto c = server().connect(); a = notify::send_due_notifications(c, config, policy, now_s); });
  std::thread tb([&] { auto c = server().connect(); b = notify::send_due_notifications(c, config, policy, now_s); });
  ta.join();
  tb.join();
  EXPECT_EQ(a.sent + b.sent, total);
  EXPECT_GT(a.sent, 0);  // both took part
  EXPECT_GT(b.sent, 0);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), static_cast<std::size_t>(total));
  std::set<std::string> ids;
  for (const auto& m : messages) ids.insert(m.header("Message-ID"));
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(total));
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications WHERE status = 'SENT' AND attempts = 1"), total);

  // The same over HTTP: two job runs at once share the queue (the sender is not single-runner).
  enqueue_many(20, "parallel-http:");
  use_sink(sink);
  boost::json::value ra, rb;
  std::thread ha([&] { ra = job("send-notifications"); });
  std::thread hb([&] { rb = job("send-notifications"); });
  ha.join();
  hb.join();
  EXPECT_EQ(ra.at("sent").as_int64() + rb.at("sent").as_int64(), 20);
  EXPECT_EQ(sink.messages().size(), static_cast<std::size_t>(total + 20));
}

TEST_F(Notifications, WithdrawalDecisionsQueueWithdrawalStatus) {
  server().fund(member, 200000);
  server().connect().exec("DELETE FROM notifications");
  const auto request = [&](std::int64_t cents, const std::string& key) {
    const std::string body = R"({"amount_cents":)" + std::to_string(cents) +
                             R"(,"bank":{"bank_name":"BBVA México","holder_name":"Ana López","clabe":"002180700123456788"}})";
    const auto created = server().call({"POST", "/v1/withdrawals", body, member_token(member), key, {}});
    EXPECT_EQ(created.status, 201) << created.body;
    return std::to_string(created.json().at("withdrawal").at("id").as_int64());
  };
  const std::string paid = request(30000, "w-1");
  const std::string rejected = request(25000, "w-2");
  const std::string cancelled = request(20000, "w-3");
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications"), 0);  // requesting is the member's own act
  const auto approve = [&] {
    return server().call({"POST", "/v1/admin/withdrawals/" + paid + "/approve", R"({"bank_reference":"SPEI-20261110-0001"})",
                          admin_token(), "approve-1", {}});
  };
  EXPECT_EQ(approve().status, 200);
  EXPECT_EQ(approve().status, 200);  // a replay answers from the key and queues nothing more
  EXPECT_EQ(server().call({"POST", "/v1/admin/withdrawals/" + rejected + "/reject",
                           R"({"reason":"La cuenta no está a nombre del socio"})", admin_token(), "reject-1", {}})
                .status,
            200);
  EXPECT_EQ(server().call({"POST", "/v1/withdrawals/" + cancelled + "/cancel", "", member_token(member), "cancel-1", {}}).status,
            200);
  // Deciding again is refused and queues nothing.
  EXPECT_EQ(server().call({"POST", "/v1/admin/withdrawals/" + paid + "/reject", R"({"reason":"tarde"})", admin_token(),
                           "reject-2", {}})
                .status,
            409);
  EXPECT_EQ(sql_text("SELECT string_agg(dedupe_key, ',' ORDER BY id) FROM notifications WHERE kind = 'WITHDRAWAL_STATUS'"),
            "withdrawal-status:" + paid + ":PAGADO,withdrawal-status:" + rejected + ":RECHAZADO,withdrawal-status:" +
                cancelled + ":CANCELADO");
  EXPECT_EQ(sql_text("SELECT payload->>'bank_reference' FROM notifications WHERE dedupe_key LIKE '%:PAGADO'"),
            "SPEI-20261110-0001");
  EXPECT_EQ(sql_int("SELECT (payload->>'amount_cents')::bigint FROM notifications WHERE dedupe_key LIKE '%:RECHAZADO'"),
            25000);

  SmtpSink sink;
  use_sink(sink);
  EXPECT_EQ(job("send-notifications").at("sent").as_int64(), 3);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].subject(), "Pagamos tu retiro de $300.00 MXN");
  EXPECT_NE(messages[0].body().find("Referencia del pago: SPEI-20261110-0001"), std::string::npos);
  EXPECT_EQ(messages[1].subject(), "Tu retiro de $250.00 MXN fue rechazado");
  EXPECT_NE(messages[1].body().find("Motivo: La cuenta no está a nombre del socio"), std::string::npos);
  EXPECT_EQ(messages[2].subject(), "Tu retiro de $200.00 MXN fue cancelado");
}

// Cashbacks come from real checkouts (the catalog import and the orders API).
class CashbackNotifications : public Notifications {
 protected:
  void SetUp() override {
    Notifications::SetUp();
    const auto imported = server().call({"PUT", "/v1/admin/catalog",
                                         "sku,name,category,kit,pv,active,price_MXN,price_USD\n"
                                         "NN-OMEGA3,Omega 3 Plus,SUPLEMENTOS,NONE,350,true,599.00,35.00\n"
                                         "NN-KIT-FS,Kit Full Supplement,KITS,FULL_SUPPLEMENT,2600,true,4499.00,260.00\n",
                                         admin_token(), "catalog-1", {}});
    ASSERT_EQ(imported.status, 200) << imported.body;
    server().fund(member, 5000000);
  }

  // Preview, then confirm with the numbers shown: 2,950 PV unlocks a cashback that waits.
  void buy_kit_unlocking_cashback(const std::string& key) {
    const std::string lines = R"([{"sku":"NN-KIT-FS","quantity":1},{"sku":"NN-OMEGA3","quantity":1}])";
    const auto shown = server().call({"POST", "/v1/checkout/preview", R"({"lines":)" + lines + "}", member_token(member), {}, {}});
    ASSERT_EQ(shown.status, 200) << shown.body;
    const auto shown_json = shown.json();
    const auto& p = shown_json.at("preview");
    const std::string body = R"({"lines":)" + lines + R"(,"wallet_cents":0,"rules_version":")" +
                             std::string(p.at("rules_version").as_string()) + R"(","displayed":{"subtotal_cents":)" +
                             std::to_string(p.at("subtotal_cents").as_int64()) + R"(,"discount_cents":)" +
                             std::to_string(p.at("discount_cents").as_int64()) + R"(,"shipping_cents":)" +
                             std::to_string(p.at("shipping_cents").as_int64()) + R"(,"total_cents":)" +
                             std::to_string(p.at("total_cents").as_int64()) + "}}";
    const auto done = server().call({"POST", "/v1/orders", body, member_token(member), key, {}});
    ASSERT_EQ(done.status, 201) << done.body;
  }
};

TEST_F(CashbackNotifications, ExpiringJobQueuesOncePerCashback_ThenExpiryQueuesExpired) {
  buy_kit_unlocking_cashback("order-1");
  ASSERT_EQ(sql_text("SELECT status || ':' || expires_at AT TIME ZONE 'UTC' FROM cashbacks"),
            "AVAILABLE:2026-12-01 06:00:00");  // the end of November in Mexico City
  const std::string id = std::to_string(sql_int("SELECT id FROM cashbacks"));
  server().connect().exec("DELETE FROM notifications");  // the funding deposit's
  const auto expiring = [&] { return job("notify-cashback-expiring").at("notifications_queued").as_int64(); };
  pin("2026-11-28T05:59:59Z");  // 3 days and a second before the end
  EXPECT_EQ(expiring(), 0);
  pin("2026-11-28T06:00:00Z");  // exactly 3 days before
  EXPECT_EQ(expiring(), 1);
  EXPECT_EQ(expiring(), 0);
  pin("2026-11-30T12:00:00Z");  // a later run, still inside the window
  EXPECT_EQ(expiring(), 0);
  EXPECT_EQ(sql_text("SELECT kind || ' ' || dedupe_key FROM notifications"), "CASHBACK_EXPIRING cashback-expiring:" + id);
  EXPECT_EQ(sql_int("SELECT (payload->>'value_cents')::bigint FROM notifications"),
            sql_int("SELECT value_cents FROM cashbacks"));
  EXPECT_EQ(sql_text("SELECT payload->>'expires_at' FROM notifications"), "2026-12-01T06:00:00Z");

  // The period ends: the expiry job queues CASHBACK_EXPIRED in its own statement, once.
  pin("2026-12-01T06:00:00Z");
  EXPECT_EQ(job("expire-cashbacks").at("cashbacks_expired").as_int64(), 1);
  EXPECT_EQ(job("expire-cashbacks").at("cashbacks_expired").as_int64(), 0);
  EXPECT_EQ(expiring(), 0);  // an expired cashback is not "expiring"
  EXPECT_EQ(sql_text("SELECT string_agg(dedupe_key, ',' ORDER BY id) FROM notifications"),
            "cashback-expiring:" + id + ",cashback-expired:" + id);

  SmtpSink sink;
  use_sink(sink);
  EXPECT_EQ(job("send-notifications").at("sent").as_int64(), 2);
  const auto messages = sink.messages();
  ASSERT_EQ(messages.size(), 2u);
  const std::string value = notify::format_money(sql_int("SELECT value_cents FROM cashbacks"), "MXN");
  EXPECT_EQ(messages[0].subject(), "Tu cashback de " + value + " vence en menos de 3 días");
  EXPECT_NE(messages[0].body().find("vence al terminar noviembre de 2026"), std::string::npos);
  EXPECT_EQ(messages[1].subject(), "Tu cashback de " + value + " venció");
}

TEST_F(CashbackNotifications, ExpiringJobTwiceInParallel_QueuesOnce) {
  buy_kit_unlocking_cashback("order-1");
  server().connect().exec("DELETE FROM notifications");
  pin("2026-11-29T12:00:00Z");
  HttpResult a, b;
  std::thread ta([&] { a = server().call({"POST", "/v1/jobs/notify-cashback-expiring", "", admin_token(), {}, {}}); });
  std::thread tb([&] { b = server().call({"POST", "/v1/jobs/notify-cashback-expiring", "", admin_token(), {}, {}}); });
  ta.join();
  tb.join();
  for (const auto* r : {&a, &b}) {
    EXPECT_TRUE(r->status == 200 || (r->status == 409 && r->json().at("error").at("code") == "job_running")) << r->body;
  }
  EXPECT_EQ(sql_int("SELECT count(*) FROM notifications WHERE kind = 'CASHBACK_EXPIRING'"), 1);
}

}  // namespace
}  // namespace nnw::test_server
