#pragma once
// The pull side of sync: a member's changes after a cursor, in bounded pages, or a snapshot of
// the member's whole state when the cursor is absent or unknown. See the migration
// 0008_member_changes.sql for why the cursor is a (transaction id, change id) position.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "db/pg.hpp"
#include "nnw/rules/engine.hpp"

namespace nnw::server::sync {

struct Cursor {
  std::string xid;  // decimal xid8
  std::int64_t id = 0;
};

// "<xid>.<id>", both decimal; nullopt for anything else.
std::optional<Cursor> parse_cursor(std::string_view text);
std::string format_cursor(const Cursor& cursor);

// {"cursor","has_more","changes":[{id, kind, scope, payload, at}],"snapshot":null}: two
// index lookups, cheap when nothing changed. nullopt when the cursor lies past every settled
// change (it cannot have come from this database): the caller answers a snapshot.
std::optional<std::string> pull_changes(db::Connection& connection, const std::string& member_id, const Cursor& after,
                         std::int64_t limit);

// {"cursor","has_more":false,"changes":[],"snapshot":{…}}: the member's state read in one
// REPEATABLE READ transaction, with the position its changes are complete up to.
std::string pull_snapshot(db::Connection& connection, const nnw::rules::Engine& rules, const std::string& member_id,
                          std::int64_t now_s);

}  // namespace nnw::server::sync
