// POST /v1/members (service, Idempotency-Key): {"id":uuid, "member_number", "display_name",
//   "email", "market", "sponsor_id"?} → 201: the member and its wallet, in the market's
//   currency, created together.
#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/server/sql.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

namespace {

struct NewMember {
  std::string id, member_number, display_name, email, market;
  std::optional<std::string> sponsor_id;
};

ApiResult<NewMember> read_member(const RequestContext& ctx) {
  auto body = parse_body(ctx);
  if (!body.ok()) return body.error();
  nnw::rules::json::Reader r;
  const auto& root = nnw::rules::json::kDocument;
  const auto* o = r.object(&body.value(), root, {"id", "member_number", "display_name", "email", "market", "sponsor_id"});
  const auto text = [&](std::string_view key) { return std::string(r.string(r.member(o, key, root.member(key), true), root.member(key))); };
  NewMember m{text("id"), text("member_number"), text("display_name"), text("email"), text("market"), {}};
  if (const auto* sponsor = r.member(o, "sponsor_id", root.member("sponsor_id"), false)) {
    m.sponsor_id = std::string(r.string(sponsor, root.member("sponsor_id")));
  }
  if (!r.ok()) return from_rules_error(*r.error());
  if (!is_uuid(m.id)) return bad_request("invalid_value", "must be a uuid", "id");
  if (m.sponsor_id && !is_uuid(*m.sponsor_id)) return bad_request("invalid_value", "must be a uuid", "sponsor_id");
  if (m.member_number.empty() || m.member_number.size() > 32) return bad_request("out_of_range", "must be 1 to 32 bytes", "member_number");
  if (m.display_name.empty() || m.display_name.size() > 200) return bad_request("out_of_range", "must be 1 to 200 bytes", "display_name");
  if (m.email.size() < 3 || m.email.size() > 320 || m.email.find('@') == std::string::npos) {
    return bad_request("invalid_value", "must be an e-mail address", "email");
  }
  m.id = lowercase(std::move(m.id));
  if (m.sponsor_id) m.sponsor_id = lowercase(std::move(*m.sponsor_id));
  return m;
}

}  // namespace

Response create_member(RequestContext& ctx) {
  auto member = read_member(ctx);
  if (!member.ok()) return error_response(ctx, member.error());
  const NewMember& m = member.value();
  const auto* market = ctx.app.rules().config().find_market(m.market);
  if (market == nullptr) return error_response(ctx, bad_request("unknown_market", "is not a configured market", "market"));
  return idempotent_write(ctx, [&](db::Connection& c, const std::string&) -> ApiResult<WriteOutcome> {
    if (m.sponsor_id) {
      const db::Rows sponsor = c.run(sql::member_by_number_or_id.name, sql::member_by_number_or_id.text,
                                     db::Params().add_null().add(*m.sponsor_id));
      if (sponsor.empty()) return bad_request("unknown_member", "no member with this id", "sponsor_id");
    }
    const db::Rows created = c.run(sql::member_insert.name, sql::member_insert.text,
                                   db::Params().add(m.id).add(m.member_number).add(m.display_name).add(m.email)
                                       .add(m.market).add(m.sponsor_id));
    if (created.empty()) return conflict("member_exists", "a member with this id, number or e-mail exists", "id");
    c.run(sql::wallet_insert.name, sql::wallet_insert.text, db::Params().add(m.id).add(market->currency));
    std::string body;
    nnw::rules::json::Writer w(body);
    w.begin_object().key("member").begin_object().field("id", std::string_view(m.id));
    w.field("member_number", std::string_view(m.member_number)).field("market", std::string_view(m.market));
    w.field("currency", std::string_view(market->currency)).field("balance_cents", std::int64_t{0});
    w.field("created_at", created.text(0, 0)).end_object().end_object();
    return WriteOutcome{http::status::created, std::move(body), false, {}};
  });
}

}  // namespace nnw::server::routes
