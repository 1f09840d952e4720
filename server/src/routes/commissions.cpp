// POST /v1/commissions (service, Idempotency-Key): one commission object, or
// {"commissions":[…]} (up to 1,000). Each: external_id, member_id, bonus_type, period
// (YYYY-MM), amount_cents (in the wallet's currency), currency, source_amount_cents,
// source_currency, rate_micros. → 201 {"recorded":[{external_id,id}], "duplicates":[…]}.
#include <set>

#include "app.hpp"
#include "http/idempotent_write.hpp"
#include "ledger/commissions.hpp"
#include "nnw/rules/json_write.hpp"
#include "routes/routes.hpp"
#include "routes/support.hpp"

namespace nnw::server::routes {

namespace {

constexpr std::int64_t kBatchMax = 1000;
constexpr std::int64_t kAmountMaxCents = 100000000000;  // 1,000 million in major units: a typo guard

bool matches(std::string_view text, std::size_t min, std::size_t max, bool (*allowed)(char)) {
  return text.size() >= min && text.size() <= max && std::all_of(text.begin(), text.end(), allowed);
}

std::optional<ApiError> check_commission(const ledger::CommissionIn& c, const std::string& at) {
  const auto upper_digit = [](char ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_'; };
  const auto upper = [](char ch) { return ch >= 'A' && ch <= 'Z'; };
  const auto visible = [](char ch) { return ch > 0x20 && ch < 0x7f; };
  if (!matches(c.external_id, 1, 64, visible)) return bad_request("invalid_value", "must be 1-64 visible ASCII characters", at + "external_id");
  if (!is_uuid(c.member_id)) return bad_request("invalid_value", "must be a member id (uuid)", at + "member_id");
  if (!matches(c.bonus_type, 1, 40, upper_digit)) return bad_request("invalid_value", "must be A-Z, 0-9, _ (1-40)", at + "bonus_type");
  if (!nnw::rules::parse_period(c.period)) return bad_request("invalid_value", "must be a period YYYY-MM", at + "period");
  if (c.amount_cents <= 0 || c.amount_cents > kAmountMaxCents) return bad_request("out_of_range", "must be 1 to 100000000000", at + "amount_cents");
  if (!matches(c.currency, 3, 3, upper)) return bad_request("invalid_value", "must be an ISO 4217 code", at + "currency");
  if (c.source_amount_cents <= 0 || c.source_amount_cents > kAmountMaxCents) {
    return bad_request("out_of_range", "must be 1 to 100000000000", at + "source_amount_cents");
  }
  if (!matches(c.source_currency, 3, 3, upper)) return bad_request("invalid_value", "must be an ISO 4217 code", at + "source_currency");
  if (c.rate_micros <= 0) return bad_request("out_of_range", "must be positive", at + "rate_micros");
  return std::nullopt;
}

ledger::CommissionIn read_commission(nnw::rules::json::Reader& r, const boost::json::value& value,
                                     const nnw::rules::json::Path& at) {
  const auto* o = r.object(&value, at, {"external_id", "member_id", "bonus_type", "period", "amount_cents", "currency",
                                        "source_amount_cents", "source_currency", "rate_micros"});
  const auto text = [&](std::string_view key) { return std::string(r.string(r.member(o, key, at.member(key), true), at.member(key))); };
  const auto number = [&](std::string_view key) { return r.integer(r.member(o, key, at.member(key), true), at.member(key)); };
  ledger::CommissionIn c;
  c.external_id = text("external_id");
  c.member_id = text("member_id");
  c.bonus_type = text("bonus_type");
  c.period = text("period");
  c.amount_cents = number("amount_cents");
  c.currency = text("currency");
  c.source_amount_cents = number("source_amount_cents");
  c.source_currency = text("source_currency");
  c.rate_micros = number("rate_micros");
  return c;
}

struct Batch {
  std::vector<ledger::CommissionIn> items;
  bool batch_form = false;  // {"commissions":[…]} rather than one commission object
};

ApiResult<Batch> read_batch(const RequestContext& ctx) {
  auto body = parse_body(ctx);
  if (!body.ok()) return body.error();
  nnw::rules::json::Reader r;
  const auto& root = nnw::rules::json::kDocument;
  std::vector<ledger::CommissionIn> batch;
  const auto* object = body.value().if_object();
  const bool batch_form = object != nullptr && object->contains("commissions");
  if (batch_form) {
    const auto* o = r.object(&body.value(), root, {"commissions"});
    const auto* items = r.array(r.member(o, "commissions", root.member("commissions"), true), root.member("commissions"), kBatchMax);
    if (r.ok() && items->empty()) return bad_request("out_of_range", "needs at least one commission", "commissions");
    for (std::size_t i = 0; r.ok() && i < items->size(); ++i) {
      batch.push_back(read_commission(r, (*items)[i], root.member("commissions").element(i)));
    }
  } else {
    batch.push_back(read_commission(r, body.value(), root));
  }
  if (!r.ok()) return from_rules_error(*r.error());
  std::set<std::string_view> external_ids;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const std::string at = batch_form ? "commissions[" + std::to_string(i) + "]." : "";
    if (auto error = check_commission(batch[i], at)) return *error;
    if (!external_ids.insert(batch[i].external_id).second) {
      return bad_request("invalid_value", "repeats an external_id of this batch", at + "external_id");
    }
    batch[i].member_id = lowercase(std::move(batch[i].member_id));
  }
  return Batch{std::move(batch), batch_form};
}

}  // namespace

Response create_commissions(RequestContext& ctx) {
  auto batch = read_batch(ctx);
  if (!batch.ok()) return error_response(ctx, batch.error());
  return idempotent_write(ctx, [&](db::Connection& c, const std::string&) -> ApiResult<WriteOutcome> {
    auto result = ledger::record_commissions(c, batch.value().items, batch.value().batch_form);
    if (!result.ok()) return result.error();
    std::string body;
    nnw::rules::json::Writer w(body);
    w.begin_object().key("recorded").begin_array();
    for (const auto& [external_id, id] : result.value().recorded) {
      w.begin_object().field("external_id", std::string_view(external_id)).field("id", id).end_object();
    }
    w.end_array().key("duplicates").begin_array();
    for (const auto& external_id : result.value().duplicates) w.value(std::string_view(external_id));
    w.end_array().end_object();
    return WriteOutcome{http::status::created, std::move(body), false, {}};
  });
}

}  // namespace nnw::server::routes
