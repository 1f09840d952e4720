// The database's own guarantees, tested with SQL that bypasses the server.
#include "db/migrations.hpp"
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

TEST_F(LedgerGuards, AWalletBalanceThatDisagreesWithItsEntries_IsRefusedAtCommit) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().fund(a, 10000);
  auto c = server().connect();
  EXPECT_THROW(c.exec("UPDATE wallets SET balance_cents = balance_cents + 1"), server::db::DbError);
  // An entry that does not continue the chain is refused too.
  EXPECT_THROW(c.exec("INSERT INTO wallet_entries (wallet_id, seq, type, amount_cents, balance_before_cents, "
                      "balance_after_cents, currency) SELECT id, 2, 'ADJUSTMENT_CREDIT', 5, 7, 12, 'MXN' FROM wallets"),
               server::db::DbError);
  EXPECT_EQ(balance(a), 10000);
}

TEST_F(LedgerGuards, EntrySignsFollowTheirType) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  auto c = server().connect();
  EXPECT_THROW(c.exec("BEGIN; UPDATE wallets SET balance_cents = 5, entry_count = 1; "
                      "INSERT INTO wallet_entries (wallet_id, seq, type, amount_cents, balance_before_cents, "
                      "balance_after_cents, currency) SELECT id, 1, 'TRANSFER_OUT', 5, 0, 5, 'MXN' FROM wallets; COMMIT"),
               server::db::DbError);
  c.exec("ROLLBACK");
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
