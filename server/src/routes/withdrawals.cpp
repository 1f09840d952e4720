// POST /v1/withdrawals (member): {"amount_cents", "bank":{"bank_name","holder_name","clabe"},
//   "totp_code"?} → 201, the amount held at once.
// GET  /v1/members/{member_id}/withdrawals (member self, admin): newest first.
// POST /v1/withdrawals/{id}/cancel (member, own and PENDIENTE) → CANCELADO, hold released.
// GET  /v1/admin/withdrawals?status=PENDIENTE (admin): the queue, with bank details opened.
// POST /v1/admin/withdrawals/{id}/approve {"bank_reference"} → PAGADO.
// POST /v1/admin/withdrawals/{id}/reject {"reason"} → RECHAZADO, hold released.
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "ledger/ledger.hpp"
#include "ledger/withdrawals.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

namespace {

constexpr std::size_t kNameLengthMax = 120;
constexpr std::int64_t kListLimit = 100;
constexpr std::size_t kBankReferenceLengthMax = 64;  // as the withdrawals table allows
constexpr std::size_t kReasonLengthMax = 500;

ApiResult<ledger::WithdrawalRequest> read_request(const RequestContext& ctx) {
  auto body = parse_body(ctx);
  if (!body.ok()) return body.error();
  nnw::rules::json::Reader r;
  const auto& root = nnw::rules::json::kDocument;
  const auto* o = r.object(&body.value(), root, {"amount_cents", "bank", "totp_code"});
  ledger::WithdrawalRequest request;
  request.member_id = ctx.principal->subject;
  request.request_id = ctx.request_id;
  request.now_s = ctx.now_s();
  request.amount_cents = r.integer(r.member(o, "amount_cents", root.member("amount_cents"), true), root.member("amount_cents"));
  const auto bank_path = root.member("bank");
  const auto* bank = r.object(r.member(o, "bank", bank_path, true), bank_path, {"bank_name", "holder_name", "clabe"});
  const auto text = [&](std::string_view key) {
    return std::string(r.string(r.member(bank, key, bank_path.member(key), true), bank_path.member(key)));
  };
  request.bank = {text("bank_name"), text("holder_name"), text("clabe")};
  if (const auto* code = r.member(o, "totp_code", root.member("totp_code"), false)) {
    request.totp_code = std::string(r.string(code, root.member("totp_code")));
  }
  if (!r.ok()) return from_rules_error(*r.error());
  if (request.amount_cents <= 0) return bad_request("out_of_range", "must be a positive number of cents", "amount_cents");
  for (const auto& [value, field] : {std::pair{&request.bank.bank_name, "bank.bank_name"}, std::pair{&request.bank.holder_name, "bank.holder_name"}}) {
    if (value->empty() || value->size() > kNameLengthMax) return bad_request("out_of_range", "must be 1 to 120 bytes", field);
  }
  return request;
}

void write_withdrawal(nnw::rules::json::Writer& w, const db::Rows& rows, int row, const std::optional<ledger::BankDetails>& bank) {
  const auto optional_text = [&](std::string_view name, int column) {
    if (rows.is_null(row, column)) w.null_field(name);
    else w.field(name, rows.text(row, column));
  };
  w.begin_object();
  w.field("id", rows.int64(row, 0)).field("member_id", rows.text(row, 1)).field("member_number", rows.text(row, 2));
  w.field("amount_cents", rows.int64(row, 3)).field("currency", rows.text(row, 4)).field("status", rows.text(row, 5));
  w.field("bank_code", rows.text(row, 6)).field("clabe_last4", rows.text(row, 7));
  optional_text("bank_reference", 8);
  optional_text("decision_reason", 9);
  w.field("requested_at", rows.text(row, 10));
  optional_text("decided_at", 11);
  if (bank) {
    w.key("bank").begin_object().field("bank_name", std::string_view(bank->bank_name));
    w.field("holder_name", std::string_view(bank->holder_name)).field("clabe", std::string_view(bank->clabe)).end_object();
  }
  w.end_object();
}

Response list(RequestContext& ctx, const std::optional<std::string>& member_id, const std::optional<std::string>& status,
              bool open_bank_details) {
  std::optional<std::int64_t> before;
  if (const auto text = ctx.query_param("before")) {
    before = parse_positive(*text);
    if (!before) return error_response(ctx, bad_request("invalid_value", "before must be a withdrawal id", "before"));
  }
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  const db::Rows rows = lease.value()->run(sql::withdrawals_list.name, sql::withdrawals_list.text,
                                           db::Params().add(member_id).add(status).add(before).add(kListLimit));
  std::string body;
  nnw::rules::json::Writer w(body);
  w.begin_object().key("withdrawals").begin_array();
  for (int row = 0; row < rows.size(); ++row) {
    std::optional<ledger::BankDetails> bank;
    if (open_bank_details) {
      bank = ledger::open_bank_details(ctx.app.data_keys(), std::string(rows.text(row, 1)), std::string(rows.text(row, 12)));
    }
    write_withdrawal(w, rows, row, bank);
  }
  w.end_array();
  if (rows.size() == kListLimit) w.field("next_before", rows.int64(rows.size() - 1, 0));
  else w.null_field("next_before");
  w.end_object();
  return json_response(ctx, http::status::ok, std::move(body));
}

// Reads the one optional text field a decision takes ("bank_reference" or "reason").
ApiResult<std::optional<std::string>> decision_field(const RequestContext& ctx, std::string_view name, bool required,
                                                    std::size_t length_max) {
  if (ctx.request.body().empty() && !required) return std::optional<std::string>{};
  auto body = parse_body(ctx);
  if (!body.ok()) return body.error();
  nnw::rules::json::Reader r;
  const auto& root = nnw::rules::json::kDocument;
  const auto* o = r.object(&body.value(), root, {name});
  const auto* value = r.member(o, name, root.member(name), required);
  std::optional<std::string> text;
  if (value) text = std::string(r.string(value, root.member(name)));
  if (!r.ok()) return from_rules_error(*r.error());
  if (text && (text->empty() || text->size() > length_max)) {
    return bad_request("out_of_range", "must be 1 to " + std::to_string(length_max) + " bytes", std::string(name));
  }
  return text;
}

Response decide(RequestContext& ctx, ledger::Decision decision) {
  const auto id = parse_positive(ctx.path_param("withdrawal_id"));
  if (!id) return error_response(ctx, not_found("no such withdrawal"));
  const bool by_member = decision == ledger::Decision::cancel;
  auto field = decision == ledger::Decision::approve ? decision_field(ctx, "bank_reference", true, kBankReferenceLengthMax)
               : decision == ledger::Decision::reject ? decision_field(ctx, "reason", true, kReasonLengthMax)
                                                      : decision_field(ctx, "reason", false, kReasonLengthMax);
  if (!field.ok()) return error_response(ctx, field.error());
  return idempotent_write(ctx, [&](db::Connection& c, const std::string& key) -> ApiResult<WriteOutcome> {
    ledger::DecisionRequest request;
    request.withdrawal_id = *id;
    request.decision = decision;
    if (decision == ledger::Decision::approve) request.bank_reference = field.value();
    else request.reason = field.value();
    request.actor = ctx.principal->subject;
    if (by_member) request.member_scope = ctx.principal->subject;
    request.idempotency_key = key;
    request.request_id = ctx.request_id;
    auto done = ledger::decide_withdrawal(c, request);
    if (!done.ok()) return done.error();
    std::string body;
    nnw::rules::json::Writer w(body);
    w.begin_object().key("withdrawal").begin_object().field("id", *id).field("status", std::string_view(done.value().status));
    w.field("member_id", std::string_view(done.value().member_id)).field("amount_cents", done.value().amount_cents);
    w.end_object().end_object();
    WriteOutcome outcome{http::status::ok, std::move(body), false, {}};
    if (decision != ledger::Decision::approve) outcome.entries.emplace_back(ledger::kWithdrawalRelease, done.value().amount_cents);
    return outcome;
  });
}

}  // namespace

