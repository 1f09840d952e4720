// Transfers booked in batches (ledger/transfer_batch.hpp), called directly so a test decides
// what one batch holds: each transfer is decided as if it ran alone after the earlier ones,
// a refused one stores no key and books nothing, and the sender's running count and total
// keep the limits exact across batches.
#include <array>
#include <chrono>
#include <future>
#include <optional>
#include <thread>

#include "ledger/transfer_batch.hpp"
#include "nnw/server/sql.hpp"
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

using server::ledger::TransferCommand;
using server::ledger::TransferReply;

class TransferBatch : public ServerTest {
 protected:
  TransferCommand command(const std::string& from, const std::string& to_number, std::int64_t cents, const std::string& key) {
    TransferCommand c;
    c.request.from_member_id = from;
    c.request.to_member_number = to_number;
    c.request.amount_cents = cents;
    c.request.idempotency_key = key;
    c.request.request_id = "req-" + key;
    c.request.now = std::chrono::system_clock::now();
    c.principal = from;
    c.request_hash = "hash-" + key;
    return c;
  }
  std::vector<TransferReply> book(const std::vector<TransferCommand>& commands) {
    std::vector<const TransferCommand*> batch;
    for (const auto& c : commands) batch.push_back(&c);
    auto connection = server().connect();
    return server::ledger::book_transfers(connection, server().app().rules().config(), batch);
  }
  std::int64_t sql_int(const std::string& sql) { return server().connect().exec(sql).int64(0, 0); }
  // Moves the created_at of the transfers `where` selects back by `by` (an interval). Transfers
  // refuse UPDATE (0024), so this one statement runs with the session's triggers off: a replica
  // session fires none, and only a superuser, as the tests connect, may be one.
  static void age_transfers(server::db::Connection& connection, const std::string& by, const std::string& where) {
    connection.exec("BEGIN; SET LOCAL session_replication_role = replica; UPDATE transfers SET created_at = created_at - interval '" +
                    by + "' WHERE " + where + "; COMMIT");
  }
  // Locks the sender's wallet on `holder` and submits the sender's transfer of 1 cent: its batch
  // is taken alone and waits on that lock until the holder commits.
  std::future<TransferReply> submit_held(server::ledger::TransferBatcher& batcher, server::db::Connection& holder,
                                         const std::string& sender, const std::string& to_number, const std::string& key) {
    holder.exec("BEGIN");
    holder.exec("SELECT 1 FROM wallets WHERE member_id = '" + sender + "' FOR UPDATE");
    auto held = std::async(std::launch::async, [this, &batcher, sender, to_number, key] {
      return batcher.submit(command(sender, to_number, 1, key));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // taken alone, and held
    return held;
  }
  static std::string code(const TransferReply& reply) { return reply.error ? reply.error->code : "booked"; }
  // The line of `metrics`' export that starts with `prefix`, e.g. "nnw_transfer_batch_size_count ".
  std::string metric_line(const server::Metrics& metrics, const std::string& prefix) {
    const std::string exported = metrics.render(server().app().pool().stats(), 0);
    const auto at = exported.find("\n" + prefix);
    if (at == std::string::npos) return "(no line " + prefix + ")";
    return exported.substr(at + 1, exported.find('\n', at + 1) - at - 1);
  }

  // Members A (NN-1), B (NN-2), X (NN-3) and NN-4, A and X funded, and a batcher of 2 lanes (at
  // most 8 transfers a batch, no linger) whose first batch, X's transfer to NN-4, is being
  // booked and held on X's wallet lock until the test commits `holder`.
  struct HeldBatch {
    std::string a, b, x;
    server::Metrics metrics;
    std::optional<server::ledger::TransferBatcher> batcher;
    std::optional<server::db::Connection> holder;
    std::future<TransferReply> held;  // destroyed first: it waits for the holder's commit
  };
  // With high limits: A (NN-1) and X (NN-3) hold 1,000.00 each, B (NN-2) nothing; NN-4 is there
  // to receive a held transfer (no wallet the others need).
  std::array<std::string, 3> members_a_b_x() {
    start(rules_with_high_transfer_limits());
    std::array<std::string, 3> abx{server().create_member(member_uuid(1), "NN-1"), server().create_member(member_uuid(2), "NN-2"),
                                   server().create_member(member_uuid(3), "NN-3")};
    server().create_member(member_uuid(4), "NN-4");
    server().fund(abx[0], 100000);
    server().fund(abx[2], 100000);
    return abx;
  }
  void hold_a_batch(HeldBatch& h, std::size_t batch_max = 8) {
    const auto abx = members_a_b_x();
    h.a = abx[0];
    h.b = abx[1];
    h.x = abx[2];
    h.batcher.emplace(server().app().pool(), server().app().rules(), h.metrics, 2, batch_max, std::chrono::microseconds(0));
    h.holder.emplace(server().database_url());
    h.held = submit_held(*h.batcher, *h.holder, h.x, "NN-4", "held");
  }
};

TEST_F(TransferBatch, EachTransferIsDecidedAfterTheEarlierOnesOfItsBatch) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  server().create_member(member_uuid(3), "NN-3");
  server().fund(a, 1000);
  const auto replies = book({command(a, "NN-2", 600, "k1"),    // booked: A 400 left
                             command(a, "NN-3", 600, "k2"),    // A has 400 now
                             command(a, "NN-404", 1, "k3"),    // nobody
                             command(a, "NN-1", 1, "k4"),      // to herself
                             command(b, "NN-3", 600, "k5"),    // B holds what k1 gave her
                             command(a, "NN-3", 400, "k6")});  // exactly what A has left
  ASSERT_EQ(replies.size(), 6u);
  EXPECT_EQ(code(replies[0]), "booked");
  EXPECT_EQ(code(replies[1]), "insufficient_funds");
  EXPECT_EQ(replies[1].error->details.at("balance_cents").as_int64(), 400);
  EXPECT_EQ(code(replies[2]), "recipient_not_found");
  EXPECT_EQ(code(replies[3]), "same_member");
  EXPECT_EQ(code(replies[4]), "booked");
  EXPECT_EQ(code(replies[5]), "booked");
  const auto first = boost::json::parse(replies[0].body);
  EXPECT_EQ(first.at("balance_cents").as_int64(), 400);
  EXPECT_EQ(boost::json::parse(replies[4].body).at("balance_cents").as_int64(), 0);
  EXPECT_EQ(boost::json::parse(replies[5].body).at("balance_cents").as_int64(), 0);
  EXPECT_EQ(balance(a), 0);
  EXPECT_EQ(balance(b), 0);
  EXPECT_EQ(balance(member_uuid(3)), 1000);
  EXPECT_EQ(sql_int("SELECT count(*) FROM transfers"), 3);
  EXPECT_EQ(sql_int("SELECT count(*) FROM wallet_entries WHERE transfer_id IS NOT NULL"), 6);
  EXPECT_EQ(sql_int("SELECT count(*) FROM audit_log WHERE action = 'transfer.create'"), 3);
  // The booked keys keep their responses; the refused ones are free again.
  EXPECT_EQ(sql_int("SELECT count(*) FROM idempotency_keys WHERE key IN ('k1','k5','k6') AND status_code = 201"), 3);
  EXPECT_EQ(sql_int("SELECT count(*) FROM idempotency_keys WHERE key IN ('k2','k3','k4')"), 0);
  server().fund(a, 600);
  const auto retried = book({command(a, "NN-3", 600, "k2"), command(a, "NN-2", 1, "k1")});
  EXPECT_EQ(code(retried[0]), "booked");
  EXPECT_TRUE(retried[1].replayed);
  EXPECT_EQ(retried[1].body, replies[0].body);
  EXPECT_EQ(balance(a), 0);
}

TEST_F(TransferBatch, NothingBookedStoresNoKey) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  const auto replies = book({command(a, "NN-2", 5, "r1"), command(a, "NN-9", 5, "r2")});
  EXPECT_EQ(code(replies[0]), "insufficient_funds");
  EXPECT_EQ(code(replies[1]), "recipient_not_found");
  EXPECT_EQ(sql_int("SELECT count(*) FROM idempotency_keys"), 0);
}

