// The database's own guarantees, tested with SQL that bypasses the server.
#include <algorithm>
#include <string>
#include <vector>

#include "db/migrations.hpp"
#include "ledger/commissions.hpp"
#include "nnw/server/sql.hpp"
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

class LedgerGuards : public ServerTest {};

TEST_F(LedgerGuards, EntriesRefuseUpdateDeleteAndTruncate) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 10000);
  auto c = server().connect();
  EXPECT_THROW(c.exec("UPDATE wallet_entries SET amount_cents = 1"), server::db::DbError);
  EXPECT_THROW(c.exec("DELETE FROM wallet_entries"), server::db::DbError);
  EXPECT_THROW(c.exec("TRUNCATE wallet_entries"), server::db::DbError);
  EXPECT_EQ(c.exec("SELECT count(*) FROM wallet_entries").int64(0, 0), 1);
}

TEST_F(LedgerGuards, BalanceIsNeverNegative_EvenBySql) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto c = server().connect();
  EXPECT_THROW(c.exec("UPDATE wallets SET balance_cents = -1"), server::db::DbError);
}

// The error a statement raised, or "" when it went through.
std::string refusal(server::db::Connection& c, const std::string& sql) {
  try {
    c.exec(sql);
    return "";
  } catch (const server::db::DbError& e) {
    return e.what();
  }
}

// Whether the refusal names what it should.
testing::AssertionResult mentions(const std::string& refusal, std::string_view text) {
  if (refusal.find(text) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "refusal \"" << refusal << "\" does not mention \"" << text << "\"";
}

constexpr std::string_view kEntryColumns =
    "INSERT INTO wallet_entries (wallet_id, seq, type, amount_cents, balance_before_cents, balance_after_cents, currency) ";

TEST_F(LedgerGuards, AWalletBalanceThatDisagreesWithItsEntries_IsRefusedByItsStatement) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 10000);
  auto c = server().connect();
  EXPECT_TRUE(mentions(refusal(c, "UPDATE wallets SET balance_cents = balance_cents + 1"), "balance 10001 differs from its last entry (10000)"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE wallets SET entry_count = 2"), "differs from its last entry"));
  // A statement may not leave the wallet behind its entries for a later one to mend.
  EXPECT_TRUE(mentions(refusal(c, "BEGIN; UPDATE wallets SET balance_cents = 10005, entry_count = 2; " + std::string(kEntryColumns) +
                             "SELECT id, 2, 'ADJUSTMENT_CREDIT', 5, 10000, 10005, 'MXN' FROM wallets; COMMIT"), "differs from its last entry"));
  c.exec("ROLLBACK");
  // Nor an entry booked without moving its wallet.
  EXPECT_TRUE(mentions(refusal(c, std::string(kEntryColumns) + "SELECT id, 2, 'ADJUSTMENT_CREDIT', 5, 10000, 10005, 'MXN' FROM wallets"),
                       "has entry_count 1 but its entries reach seq 2"));
  EXPECT_EQ(balance(a), 10000);
  EXPECT_EQ(c.exec("SELECT count(*) FROM wallet_entries").int64(0, 0), 1);
}

TEST_F(LedgerGuards, AnEntryThatDoesNotContinueItsChain_IsRefused) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 10000);
  auto c = server().connect();
  const auto moved = [&](const std::string& entries) {
    return "WITH e AS (" + std::string(kEntryColumns) + entries +
           " RETURNING wallet_id, seq, balance_after_cents) "
           "UPDATE wallets w SET balance_cents = e.balance_after_cents, entry_count = e.seq "
           "FROM (SELECT DISTINCT ON (wallet_id) * FROM e ORDER BY wallet_id, seq DESC) e WHERE w.id = e.wallet_id";
  };
  EXPECT_TRUE(mentions(refusal(c, moved("SELECT id, 2, 'ADJUSTMENT_CREDIT', 5, 7, 12, 'MXN' FROM wallets")), "entry seq 2 starts at 7 but the previous entry ended at 10000"));
  EXPECT_TRUE(mentions(refusal(c, moved("SELECT id, 3, 'ADJUSTMENT_CREDIT', 5, 10000, 10005, 'MXN' FROM wallets")), "entry seq 3 has no predecessor"));
  EXPECT_EQ(balance(a), 10000);
  // A statement may append several entries to a wallet, checked after all of them, but their
  // ids must rise with seq (0023): here seq 4 is inserted first and gets the lowest id.
  const auto three = [&](const std::string& seqs) {
    return moved("SELECT id, s, 'ADJUSTMENT_CREDIT', 5, 10000 + 5 * (s - 2), 10000 + 5 * (s - 1), 'MXN' "
                 "FROM wallets, (VALUES " + seqs + ") AS v(s, o) ORDER BY o");
  };
  const std::int64_t first_id = c.exec("SELECT max(id) FROM wallet_entries").int64(0, 0);
  const std::string behind = refusal(c, three("(4, 1), (2, 2), (3, 3)"));
  EXPECT_TRUE(mentions(behind, "entry seq 4 has id")) << behind;
  EXPECT_TRUE(mentions(behind, "not above the previous entry's"));
  EXPECT_EQ(balance(a), 10000);
  EXPECT_EQ(refusal(c, three("(2, 1), (3, 2), (4, 3)")), "");
  EXPECT_EQ(balance(a), 10015);
  const auto ids = c.exec("SELECT id FROM wallet_entries WHERE id > " + std::to_string(first_id) + " ORDER BY seq");
  ASSERT_EQ(ids.size(), 3);
  EXPECT_LT(ids.int64(0, 0), ids.int64(1, 0));
  EXPECT_LT(ids.int64(1, 0), ids.int64(2, 0));
}

