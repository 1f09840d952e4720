// POST /v1/totp/enrolment (member): a new authenticator secret as an otpauth:// URI (for a
//   QR code) and base32 text; replaces an unconfirmed one; 409 once confirmed.
// POST /v1/totp/enrolment/confirm {"code"} (member): confirms with a first valid code.
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "ledger/withdrawals.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

Response enrol_totp(RequestContext& ctx) {
  return idempotent_write(ctx, [&](db::Connection& c, const std::string&) -> ApiResult<WriteOutcome> {
    const db::Rows member = c.run(sql::wallet_by_member.name, sql::wallet_by_member.text, db::Params().add(ctx.principal->subject));
    if (member.empty()) return not_found("no such member");
    auto enrolment = ledger::enrol_totp(c, ctx.app.data_keys(), ctx.principal->subject, std::string(member.text(0, 2)));
    if (!enrolment.ok()) return enrolment.error();
    std::string body;
    nnw::rules::json::Writer w(body);
    w.begin_object().field("otpauth_uri", std::string_view(enrolment.value().otpauth_uri));
    w.field("secret_base32", std::string_view(enrolment.value().secret_base32)).field("confirmed", false).end_object();
    return WriteOutcome{http::status::created, std::move(body), true, {}};
  });
}

Response confirm_totp(RequestContext& ctx) {
  auto body = parse_body(ctx);
  if (!body.ok()) return error_response(ctx, body.error());
  nnw::rules::json::Reader r;
  const auto& root = nnw::rules::json::kDocument;
  const auto* o = r.object(&body.value(), root, {"code"});
  const std::string code(r.string(r.member(o, "code", root.member("code"), true), root.member("code")));
  if (!r.ok()) return error_response(ctx, from_rules_error(*r.error()));
  const std::int64_t now_s = ctx.now_s();
  return idempotent_write(ctx, [&](db::Connection& c, const std::string&) -> ApiResult<WriteOutcome> {
    if (auto refused = ledger::use_totp(c, ctx.app.data_keys(), ctx.principal->subject, code, now_s, false, "code")) return *refused;
    return WriteOutcome{http::status::ok, R"({"confirmed":true})", false, {}};
  });
}

}  // namespace nnw::server::routes
