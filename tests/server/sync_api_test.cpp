// Sync pull against a real PostgreSQL: snapshot, changes after a cursor, paging, and the
// ordering guarantee (a change committed late by a transaction that began earlier is never
// passed over).
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>
#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "test_server.hpp"

namespace nnw::test_server {
namespace {

class SyncApi : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    a = server().create_member(member_uuid(1), "NN-1");
    b = server().create_member(member_uuid(2), "NN-2");
    server().fund(b, 100000);
  }
  boost::json::value pull(const std::string& who, const std::string& query = {}) {
    const auto result = server().call({"GET", "/v1/sync" + query, "", member_token(who), {}, {}});
    EXPECT_EQ(result.status, 200) << result.body;
    return result.json();
  }
  HttpResult transfer(const std::string& from, const std::string& to_number, std::int64_t cents, const std::string& key) {
    return server().call({"POST", "/v1/transfers", R"({"to_member_number":")" + to_number + R"(","amount_cents":)" +
                                                       std::to_string(cents) + "}",
                          member_token(from), key, {}});
  }
  // The positions (xid, id) of every change for `who` and for everyone: rows of member_changes,
  // and the entries of who's wallet (migration 0022), as a subquery.
  static std::string changes_of(const std::string& who) {
    return "(SELECT xid, id FROM member_changes WHERE member_id = '" + who + "' OR member_id IS NULL "
           "UNION ALL SELECT e.change_xid, e.change_id FROM wallet_entries e JOIN wallets w ON w.id = e.wallet_id "
           "WHERE w.member_id = '" + who + "') changes";
  }
  // A client in step: snapshot, then pulls until nothing is left. (A snapshot's cursor may
  // repeat changes the snapshot already showed — transaction ids are cluster-wide, and other
  // databases' transactions can hold the horizon back — which clients apply harmlessly.)
  std::string in_step(const std::string& who) {
    // Every change written so far for this member (or everyone) is behind the cursor once the
    // cursor's transaction id passes theirs.
    const auto last = server().connect().exec("SELECT coalesce(max(xid::text::numeric), 0)::text FROM " + changes_of(who));
    const auto newest = std::stoull(std::string(last.text(0, 0)));
    std::string cursor = cursor_of(pull(who));
    for (int i = 0; i < 200; ++i) {
      const auto p = pull(who, "?cursor=" + cursor);
      cursor = cursor_of(p);
      if (p.at("changes").as_array().empty()) {
        if (std::stoull(cursor.substr(0, cursor.find('.'))) > newest) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    return cursor;
  }
  // Pulls from `cursor` until `wanted` changes have come (or 10 s pass), as a client does
  // after a poke: a change becomes servable once every transaction older than it has ended,
  // cluster-wide (the tests' other databases share the cluster), usually within milliseconds.
  std::vector<boost::json::value> pull_until(const std::string& who, std::string& cursor, std::size_t wanted,
                                             const std::string& limit = {}) {
    std::vector<boost::json::value> changes;
    for (int i = 0; i < 200 && changes.size() < wanted; ++i) {
      const auto p = pull(who, "?cursor=" + cursor + limit);
      for (const auto& c : p.at("changes").as_array()) changes.push_back(c);
      cursor = cursor_of(p);
      if (p.at("changes").as_array().empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return changes;
  }
  static std::vector<std::string> kinds_of(const std::vector<boost::json::value>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes) out.emplace_back(c.at("kind").as_string());
    return out;
  }
  static std::string cursor_of(const boost::json::value& v) { return std::string(v.at("cursor").as_string()); }

  std::string a, b;
};

TEST_F(SyncApi, SnapshotThenOnlyWhatChangedAfterIt) {
  const auto first = pull(b);
  ASSERT_TRUE(first.at("snapshot").is_object());
  EXPECT_EQ(first.at("snapshot").at("wallet").at("balance_cents").as_int64(), 100000);
  EXPECT_EQ(first.at("snapshot").at("rules_version"), server().app().rules().version().c_str());
  const std::string cursor = in_step(b);

  const std::string cursor_a = in_step(a);
  ASSERT_EQ(transfer(b, "NN-1", 2500, "t-1").status, 201);
  std::string next = cursor;
  const auto after = pull_until(b, next, 1);
  ASSERT_EQ(kinds_of(after), std::vector<std::string>{"WALLET_ENTRY"});
  const auto& entry = after.at(0).at("payload");
  EXPECT_EQ(entry.at("type"), "TRANSFER_OUT");
  EXPECT_EQ(entry.at("balance_after_cents").as_int64(), 97500);
  // The recipient's change is the recipient's, not the sender's.
  std::string next_a = cursor_a;
  const auto recipient = pull_until(a, next_a, 1);
  ASSERT_EQ(kinds_of(recipient), std::vector<std::string>{"WALLET_ENTRY"});
  EXPECT_EQ(recipient.at(0).at("payload").at("type"), "TRANSFER_IN");
  const auto after_doc = pull(b, "?cursor=" + next);
  EXPECT_TRUE(after_doc.at("snapshot").is_null());
  // A new snapshot names the newest entry it counts: the client skips that entry if pulled again.
  const auto again = pull(b);
  EXPECT_EQ(again.at("snapshot").at("wallet").at("last_entry_id"), entry.at("entry_id"));
  EXPECT_EQ(again.at("snapshot").at("wallet").at("balance_cents").as_int64(), 97500);

  // Nothing new: no changes, and the cursor does not go back.
  const auto quiet = pull(b, "?cursor=" + next);
  EXPECT_TRUE(quiet.at("changes").as_array().empty());
  EXPECT_FALSE(quiet.at("has_more").as_bool());
  // Transaction ids are cluster-wide: other databases' work may move the horizon on, never back.
  const auto xid = [](const std::string& c) { return std::stoull(c.substr(0, c.find('.'))); };
  EXPECT_GE(xid(cursor_of(quiet)), xid(next));
}

TEST_F(SyncApi, AChangeCommittedLateByAnEarlierTransactionIsNotPassedOver) {
  const std::string cursor = in_step(b);
  // An earlier transaction writes a change for b and stays open…
  auto slow = server().connect();
  slow.exec("BEGIN");
  slow.exec("SELECT record_member_change('" + b + "', 'ORDER', '{\"order_id\":\"slow\"}')");
  // …while a later one commits (its change has a larger id).
  ASSERT_EQ(transfer(b, "NN-1", 100, "t-1").status, 201);
  const auto while_open = pull(b, "?cursor=" + cursor);
  EXPECT_TRUE(while_open.at("changes").as_array().empty()) << "nothing is settled past the open transaction";
  slow.exec("COMMIT");
  // The client goes on from the cursor it was given: both changes come, in commit-safe order.
  std::string next = cursor_of(while_open);
  EXPECT_EQ(kinds_of(pull_until(b, next, 2)), (std::vector<std::string>{"ORDER", "WALLET_ENTRY"}));
}

// Changes commit while the client pulls, many of them between any two statements a pull
// could make: the cursor must never pass one that its page did not carry. (A pull that read
// its horizon in a second statement moved the cursor past a change committed in between; the
// convergence test saw one client keep the old catalog that way.)
TEST_F(SyncApi, NoChangeIsPassedOverWhileOthersCommitDuringEveryPull) {
  std::string cursor = in_step(a);
  const auto newest_id = [&] {
    return std::stoll(std::string(server().connect().exec("SELECT coalesce(max(id), 0)::text FROM member_changes").text(0, 0)));
  };
  const std::int64_t before = newest_id();
  std::atomic<bool> writing{true};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t) {
    writers.emplace_back([&, t] {
      auto db = server().connect();
      for (int i = 0; writing.load(); ++i) {
        db.exec("SELECT record_member_change('" + a + "', 'LOYALTY', '{\"writer\":" + std::to_string(t) +
                ",\"n\":" + std::to_string(i) + "}')");
      }
    });
  }
  // And wallet entries, which are changes of their own (migration 0022) at positions drawn
  // from the same sequence: commissions deposited to a, one per deposit job run.
  writers.emplace_back([&] {
    while (writing.load()) server().fund(a, 1);
  });
  std::set<std::int64_t> delivered;
  const auto take = [&](const boost::json::value& p) {
    for (const auto& c : p.at("changes").as_array()) delivered.insert(c.at("id").as_int64());
    cursor = cursor_of(p);
  };
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  int pulls = 0;
  while (std::chrono::steady_clock::now() < until) {
    take(pull(a, "?cursor=" + cursor));
    ++pulls;
  }
  writing = false;
  for (auto& w : writers) w.join();
  const auto written =
      server().connect().exec("SELECT id FROM " + changes_of(a) + " WHERE id > " + std::to_string(before) + " ORDER BY id");
  ASSERT_GT(written.size(), 100) << "the writers committed while the pulls ran";
  const auto entries_written = server().connect().exec(
      "SELECT count(*) FROM wallet_entries e JOIN wallets w ON w.id = e.wallet_id WHERE w.member_id = '" + a +
      "' AND e.change_id > " + std::to_string(before));
  ASSERT_GT(entries_written.int64(0, 0), 3) << "wallet entries were written among the other changes";
  const std::int64_t last_written = written.int64(written.size() - 1, 0);
  // Settle: pull until every written change could have come.
  for (int i = 0; i < 200 && (delivered.empty() || *delivered.rbegin() < last_written); ++i) {
    take(pull(a, "?cursor=" + cursor));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  std::vector<std::int64_t> missing;
  for (int i = 0; i < written.size(); ++i) {
    if (!delivered.contains(written.int64(i, 0))) missing.push_back(written.int64(i, 0));
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " of " << written.size() << " changes never came, over " << pulls
                               << " pulls; first missing id " << (missing.empty() ? 0 : missing.front());
}

TEST_F(SyncApi, PagesAreBoundedAndContinueFromTheCursor) {
  const std::string start = in_step(b);
  for (int i = 1; i <= 3; ++i) ASSERT_EQ(transfer(b, "NN-1", 100, "t-" + std::to_string(i)).status, 201);
  std::string cursor = start;
  std::vector<std::int64_t> balances;
  for (const auto& c : pull_until(b, cursor, 3, "&limit=1")) balances.push_back(c.at("payload").at("balance_after_cents").as_int64());
  EXPECT_EQ(balances, (std::vector<std::int64_t>{99900, 99800, 99700}));
}

TEST_F(SyncApi, ARefusedWriteLeavesNoChange_TheCatalogIsOneChangeForEveryone) {
  const std::string cursor = in_step(a);
  EXPECT_EQ(transfer(a, "NN-2", 999999, "too-much").status, 409);  // a has no money
  const auto csv = "sku,name,category,kit,pv,active,price_MXN\nNN-A,A,SUPLEMENTOS,NONE,1,true,1.00\nNN-B,B,SUPLEMENTOS,NONE,1,true,2.00\n";
  ASSERT_EQ(server().call({"PUT", "/v1/admin/catalog", csv, admin_token(), "catalog-1", {}}).status, 200);
  std::string next = cursor;
  const auto changes = pull_until(a, next, 1);
  ASSERT_EQ(kinds_of(changes), std::vector<std::string>{"CATALOG"});
  EXPECT_EQ(changes.at(0).at("scope"), "everyone");
  EXPECT_TRUE(pull(a, "?cursor=" + next).at("changes").as_array().empty());
}

TEST_F(SyncApi, MalformedOrForeignCursorsGetASnapshot_BadLimitsA400) {
  for (const char* query : {"?cursor=nonsense", "?cursor=12", "?cursor=999999999999.0", "?cursor=.5"}) {
    const auto result = pull(b, query);
    EXPECT_TRUE(result.at("snapshot").is_object()) << query;
  }
  for (const char* query : {"?limit=0", "?limit=1001", "?limit=x"}) {
    const auto result = server().call({"GET", std::string("/v1/sync") + query, "", member_token(b), {}, {}});
    EXPECT_EQ(result.status, 400) << query;
  }
  EXPECT_EQ(server().call({"GET", "/v1/sync", "", admin_token(), {}, {}}).status, 403);
  EXPECT_EQ(server().call({"GET", "/v1/sync", "", "", {}, {}}).status, 401);
}

// A WebSocket client of GET /v1/sync/ws on one instance.
class PokeClient {
 public:
  PokeClient(unsigned short port, const std::string& token) : ws_(io_) {
    ws_.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), port});
    ws_.handshake("127.0.0.1", "/v1/sync/ws?access_token=" + token);
  }
  ~PokeClient() {
    boost::beast::error_code ignored;
    ws_.next_layer().close(ignored);
  }
  // The next message, or "" when none comes within the wait.
  std::string next(std::chrono::milliseconds wait) {
    auto message = std::async(std::launch::async, [this] {
      boost::beast::flat_buffer buffer;
      boost::beast::error_code error;
      ws_.read(buffer, error);
      return error ? std::string() : boost::beast::buffers_to_string(buffer.data());
    });
    if (message.wait_for(wait) != std::future_status::ready) {
      boost::beast::error_code ignored;
      ws_.next_layer().close(ignored);  // unblocks the read
      message.wait();
      return {};
    }
    return message.get();
  }

 private:
  boost::asio::io_context io_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
};

TEST_F(SyncApi, ACommitThroughOneInstancePokesClientsOfAnother) {
  TestServer second(server().database_url());  // a second instance on the same database
  PokeClient client(second.port(), member_token(a));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the session subscribes after the handshake
  const std::string cursor = in_step(a);
  ASSERT_EQ(transfer(b, "NN-1", 100, "t-1").status, 201);  // through the first instance, credits a
  const auto poke = boost::json::parse(client.next(std::chrono::seconds(5)));
  EXPECT_EQ(poke.at("type"), "changes");
  EXPECT_EQ(poke.at("scope"), "member");
  // The poke names the transaction: pulling until the cursor has passed it brings the change.
  const std::uint64_t poked_xid = std::stoull(std::string(poke.at("xid").as_string()));
  std::string next = cursor;
  const auto credited = pull_until(a, next, 1);
  ASSERT_EQ(kinds_of(credited), std::vector<std::string>{"WALLET_ENTRY"});
  EXPECT_GT(std::stoull(next.substr(0, next.find('.'))), poked_xid);
  const auto written = server().connect().exec("SELECT change_xid::text FROM wallet_entries WHERE change_id = " +
                                               std::to_string(credited.at(0).at("id").as_int64()));
  const std::uint64_t transfer_xid = std::stoull(std::string(written.text(0, 0)));
  EXPECT_EQ(poked_xid, transfer_xid);

  const auto csv = "sku,name,category,kit,pv,active,price_MXN\nNN-A,A,SUPLEMENTOS,NONE,1,true,1.00\n";
  ASSERT_EQ(server().call({"PUT", "/v1/admin/catalog", csv, admin_token(), "catalog-1", {}}).status, 200);
  const auto everyone = boost::json::parse(client.next(std::chrono::seconds(5)));
  EXPECT_EQ(everyone.at("scope"), "everyone");
  EXPECT_GT(std::stoull(std::string(everyone.at("xid").as_string())), poked_xid);
}

// A wallet entry is its own change (migration 0022): its position is its change_id, in the
// sequence member_changes draws from, no row of member_changes is written for it, and its
// payload is built from it field for field. Rows of member_changes written before then are
// still served: naming their entry (0019), or carrying their payload, as stored. Each such row
// holds exactly one of the two, and only a WALLET_ENTRY row may name an entry.
TEST_F(SyncApi, AWalletEntryIsItsOwnChange_AndOlderEntryRowsAreServedAsStored) {
  std::string cursor = in_step(b);
  ASSERT_EQ(transfer(b, "NN-1", 2500, "t-1").status, 201);
  const auto changes = pull_until(b, cursor, 1);
  ASSERT_EQ(kinds_of(changes), std::vector<std::string>{"WALLET_ENTRY"});
  const auto& payload = changes.at(0).at("payload").as_object();
  auto c = server().connect();
  const auto row = c.exec(
      "SELECT e.id, e.type, e.amount_cents, e.balance_after_cents, e.currency, e.transfer_id, "
      "to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
      "(SELECT count(*) FROM member_changes c WHERE c.entry_id = e.id) "
      "FROM wallet_entries e WHERE e.change_id = " + std::to_string(changes.at(0).at("id").as_int64()));
  ASSERT_EQ(row.size(), 1);
  EXPECT_EQ(row.int64(0, 7), 0);  // no row of member_changes
  EXPECT_EQ(payload.at("entry_id").as_int64(), row.int64(0, 0));
  EXPECT_EQ(payload.at("type").as_string(), row.text(0, 1));
  EXPECT_EQ(payload.at("amount_cents").as_int64(), row.int64(0, 2));
  EXPECT_EQ(payload.at("amount_cents").as_int64(), -2500);
  EXPECT_EQ(payload.at("balance_after_cents").as_int64(), row.int64(0, 3));
  EXPECT_EQ(payload.at("currency").as_string(), row.text(0, 4));
  EXPECT_EQ(payload.at("transfer_id").as_int64(), row.int64(0, 5));
  EXPECT_EQ(payload.at("created_at").as_string(), row.text(0, 6));
  EXPECT_TRUE(payload.at("order_id").is_null());
  EXPECT_TRUE(payload.at("withdrawal_id").is_null());
  EXPECT_EQ(payload.size(), 9U);
  // The database holds every new entry to a position, whoever writes it.
  try {
    c.exec("INSERT INTO wallet_entries (wallet_id, seq, type, amount_cents, balance_before_cents, "
           "balance_after_cents, currency, change_id) SELECT id, entry_count + 1, 'ADJUSTMENT_CREDIT', 1, "
           "balance_cents, balance_cents + 1, 'MXN', NULL FROM wallets WHERE member_id = '" + b + "'");
    ADD_FAILURE() << "an entry without a position was written";
  } catch (const server::db::DbError& e) {
    EXPECT_NE(std::string(e.what()).find("wallet_entries_in_the_sync_feed"), std::string::npos) << e.what();
  }

  // As rows written before 0022 were: one naming the transfer's entry (0019), one carrying its
  // payload (before 0019).
  c.exec("INSERT INTO member_changes (member_id, kind, entry_id) VALUES ('" + b + "', 'WALLET_ENTRY', " +
         std::to_string(row.int64(0, 0)) + ")");
  c.exec("INSERT INTO member_changes (member_id, kind, payload) VALUES ('" + b +
         "', 'WALLET_ENTRY', '{\"entry_id\": 1, \"type\": \"ADJUSTMENT_CREDIT\", \"stored\": true}')");
  const auto older = pull_until(b, cursor, 2);
  ASSERT_EQ(kinds_of(older), (std::vector<std::string>{"WALLET_ENTRY", "WALLET_ENTRY"}));
  EXPECT_EQ(older.at(0).at("payload"), changes.at(0).at("payload"));
  EXPECT_EQ(older.at(1).at("payload").at("stored"), true);
  EXPECT_EQ(older.at(1).at("payload").at("type"), "ADJUSTMENT_CREDIT");

  const auto refused = [&](const std::string& values) {
    try {
      c.exec("INSERT INTO member_changes (member_id, kind, payload, entry_id) VALUES ('" + b + "', " + values + ")");
      return false;
    } catch (const server::db::DbError& e) {
      return std::string(e.what()).find("member_changes_payload_or_entry") != std::string::npos;
    }
  };
  EXPECT_TRUE(refused("'WALLET_ENTRY', NULL, NULL"));        // neither
  EXPECT_TRUE(refused("'WALLET_ENTRY', '{}', 1"));           // both
  EXPECT_TRUE(refused("'ORDER', NULL, 1"));                  // another kind naming an entry
  const auto count = c.exec("SELECT count(*) FROM member_changes WHERE member_id = '" + b + "' AND kind = 'WALLET_ENTRY'");
  EXPECT_EQ(count.int64(0, 0), 2);  // the two inserted above: nothing refused was written
}

// The two kinds of change, entries and rows of member_changes, come in one order, the order
// their transactions committed in here, and pages of any size split them anywhere.
TEST_F(SyncApi, EntriesAndOtherChangesComeInOneOrderInPagesOfAnySize) {
  const std::string start = in_step(b);
  std::vector<std::string> expected;
  auto db = server().connect();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_EQ(transfer(b, "NN-1", 100, "t-" + std::to_string(i)).status, 201);
    db.exec("SELECT record_member_change('" + b + "', 'LOYALTY', '{\"n\":" + std::to_string(i) + "}')");
    expected.insert(expected.end(), {"WALLET_ENTRY:" + std::to_string(100000 - 100 * i), "LOYALTY:" + std::to_string(i)});
  }
  for (const char* limit : {"&limit=1", "&limit=2", "&limit=4", ""}) {
    std::string cursor = start;
    std::vector<std::string> got;
    std::int64_t last_id = 0;
    for (const auto& c : pull_until(b, cursor, expected.size(), limit)) {
      const auto& p = c.at("payload");
      got.push_back(std::string(c.at("kind").as_string()) + ":" +
                    std::to_string(p.as_object().contains("n") ? p.at("n").as_int64() : p.at("balance_after_cents").as_int64()));
      // One sequence for both kinds, and these transactions ran one after another.
      EXPECT_GT(c.at("id").as_int64(), last_id) << "every change has a position of its own, later than the last";
      last_id = c.at("id").as_int64();
    }
    EXPECT_EQ(got, expected) << "limit " << limit;
  }
}

TEST_F(SyncApi, ThePokeSocketWantsAMembersToken) {
  EXPECT_THROW(PokeClient(server().port(), ""), boost::system::system_error);
  EXPECT_THROW(PokeClient(server().port(), admin_token()), boost::system::system_error);
  EXPECT_NO_THROW(PokeClient(server().port(), member_token(a)));
}

}  // namespace
}  // namespace nnw::test_server