TEST_F(TransferBatch, PerMinuteAndDailyLimitsCountTheBatchItselfAndEarlierBatches) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 30000000);
  // The shipped rules: 5 transfers a minute, 50,000.00 MXN per transfer, 100,000.00 a day.
  std::vector<TransferCommand> seven;
  for (int i = 0; i < 7; ++i) seven.push_back(command(a, "NN-2", 10, "m" + std::to_string(i)));
  const auto replies = book(seven);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(code(replies[i]), "booked") << i;
  for (std::size_t i = 5; i < 7; ++i) {
    EXPECT_EQ(code(replies[i]), "rate_limited") << i;
    EXPECT_EQ(replies[i].error->retry_after_s, 60);
  }
  const auto later = book({command(a, "NN-2", 10, "m-later")});  // counted from the database now
  EXPECT_EQ(code(later[0]), "rate_limited");
  ASSERT_TRUE(later[0].error->retry_after_s);
  EXPECT_GE(*later[0].error->retry_after_s, 1);
  EXPECT_LE(*later[0].error->retry_after_s, 60);

  const std::string c = server().create_member(member_uuid(3), "NN-3");
  server().fund(c, 30000000);
  const auto day = book({command(c, "NN-2", 5000000, "d1"), command(c, "NN-2", 4000000, "d2"),
                         command(c, "NN-2", 1000001, "d3"), command(c, "NN-2", 1000000, "d4")});
  EXPECT_EQ(code(day[0]), "booked");
  EXPECT_EQ(code(day[1]), "booked");
  EXPECT_EQ(code(day[2]), "daily_limit_exceeded");
  EXPECT_EQ(day[2].error->details.at("remaining_cents").as_int64(), 1000000);
  EXPECT_EQ(code(day[3]), "booked");
  const auto over = book({command(c, "NN-2", 1, "d5")});
  EXPECT_EQ(code(over[0]), "daily_limit_exceeded");
  EXPECT_EQ(over[0].error->details.at("remaining_cents").as_int64(), 0);
}

// The limits count a sender's transfers by time (transfer_senders_activity.sql): those that
// have left the last minute no longer count against the minute's, and those made before the
// local day began no longer count against the day's, whether some or all of them have left.
// Transfers are aged here by moving their created_at back (age_transfers).
TEST_F(TransferBatch, TransfersThatLeftTheMinuteOrTheDayCountNoMore) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 30000000);
  auto connection = server().connect();
  const auto age = [&](const std::string& sender, const std::string& seqs, const std::string& by) {
    age_transfers(connection, by, "from_member_id = '" + sender + "' AND sender_seq IN (" + seqs + ")");
  };
  // The shipped rules: 5 transfers a minute, 50,000.00 MXN per transfer, 100,000.00 a day.
  std::vector<TransferCommand> first;
  for (int i = 0; i < 6; ++i) first.push_back(command(a, "NN-2", 10, "m" + std::to_string(i)));
  auto replies = book(first);
  ASSERT_EQ(code(replies[4]), "booked");
  ASSERT_EQ(code(replies[5]), "rate_limited");
  age(a, "1, 2", "61 seconds");  // 3 of the 5 are still in the minute
  replies = book({command(a, "NN-2", 10, "m6"), command(a, "NN-2", 10, "m7"), command(a, "NN-2", 10, "m8")});
  EXPECT_EQ(code(replies[0]), "booked");
  EXPECT_EQ(code(replies[1]), "booked");
  EXPECT_EQ(code(replies[2]), "rate_limited");
  age(a, "1, 2, 3, 4, 5, 6, 7", "61 seconds");  // all of them have left it
  replies = book({command(a, "NN-2", 10, "m9")});
  EXPECT_EQ(code(replies[0]), "booked");

  const std::string c = server().create_member(member_uuid(3), "NN-3");
  server().fund(c, 30000000);
  replies = book({command(c, "NN-2", 5000000, "d1"), command(c, "NN-2", 5000000, "d2"), command(c, "NN-2", 1, "d3")});
  ASSERT_EQ(code(replies[1]), "booked");
  ASSERT_EQ(code(replies[2]), "daily_limit_exceeded");
  age(c, "1", "2 days");  // the day's total is the second one's alone
  replies = book({command(c, "NN-2", 5000000, "d4"), command(c, "NN-2", 1, "d5")});
  EXPECT_EQ(code(replies[0]), "booked");
  EXPECT_EQ(code(replies[1]), "daily_limit_exceeded");
  EXPECT_EQ(replies[1].error->details.at("remaining_cents").as_int64(), 0);
  age(c, "1, 2, 3", "2 days");  // the latest is older than the day's start
  replies = book({command(c, "NN-2", 5000000, "d6"), command(c, "NN-2", 5000000, "d7"), command(c, "NN-2", 1, "d8")});
  EXPECT_EQ(code(replies[0]), "booked");
  EXPECT_EQ(code(replies[1]), "booked");
  EXPECT_EQ(code(replies[2]), "daily_limit_exceeded");
}