// The chain check, once per statement, stands in for a foreign key on the entries' wallet (0018).
TEST_F(LedgerGuards, EntriesOfAWalletThatDoesNotExistAreRefused_AndWalletsAreNeverRemoved) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 10000);
  auto c = server().connect();
  const std::int64_t missing = c.exec("SELECT max(id) + 1000 FROM wallets").int64(0, 0);
  EXPECT_TRUE(mentions(refusal(c, std::string(kEntryColumns) + "VALUES (" + std::to_string(missing) + ", 1, 'ADJUSTMENT_CREDIT', 5, 0, 5, 'MXN')"),
                       "entries name wallet " + std::to_string(missing) + ", which does not exist"));
  EXPECT_TRUE(mentions(refusal(c, "DELETE FROM wallets"), "wallets are never removed or renumbered: DELETE refused"));
  EXPECT_TRUE(mentions(refusal(c, "TRUNCATE wallets"), "TRUNCATE refused"));
  // id is an identity column: DEFAULT is the one value an UPDATE may give it.
  EXPECT_TRUE(mentions(refusal(c, "UPDATE wallets SET id = DEFAULT"), "UPDATE refused"));
  EXPECT_EQ(c.exec("SELECT count(*) FROM wallet_entries").int64(0, 0), 1);
  EXPECT_EQ(balance(a), 10000);
}

// A transfer's members are checked once per statement (migration 0021), not by foreign keys:
// a statement naming a member who does not exist is refused whole, as a key refused it.
TEST_F(LedgerGuards, TransfersNamingAMemberWhoDoesNotExistAreRefused) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  const std::string nobody = member_uuid(404);
  auto c = server().connect();
  const auto insert = [&](const std::string& values) {
    return "INSERT INTO transfers (from_member_id, to_member_id, amount_cents, currency, sender_seq, sender_total_cents) VALUES " + values;
  };
  const auto row = [](const std::string& from, const std::string& to, int seq) {
    return "('" + from + "', '" + to + "', 1, 'MXN', " + std::to_string(seq) + ", " + std::to_string(seq) + ")";
  };
  EXPECT_TRUE(mentions(refusal(c, insert(row(a, nobody, 1))), "transfers name member " + nobody + ", who does not exist"));
  EXPECT_TRUE(mentions(refusal(c, insert(row(nobody, b, 1))), "transfers name member " + nobody + ", who does not exist"));
  // One good row and one bad: the statement books neither.
  EXPECT_TRUE(mentions(refusal(c, insert(row(a, b, 1) + ", " + row(b, nobody, 1))), "who does not exist"));
  EXPECT_EQ(c.exec("SELECT count(*) FROM transfers").int64(0, 0), 0);
  try {
    c.exec(insert(row(a, nobody, 1)));
    ADD_FAILURE() << "a transfer to nobody was inserted";
  } catch (const server::db::DbError& e) {
    EXPECT_EQ(e.sqlstate(), "23503");
  }
  // Two members who exist: the check lets the statement through.
  c.exec(insert(row(a, b, 1) + ", " + row(b, a, 1)));
  EXPECT_EQ(c.exec("SELECT count(*) FROM transfers").int64(0, 0), 2);
}

