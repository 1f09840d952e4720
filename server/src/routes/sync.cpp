// GET /v1/sync?cursor=<xid.id>&limit=N (member): the caller's changes after the cursor, in
// pages of at most N (default 200, max 1000), with the cursor to send next; without a cursor,
// or with one that is malformed or from the future, a snapshot of the member's state and the
// cursor its changes are complete up to. See sync/pull.hpp and docs/server.md "Sync".
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"
#include "sync/pull.hpp"

namespace nnw::server::routes {

namespace {
constexpr std::int64_t kPageDefault = 200;
constexpr std::int64_t kPageMax = 1000;
}  // namespace

Response pull_sync(RequestContext& ctx) {
  std::int64_t limit = kPageDefault;
  if (const auto text = ctx.query_param("limit")) {
    const auto parsed = parse_positive(*text);
    if (!parsed || *parsed > kPageMax) return error_response(ctx, bad_request("out_of_range", "limit must be 1 to 1000", "limit"));
    limit = *parsed;
  }
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  db::Connection& c = *lease.value();
  const std::string& member_id = ctx.principal->subject;
  std::optional<sync::Cursor> cursor;
  if (const auto text = ctx.query_param("cursor")) cursor = sync::parse_cursor(*text);
  std::optional<std::string> body;
  if (cursor) body = sync::pull_changes(c, member_id, *cursor, limit);
  if (!body) body = sync::pull_snapshot(c, ctx.app.rules(), member_id, ctx.now_s());
  Response response = json_response(ctx, http::status::ok, std::move(*body));
  response.set(http::field::cache_control, "no-store");
  return response;
}

}  // namespace nnw::server::routes