TEST_F(TransferBatch, EveryTransferCarriesItsSendersRunningCountAndTotal) {
  start(rules_with_high_transfer_limits());
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 100000);
  server().fund(b, 100000);
  book({command(a, "NN-2", 100, "x1"), command(b, "NN-1", 7, "y1"), command(a, "NN-2", 200, "x2")});
  book({command(a, "NN-2", 300, "x3")});
  book({command(b, "NN-1", 8, "y2"), command(a, "NN-2", 400, "x4")});
  // Each sender's transfers count 1, 2, 3, … and total as they go, in created_at order too.
  EXPECT_EQ(sql_int("SELECT count(*) FROM (SELECT sender_seq, sender_total_cents, "
                    "  row_number() OVER w AS n, sum(amount_cents) OVER w AS total "
                    "  FROM transfers WINDOW w AS (PARTITION BY from_member_id ORDER BY id)) t "
                    " WHERE sender_seq <> n OR sender_total_cents <> total"), 0);
  EXPECT_EQ(sql_int("SELECT max(sender_seq) FROM transfers WHERE from_member_id = '" + a + "'"), 4);
  EXPECT_EQ(sql_int("SELECT max(sender_total_cents) FROM transfers WHERE from_member_id = '" + a + "'"), 1000);
  EXPECT_EQ(sql_int("SELECT count(*) FROM transfers t JOIN transfers u ON u.from_member_id = t.from_member_id "
                    " AND u.sender_seq > t.sender_seq AND u.created_at < t.created_at"), 0);
  // The database refuses a second transfer with a sender's count already taken.
  auto connection = server().connect();
  EXPECT_THROW(connection.exec("INSERT INTO transfers (from_member_id, to_member_id, amount_cents, currency, sender_seq, "
                               "sender_total_cents) VALUES ('" + a + "', '" + b + "', 1, 'MXN', 4, 1001)"),
               server::db::DbError);
}