Response create_withdrawal(RequestContext& ctx) {
  auto request = read_request(ctx);
  if (!request.ok()) return error_response(ctx, request.error());
  return idempotent_write(ctx, [&](db::Connection& c, const std::string& key) -> ApiResult<WriteOutcome> {
    request.value().idempotency_key = key;
    auto created = ledger::request_withdrawal(c, ctx.app.rules().config(), ctx.app.data_keys(), request.value());
    if (!created.ok()) return created.error();
    const auto& r = request.value();
    std::string body;
    nnw::rules::json::Writer w(body);
    w.begin_object().key("withdrawal").begin_object();
    w.field("id", created.value().id).field("status", "PENDIENTE").field("amount_cents", r.amount_cents);
    w.field("currency", std::string_view(created.value().currency)).field("bank_code", std::string_view(r.bank.clabe).substr(0, 3));
    w.field("clabe_last4", std::string_view(r.bank.clabe).substr(14, 4)).field("requested_at", std::string_view(created.value().requested_at));
    w.end_object().field("balance_cents", created.value().balance_after_cents).end_object();
    return WriteOutcome{http::status::created, std::move(body), false, {{ledger::kWithdrawalHold, -r.amount_cents}}};
  });
}

Response list_member_withdrawals(RequestContext& ctx) {
  auto member_id = resolve_member(ctx);
  if (!member_id.ok()) return error_response(ctx, member_id.error());
  return list(ctx, member_id.value(), std::nullopt, false);
}

Response list_withdrawal_queue(RequestContext& ctx) {
  std::optional<std::string> status(ctx.query_param("status").value_or("PENDIENTE"));
  static constexpr std::string_view kStatuses[] = {"PENDIENTE", "PAGADO", "RECHAZADO", "CANCELADO"};
  if (std::find(std::begin(kStatuses), std::end(kStatuses), *status) == std::end(kStatuses)) {
    return error_response(ctx, bad_request("invalid_value", "status must be PENDIENTE, PAGADO, RECHAZADO or CANCELADO", "status"));
  }
  return list(ctx, std::nullopt, status, true);
}

Response cancel_withdrawal(RequestContext& ctx) { return decide(ctx, ledger::Decision::cancel); }
Response approve_withdrawal(RequestContext& ctx) { return decide(ctx, ledger::Decision::approve); }
Response reject_withdrawal(RequestContext& ctx) { return decide(ctx, ledger::Decision::reject); }

}  // namespace nnw::server::routes
