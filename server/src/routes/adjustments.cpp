// POST /v1/admin/adjustments (admin, Idempotency-Key):
//   {"member_id":uuid, "amount_cents": signed non-zero, "reason":"…" (required)}
// → 201 {"entry":{…}}: an ADJUSTMENT_CREDIT or ADJUSTMENT_DEBIT entry and an audit record.
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "ledger/ledger.hpp"
#include "nnw/rules/json_write.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

namespace {

constexpr std::size_t kReasonLengthMin = 3;
constexpr std::size_t kReasonLengthMax = 500;
constexpr std::int64_t kAdjustmentMaxCents = 100000000000;

struct Adjustment {
  std::string member_id;
  std::int64_t amount_cents = 0;
  std::string reason;
};

ApiResult<Adjustment> read_adjustment(const RequestContext& ctx) {
  auto body = parse_body(ctx);
  if (!body.ok()) return body.error();
  nnw::rules::json::Reader r;
  const auto& root = nnw::rules::json::kDocument;
  const auto* o = r.object(&body.value(), root, {"member_id", "amount_cents", "reason"});
  Adjustment a;
  a.member_id = std::string(r.string(r.member(o, "member_id", root.member("member_id"), true), root.member("member_id")));
  a.amount_cents = r.integer(r.member(o, "amount_cents", root.member("amount_cents"), true), root.member("amount_cents"));
  a.reason = std::string(r.string(r.member(o, "reason", root.member("reason"), true), root.member("reason")));
  if (!r.ok()) return from_rules_error(*r.error());
  if (!is_uuid(a.member_id)) return bad_request("invalid_value", "must be a member id (uuid)", "member_id");
  if (a.amount_cents == 0 || a.amount_cents > kAdjustmentMaxCents || a.amount_cents < -kAdjustmentMaxCents) {
    return bad_request("out_of_range", "must be non-zero and within ±100000000000", "amount_cents");
  }
  if (a.reason.size() < kReasonLengthMin || a.reason.size() > kReasonLengthMax) {
    return bad_request("out_of_range", "a reason of 3 to 500 bytes is required", "reason");
  }
  a.member_id = lowercase(std::move(a.member_id));
  return a;
}

}  // namespace

Response create_adjustment(RequestContext& ctx) {
  auto adjustment = read_adjustment(ctx);
  if (!adjustment.ok()) return error_response(ctx, adjustment.error());
  const Adjustment& a = adjustment.value();
  return idempotent_write(ctx, [&](db::Connection& c, const std::string& key) -> ApiResult<WriteOutcome> {
    const auto wallets = ledger::lock_wallets(c, {a.member_id});
    if (wallets.empty()) return not_found("no such member");
    const std::string_view type = a.amount_cents > 0 ? ledger::kAdjustmentCredit : ledger::kAdjustmentDebit;
    ledger::EntryRefs refs;
    refs.idempotency_key = key;
    refs.description = a.reason;
    const auto entry = ledger::post_entry(c, wallets[0].id, type, a.amount_cents, refs);
    if (!entry) {
      ApiError error = conflict("insufficient_funds", "the balance does not cover this debit", "amount_cents");
      error.details = {{"balance_cents", wallets[0].balance_cents}, {"shortfall_cents", -a.amount_cents - wallets[0].balance_cents}};
      return error;
    }
    std::string details;
    nnw::rules::json::Writer d(details);
    d.begin_object().field("amount_cents", a.amount_cents).field("reason", std::string_view(a.reason)).field("entry_id", entry->id).end_object();
    ledger::audit(c, ctx.principal->subject, "admin", "wallet.adjust", a.member_id, details, ctx.request_id);
    std::string body;
    nnw::rules::json::Writer w(body);
    w.begin_object().key("entry").begin_object();
    w.field("id", entry->id).field("seq", entry->seq).field("type", type).field("amount_cents", a.amount_cents);
    w.field("balance_before_cents", entry->balance_before_cents).field("balance_after_cents", entry->balance_after_cents);
    w.field("currency", std::string_view(wallets[0].currency)).field("description", std::string_view(a.reason));
    w.field("created_at", std::string_view(entry->created_at));
    w.end_object().end_object();
    return WriteOutcome{http::status::created, std::move(body), false, {{type, a.amount_cents}}};
  });
}

}  // namespace nnw::server::routes
