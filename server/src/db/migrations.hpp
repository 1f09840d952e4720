#pragma once
// Forward-only numbered migrations (server/db/migrations/NNNN_name.sql), applied at start-up
// under an advisory lock, each file and its schema_migrations record in one transaction.
// The server refuses to start when an applied file has changed since it was applied.

#include <string>
#include <vector>

#include "db/pg.hpp"

namespace nnw::server::db {

struct MigrationReport {
  std::vector<std::string> applied;  // names applied by this call
  int current_version = 0;
};

MigrationReport migrate(Connection& connection);

// True when every embedded migration is applied (for /readyz).
bool migrations_current(Connection& connection);

}  // namespace nnw::server::db
