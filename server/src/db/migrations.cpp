#include "db/migrations.hpp"

#include <string_view>

#include "nnw/rules/config.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::db {

namespace {

// Any constant shared by every instance: only one of them migrates at a time.
constexpr std::string_view kLock = "SELECT pg_advisory_lock(7468311001)";
constexpr std::string_view kUnlock = "SELECT pg_advisory_unlock(7468311001)";

int latest_embedded_version() {
  int version = 0;
  for (const auto& migration : sql::kMigrations) version = std::max(version, migration.version);
  return version;
}

void verify_applied(Connection& connection) {
  const Rows applied = connection.run(sql::migrations_applied.name, sql::migrations_applied.text);
  for (int row = 0; row < applied.size(); ++row) {
    const std::int64_t version = applied.int64(row, 0);
    const std::string_view checksum = applied.text(row, 1);
    bool known = false;
    for (const auto& migration : sql::kMigrations) {
      if (migration.version != version) continue;
      known = true;
      if (nnw::rules::sha256_hex(migration.text) != checksum) {
        throw DbError("XX000", "refusing to start: applied migration " + std::string(migration.name) +
                                   " has changed since it was applied");
      }
    }
    if (!known) {
      throw DbError("XX000", "refusing to start: the database has migration " + std::to_string(version) +
                                 " that this server does not know (a newer server migrated it)");
    }
  }
}

}  // namespace

MigrationReport migrate(Connection& connection) {
  connection.exec(kLock);
  MigrationReport report;
  try {
    connection.exec(sql::migrations_create_table.text);
    verify_applied(connection);
    for (const auto& migration : sql::kMigrations) {
      const Rows done = connection.run(sql::migrations_is_applied.name, sql::migrations_is_applied.text,
                                       Params().add(migration.version));
      if (!done.empty()) continue;
      connection.exec("BEGIN");
      try {
        connection.exec(migration.text);
        connection.run(sql::migrations_record.name, sql::migrations_record.text,
                       Params().add(migration.version).add(migration.name).add(nnw::rules::sha256_hex(migration.text)));
        connection.exec("COMMIT");
      } catch (const DbError&) {
        connection.exec("ROLLBACK");
        throw;
      }
      report.applied.emplace_back(migration.name);
    }
  } catch (...) {
    connection.exec(kUnlock);
    throw;
  }
  connection.exec(kUnlock);
  report.current_version = latest_embedded_version();
  return report;
}

bool migrations_current(Connection& connection) {
  const Rows latest = connection.run(sql::migrations_latest.name, sql::migrations_latest.text);
  return !latest.empty() && !latest.is_null(0, 0) && latest.int64(0, 0) == latest_embedded_version();
}

}  // namespace nnw::server::db