TEST_F(LedgerGuards, EntrySignsFollowTheirType) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto c = server().connect();
  EXPECT_TRUE(mentions(refusal(c, "WITH e AS (" + std::string(kEntryColumns) +
                             "SELECT id, 1, 'TRANSFER_OUT', 5, 0, 5, 'MXN' FROM wallets RETURNING wallet_id) "
                             "UPDATE wallets SET balance_cents = 5, entry_count = 1 WHERE id IN (SELECT wallet_id FROM e)"), "wallet_entries_check1"));
  EXPECT_EQ(c.exec("SELECT count(*) FROM wallet_entries").int64(0, 0), 0);
}

// A commission's row never changes; what is left to deposit is the queue, which fills itself
// whoever records the commission, and a commission is PAID once it has left it (0017).
TEST_F(LedgerGuards, CommissionsAreAppendOnlyAndQueueThemselvesForTheDeposit) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto c = server().connect();
  c.exec("INSERT INTO commissions (external_id, member_id, bonus_type, period, amount_cents, currency, source_amount_cents, "
         "source_currency, rate_micros) SELECT 'sql-' || g, '" + a + "', 'UNINIVEL', '2026-11', 100 * g, 'MXN', 100 * g, 'MXN', "
         "1000000 FROM generate_series(1, 3) g");
  EXPECT_EQ(c.exec("SELECT count(*) FROM commissions_pending").int64(0, 0), 3);
  EXPECT_EQ(c.exec("SELECT string_agg(status, ',' ORDER BY id) FROM commissions_with_status").text(0, 0), "PENDING,PENDING,PENDING");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE commissions SET amount_cents = 1"), "commissions is append-only"));
  EXPECT_TRUE(mentions(refusal(c, "DELETE FROM commissions"), "commissions is append-only"));
  EXPECT_TRUE(mentions(refusal(c, "TRUNCATE commissions CASCADE"), "commissions is append-only"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE commissions_pending SET commission_id = commission_id"), "commissions_pending rows are only added and deleted: UPDATE refused"));

  const auto report = server::ledger::deposit_pending_commissions(c, server().database_url(), 2, 2, 10);
  EXPECT_EQ(report.commissions, 3);
  EXPECT_EQ(report.batches, 2);
  EXPECT_EQ(c.exec("SELECT count(*) FROM commissions_pending").int64(0, 0), 0);
  EXPECT_EQ(c.exec("SELECT count(*) FROM commissions_with_status c JOIN wallet_entries e ON e.commission_id = c.id "
                   "WHERE c.status = 'PAID' AND c.paid_at = e.created_at AND e.amount_cents = c.amount_cents").int64(0, 0), 3);
  EXPECT_EQ(balance(a), 600);
}

// 0023 checks the entries written before it once: a wallet whose ids do not rise with its seq
// stops the migration. Its check, run here on a history made that way with the chain check
// switched off (all rolled back).
TEST_F(LedgerGuards, Migration0023RefusesAHistoryWhoseIdsDoNotRiseWithSeq) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 10000);
  std::string_view migration;
  for (const auto& m : server::sql::kMigrations) {
    if (m.version == 23) migration = m.text;
  }
  ASSERT_NE(migration.find("CREATE OR REPLACE FUNCTION"), std::string_view::npos);
  const std::string history_check(migration.substr(0, migration.find("CREATE OR REPLACE FUNCTION")));
  auto c = server().connect();
  EXPECT_EQ(refusal(c, history_check), "");
  c.exec("BEGIN");
  c.exec("ALTER TABLE wallet_entries DISABLE TRIGGER wallet_entries_chain");
  c.exec(std::string(kEntryColumns) + "SELECT id, s, 'ADJUSTMENT_CREDIT', 5, 10000 + 5 * (s - 2), 10000 + 5 * (s - 1), 'MXN' "
         "FROM wallets, (VALUES (3, 1), (2, 2)) AS v(s, o) ORDER BY o");
  const std::string refused = refusal(c, history_check);
  EXPECT_TRUE(mentions(refused, "entry seq 3 has id")) << refused;
  EXPECT_TRUE(mentions(refused, "its ids do not rise with seq"));
  c.exec("ROLLBACK");
  EXPECT_EQ(c.exec("SELECT count(*) FROM wallet_entries").int64(0, 0), 1);
  EXPECT_EQ(c.exec("SELECT tgenabled FROM pg_trigger WHERE tgname = 'wallet_entries_chain'").text(0, 0), "O");
}

