// The JSON boundary: reads request documents into the rules' plain structs (shape pass),
// runs validate_* (range pass) and the rule, and writes the response document. Field order in
// responses is fixed here and mirrored by the WebAssembly fast path (wasm/js/).
#include "nnw/rules/engine.hpp"

#include "nnw/rules/json_read.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/rules/cashback.hpp"
#include "nnw/rules/clabe.hpp"
#include "nnw/rules/loyalty.hpp"
#include "nnw/rules/travel.hpp"

namespace nnw::rules {

namespace {

namespace bj = boost::json;
using json::Path;
using json::Reader;
using json::Writer;

// Parses `text`, hands the root value to `read`, and turns whichever error comes first into
// the error document.
template <class Request, class ReadFn>
Result<Request> read_request(std::string_view text, ReadFn&& read) {
  unsigned char buffer[4096];
  bj::monotonic_resource arena(buffer, sizeof buffer);
  Error parse_error;
  const auto document = json::parse(text, parse_error, &arena);
  if (!document) return parse_error;
  Reader r;
  Request request = read(r, *document);
  if (!r.ok()) return *r.error();
  return request;
}

const Market* read_market(Reader& r, const bj::object* o, const RulesConfig& config) {
  const Path path = json::kDocument.member("market");
  const std::string_view code = r.string(r.member(o, "market", path, true), path);
  if (!r.ok()) return nullptr;
  const Market* market = config.find_market(code);
  if (market == nullptr) r.fail(ErrorCode::unknown_market, "is not a configured market", path);
  return market;
}

std::optional<CashbackState> read_cashback(Reader& r, const bj::value* value) {
  const Path path = json::kDocument.member("cashback");
  const auto* o = r.object(value, path, {"period", "status", "value_cents"});
  if (o == nullptr) return std::nullopt;
  CashbackState state;
  state.period = r.period(r.member(o, "period", path.member("period"), true), path.member("period"));
  state.status = static_cast<CashbackStatus>(r.choice(r.member(o, "status", path.member("status"), true),
                                                      path.member("status"), {"AVAILABLE", "USED", "EXPIRED"}));
  state.value_cents = r.integer(r.member(o, "value_cents", path.member("value_cents"), true), path.member("value_cents"));
  return state;
}

CartRequest read_cart(Reader& r, const bj::value& root, const RulesConfig& config) {
  const Path top;
  CartRequest request;
  const auto* o = r.object(&root, top, {"market", "now", "period_pv", "cashback", "lines", "shipping_cents"});
  if (o == nullptr) return request;
  request.market = read_market(r, o, config);
  request.now = r.instant(r.member(o, "now", top.member("now"), true), top.member("now"));
  request.period_pv = r.integer(r.member(o, "period_pv", top.member("period_pv"), true), top.member("period_pv"));
  request.cashback = read_cashback(r, r.member(o, "cashback", top.member("cashback"), false));
  const Path lines_path = top.member("lines");
  const auto* lines = r.array(r.member(o, "lines", lines_path, true), lines_path, config.limits.cart_lines_max);
  for (std::size_t i = 0; r.ok() && i < lines->size(); ++i) {
    const Path at = lines_path.element(i);
    const auto* line = r.object(&(*lines)[i], at, {"sku", "quantity", "unit_price_cents", "unit_pv"});
    CartLine item;
    item.sku = r.string(r.member(line, "sku", at.member("sku"), true), at.member("sku"));
    item.quantity = r.integer(r.member(line, "quantity", at.member("quantity"), true), at.member("quantity"));
    item.unit_price_cents = r.integer(r.member(line, "unit_price_cents", at.member("unit_price_cents"), true),
                                      at.member("unit_price_cents"));
    item.unit_pv = r.integer(r.member(line, "unit_pv", at.member("unit_pv"), true), at.member("unit_pv"));
    request.lines.push_back(std::move(item));
  }
  request.shipping_cents = r.integer(r.member(o, "shipping_cents", top.member("shipping_cents"), true),
                                     top.member("shipping_cents"));
  return request;
}

void write_cashback_state(Writer& w, std::string_view name, const std::optional<CashbackState>& state) {
  if (!state) {
    w.null_field(name);
    return;
  }
  w.key(name).begin_object();
  w.field("period", format_period(state->period));
  w.field("status", cashback_status_name(state->status));
  w.field("value_cents", state->value_cents);
  w.end_object();
}

std::string write_cart(const RulesConfig& config, const CartRequest& request, const CartPreview& p) {
  std::string out;
  out.reserve(512 + 256 * p.lines.size());
  Writer w(out);
  w.begin_object();
  w.field("rules_version", config.version);
  w.field("market", request.market->code);
  w.field("currency", request.market->currency);
  w.field("period", format_period(p.period));
  w.field("cart_pv", p.cart_pv);
  w.field("period_pv_before", p.period_pv_before);
  w.field("period_pv_after", p.period_pv_after);
  w.field("pv_threshold", p.pv_threshold);
  w.field("pv_missing", p.pv_missing);
  w.field("cashback_in", cashback_input_name(p.cashback_in));
  w.field("unlocks_cashback", p.unlocks_cashback);
  if (p.crossing) {
    w.key("crossing").begin_object().field("line", p.crossing->line).field("unit", p.crossing->unit).end_object();
  } else {
    w.null_field("crossing");
  }
  w.field("cashback_generated_cents", p.cashback_generated_cents);
  w.field("cashback_spend", cashback_spend_name(p.cashback_spend));
  w.field("cashback_spendable_cents", p.cashback_spendable_cents);
  w.key("lines").begin_array();
  for (std::size_t i = 0; i < p.lines.size(); ++i) {
    const CartLine& in = request.lines[i];
    const LinePreview& line = p.lines[i];
    w.begin_object();
    w.field("sku", std::string_view(in.sku));
    w.field("quantity", in.quantity);
    w.field("unit_price_cents", in.unit_price_cents);
    w.field("unit_pv", in.unit_pv);
    w.field("line_pv", line.line_pv);
    w.field("subtotal_cents", line.subtotal_cents);
    w.field("discounted_units", line.discounted_units);
    w.field("discount_cents", line.discount_cents);
    w.field("clipped", line.clipped);
    w.field("total_cents", line.total_cents);
    w.end_object();
  }
  w.end_array();
  w.field("subtotal_cents", p.subtotal_cents);
  w.field("discount_cents", p.discount_cents);
  w.field("shipping_cents", p.shipping_cents);
  w.field("total_cents", p.total_cents);
  write_cashback_state(w, "cashback_after", p.cashback_after);
  w.end_object();
  return out;
}

LoyaltyRequest read_loyalty(Reader& r, const bj::value& root, const RulesConfig& config) {
  const Path top;
  LoyaltyRequest request;
  const auto* o = r.object(&root, top, {"market", "now", "orders"});
  if (o == nullptr) return request;
  request.market = read_market(r, o, config);
  request.now = r.instant(r.member(o, "now", top.member("now"), true), top.member("now"));
  const Path orders_path = top.member("orders");
  const auto* orders = r.array(r.member(o, "orders", orders_path, true), orders_path, config.limits.orders_max);
  for (std::size_t i = 0; r.ok() && i < orders->size(); ++i) {
    const Path at = orders_path.element(i);
    const auto* order = r.object(&(*orders)[i], at, {"id", "placed_at", "cancelled_at"});
    LoyaltyOrder item;
    item.id = r.string(r.member(order, "id", at.member("id"), true), at.member("id"));
    item.placed_at = r.instant(r.member(order, "placed_at", at.member("placed_at"), true), at.member("placed_at"));
    if (const auto* cancelled = r.member(order, "cancelled_at", at.member("cancelled_at"), false)) {
      item.cancelled_at = r.instant(cancelled, at.member("cancelled_at"));
    }
    request.orders.push_back(std::move(item));
  }
  return request;
}

std::string write_loyalty(const RulesConfig& config, const LoyaltyRequest& request, const LoyaltyState& s) {
  std::string out;
  out.reserve(512 + 200 * s.history.size());
  Writer w(out);
  w.begin_object();
  w.field("rules_version", config.version);
  w.field("market", request.market->code);
  w.field("period", format_period(s.period));
  w.field("points", s.points);
  w.field("goal_points", s.goal_points);
  w.field("consecutive_months", s.consecutive_months);
  w.field("status", loyalty_status_name(s.status));
  w.key("window").begin_object();
  w.field("period", format_period(s.window.period));
  w.field("opens_at", format_utc(s.window.opens_at));
  w.field("closes_at", format_utc(s.window.closes_at));
  w.field("open", s.window.open);
  w.field("earned", s.window.earned);
  if (s.window.earned) w.field("earning_order_id", std::string_view(s.window.earning_order_id));
  else w.null_field("earning_order_id");
  w.field("days_left", s.window.days_left);
  w.end_object();
  w.field("next_window_opens_at", format_utc(s.next_window_opens_at));
  w.key("rewards_earned").begin_array();
  for (const Period& period : s.rewards_earned) w.value(format_period(period));
  w.end_array();
  w.key("history").begin_array();
  for (const LoyaltyEvent& event : s.history) {
    w.begin_object();
    w.field("type", loyalty_event_name(event.type));
    w.field("period", format_period(event.period));
    if (event.type == LoyaltyEventType::accrual) w.field("order_id", std::string_view(event.order_id));
    else w.null_field("order_id");
    w.field("points_before", event.points_before);
    w.field("points_after", event.points_after);
    w.field("consecutive_months", event.consecutive_months_after);
    w.field("at", format_utc(event.at));
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

TravelEvent read_event(Reader& r, const bj::value& value, const Path& at, const RulesConfig& config) {
  TravelEvent event;
  // The allowed fields depend on the type, so the type is read before the key check.
  const auto* type_value = r.member(&value.get_object(), "type", at.member("type"), true);
  event.type = static_cast<TravelEventType>(
      r.choice(type_value, at.member("type"), {"KIT_SOLD", "RANK_REACHED", "DIRECT_RANK_REACHED"}));
  if (!r.ok()) return event;
  const bj::object* o = nullptr;
  switch (event.type) {
    case TravelEventType::kit_sold: o = r.object(&value, at, {"id", "type", "kit", "at", "received_at"}); break;
    case TravelEventType::rank_reached: o = r.object(&value, at, {"id", "type", "rank", "at", "received_at"}); break;
    case TravelEventType::direct_rank_reached:
      o = r.object(&value, at, {"id", "type", "direct_id", "rank", "at", "received_at"});
      break;
  }
  event.id = r.string(r.member(o, "id", at.member("id"), true), at.member("id"));
  if (event.type == TravelEventType::kit_sold) {
    event.kit = static_cast<Kit>(r.choice(r.member(o, "kit", at.member("kit"), true), at.member("kit"),
                                          {"FULL_SUPPLEMENT", "FULL_SKIN", "FULL_PROTECT"}));
  } else {
    if (event.type == TravelEventType::direct_rank_reached) {
      event.direct_id = r.string(r.member(o, "direct_id", at.member("direct_id"), true), at.member("direct_id"));
    }
    const std::string_view rank = r.string(r.member(o, "rank", at.member("rank"), true), at.member("rank"));
    if (r.ok()) {
      const TravelRank* found = config.find_rank(rank);
      if (found == nullptr) r.fail(ErrorCode::invalid_value, "is not a configured rank", at.member("rank"));
      else event.rank = static_cast<std::size_t>(found - config.travel.ranks.data());
    }
  }
  event.at = r.instant(r.member(o, "at", at.member("at"), true), at.member("at"));
  const auto* received = r.member(o, "received_at", at.member("received_at"), false);
  event.received_at = received ? r.instant(received, at.member("received_at")) : event.at;
  return event;
}

Campaign read_campaign(Reader& r, const bj::object* root, const RulesConfig& config) {
  const Path path = json::kDocument.member("campaign");
  Campaign campaign;
  const auto* o = r.object(r.member(root, "campaign", path, true), path,
                           {"id", "starts_at", "ends_at", "status", "closed_at", "promo_windows"});
  campaign.id = r.string(r.member(o, "id", path.member("id"), true), path.member("id"));
  campaign.starts_at = r.instant(r.member(o, "starts_at", path.member("starts_at"), true), path.member("starts_at"));
  campaign.ends_at = r.instant(r.member(o, "ends_at", path.member("ends_at"), true), path.member("ends_at"));
  campaign.status = static_cast<CampaignStatus>(
      r.choice(r.member(o, "status", path.member("status"), true), path.member("status"), {"ACTIVA", "CERRADA"}));
  if (const auto* closed = r.member(o, "closed_at", path.member("closed_at"), false)) {
    campaign.closed_at = r.instant(closed, path.member("closed_at"));
  }
  const Path windows_path = path.member("promo_windows");
  const auto* windows = r.array(r.member(o, "promo_windows", windows_path, false), windows_path,
                                config.limits.promo_windows_max);
  for (std::size_t i = 0; r.ok() && windows != nullptr && i < windows->size(); ++i) {
    const Path at = windows_path.element(i);
    const auto* window = r.object(&(*windows)[i], at, {"starts_at", "ends_at"});
    PromoWindow item;
    item.starts_at = r.instant(r.member(window, "starts_at", at.member("starts_at"), true), at.member("starts_at"));
    item.ends_at = r.instant(r.member(window, "ends_at", at.member("ends_at"), true), at.member("ends_at"));
    campaign.promo_windows.push_back(item);
  }
  return campaign;
}

TravelRequest read_travel(Reader& r, const bj::value& root, const RulesConfig& config) {
  const Path top;
  TravelRequest request;
  const auto* o = r.object(&root, top, {"campaign", "events"});
  if (o == nullptr) return request;
  request.campaign = read_campaign(r, o, config);
  const Path events_path = top.member("events");
  const auto* events = r.array(r.member(o, "events", events_path, true), events_path, config.limits.events_max);
  for (std::size_t i = 0; r.ok() && i < events->size(); ++i) {
    const Path at = events_path.element(i);
    const bj::value& value = (*events)[i];
    if (!value.is_object()) {
      r.fail(ErrorCode::invalid_type, "must be an object", at);
      break;
    }
    request.events.push_back(read_event(r, value, at, config));
  }
  return request;
}

void write_travel_event_ref(Writer& w, const TravelRequest& request, std::size_t index) {
  const TravelEvent& event = request.events[index];
  w.field("event", static_cast<std::int64_t>(index));
  w.field("id", std::string_view(event.id));
  w.field("type", travel_event_name(event.type));
}

std::string write_travel(const RulesConfig& config, const TravelRequest& request, const TravelSummary& s) {
  std::string out;
  out.reserve(512 + 100 * request.events.size());
  Writer w(out);
  w.begin_object();
  w.field("rules_version", config.version);
  w.field("campaign_id", std::string_view(request.campaign.id));
  w.field("status", campaign_status_name(request.campaign.status));
  w.field("target_points", s.target_points);
  w.field("points", s.points);
  w.field("points_missing", s.points_missing);
  w.field("qualified", s.qualified);
  w.key("breakdown").begin_object();
  w.field("kits", s.kit_points).field("ranks", s.rank_points).field("directs", s.direct_points);
  w.end_object();
  w.key("accepted").begin_array();
  for (const TravelAccepted& accepted : s.accepted) {
    w.begin_object();
    write_travel_event_ref(w, request, accepted.event);
    w.field("column", points_column_name(accepted.column));
    w.field("points", accepted.points);
    w.end_object();
  }
  w.end_array();
  w.key("rejected").begin_array();
  for (const TravelRejected& rejected : s.rejected) {
    w.begin_object();
    write_travel_event_ref(w, request, rejected.event);
    w.field("reason", travel_rejection_name(rejected.reason));
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return out;
}

// Runs one operation end to end: read (shape), validate (ranges), compute, write.
template <class Request, class ReadFn, class ValidateFn, class RuleFn, class WriteFn>
std::string run(const RulesConfig& config, std::string_view text, ReadFn&& read, ValidateFn&& validate,
                RuleFn&& rule, WriteFn&& write) {
  auto request = read_request<Request>(text, [&](Reader& r, const bj::value& root) { return read(r, root, config); });
  if (!request) return error_json(request.error());
  if (auto invalid = validate(config, *request)) return error_json(*invalid);
  auto result = rule(config, *request);
  if (!result) return error_json(result.error());
  return write(config, *request, *result);
}

}  // namespace

std::string error_json(const Error& error) {
  std::string out;
  Writer w(out);
  w.begin_object().key("error").begin_object();
  w.field("code", error_code_name(error.code));
  w.field("message", std::string_view(error.message));
  w.field("field", std::string_view(error.field));
  w.end_object().end_object();
  return out;
}

Engine Engine::with_default_config() {
  auto config = load_config(default_config_json());
  // The shipped document is validated by the test suite; failing here is a build defect.
  if (!config) __builtin_trap();
  return Engine(std::move(config).value());
}

Result<Engine> Engine::from_config_json(std::string_view config_json) {
  auto config = load_config(config_json);
  if (!config) return std::move(config).error();
  return Engine(std::move(config).value());
}

std::string Engine::preview_cart(std::string_view request_json) const {
  return run<CartRequest>(config_, request_json, read_cart, validate_cart, nnw::rules::preview_cart, write_cart);
}

std::string Engine::loyalty_status(std::string_view request_json) const {
  return run<LoyaltyRequest>(config_, request_json, read_loyalty, validate_loyalty, nnw::rules::loyalty_status,
                             write_loyalty);
}

std::string Engine::travel_points(std::string_view request_json) const {
  return run<TravelRequest>(config_, request_json, read_travel, validate_travel, nnw::rules::travel_points,
                            write_travel);
}

std::string Engine::check_clabe(std::string_view request_json) const {
  auto request = read_request<std::string>(request_json, [](Reader& r, const bj::value& root) {
    const auto* o = r.object(&root, json::kDocument, {"clabe"});
    return std::string(r.string(r.member(o, "clabe", json::kDocument.member("clabe"), true), json::kDocument.member("clabe")));
  });
  if (!request) return error_json(request.error());
  const std::string& clabe = *request;
  const ClabeCheck check = nnw::rules::check_clabe(clabe);
  const bool all_digits = check.valid() || check.problem == ClabeProblem::bad_check_digit;
  std::string out;
  Writer w(out);
  w.begin_object();
  w.field("valid", check.valid());
  if (check.valid()) w.null_field("problem");
  else w.field("problem", clabe_problem_name(check.problem));
  if (all_digits) {
    const std::string_view digits(clabe);
    w.field("bank_code", digits.substr(0, 3));
    w.field("branch_code", digits.substr(3, 3));
    w.field("account", digits.substr(6, 11));
    w.field("check_digit", static_cast<std::int64_t>(digits[17] - '0'));
  } else {
    w.null_field("bank_code").null_field("branch_code").null_field("account").null_field("check_digit");
  }
  if (check.expected_check_digit >= 0) w.field("expected_check_digit", static_cast<std::int64_t>(check.expected_check_digit));
  else w.null_field("expected_check_digit");
  w.end_object();
  return out;
}

std::string Engine::describe() const {
  std::string out;
  Writer w(out);
  w.begin_object();
  w.field("rules_version", config_.version);
  w.key("config").raw(config_.canonical_json);
  w.end_object();
  return out;
}

}  // namespace nnw::rules
