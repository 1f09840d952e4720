// db::Connection::run_pipelined against a real PostgreSQL: statements sent together run in
// order and answer in order; the first failure stops the rest and is thrown with its SQLSTATE;
// the connection is ready for the next statement afterwards either way.
#include <gtest/gtest.h>

#include "db/pg.hpp"
#include "db/pool.hpp"
#include "test_database.hpp"

namespace nnw::test_server {
namespace {

using server::db::Call;
using server::db::Connection;
using server::db::DbError;
using server::db::Params;

class Pipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    url_ = nnw::test_db::fresh_database(info->name());
    Connection(url_).exec("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL)");
  }
  Connection connect() const { return Connection(url_); }
  std::int64_t count_notes() const { return Connection(url_).exec("SELECT count(*) FROM notes").int64(0, 0); }

  std::string url_;
};

Call insert_note(int id, const char* body) {
  return Call{"note_insert", "INSERT INTO notes (id, body) VALUES ($1, $2) RETURNING id * 10",
              Params().add(id).add(body)};
}

TEST_F(Pipeline, RunsEveryStatementInOrderAndAnswersEach) {
  Connection c = connect();
  const auto rows = c.run_pipelined({
      Call{{}, "BEGIN", {}},
      insert_note(1, "uno"),
      insert_note(2, "dos"),  // the same statement twice, prepared once
      Call{"note_count", "SELECT count(*), string_agg(body, ',' ORDER BY id) FROM notes", {}},
      Call{{}, "COMMIT", {}},
  });
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1].int64(0, 0), 10);
  EXPECT_EQ(rows[2].int64(0, 0), 20);
  EXPECT_EQ(rows[3].int64(0, 0), 2);  // it saw both inserts: the statements ran in order
  EXPECT_EQ(rows[3].text(0, 1), "uno,dos");
  EXPECT_EQ(count_notes(), 2);
  // Prepared on this connection now: a later pipeline and a plain run use the statements.
  const auto again = c.run_pipelined({insert_note(3, "tres"), Call{"note_count", "", {}}});
  EXPECT_EQ(again[1].int64(0, 0), 3);
  EXPECT_EQ(c.run("note_insert", "", Params().add(4).add("cuatro")).int64(0, 0), 40);
}

TEST_F(Pipeline, TheFirstFailureStopsTheRestAndIsThrown_TheConnectionStaysUsable) {
  Connection c = connect();
  try {
    c.run_pipelined({
        Call{{}, "BEGIN", {}},
        insert_note(1, "uno"),
        insert_note(1, "otra vez"),  // duplicate key: 23505
        insert_note(2, "dos"),       // not run
        Call{{}, "COMMIT", {}},      // not run
    });
    FAIL() << "a failed pipeline must throw";
  } catch (const DbError& error) {
    EXPECT_TRUE(error.is_unique_violation()) << error.sqlstate() << " " << error.what();
    EXPECT_NE(std::string(error.what()).find("note_insert"), std::string::npos) << error.what();
  }
  // The transaction is open and failed (25P02: commands ignored until its end); ROLLBACK ends
  // it, and nothing of it was committed.
  try {
    c.exec("SELECT 1");
    FAIL() << "the failed transaction must still be open";
  } catch (const DbError& error) {
    EXPECT_EQ(error.sqlstate(), "25P02") << error.what();
  }
  c.exec("ROLLBACK");
  EXPECT_EQ(count_notes(), 0);
  EXPECT_EQ(c.exec("SELECT 1").int64(0, 0), 1);
  EXPECT_EQ(c.run_pipelined({insert_note(5, "cinco")})[0].int64(0, 0), 50);
  EXPECT_EQ(count_notes(), 1);
}

TEST_F(Pipeline, AStatementThatCannotBePreparedFailsItsPipelineAndIsPreparedNextTimeItIsRight) {
  Connection c = connect();
  EXPECT_THROW(c.run_pipelined({Call{"broken", "SELEC 1", {}}, insert_note(1, "uno")}), DbError);
  EXPECT_EQ(count_notes(), 0);  // the insert after it did not run
  const auto rows = c.run_pipelined({Call{"broken", "SELECT 7", {}}});
  EXPECT_EQ(rows[0].int64(0, 0), 7);
}

TEST_F(Pipeline, RetryingTransactionRollsBackWhatAFailedPipelineLeftOpen) {
  Connection c = connect();
  EXPECT_THROW(server::db::retrying_transaction(c, [](Connection& tx) {
                 return tx.run_pipelined({Call{{}, "BEGIN", {}}, insert_note(1, "uno"), insert_note(1, "dos"), Call{{}, "COMMIT", {}}});
               }),
               DbError);
  EXPECT_EQ(c.exec("SELECT count(*) FROM notes").int64(0, 0), 0);  // usable: not in a failed transaction
  EXPECT_EQ(count_notes(), 0);
}

}  // namespace
}  // namespace nnw::test_server