// A transfer is history like its two entries (0024): its running count and total are what the
// limits read, so rewriting one would also move its sender's limits.
TEST_F(LedgerGuards, TransfersRefuseUpdateDeleteAndTruncate) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const std::string b = server().create_member(member_uuid(2), "NN-2");
  auto c = server().connect();
  c.exec("INSERT INTO transfers (from_member_id, to_member_id, amount_cents, currency, sender_seq, sender_total_cents) "
         "VALUES ('" + a + "', '" + b + "', 500, 'MXN', 1, 500)");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE transfers SET sender_total_cents = 0"), "transfers is append-only: UPDATE refused"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE transfers SET created_at = created_at - interval '1 day'"), "UPDATE refused"));
  EXPECT_TRUE(mentions(refusal(c, "DELETE FROM transfers"), "transfers is append-only: DELETE refused"));
  EXPECT_TRUE(mentions(refusal(c, "TRUNCATE transfers"), "transfers rows are never removed: TRUNCATE refused"));
  EXPECT_EQ(c.exec("SELECT count(*) FROM transfers WHERE amount_cents = 500 AND sender_total_cents = 500 "
                   "AND created_at > now() - interval '1 hour'").int64(0, 0), 1);
}

// A withdrawal's request never changes and it is decided once (0024): a paid one made pending
// again could be rejected, and its hold released a second time.
TEST_F(LedgerGuards, AWithdrawalKeepsItsRequestAndIsDecidedOnce) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto c = server().connect();
  const std::string id = std::to_string(
      c.exec("INSERT INTO withdrawals (member_id, amount_cents, currency, bank_details_sealed, key_id, bank_code, clabe_last4) "
             "VALUES ('" + a + "', 50000, 'MXN', 'sealed', 'k1', '002', '1234') RETURNING id").int64(0, 0));
  const std::string where = " WHERE id = " + id;
  EXPECT_TRUE(mentions(refusal(c, "UPDATE withdrawals SET amount_cents = 1" + where), "keeps its request as it was made"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE withdrawals SET bank_details_sealed = 'other'" + where), "keeps its request as it was made"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE withdrawals SET decided_by = 'admin'" + where), "is pending: it changes only by its decision"));
  const std::string pay = "UPDATE withdrawals SET status = 'PAGADO', bank_reference = 'REF-1', decided_by = 'admin', "
                          "decided_at = now()" + where;
  EXPECT_EQ(refusal(c, pay), "");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE withdrawals SET status = 'PENDIENTE', bank_reference = NULL, decided_at = NULL" + where),
                       "is PAGADO and was decided once: UPDATE refused"));
  EXPECT_TRUE(mentions(refusal(c, pay), "was decided once"));
  EXPECT_TRUE(mentions(refusal(c, "DELETE FROM withdrawals"), "withdrawals are never removed: DELETE refused"));
  EXPECT_EQ(c.exec("SELECT count(*) FROM withdrawals WHERE status = 'PAGADO' AND amount_cents = 50000 AND bank_reference = 'REF-1'")
                .int64(0, 0), 1);
}

