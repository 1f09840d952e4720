#pragma once
// Real PostgreSQL for integration tests: one server per test binary, one fresh database
// per test suite.
//
// Which server, decided once per binary by DatabaseEnvironment::SetUp:
//   NNW_TEST_DATABASE_URL=postgresql://…  an existing server, used as is (its role needs
//                                         CREATEDB); the databases made here are dropped
//                                         at the end.
//   NNW_TEST_PG_DIR=/path                 a scripts/pg cluster shared by many test
//                                         processes (ctest runs every test in its own):
//                                         started if needed, left running; a ctest
//                                         fixture or the user stops it.
//   neither                               a private throwaway cluster (`scripts/pg start
//                                         <tmp> --fast`) on a free port, destroyed at the
//                                         end, or by its watcher if the binary dies first.
//   NNW_TEST_KEEP_DATABASES=1             keep every database and cluster, and print where
//                                         they are: for looking at a failed test's data.
//
// test_database.cpp registers the environment with GoogleTest itself; a test only calls
// fresh_database().

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace nnw::test_db {

class DatabaseEnvironment final : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;
};

// The URL of the database the environment connects to for CREATE DATABASE.
std::string server_url();

// Creates a new, empty database (from template0, UTF8, C collation) with a unique name
// built from name_hint, and returns its URL. Call it once per suite (SetUpTestSuite) or
// once per test for full isolation. Throws std::runtime_error when there is no server.
std::string fresh_database(std::string_view name_hint);

// `url` with its database replaced by `database`: user, password, host, port and query
// parameters kept. Only for URLs (postgresql:// or postgres://), not key=value strings.
std::string with_database(std::string_view url, std::string_view database);

}  // namespace nnw::test_db
