// GET /v1/members/{member_id}/cashback (member, admin): cashbacks with their history.
// GET /v1/members/{member_id}/loyalty (member, admin): the rules module's status from the order
//   history, plus the recorded history and the reward entitlements.
// POST /v1/loyalty/rewards/{reward_id}/choose (member, Idempotency-Key): {"reward":"KIT_BIENESTAR"}.
// POST /v1/admin/loyalty/rewards/{reward_id}/deliver (admin, Idempotency-Key).
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "incentives/cashback.hpp"
#include "incentives/loyalty.hpp"
#include "ledger/ledger.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

namespace {

void write_reward(nnw::rules::json::Writer& w, const db::Rows& rows, int i) {
  w.begin_object().field("id", rows.int64(i, 0)).field("period", rows.text(i, 1)).field("status", rows.text(i, 2));
  if (rows.is_null(i, 3)) w.null_field("reward"); else w.field("reward", rows.text(i, 3));
  w.field("earned_at", rows.text(i, 4));
  if (rows.is_null(i, 5)) w.null_field("chosen_at"); else w.field("chosen_at", rows.text(i, 5));
  if (rows.is_null(i, 6)) w.null_field("delivered_at"); else w.field("delivered_at", rows.text(i, 6));
  w.end_object();
}

}  // namespace

Response get_member_cashback(RequestContext& ctx) {
  auto member_id = resolve_member(ctx);
  if (!member_id.ok()) return error_response(ctx, member_id.error());
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  return json_response(ctx, http::status::ok, incentives::cashbacks_json(*lease.value(), member_id.value(), ctx.now_s()));
}

Response get_member_loyalty(RequestContext& ctx) {
  auto member_id = resolve_member(ctx);
  if (!member_id.ok()) return error_response(ctx, member_id.error());
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  db::Connection& c = *lease.value();
  const db::Rows member = c.run(sql::member_wallet_state.name, sql::member_wallet_state.text, db::Params().add(member_id.value()));
  if (member.empty()) return error_response(ctx, not_found("no such member"));
  const std::string status = incentives::loyalty_status(c, ctx.app.rules(), member_id.value(), std::string(member.text(0, 0)), ctx.now_s());
  const db::Rows recorded = c.run(sql::loyalty_events_by_member.name, sql::loyalty_events_by_member.text, db::Params().add(member_id.value()));
  const db::Rows rewards = c.run(sql::loyalty_rewards_by_member.name, sql::loyalty_rewards_by_member.text, db::Params().add(member_id.value()));
  std::string out;
  nnw::rules::json::Writer w(out);
  w.begin_object().field("member_id", std::string_view(member_id.value())).key("status").raw(status);
  w.key("recorded").begin_array();
  for (int i = 0; i < recorded.size(); ++i) {
    w.begin_object().field("type", recorded.text(i, 0)).field("period", recorded.text(i, 1));
    if (recorded.is_null(i, 2)) w.null_field("order_id"); else w.field("order_id", recorded.text(i, 2));
    w.field("points_before", recorded.int64(i, 3)).field("points_after", recorded.int64(i, 4));
    w.field("consecutive_months", recorded.int64(i, 5)).field("at", recorded.text(i, 6)).end_object();
  }
  w.end_array().key("rewards").begin_array();
  for (int i = 0; i < rewards.size(); ++i) write_reward(w, rewards, i);
  w.end_array().key("reward_choices").begin_array();
  for (const auto& reward : ctx.app.rules().config().loyalty.rewards) {
    w.begin_object().field("id", std::string_view(reward.id)).field("name", std::string_view(reward.name)).end_object();
  }
  w.end_array().end_object();
  return json_response(ctx, http::status::ok, std::move(out));
}

Response choose_loyalty_reward(RequestContext& ctx) {
  const auto reward_id = parse_positive(ctx.path_param("reward_id"));
  if (!reward_id) return error_response(ctx, not_found("no such reward"));
  auto body = parse_body(ctx);
  if (!body.ok()) return error_response(ctx, body.error());
  nnw::rules::json::Reader r;
  const auto& root = nnw::rules::json::kDocument;
  const auto* o = r.object(&body.value(), root, {"reward"});
  const std::string choice(r.string(r.member(o, "reward", root.member("reward"), true), root.member("reward")));
  if (!r.ok()) return error_response(ctx, from_rules_error(*r.error()));
  bool known = false;
  for (const auto& reward : ctx.app.rules().config().loyalty.rewards) known = known || reward.id == choice;
  if (!known) return error_response(ctx, bad_request("invalid_value", "not one of the configured rewards", "reward"));
  return idempotent_write(ctx, [&](db::Connection& c, const std::string&) -> ApiResult<WriteOutcome> {
    const db::Rows rows = c.run(sql::loyalty_reward_choose.name, sql::loyalty_reward_choose.text,
                                db::Params().add(*reward_id).add(ctx.principal->subject).add(choice).add(nnw::rules::format_utc(ctx.now_s())));
    if (rows.empty()) return conflict("reward_not_open", "no reward of yours with this id is waiting for a choice");
    ledger::audit(c, ctx.principal->subject, "member", "loyalty.reward.choose", std::to_string(*reward_id),
                  "{\"reward\":\"" + choice + "\"}", ctx.request_id);
    std::string out;
    nnw::rules::json::Writer w(out);
    w.begin_object().field("id", rows.int64(0, 0)).field("period", rows.text(0, 1)).field("status", rows.text(0, 2));
    w.field("reward", rows.text(0, 3)).end_object();
    return WriteOutcome{http::status::ok, std::move(out), false, {}};
  });
}

Response deliver_loyalty_reward(RequestContext& ctx) {
  const auto reward_id = parse_positive(ctx.path_param("reward_id"));
  if (!reward_id) return error_response(ctx, not_found("no such reward"));
  return idempotent_write(ctx, [&](db::Connection& c, const std::string&) -> ApiResult<WriteOutcome> {
    const db::Rows rows = c.run(sql::loyalty_reward_deliver.name, sql::loyalty_reward_deliver.text,
                                db::Params().add(*reward_id).add(nnw::rules::format_utc(ctx.now_s())).add(ctx.principal->subject));
    if (rows.empty()) return conflict("reward_not_chosen", "the reward does not exist, is not chosen yet, or was delivered");
    ledger::audit(c, ctx.principal->subject, "admin", "loyalty.reward.deliver", std::to_string(*reward_id), "{}", ctx.request_id);
    std::string out;
    nnw::rules::json::Writer w(out);
    w.begin_object().field("id", rows.int64(0, 0)).field("member_id", rows.text(0, 1)).field("period", rows.text(0, 2));
    w.field("status", rows.text(0, 3)).field("reward", rows.text(0, 4)).end_object();
    return WriteOutcome{http::status::ok, std::move(out), false, {}};
  });
}

}  // namespace nnw::server::routes