// An order changes once, CONFIRMED to CANCELLED (0024): what it cost and how it was paid stay.
// A confirmed order of $100.00 paid outside the wallet, written by SQL; returns its id.
std::string insert_order(server::db::Connection& c, const std::string& member, const std::string& key) {
  return std::string(
      c.exec("INSERT INTO orders (member_id, market, currency, period, cart_pv, subtotal_cents, discount_cents, "
             "shipping_cents, total_cents, wallet_cents, external_cents, cashback_spend, rules_version, catalog_version, "
             "preview, idempotency_key, placed_at) VALUES ('" + member + "', 'MX', 'MXN', '2026-12', 100, 10000, 0, 0, "
             "10000, 0, 10000, 'NONE', 'v1', 1, '{}', '" + key + "', now()) RETURNING id").text(0, 0));
}

TEST_F(LedgerGuards, AnOrderIsCancelledOnceAndKeepsWhatItCost) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto c = server().connect();
  insert_order(c, a, "k");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE orders SET wallet_cents = 10000, external_cents = 0"), "only CONFIRMED → CANCELLED is allowed"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE orders SET status = 'CANCELLED', cancelled_at = now(), cart_pv = 0"), "UPDATE refused"));
  EXPECT_EQ(refusal(c, "UPDATE orders SET status = 'CANCELLED', cancelled_at = now()"), "");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE orders SET status = 'CONFIRMED', cancelled_at = NULL"), "UPDATE refused"));
  EXPECT_TRUE(mentions(refusal(c, "DELETE FROM orders"), "DELETE refused"));
  EXPECT_EQ(c.exec("SELECT count(*) FROM orders WHERE status = 'CANCELLED' AND cart_pv = 100 AND wallet_cents = 0").int64(0, 0), 1);
}

// A key's claim takes its response once; after that a replay gets it unchanged, forever (0024).
TEST_F(LedgerGuards, AnIdempotencyKeyTakesItsResponseOnceAndKeepsIt) {
  auto c = server().connect();
  c.exec("INSERT INTO idempotency_keys (principal, key, request_hash, status_code, response_body) VALUES "
         "('p', 'claimed', 'h1', 0, ''), ('p', 'other', 'h2', 0, '')");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE idempotency_keys SET request_hash = 'h3', status_code = 201 WHERE key = 'other'"),
                       "keep their stored response and are never removed: UPDATE refused"));
  EXPECT_EQ(refusal(c, "UPDATE idempotency_keys SET status_code = 201, response_body = '{\"first\":true}' WHERE key = 'claimed'"), "");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE idempotency_keys SET response_body = '{\"second\":true}' WHERE key = 'claimed'"),
                       "UPDATE refused"));
  EXPECT_TRUE(mentions(refusal(c, "DELETE FROM idempotency_keys WHERE key = 'claimed'"), "DELETE refused"));
  EXPECT_EQ(c.exec("SELECT response_body FROM idempotency_keys WHERE key = 'claimed' AND status_code = 201").text(0, 0),
            R"({"first":true})");
}