TEST_F(TransferBatch, ATransferTheDatabaseRefusesIsRetriedAloneAndTheRestBook) {
  const auto [a, b, x] = members_a_b_x();
  auto connection = server().connect();
  connection.exec("CREATE FUNCTION refuse_4242() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                  "IF NEW.amount_cents = 4242 THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = 'check_violation'; END IF; "
                  "RETURN NEW; END $$");
  connection.exec("CREATE TRIGGER refuse_4242 BEFORE INSERT ON transfers FOR EACH ROW EXECUTE FUNCTION refuse_4242()");

  // One lane, held up on X's wallet lock while five transfers queue behind it: they form one batch.
  server::Metrics metrics;
  server::ledger::TransferBatcher batcher(server().app().pool(), server().app().rules(), metrics, 1, 64,
                                         std::chrono::microseconds(500));
  auto holder = server().connect();
  holder.exec("BEGIN");
  holder.exec("SELECT 1 FROM wallets WHERE member_id = '" + x + "' FOR UPDATE");
  auto blocked = std::async(std::launch::async, [&] { return batcher.submit(command(x, "NN-4", 1, "blocked")); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::vector<std::future<TransferReply>> queued;
  for (const std::int64_t cents : {100, 200, 4242, 300, 400}) {
    queued.push_back(std::async(std::launch::async, [&, cents] {
      return batcher.submit(command(a, "NN-2", cents, "q" + std::to_string(cents)));
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  holder.exec("COMMIT");
  EXPECT_EQ(code(blocked.get()), "booked");
  int booked = 0;
  for (std::size_t i = 0; i < queued.size(); ++i) {
    if (i == 2) {
      EXPECT_THROW(queued[i].get(), server::db::DbError);
    } else {
      EXPECT_EQ(code(queued[i].get()), "booked");
      ++booked;
    }
  }
  EXPECT_EQ(booked, 4);
  // Seven transactions: the blocked transfer alone, the batch of five, then each of the five alone.
  const std::string exported = metrics.render(server().app().pool().stats(), 0);
  EXPECT_NE(exported.find("\nnnw_transfers_isolated_total 5\n"), std::string::npos) << exported;
  EXPECT_NE(exported.find("\nnnw_transfer_batch_size_bucket{le=\"1\"} 6\n"), std::string::npos) << exported;
  EXPECT_NE(exported.find("\nnnw_transfer_batch_size_bucket{le=\"4\"} 6\n"), std::string::npos) << exported;
  EXPECT_NE(exported.find("\nnnw_transfer_batch_size_bucket{le=\"8\"} 7\n"), std::string::npos) << exported;
  EXPECT_NE(exported.find("\nnnw_transfer_batch_size_sum 11\n"), std::string::npos) << exported;
  EXPECT_NE(exported.find("\nnnw_transfer_batch_size_count 7\n"), std::string::npos) << exported;
  EXPECT_EQ(balance(a), 100000 - 1000);
  EXPECT_EQ(balance(b), 1000);
  EXPECT_EQ(sql_int("SELECT count(*) FROM idempotency_keys WHERE key = 'q4242'"), 0);
}

// A batch about to start alone waits, at most the linger, for as many transfers as the last
// batch answered plus those that were waiting: the clients it answered tend to send again at
// once. Here the last batch took 1 while 3 waited, so the next waits for a 4th and takes all
// four. Without a linger the three waiting go at once, and the 4th alone after them.
TEST_F(TransferBatch, ABatchStartingAloneLingersForTheTransfersTheLastOneAnswered) {
  start(rules_with_high_transfer_limits());
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  const std::string x = server().create_member(member_uuid(3), "NN-3");
  server().fund(a, 100000);
  server().fund(x, 100000);
  const auto batch_sizes = [&](std::chrono::microseconds linger, const std::string& run) {
    server::Metrics metrics;
    {
      server::ledger::TransferBatcher batcher(server().app().pool(), server().app().rules(), metrics, 1, 64, linger);
      auto holder = server().connect();
      std::vector<std::future<TransferReply>> sent;
      sent.push_back(submit_held(batcher, holder, x, "NN-2", run + "-held"));
      for (int i = 0; i < 3; ++i) {
        sent.push_back(std::async(std::launch::async, [&, i] {
          return batcher.submit(command(a, "NN-2", 10, run + "-waiting-" + std::to_string(i)));
        }));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(300));  // queued behind it
      holder.exec("COMMIT");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // within a linger of seconds
      sent.push_back(std::async(std::launch::async, [&] { return batcher.submit(command(a, "NN-2", 10, run + "-later")); }));
      for (auto& reply : sent) EXPECT_EQ(code(reply.get()), "booked");
    }
    return metric_line(metrics, "nnw_transfer_batch_size_count ");
  };
  EXPECT_EQ(batch_sizes(std::chrono::seconds(10), "linger"), "nnw_transfer_batch_size_count 2");  // 1, then 4
  EXPECT_EQ(batch_sizes(std::chrono::microseconds(0), "none"), "nnw_transfer_batch_size_count 3");  // 1, 3, then 1
  EXPECT_EQ(balance(a), 100000 - 8 * 10);
}

// A second batch starts beside the one being booked only once the queue holds a quarter of a
// batch (here 2 of at most 8): below that the queue waits for the batch in flight, to gather more.
TEST_F(TransferBatch, ASecondBatchStartsBesideTheFirstOnceAQuarterOfABatchIsQueued) {
  HeldBatch h;
  hold_a_batch(h);
  auto first = std::async(std::launch::async, [&] { return h.batcher->submit(command(h.a, "NN-2", 10, "first")); });
  // One queued transfer starts no second batch: it is still waiting while the first batch is held.
  EXPECT_EQ(first.wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
  auto second = std::async(std::launch::async, [&] { return h.batcher->submit(command(h.a, "NN-2", 10, "second")); });
  // Two do, beside the held batch (a liveness bound, not a timing).
  const bool booked_beside = first.wait_for(std::chrono::seconds(60)) == std::future_status::ready &&
                             second.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  const bool held_meanwhile = h.held.wait_for(std::chrono::seconds(0)) == std::future_status::timeout;
  h.holder->exec("COMMIT");
  EXPECT_TRUE(booked_beside);
  EXPECT_TRUE(held_meanwhile);
  EXPECT_EQ(code(first.get()), "booked");
  EXPECT_EQ(code(second.get()), "booked");
  EXPECT_EQ(code(h.held.get()), "booked");
  const std::string exported = h.metrics.render(server().app().pool().stats(), 0);
  EXPECT_NE(exported.find("\nnnw_transfer_batch_size_bucket{le=\"1\"} 1\n"), std::string::npos) << exported;
  EXPECT_NE(exported.find("\nnnw_transfer_batch_size_sum 3\n"), std::string::npos) << exported;
  EXPECT_NE(exported.find("\nnnw_transfer_batch_size_count 2\n"), std::string::npos) << exported;
}

// With the default cap of 32, a quarter would be 8: 8 closed-loop clients, booked in halves of
// 4, would then never start one half beside the other. Four queued transfers start a batch
// beside the one being booked; three wait for it.
TEST_F(TransferBatch, FourQueuedTransfersStartABatchBesideTheOneBeingBookedWhateverTheCap) {
  HeldBatch h;
  hold_a_batch(h, 32);
  std::vector<std::future<TransferReply>> queued;
  for (int i = 0; i < 3; ++i) {
    queued.push_back(std::async(std::launch::async, [&, i] {
      return h.batcher->submit(command(h.a, "NN-2", 10, "queued-" + std::to_string(i)));
    }));
  }
  // Three start no second batch: still waiting while the first batch is held.
  EXPECT_EQ(queued[0].wait_for(std::chrono::milliseconds(500)), std::future_status::timeout);
  queued.push_back(std::async(std::launch::async, [&] { return h.batcher->submit(command(h.a, "NN-2", 10, "queued-3")); }));
  // The fourth does, beside the held batch (a liveness bound, not a timing).
  bool booked_beside = true;
  for (auto& reply : queued) booked_beside = booked_beside && reply.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  const bool held_meanwhile = h.held.wait_for(std::chrono::seconds(0)) == std::future_status::timeout;
  h.holder->exec("COMMIT");
  EXPECT_TRUE(booked_beside);
  EXPECT_TRUE(held_meanwhile);
  for (auto& reply : queued) EXPECT_EQ(code(reply.get()), "booked");
  EXPECT_EQ(code(h.held.get()), "booked");
  EXPECT_EQ(balance(h.a), 100000 - 4 * 10);
}

// A transfer naming a member of the batch being booked is left queued for a later batch: taken
// beside it, it would hold its whole batch in a wait for that batch's row locks. Here the held
// batch books X's transfer; of the two queued (enough to start a second batch), the one from X
// waits, and the one from A books beside the held batch without waiting for it.
TEST_F(TransferBatch, ATransferNamingAMemberOfTheBatchBeingBookedWaitsForALaterBatch) {
  HeldBatch h;
  hold_a_batch(h);
  auto from_x = std::async(std::launch::async, [&] { return h.batcher->submit(command(h.x, "NN-2", 10, "from-x")); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // queued first
  auto from_a = std::async(std::launch::async, [&] { return h.batcher->submit(command(h.a, "NN-2", 10, "from-a")); });
  // A liveness bound, not a timing: taken together with the transfer from X, the one from A
  // would wait on X's lock until the holder commits.
  const bool from_a_booked_meanwhile = from_a.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  const bool from_x_waited = from_x.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout;
  h.holder->exec("COMMIT");
  EXPECT_TRUE(from_a_booked_meanwhile);
  EXPECT_TRUE(from_x_waited);
  EXPECT_EQ(code(h.held.get()), "booked");
  EXPECT_EQ(code(from_a.get()), "booked");
  EXPECT_EQ(code(from_x.get()), "booked");
  // Three batches of one: the held one, A's beside it, X's after it.
  const std::string exported = h.metrics.render(server().app().pool().stats(), 0);
  EXPECT_NE(exported.find("\nnnw_transfer_batch_size_bucket{le=\"1\"} 3\n"), std::string::npos) << exported;
  EXPECT_NE(exported.find("\nnnw_transfer_batch_size_count 3\n"), std::string::npos) << exported;
  EXPECT_EQ(balance(h.a), 100000 - 10);
  EXPECT_EQ(balance(h.x), 100000 - 11);
  EXPECT_EQ(balance(h.b), 20);
}

// Where a transfer's time went shows in /metrics: the held batch's transfer waited in its
// booking (on X's lock), X's next transfer waited in the queue (for the held batch to end).
// Each waited at least as long as the lock was held after it was submitted, more than the
// 0.25 s bucket.
TEST_F(TransferBatch, ATransfersTimeQueuedAndItsBatchsBookingTimeAreExported) {
  HeldBatch h;
  hold_a_batch(h);  // X's transfer has been held 0.3 s in its booking already
  using Clock = std::chrono::steady_clock;
  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const auto started = Clock::now();  // the held transfer is being booked by now
  Clock::time_point submitted;        // read after from_x.get(), which orders it
  auto from_x = std::async(std::launch::async, [&] {
    submitted = Clock::now();
    return h.batcher->submit(command(h.x, "NN-2", 10, "from-x"));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // queued behind the held batch
  const auto committed = Clock::now();  // neither batch can end before the holder commits
  h.holder->exec("COMMIT");
  EXPECT_EQ(code(h.held.get()), "booked");
  EXPECT_EQ(code(from_x.get()), "booked");
  const double waited_s = seconds(Clock::now() - started);
  const auto value = [&](const std::string& prefix) {
    const std::string line = metric_line(h.metrics, prefix);
    return std::stod(line.substr(line.rfind(' ') + 1));
  };
  EXPECT_EQ(value("nnw_transfer_queued_seconds_count "), 2);
  EXPECT_EQ(value("nnw_transfer_booking_seconds_count "), 2);
  EXPECT_LE(value("nnw_transfer_queued_seconds_bucket{le=\"0.250000\"} "), 1);  // X's second transfer is above
  EXPECT_LE(value("nnw_transfer_booking_seconds_bucket{le=\"0.250000\"} "), 1);  // the held batch is above
  // Lower bounds from the instants above, not from the sleeps: under load a thread may start late.
  EXPECT_GE(value("nnw_transfer_queued_seconds_sum "), seconds(committed - submitted));
  EXPECT_LE(value("nnw_transfer_queued_seconds_sum "), waited_s + 0.3);  // the held one was taken at once
  EXPECT_GE(value("nnw_transfer_booking_seconds_sum "), seconds(committed - started));
}

// A recipient named by number is matched with the same member named by id once a batch has
// found that number. Here A's first transfer to NN-3 teaches the batcher that NN-3 is X; then
// the held batch books X's own transfer (X by id), and of the two queued, A's to NN-3 waits for
// a later batch, while A's to NN-2 books beside the held batch. Taken together, both would wait
// on X's lock until the holder commits.
TEST_F(TransferBatch, ARecipientNamedByNumberIsMatchedWithTheSameMemberNamedById) {
  const auto [a, b, x] = members_a_b_x();
  server::Metrics metrics;
  server::ledger::TransferBatcher batcher(server().app().pool(), server().app().rules(), metrics, 2, 8, std::chrono::microseconds(0));
  ASSERT_EQ(code(batcher.submit(command(a, "NN-3", 10, "learn"))), "booked");
  auto holder = server().connect();
  auto held = submit_held(batcher, holder, x, "NN-4", "held");
  auto to_x = std::async(std::launch::async, [&] { return batcher.submit(command(a, "NN-3", 10, "to-x")); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // queued first
  auto to_b = std::async(std::launch::async, [&] { return batcher.submit(command(a, "NN-2", 10, "to-b")); });
  // A liveness bound, not a timing (see ATransferNamingAMemberOfTheBatchBeingBookedWaitsForALaterBatch).
  const bool to_b_booked_meanwhile = to_b.wait_for(std::chrono::seconds(60)) == std::future_status::ready;
  const bool to_x_waited = to_x.wait_for(std::chrono::milliseconds(300)) == std::future_status::timeout;
  holder.exec("COMMIT");
  EXPECT_TRUE(to_b_booked_meanwhile);
  EXPECT_TRUE(to_x_waited);
  EXPECT_EQ(code(held.get()), "booked");
  EXPECT_EQ(code(to_b.get()), "booked");
  EXPECT_EQ(code(to_x.get()), "booked");
  EXPECT_EQ(balance(a), 100000 - 30);
  EXPECT_EQ(balance(x), 100000 - 1 + 20);
  EXPECT_EQ(balance(b), 10);
}

// With no batch being booked, a lane starting on a queue of at least 4 leaves half of it to
// another lane, which books it beside the first: two CPUs each book half. Only when the halves
// name no member in common; otherwise the second half would wait for the first's locks, so the
// lane books them all. Here 8 transfers queue, in order, behind a held batch from X to NN-21,
// each naming X or NN-21 (so none can start beside it), and a 9th comes after it. Five to
// NN-21 and then four from X split 5 and 4; all nine to NN-21 stay whole.
TEST_F(TransferBatch, ALaneStartingAloneLeavesHalfItsBatchToAnotherLaneWhenTheHalvesShareNoMember) {
  start(rules_with_high_transfer_limits());
  std::vector<std::string> senders;
  for (int i = 1; i <= 9; ++i) {
    senders.push_back(server().create_member(member_uuid(i), "NN-" + std::to_string(i)));
    server().fund(senders.back(), 100000);
    server().create_member(member_uuid(10 + i), "NN-" + std::to_string(10 + i));
  }
  const std::string x = server().create_member(member_uuid(20), "NN-20");
  server().fund(x, 100000);
  server().create_member(member_uuid(21), "NN-21");
  const auto batches = [&](const std::string& run, bool apart) {
    server::Metrics metrics;
    {
      server::ledger::TransferBatcher batcher(server().app().pool(), server().app().rules(), metrics, 2, 64,
                                              std::chrono::seconds(10));
      // The i-th transfer (1-9): from sender i to NN-21, or, apart, the 6th to 9th from X to NN-16..NN-19.
      const auto transfer = [&](int i) {
        const std::string key = run + "-" + std::to_string(i);
        if (apart && i > 5) return command(x, "NN-" + std::to_string(10 + i), 10, key);
        return command(senders[static_cast<std::size_t>(i - 1)], "NN-21", 10, key);
      };
      auto holder = server().connect();
      std::vector<std::future<TransferReply>> sent;
      sent.push_back(submit_held(batcher, holder, x, "NN-21", run + "-held"));
      std::vector<std::promise<TransferReply>> replies(9);
      for (int i = 1; i <= 8; ++i) {  // queued from this thread: in this order
        batcher.submit(transfer(i), [&replies, i](std::exception_ptr failed, TransferReply reply) {
          if (failed) replies[static_cast<std::size_t>(i - 1)].set_exception(failed);
          else replies[static_cast<std::size_t>(i - 1)].set_value(std::move(reply));
        });
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(300));  // none taken beside the held one
      for (int i = 0; i < 8; ++i) sent.push_back(replies[static_cast<std::size_t>(i)].get_future());
      holder.exec("COMMIT");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a lane lingers for a 9th
      sent.push_back(std::async(std::launch::async, [&] { return batcher.submit(transfer(9)); }));
      for (auto& reply : sent) EXPECT_EQ(code(reply.get()), "booked");
    }
    return metric_line(metrics, "nnw_transfer_batch_size_bucket{le=\"4\"} ") + "; " +
           metric_line(metrics, "nnw_transfer_batch_size_count ") + "; ";
  };
  // 1 (the held one), then 5 and 4 side by side.
  EXPECT_EQ(batches("apart", true), "nnw_transfer_batch_size_bucket{le=\"4\"} 2; nnw_transfer_batch_size_count 3; ");
  // 1, then all 9 in one batch.
  EXPECT_EQ(batches("together", false), "nnw_transfer_batch_size_bucket{le=\"4\"} 1; nnw_transfer_batch_size_count 2; ");
  for (std::size_t i = 0; i < senders.size(); ++i) EXPECT_EQ(balance(senders[i]), 100000 - (i < 5 ? 2 : 1) * 10);
  EXPECT_EQ(balance(x), 100000 - 2 - 4 * 10);
}

// A transfer waiting for its batch holds no worker thread. The test server has 8; twelve
// transfers wait behind a lock on their sender's wallet, and a wallet read still gets a
// worker and is answered. (When each waiting transfer held a worker, the read queued behind
// them until the lock was released; the batches were capped at the pool's size.)
TEST_F(TransferBatch, TransfersWaitingForTheirBatchHoldNoWorkerThread) {
  start(rules_with_high_transfer_limits());
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 100000);
  const std::string token = member_token(a);
  // Declared before the holder, so that on any early return the holder goes first: its lock
  // is released and every request still out completes before its future is destroyed.
  std::vector<std::future<HttpResult>> waiting, calls;
  auto holder = server().connect();
  holder.exec("BEGIN");
  holder.exec("SELECT 1 FROM wallets WHERE member_id = '" + a + "' FOR UPDATE");
  for (int i = 0; i < 12; ++i) {
    waiting.push_back(std::async(std::launch::async, [&, i] {
      return server().call({"POST", "/v1/transfers", R"({"to_member_number":"NN-2","amount_cents":10})", token,
                            "wait-" + std::to_string(i), {}});
    }));
  }
  // Each request below needs a worker. The wait is a liveness guard, not a timing: with
  // every worker held by a waiting transfer, it would never be answered.
  const auto answered = [&](const Call& call) -> std::optional<HttpResult> {
    calls.push_back(std::async(std::launch::async, [&, call] { return server().call(call); }));
    if (calls.back().wait_for(std::chrono::seconds(60)) != std::future_status::ready) return std::nullopt;
    return calls.back().get();
  };
  // All twelve reach the server: the in-flight gauge counts them while they wait.
  std::optional<HttpResult> metrics;
  for (int polls = 0; polls < 600; ++polls) {
    metrics = answered({"GET", "/metrics", "", "", {}, {}});
    if (!metrics || metrics->body.find("\nnnw_http_in_flight 13\n") != std::string::npos) break;  // twelve and this one
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto read = metrics ? answered({"GET", "/v1/members/" + b + "/wallet", "", member_token(b), {}, {}}) : std::nullopt;
  int done_early = 0;
  for (auto& transfer : waiting) done_early += transfer.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  holder.exec("COMMIT");
  EXPECT_EQ(done_early, 0);
  ASSERT_TRUE(metrics.has_value()) << "no worker answered /metrics while the transfers waited";
  EXPECT_NE(metrics->body.find("\nnnw_http_in_flight 13\n"), std::string::npos) << metrics->body;
  ASSERT_TRUE(read.has_value()) << "no worker answered the wallet read while the transfers waited";
  EXPECT_EQ(read->status, 200) << read->body;
  for (auto& transfer : waiting) EXPECT_EQ(transfer.get().status, 201);
  EXPECT_EQ(balance(a), 100000 - 12 * 10);
  EXPECT_EQ(balance(b), 12 * 10);
}

// A busy sender's batches find their idempotency keys one index descent each, however many
// keys the sender used before. With the principal leading the primary key, the generic plan
// read every earlier key of the principal to look up a batch's keys (migration 0012).
TEST_F(TransferBatch, LookingUpABatchsKeysReadsOnlyThoseKeysOfABusySender) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto connection = server().connect();
  connection.exec("INSERT INTO idempotency_keys (principal, key, request_hash, status_code, response_body) "
                  "SELECT '" + a + "', 'earlier-' || g, 'h', 201, '{}' FROM generate_series(1, 3000) g");
  // Many quieter principals beside it: the statistics that led the old plan to take the
  // principal as the index condition and filter its 3,000 keys.
  connection.exec("INSERT INTO idempotency_keys (principal, key, request_hash, status_code, response_body) "
                  "SELECT 'other-' || (g % 2000), 'other-' || g, 'h', 201, '{}' FROM generate_series(1, 4000) g");
  connection.exec("ANALYZE idempotency_keys");
  connection.exec("SET plan_cache_mode = force_generic_plan");
  connection.exec("PREPARE lookup (text[], text[]) AS " + std::string(server::sql::idempotency_lookup_many.text));
  const std::string principals = "'{" + a + "," + a + "," + a + "}'";
  const auto plan = boost::json::parse(connection.exec(
      "EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE lookup(" + principals + ", '{earlier-7,earlier-2999,new-1}')").text(0, 0));
  // Every row the plan read and threw away, over all its nodes.
  std::int64_t removed = 0;
  std::vector<const boost::json::object*> nodes{&plan.at(0).at("Plan").as_object()};
  while (!nodes.empty()) {
    const auto* node = nodes.back();
    nodes.pop_back();
    if (const auto* r = node->if_contains("Rows Removed by Filter")) removed += r->to_number<std::int64_t>();
    if (const auto* r = node->if_contains("Rows Removed by Join Filter")) removed += r->to_number<std::int64_t>();
    if (const auto* children = node->if_contains("Plans")) {
      for (const auto& child : children->as_array()) nodes.push_back(&child.as_object());
    }
  }
  EXPECT_LT(removed, 10) << boost::json::serialize(plan);
  EXPECT_EQ(plan.at(0).at("Plan").at("Actual Rows").to_number<std::int64_t>(), 2) << boost::json::serialize(plan);
  connection.exec("DEALLOCATE lookup");
  connection.exec("RESET plan_cache_mode");
}

// Every write stores a key, and every index on the table is one more entry written per key:
// the primary key, which every lookup uses, is the only one (migration 0020).
TEST_F(TransferBatch, IdempotencyKeysAreIndexedOnlyByTheirPrimaryKey) {
  auto connection = server().connect();
  const auto indexes = connection.exec(
      "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE tablename = 'idempotency_keys'");
  EXPECT_EQ(indexes.text(0, 0), "idempotency_keys_pkey");
}

// A key another write stored while a batch ran is found when the batch reads again. Other
// routes claim their key before they lock the member's wallet, so a batch's lookup may miss a
// key still in flight; storing it then waits for that write, fails once it commits, and the
// batch, read again, answers as for any key already used: the stored response, nothing booked.
TEST_F(TransferBatch, AKeyStoredByAnotherWriteWhileTheBatchRanIsAnsweredAsUsed) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 1000);
  auto holder = server().connect();
  holder.exec("BEGIN");
  holder.exec("INSERT INTO idempotency_keys (principal, key, request_hash, status_code, response_body) "
              "VALUES ('" + a + "', 'raced', 'hash-raced', 0, '')");
  auto booked = std::async(std::launch::async, [&] { return book({command(a, "NN-2", 100, "raced")}); });
  // The batch reaches its booking and waits on the holder's key (a liveness bound, not a timing).
  bool waiting = false;
  for (int polls = 0; polls < 600 && !waiting; ++polls) {
    waiting = sql_int("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%transfers%'") > 0;
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  holder.exec("UPDATE idempotency_keys SET status_code = 201, response_body = '{\"stored\":true}' WHERE key = 'raced'");
  holder.exec("COMMIT");
  EXPECT_TRUE(waiting);
  const auto replies = booked.get();
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_TRUE(replies[0].replayed) << code(replies[0]);
  EXPECT_EQ(replies[0].body, R"({"stored":true})");
  EXPECT_EQ(sql_int("SELECT count(*) FROM transfers"), 0);
  EXPECT_EQ(balance(a), 1000);
}

// A batch's statements run on generic plans, planned once per connection. Left to PostgreSQL's
// default, statements over arrays were planned again on every call: a fifth of its CPU under
// transfers (docs/transfers.md "Generic plans").
TEST_F(TransferBatch, ABatchsStatementsArePlannedOnceNotOnEveryCall) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 1000);
  auto connection = server().connect();
  const auto& rules = server().app().rules().config();
  for (int round = 0; round < 3; ++round) {
    const auto c = command(a, "NN-2", 10, "plan-" + std::to_string(round));
    ASSERT_EQ(code(server::ledger::book_transfers(connection, rules, {&c}).at(0)), "booked");
  }
  const auto plans = connection.exec(
      "SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name IN "
      "('wallets_lock_by_members', 'transfer_senders_activity', 'idempotency_lookup_many', 'transfer_ids_reserve', "
      "'transfers_book') ORDER BY name");
  ASSERT_EQ(plans.size(), 5);
  for (int row = 0; row < plans.size(); ++row) {
    EXPECT_EQ(plans.int64(row, 1), 3) << plans.text(row, 0);
    EXPECT_EQ(plans.int64(row, 2), 0) << plans.text(row, 0);
  }
  EXPECT_EQ(connection.exec("SHOW plan_cache_mode").text(0, 0), "auto");  // only the batch's transaction
  EXPECT_EQ(balance(a), 970);
}

// A batch's generic plans are made once per connection and kept until the next ANALYZE of
// their tables. Made while the ledger was empty (a new database, analyzed), they used to scan
// transfers, members and wallets whole, and went on doing so as the tables grew: 117 transfers/s
// at 8 clients on 100,000 members, until autovacuum analyzed them again.
TEST_F(TransferBatch, ABatchsPlansFindRowsByIndexEvenWhenMadeWhileTheTablesWereEmpty) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 1000);
  auto connection = server().connect();
  connection.exec("ANALYZE members, wallets, transfers, idempotency_keys");
  const auto c = command(a, "NN-2", 10, "empty-stats");
  ASSERT_EQ(code(server::ledger::book_transfers(connection, server().app().rules().config(), {&c}).at(0)), "booked");
  // The plans the batch cached on this connection, as it will use them from now on.
  connection.exec("SET plan_cache_mode = force_generic_plan");
  const std::string senders = "'{" + a + "}'";
  for (const std::string& call : {"wallets_lock_by_members(" + senders + ", '{NN-2}')",
                                  "transfer_senders_activity(" + senders + ", '{2026-12-01T06:00:00Z}')",
                                  "idempotency_lookup_many(" + senders + ", '{empty-stats}')"}) {
    const auto rows = connection.exec("EXPLAIN (COSTS OFF) EXECUTE " + call);
    std::string plan;
    for (int row = 0; row < rows.size(); ++row) plan.append(rows.text(row, 0)).append("\n");
    EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << call << "\n" << plan;
    EXPECT_NE(plan.find("Index"), std::string::npos) << call << "\n" << plan;
  }
  connection.exec("RESET plan_cache_mode");
  EXPECT_EQ(connection.exec("SHOW enable_seqscan").text(0, 0), "on");  // only the batch's transaction
}

// A sender whose latest transfer is older than the minute and the day has only that latest
// looked up: the probes for the minute and the day would find it again, so each is gated on
// its time (transfer_senders_activity.sql). A sender with a transfer in both still has all
// four probes; TransfersThatLeftTheMinuteOrTheDayCountNoMore checks the counts either way.
TEST_F(TransferBatch, ASenderQuietSinceBeforeTheMinuteAndTheDayHasOnlyItsLatestTransferLookedUp) {
  const std::string quiet = server().create_member(member_uuid(1), "NN-1");
  const std::string busy = server().create_member(member_uuid(2), "NN-2");
  server().fund(quiet, 1000);
  server().fund(busy, 1000);
  auto connection = server().connect();
  const auto& rules = server().app().rules().config();
  const auto from_quiet = command(quiet, "NN-2", 10, "quiet-1");
  const auto from_busy = command(busy, "NN-1", 10, "busy-1");
  ASSERT_EQ(code(server::ledger::book_transfers(connection, rules, {&from_quiet}).at(0)), "booked");
  ASSERT_EQ(code(server::ledger::book_transfers(connection, rules, {&from_busy}).at(0)), "booked");
  age_transfers(connection, "2 days", "from_member_id = '" + quiet + "'");
  // On the plan the batch cached on this connection; the day began an hour ago.
  const auto probes_not_run = [&](const std::string& sender) {
    const auto rows = connection.exec(
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE transfer_senders_activity('{" + sender +
        "}', ARRAY[now() - interval '1 hour'])");
    std::string plan;
    for (int row = 0; row < rows.size(); ++row) plan.append(rows.text(row, 0)).append("\n");
    int never = 0;
    for (auto at = plan.find("(never executed)"); at != std::string::npos; at = plan.find("(never executed)", at + 1)) ++never;
    return std::pair{never, plan};
  };
  const auto [quiet_skipped, quiet_plan] = probes_not_run(quiet);
  EXPECT_EQ(quiet_skipped, 3) << quiet_plan;
  const auto [busy_skipped, busy_plan] = probes_not_run(busy);
  EXPECT_EQ(busy_skipped, 0) << busy_plan;
}

// The booking statement fails unless it booked what it was told ($21 transfers) from arrays of
// $21 each: the batch sends its COMMIT in the same round trip, so the server cannot check the
// counts before it. (It reads element i of every array for the subscripts of the first, so a
// longer array would otherwise lose its extra elements without a word.)
TEST_F(TransferBatch, TheBookingStatementRefusesToBookOtherThanItWasToldAndTheCommitDoesNotRun) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 1000);
  auto connection = server().connect();
  const auto wallet = [&](const std::string& member) {
    return connection.exec("SELECT id, entry_count, balance_cents FROM wallets WHERE member_id = '" + member + "'");
  };
  const auto from = wallet(a);
  const auto to = wallet(b);
  const auto book = [&](std::int64_t told, const std::string& notes = "{NULL}") {
    server::db::Params p;
    p.add("{1}").add("{" + a + "}").add("{" + b + "}").add("{100}").add("{MXN}").add(notes).add("{1}").add("{100}");
    p.add("{0}").add("{" + std::string(from.text(0, 0)) + "}").add("{" + std::string(to.text(0, 0)) + "}");
    p.add("{" + std::to_string(from.int64(0, 1) + 1) + "}").add("{" + std::string(from.text(0, 2)) + "}");
    p.add("{" + std::to_string(to.int64(0, 1) + 1) + "}").add("{" + std::string(to.text(0, 2)) + "}");
    p.add("{book-1}").add("{req-1}");
    p.add("{" + std::string(from.text(0, 0)) + "," + std::string(to.text(0, 0)) + "}");
    p.add("{" + std::to_string(from.int64(0, 2) - 100) + "," + std::to_string(to.int64(0, 2) + 100) + "}");
    p.add("{" + std::to_string(from.int64(0, 1) + 1) + "," + std::to_string(to.int64(0, 1) + 1) + "}");
    p.add(told);
    p.add("{" + a + "}").add("{hash-1}").add("{\"{}\"}");
    return connection.run_pipelined({server::db::Call{{}, "BEGIN", {}},
                                     server::db::Call{server::sql::transfers_book.name, server::sql::transfers_book.text, p},
                                     server::db::Call{{}, "COMMIT", {}}});
  };
  // Each refused in the booking statement itself, and the COMMIT behind it never ran.
  const auto expect_refused = [&](const std::string& attempt, const auto& booking) {
    try {
      booking();
      ADD_FAILURE() << attempt << " must fail";
    } catch (const server::db::DbError& error) {
      EXPECT_EQ(error.sqlstate(), "XX000") << attempt;
      EXPECT_NE(std::string(error.what()).find("booked other than it was worked out"), std::string::npos) << error.what();
    }
    connection.exec("ROLLBACK");
  };
  expect_refused("booking one transfer when told two", [&] { book(2); });
  expect_refused("booking one transfer from a note array of two", [&] { book(1, "{NULL,\"a second note\"}"); });
  EXPECT_EQ(sql_int("SELECT count(*) FROM transfers"), 0);
  EXPECT_EQ(sql_int("SELECT count(*) FROM idempotency_keys WHERE key = 'book-1'"), 0);
  EXPECT_EQ(balance(a), 1000);
  book(1);  // the same batch, told right
  EXPECT_EQ(sql_int("SELECT count(*) FROM transfers"), 1);
  EXPECT_EQ(sql_int("SELECT count(*) FROM idempotency_keys WHERE key = 'book-1' AND request_hash = 'hash-1' AND status_code = 201"), 1);
  EXPECT_EQ(balance(a), 900);
  EXPECT_EQ(balance(b), 100);
}

}  // namespace
}  // namespace nnw::test_server
