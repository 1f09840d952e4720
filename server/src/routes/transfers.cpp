// POST /v1/transfers (member, Idempotency-Key):
//   {"to_member_number":"NN-1002" | "to_member_id":uuid, "amount_cents":n, "note":"…"?}
// → 201 {"transfer":{…}, "balance_cents": sender's balance after}.
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "ledger/ledger.hpp"
#include "ledger/transfer.hpp"
#include "nnw/rules/json_write.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

namespace {

constexpr std::int64_t kNoteLengthMax = 140;

ApiResult<ledger::TransferRequest> read_transfer(const RequestContext& ctx) {
  auto body = parse_body(ctx);
  if (!body.ok()) return body.error();
  nnw::rules::json::Reader r;
  const auto& root = nnw::rules::json::kDocument;
  const auto* o = r.object(&body.value(), root, {"to_member_number", "to_member_id", "amount_cents", "note"});
  ledger::TransferRequest request;
  request.from_member_id = ctx.principal->subject;
  request.request_id = ctx.request_id;
  request.now = ctx.now;
  const auto* number = r.member(o, "to_member_number", root.member("to_member_number"), false);
  const auto* id = r.member(o, "to_member_id", root.member("to_member_id"), number == nullptr);
  if (number) request.to_member_number = std::string(r.string(number, root.member("to_member_number")));
  if (id) request.to_member_id = std::string(r.string(id, root.member("to_member_id")));
  request.amount_cents = r.integer(r.member(o, "amount_cents", root.member("amount_cents"), true), root.member("amount_cents"));
  if (const auto* note = r.member(o, "note", root.member("note"), false)) request.note = std::string(r.string(note, root.member("note")));
  if (!r.ok()) return from_rules_error(*r.error());
  if (number && id) return bad_request("invalid_value", "give to_member_number or to_member_id, not both", "to_member_id");
  if (request.to_member_id && !is_uuid(*request.to_member_id)) return bad_request("invalid_value", "must be a member id (uuid)", "to_member_id");
  if (request.to_member_id) request.to_member_id = lowercase(std::move(*request.to_member_id));
  if (request.amount_cents <= 0) return bad_request("out_of_range", "must be a positive number of cents", "amount_cents");
  if (request.note && static_cast<std::int64_t>(request.note->size()) > kNoteLengthMax) {
    return bad_request("out_of_range", "may be at most 140 bytes", "note");
  }
  return request;
}

}  // namespace

Response create_transfer(RequestContext& ctx) {
  auto request = read_transfer(ctx);
  if (!request.ok()) return error_response(ctx, request.error());
  return idempotent_write(ctx, [&](db::Connection& c, const std::string& key) -> ApiResult<WriteOutcome> {
    request.value().idempotency_key = key;
    auto done = ledger::transfer(c, ctx.app.rules().config(), request.value());
    if (!done.ok()) return done.error();
    const auto& d = done.value();
    const auto& r = request.value();
    std::string body;
    nnw::rules::json::Writer w(body);
    w.begin_object().key("transfer").begin_object();
    w.field("id", d.transfer_id).field("from_member_id", std::string_view(r.from_member_id));
    w.field("to_member_id", std::string_view(d.to_member_id)).field("to_member_number", std::string_view(d.to_member_number));
    w.field("amount_cents", r.amount_cents).field("currency", std::string_view(d.currency));
    if (r.note) w.field("note", std::string_view(*r.note)); else w.null_field("note");
    w.field("created_at", std::string_view(d.created_at));
    w.end_object();
    w.field("balance_cents", d.balance_after_cents);
    w.end_object();
    return WriteOutcome{http::status::created, std::move(body), false,
                        {{ledger::kTransferOut, -r.amount_cents}, {ledger::kTransferIn, r.amount_cents}}};
  });
}

}  // namespace nnw::server::routes