// A cashback moves only as checkout and the expiry job move it (0025): its value, member and
// month never change, EXPIRED and REVOKED are final, and a discount spent on another order stands.
TEST_F(LedgerGuards, ACashbackMovesOnlyAsItsRulesMoveIt) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto c = server().connect();
  const std::string crossing = insert_order(c, a, "crossing");
  const std::string later = insert_order(c, a, "later");
  const auto insert = [&](const std::string& period) {
    return std::to_string(c.exec(
        "INSERT INTO cashbacks (member_id, period, currency, value_cents, status, generated_by_order, expires_at, "
        "rules_version, created_at, updated_at) VALUES ('" + a + "', '" + period + "', 'MXN', 356860, 'AVAILABLE', '" +
        crossing + "', now() + interval '1 day', 'v1', now(), now()) RETURNING id").int64(0, 0));
  };
  const std::string where = " WHERE id = " + insert("2026-12");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE cashbacks SET value_cents = 999999" + where), "only its status changes"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE cashbacks SET expires_at = now() + interval '1 year'" + where), "only its status changes"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE cashbacks SET updated_at = now()" + where), "cannot go from AVAILABLE to AVAILABLE"));
  // Spent on a later order, given back when that order is cancelled, spent on it again.
  const std::string spend = "UPDATE cashbacks SET status = 'USED', used_by_order = '" + later + "'" + where;
  EXPECT_EQ(refusal(c, spend), "");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE cashbacks SET used_by_order = '" + crossing + "'" + where), "cannot go from USED to USED"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE cashbacks SET status = 'REVOKED', used_by_order = NULL" + where), "that discount stands"));
  EXPECT_EQ(refusal(c, "UPDATE cashbacks SET status = 'AVAILABLE', used_by_order = NULL" + where), "");
  EXPECT_EQ(refusal(c, spend), "");
  EXPECT_EQ(refusal(c, "UPDATE cashbacks SET status = 'EXPIRED', used_by_order = NULL" + where), "");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE cashbacks SET status = 'AVAILABLE'" + where), "cannot go from EXPIRED to AVAILABLE"));
  EXPECT_TRUE(mentions(refusal(c, "DELETE FROM cashbacks"), "cashbacks are never removed: DELETE refused"));
  // Spent on the order that generated it: cancelling that order revokes it, for good.
  const std::string own = " WHERE id = " + insert("2026-11");
  EXPECT_EQ(refusal(c, "UPDATE cashbacks SET status = 'USED', used_by_order = '" + crossing + "'" + own), "");
  EXPECT_EQ(refusal(c, "UPDATE cashbacks SET status = 'REVOKED', used_by_order = NULL" + own), "");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE cashbacks SET status = 'AVAILABLE'" + own), "cannot go from REVOKED to AVAILABLE"));
  EXPECT_EQ(c.exec("SELECT string_agg(period || ':' || status || ':' || value_cents, ' ' ORDER BY period) FROM cashbacks").text(0, 0),
            "2026-11:REVOKED:356860 2026-12:EXPIRED:356860");
}

// A loyalty reward goes PENDIENTE → ELEGIDA (chosen again as often as the member likes) →
// ENTREGADA as chosen, and never changes after (0025).
TEST_F(LedgerGuards, ALoyaltyRewardIsChosenThenDeliveredAsChosen) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto c = server().connect();
  const std::string where = " WHERE id = " + std::to_string(c.exec(
      "INSERT INTO loyalty_rewards (member_id, period, earned_at) VALUES ('" + a + "', '2026-08', now()) RETURNING id").int64(0, 0));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE loyalty_rewards SET period = '2026-09'" + where), "keeps its member, month"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE loyalty_rewards SET status = 'ENTREGADA', reward_id = 'kit', delivered_at = now()" + where),
                       "is delivered as it was chosen"));
  EXPECT_EQ(refusal(c, "UPDATE loyalty_rewards SET status = 'ELEGIDA', reward_id = 'kit', chosen_at = now()" + where), "");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE loyalty_rewards SET status = 'PENDIENTE', reward_id = NULL" + where), "never undone"));
  EXPECT_EQ(refusal(c, "UPDATE loyalty_rewards SET reward_id = 'termo', chosen_at = now()" + where), "");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE loyalty_rewards SET status = 'ENTREGADA', reward_id = 'kit', delivered_at = now(), "
                                  "delivered_by = 'admin'" + where), "is delivered as it was chosen"));
  EXPECT_EQ(refusal(c, "UPDATE loyalty_rewards SET status = 'ENTREGADA', delivered_at = now(), delivered_by = 'admin'" + where), "");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE loyalty_rewards SET delivered_by = 'someone else'" + where), "was delivered: UPDATE refused"));
  EXPECT_TRUE(mentions(refusal(c, "DELETE FROM loyalty_rewards"), "loyalty rewards are never removed: DELETE refused"));
  EXPECT_EQ(c.exec("SELECT status || ':' || reward_id || ':' || delivered_by FROM loyalty_rewards").text(0, 0), "ENTREGADA:termo:admin");
}

