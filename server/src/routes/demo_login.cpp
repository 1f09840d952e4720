// POST /v1/demo/login {"member_number":"NN-1001"} or {"role":"admin"|"service"}: mints a
// short-lived token for a seeded member or the demo staff. Off unless NNW_DEMO=1.
#include "app.hpp"
#include "auth/auth.hpp"
#include "http/idempotent_write.hpp"
#include "nnw/server/sql.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

namespace {
constexpr std::int64_t kDemoTokenLifetimeS = 12 * 3600;
constexpr std::string_view kDemoAdminSubject = "demo-admin";
constexpr std::string_view kDemoServiceSubject = "demo-service";
}  // namespace

Response demo_login(RequestContext& ctx) {
  if (!ctx.app.settings().demo_mode) return error_response(ctx, not_found("no such endpoint"));
  auto body = parse_body(ctx);
  if (!body.ok()) return error_response(ctx, body.error());
  nnw::rules::json::Reader r;
  const auto& root = nnw::rules::json::kDocument;
  const auto* o = r.object(&body.value(), root, {"member_number", "role"});
  const auto* number = r.member(o, "member_number", root.member("member_number"), false);
  const std::size_t role = r.choice(r.member(o, "role", root.member("role"), number == nullptr), root.member("role"),
                                    {"member", "admin", "service"});
  const std::string member_number(r.string(number, root.member("member_number")));
  if (!r.ok()) return error_response(ctx, from_rules_error(*r.error()));
  if (number == nullptr && role == 0) {
    return error_response(ctx, bad_request("missing_field", "a member logs in with a member_number", "member_number"));
  }

  Principal principal{std::string(role == 1 ? kDemoAdminSubject : kDemoServiceSubject), role == 1 ? Role::admin : Role::service};
  if (number != nullptr) {
    auto lease = lease_connection(ctx);
    if (!lease.ok()) return error_response(ctx, lease.error());
    const db::Rows rows = lease.value()->run(sql::member_by_number_or_id.name, sql::member_by_number_or_id.text,
                                             db::Params().add(member_number).add_null());
    if (rows.empty()) return error_response(ctx, not_found("no demo member with that number"));
    principal = Principal{std::string(rows.text(0, 0)), Role::member};
  }
  const auto token = mint_token(ctx.app, principal, kDemoTokenLifetimeS);
  if (!token) return error_response(ctx, ApiError{http::status::internal_server_error, "internal", "cannot mint", {}, {}, {}});
  boost::json::object out{{"token", *token}, {"subject", principal.subject}, {"role", role_name(principal.role)},
                          {"expires_in_s", kDemoTokenLifetimeS}};
  return json_response(ctx, http::status::ok, out);
}

}  // namespace nnw::server::routes
