#include <gtest/gtest.h>

#include <string>

#include "pq.hpp"
#include "test_database.hpp"

namespace nnw::test_db {
namespace {

// Tables, views and sequences outside PostgreSQL's own schemas.
constexpr const char* kCountUserRelations =
    "SELECT count(*) FROM pg_catalog.pg_class c "
    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') "
    "AND n.nspname NOT LIKE 'pg_toast%'";

TEST(TestDatabase, FreshDatabase_TwoCalls_GiveDistinctDatabases) {
  const std::string first_url = fresh_database("harness");
  const std::string second_url = fresh_database("harness");
  EXPECT_NE(first_url, second_url);

  Connection first(first_url);
  Connection second(second_url);
  EXPECT_NE(first.scalar("SELECT current_database()"), second.scalar("SELECT current_database()"));
}

TEST(TestDatabase, FreshDatabase_New_IsEmptyUtf8WithCCollation) {
  Connection connection(fresh_database("empty"));
  EXPECT_EQ(connection.scalar(kCountUserRelations), "0");
  EXPECT_EQ(connection.scalar("SHOW server_encoding"), "UTF8");
  EXPECT_EQ(connection.scalar("SHOW lc_collate"), "C");
}

TEST(TestDatabase, Connection_FreshDatabase_RunsSelectOne) {
  Connection connection(fresh_database("select_one"));
  const Result result = connection.exec("SELECT 1");
  ASSERT_EQ(result.rows(), 1);
  ASSERT_EQ(result.columns(), 1);
  EXPECT_EQ(result.value(0, 0), "1");
}

TEST(TestDatabase, FreshDatabase_TableInOne_IsNotVisibleInAnother) {
  Connection writer(fresh_database("writer"));
  Connection reader(fresh_database("reader"));
  writer.exec("CREATE TABLE wallets (id bigint PRIMARY KEY); INSERT INTO wallets VALUES (1)");

  EXPECT_EQ(writer.scalar("SELECT count(*) FROM wallets"), "1");
  EXPECT_EQ(reader.scalar("SELECT to_regclass('public.wallets') IS NULL"), "t");
  EXPECT_EQ(reader.scalar(kCountUserRelations), "0");
}

TEST(TestDatabase, FreshDatabase_NameHint_IsSanitizedIntoTheName) {
  Connection connection(fresh_database("Ledger Core/Transfers!"));
  const std::string name = connection.scalar("SELECT current_database()");
  EXPECT_EQ(name.rfind("nnwt_ledger_core_transfers__", 0), 0u) << name;
}

TEST(TestDatabase, Connection_FailingStatement_ThrowsWithTheServerMessage) {
  Connection connection(fresh_database("errors"));
  try {
    connection.exec("SELECT * FROM no_such_table");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("no_such_table"), std::string::npos) << error.what();
  }
}

TEST(TestDatabase, WithDatabase_ReplacesOnlyTheDatabase) {
  EXPECT_EQ(with_database("postgresql://postgres@127.0.0.1:54329/nnwallet", "x"),
            "postgresql://postgres@127.0.0.1:54329/x");
  EXPECT_EQ(with_database("postgresql://u:p@db.example:5432", "x"),
            "postgresql://u:p@db.example:5432/x");
  EXPECT_EQ(with_database("postgres://u@h/old?sslmode=disable&connect_timeout=5", "x"),
            "postgres://u@h/x?sslmode=disable&connect_timeout=5");
  EXPECT_EQ(with_database("postgresql://h?sslmode=disable", "x"),
            "postgresql://h/x?sslmode=disable");
  EXPECT_EQ(with_database("postgresql:///old?host=/tmp", "x"), "postgresql:///x?host=/tmp");
  EXPECT_THROW(with_database("host=127.0.0.1 dbname=old", "x"), std::invalid_argument);
}

}  // namespace
}  // namespace nnw::test_db