// A confirmed authenticator keeps its secret and its last accepted time step only rises, so a
// code is never accepted twice even if a statement tries to set the counter back (0025).
TEST_F(LedgerGuards, AConfirmedAuthenticatorNeverAcceptsAUsedStepAgain) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto c = server().connect();
  c.exec("INSERT INTO totp_enrolments (member_id, secret_sealed, key_id) VALUES ('" + a + "', 'sealed-1', 'k1')");
  const std::string where = " WHERE member_id = '" + a + "'";
  // Before confirmation, enrolling again replaces the secret and its counter (totp_enrol.sql).
  EXPECT_EQ(refusal(c, "UPDATE totp_enrolments SET secret_sealed = 'sealed-2', last_used_counter = -1" + where), "");
  EXPECT_EQ(refusal(c, "UPDATE totp_enrolments SET last_used_counter = 100, confirmed_at = now()" + where), "");
  EXPECT_TRUE(mentions(refusal(c, "UPDATE totp_enrolments SET last_used_counter = 99" + where), "never accepts a used time step"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE totp_enrolments SET secret_sealed = 'sealed-3'" + where), "keeps its secret"));
  EXPECT_TRUE(mentions(refusal(c, "UPDATE totp_enrolments SET confirmed_at = NULL" + where), "keeps its secret"));
  EXPECT_EQ(refusal(c, "UPDATE totp_enrolments SET last_used_counter = 101" + where), "");
  EXPECT_EQ(c.exec("SELECT secret_sealed || ':' || last_used_counter FROM totp_enrolments").text(0, 0), "sealed-2:101");
  // A lost phone: the enrolment is removed and the member enrols afresh.
  EXPECT_EQ(refusal(c, "DELETE FROM totp_enrolments" + where), "");
}

// TRUNCATE fires no row trigger: every table whose rows a trigger keeps from being deleted
// needs its own refusal of TRUNCATE, or one statement empties it (0024 added the missing ones).
TEST_F(LedgerGuards, EveryTableWhoseRowsAreNeverDeletedAlsoRefusesTruncate) {
  auto c = server().connect();
  const auto guarded = c.exec(
      "SELECT c.relname, EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal "
      "AND t.tgtype & 32 <> 0) FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' "
      // a BEFORE row trigger on DELETE: tgtype's row (1), before (2) and delete (8) bits
      "AND EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND NOT t.tgisinternal AND t.tgtype & 11 = 11) "
      "ORDER BY 1");
  std::vector<std::string> names;
  for (int row = 0; row < guarded.size(); ++row) {
    const std::string table(guarded.text(row, 0));
    names.push_back(table);
    EXPECT_EQ(guarded.text(row, 1), "t") << table << " refuses DELETE but has no TRUNCATE trigger";
    EXPECT_TRUE(mentions(refusal(c, "TRUNCATE " + table + " CASCADE"), "TRUNCATE refused")) << table;
  }
  for (const char* table : {"wallet_entries", "wallets", "commissions", "transfers", "withdrawals", "idempotency_keys",
                            "orders", "audit_log", "member_changes", "travel_campaigns", "cashbacks", "loyalty_rewards"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), table), names.end()) << table << " no longer refuses DELETE";
  }
}

TEST_F(LedgerGuards, MigrationsAreRecordedWithChecksumsAndRerunsAreNoOps) {
  auto c = server().connect();
  const auto applied = c.exec("SELECT count(*) FROM schema_migrations");
  EXPECT_GE(applied.int64(0, 0), 3);
  const auto report = server::db::migrate(c);
  EXPECT_TRUE(report.applied.empty());
  c.exec("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1");
  EXPECT_THROW(server::db::migrate(c), server::db::DbError);
}

}  // namespace
}  // namespace nnw::test_server
