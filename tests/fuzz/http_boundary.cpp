// The database boundary of the HTTP fuzz target: every handler that reads or writes
// PostgreSQL is defined here instead of in server/src/routes/, so the real route table links
// without the ledger. Each one checks what the router promised it (a caller whose role the
// route admits) and runs the pure steps such handlers begin with (the member a path names,
// path ids, the JSON body). Reads then answer 200 where the real handler would query; writes
// go on into the real idempotent_write, which checks the Idempotency-Key and then finds the
// fixture's pool without a connection to lend (503), so the write itself never runs.
// The handlers of server/src/routes/rules.cpp and health.cpp run for real.
#include <algorithm>

#include "fuzz_check.hpp"
#include "http/idempotent_write.hpp"
#include "http_fixture.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

namespace {

using nnw::fuzz::check;

void check_authorized(const RequestContext& ctx) {
  const auto& routes = nnw::fuzz::http_fixture().routes;
  const auto route = std::find_if(routes.begin(), routes.end(), [&](const Route& r) {
    return r.pattern == ctx.route && r.method == ctx.request.method();
  });
  check(route != routes.end(), "a handler ran for a request no route matches", ctx.route);
  if (route->roles.empty()) return;
  check(ctx.principal.has_value(), "a handler of a protected route ran without a caller", ctx.route);
  check(std::find(route->roles.begin(), route->roles.end(), ctx.principal->role) != route->roles.end(),
        "a handler ran for a role its route does not admit", ctx.route);
}

Response database_boundary(RequestContext& ctx, bool idempotent) {
  check_authorized(ctx);
  for (const auto& [name, value] : ctx.path_params) {
    if (name == "member_id") {
      auto member = resolve_member(ctx);
      if (!member.ok()) return error_response(ctx, member.error());
      check(is_uuid(member.value()), "resolve_member returned something that is not a uuid", member.value());
      check(ctx.principal->role != Role::member || member.value() == ctx.principal->subject,
            "a member reached another member's data", member.value());
    } else {
      (void)is_uuid(value);
      (void)parse_positive(value);
    }
  }
  if (ctx.request.method() == http::verb::post || ctx.request.method() == http::verb::put) {
    auto object = json_body(ctx);
    auto value = parse_body(ctx);
    check(!object.ok() || value.ok(), "json_body accepted a body parse_body refuses");
    if (!value.ok()) return error_response(ctx, value.error());
  }
  if (!idempotent) return json_response(ctx, http::status::ok, std::string(R"({"fuzz":"database boundary"})"));
  Response response = idempotent_write(ctx, [](db::Connection&, const std::string&) -> ApiResult<WriteOutcome> {
    check(false, "a write reached the database the fuzz fixture does not have");
    return WriteOutcome{};
  });
  // docs/server.md: 1–255 visible ASCII characters, else 400; past the check, the pool's 503.
  const auto key = ctx.header("Idempotency-Key");
  const bool valid = key && !key->empty() && key->size() <= 255 &&
                     std::all_of(key->begin(), key->end(), [](char c) { return c > 0x20 && c < 0x7f; });
  check(response.result() == (valid ? http::status::service_unavailable : http::status::bad_request),
        valid ? "a write with a valid Idempotency-Key was refused" : "a write without a valid Idempotency-Key got past the check");
  return response;
}

}  // namespace

// Handlers that read (or, like demo login and jobs, need the database before anything else).
#define NNW_FUZZ_READ_BOUNDARY(name) \
  Response name(RequestContext& ctx) { return database_boundary(ctx, false); }
// Handlers that write through idempotent_write.
#define NNW_FUZZ_WRITE_BOUNDARY(name) \
  Response name(RequestContext& ctx) { return database_boundary(ctx, true); }

NNW_FUZZ_READ_BOUNDARY(demo_login)
NNW_FUZZ_READ_BOUNDARY(get_wallet)
NNW_FUZZ_READ_BOUNDARY(list_wallet_entries)
NNW_FUZZ_READ_BOUNDARY(run_job)
NNW_FUZZ_READ_BOUNDARY(list_member_withdrawals)
NNW_FUZZ_READ_BOUNDARY(list_withdrawal_queue)
NNW_FUZZ_READ_BOUNDARY(list_travel_campaigns)
NNW_FUZZ_READ_BOUNDARY(get_travel_standings)
NNW_FUZZ_READ_BOUNDARY(get_member_travel)
NNW_FUZZ_READ_BOUNDARY(get_catalog)
NNW_FUZZ_READ_BOUNDARY(preview_checkout)
NNW_FUZZ_READ_BOUNDARY(list_member_orders)
NNW_FUZZ_READ_BOUNDARY(get_member_cashback)
NNW_FUZZ_READ_BOUNDARY(get_member_loyalty)
NNW_FUZZ_READ_BOUNDARY(pull_sync)
NNW_FUZZ_READ_BOUNDARY(get_report)

NNW_FUZZ_WRITE_BOUNDARY(create_adjustment)
NNW_FUZZ_WRITE_BOUNDARY(import_catalog)
NNW_FUZZ_WRITE_BOUNDARY(create_commissions)
NNW_FUZZ_WRITE_BOUNDARY(choose_loyalty_reward)
NNW_FUZZ_WRITE_BOUNDARY(deliver_loyalty_reward)
NNW_FUZZ_WRITE_BOUNDARY(create_member)
NNW_FUZZ_WRITE_BOUNDARY(confirm_order)
NNW_FUZZ_WRITE_BOUNDARY(cancel_order)
NNW_FUZZ_WRITE_BOUNDARY(enrol_totp)
NNW_FUZZ_WRITE_BOUNDARY(confirm_totp)
NNW_FUZZ_WRITE_BOUNDARY(create_travel_campaign)
NNW_FUZZ_WRITE_BOUNDARY(close_travel_campaign)
NNW_FUZZ_WRITE_BOUNDARY(create_travel_events)
NNW_FUZZ_WRITE_BOUNDARY(create_withdrawal)
NNW_FUZZ_WRITE_BOUNDARY(cancel_withdrawal)
NNW_FUZZ_WRITE_BOUNDARY(approve_withdrawal)
NNW_FUZZ_WRITE_BOUNDARY(reject_withdrawal)

// Transfers answer through Reply (a deferred route, http/router.hpp); here at once.
void create_transfer(RequestContext& ctx, Reply reply) { reply(database_boundary(ctx, true)); }

}  // namespace nnw::server::routes
