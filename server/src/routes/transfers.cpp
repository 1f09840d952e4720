// POST /v1/transfers (member, Idempotency-Key):
//   {"to_member_number":"NN-1002" | "to_member_id":uuid, "amount_cents":n, "note":"…"?}
// → 201 {"transfer":{…}, "balance_cents": sender's balance after}.
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "ledger/ledger.hpp"
#include "ledger/transfer_batch.hpp"
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

// Transfers are booked in batches (ledger/transfer_batch.hpp): the request is answered when
// its batch is done, and holds no thread meanwhile.
void create_transfer(RequestContext& ctx, Reply reply) {
  auto request = read_transfer(ctx);
  if (!request.ok()) return reply(error_response(ctx, request.error()));
  auto key = idempotency_key(ctx);
  if (!key.ok()) return reply(error_response(ctx, key.error()));
  ledger::TransferCommand command{std::move(request.value()), ctx.principal->subject, request_hash(ctx.request)};
  command.request.idempotency_key = std::move(key.value());
  const std::int64_t amount_cents = command.request.amount_cents;
  // Runs on the lane thread: it only dresses the reply and hands it back to the request.
  auto answer = [&ctx, reply = std::move(reply), amount_cents](std::exception_ptr failed, ledger::TransferReply booked) {
    if (failed) return reply(answer_exception(ctx, failed));
    if (booked.error) return reply(error_response(ctx, *booked.error));
    if (!booked.replayed) {
      ctx.app.metrics().count_ledger_entry(ledger::kTransferOut, -amount_cents);
      ctx.app.metrics().count_ledger_entry(ledger::kTransferIn, amount_cents);
    }
    Response response = json_response(ctx, booked.status, std::move(booked.body));
    if (booked.replayed) response.set("Idempotent-Replayed", "true");
    reply(std::move(response));
  };
  ctx.app.transfers().submit(std::move(command), std::move(answer));
}

}  // namespace nnw::server::routes
