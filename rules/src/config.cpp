#include "nnw/rules/config.hpp"

#include <algorithm>
#include <map>

#include "nnw/rules/json_read.hpp"
#include "nnw/rules/json_write.hpp"
#include "nnw/rules/money.hpp"

namespace nnw::rules {

namespace {

using json::Path;
using json::Reader;
namespace bj = boost::json;

constexpr std::int64_t kSafe = json::kSafeIntegerMax;
constexpr std::int64_t kPointsMax = 1000000;

bool is_upper_code(std::string_view text, std::size_t length) {
  return text.size() == length && std::all_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

bool is_identifier(std::string_view text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void read_markets(Reader& r, const bj::object* root, const Path& root_path, RulesConfig& config) {
  const Path path = root_path.member("markets");
  const auto* items = r.array(r.member(root, "markets", path, true), path, 32);
  if (!r.ok()) return;
  if (items->empty()) r.fail(ErrorCode::out_of_range, "needs at least one market", path);
  for (std::size_t i = 0; r.ok() && i < items->size(); ++i) {
    const Path at = path.element(i);
    const auto* o = r.object(&(*items)[i], at, {"code", "currency", "time_zone", "posix_tz"});
    Market market;
    market.code = r.string(r.member(o, "code", at.member("code"), true), at.member("code"));
    market.currency = r.string(r.member(o, "currency", at.member("currency"), true), at.member("currency"));
    market.time_zone = r.string(r.member(o, "time_zone", at.member("time_zone"), true), at.member("time_zone"));
    market.posix_tz = r.string(r.member(o, "posix_tz", at.member("posix_tz"), true), at.member("posix_tz"));
    if (!r.ok()) return;
    if (!is_upper_code(market.code, 2)) r.fail(ErrorCode::invalid_value, "must be a 2-letter country code", at.member("code"));
    if (!is_upper_code(market.currency, 3)) r.fail(ErrorCode::invalid_value, "must be a 3-letter ISO 4217 code", at.member("currency"));
    if (market.time_zone.empty() || market.time_zone.size() > 64) r.fail(ErrorCode::invalid_value, "must name an IANA zone", at.member("time_zone"));
    const auto zone = parse_posix_tz(market.posix_tz);
    if (!zone) r.fail(ErrorCode::invalid_value, "must be a POSIX TZ rule such as CST6CDT,M3.2.0,M11.1.0", at.member("posix_tz"));
    if (config.find_market(market.code) != nullptr) r.fail(ErrorCode::invalid_value, "repeats a market code", at.member("code"));
    if (!r.ok()) return;
    market.zone = *zone;
    config.markets.push_back(std::move(market));
  }
}

void read_cashback(Reader& r, const bj::object* root, const Path& root_path, RulesConfig& config) {
  const Path path = root_path.member("cashback");
  const auto* o = r.object(r.member(root, "cashback", path, true), path, {"pv_threshold", "discount_bp"});
  config.cashback.pv_threshold = r.integer_in(r.member(o, "pv_threshold", path.member("pv_threshold"), true),
                                              path.member("pv_threshold"), 1, 1000000000);
  config.cashback.discount_bp = static_cast<std::int32_t>(r.integer_in(
      r.member(o, "discount_bp", path.member("discount_bp"), true), path.member("discount_bp"), 0, kBasisPointsWhole));
}

void read_loyalty(Reader& r, const bj::object* root, const Path& root_path, RulesConfig& config) {
  const Path path = root_path.member("loyalty");
  const auto* o = r.object(r.member(root, "loyalty", path, true), path,
                           {"points_per_period", "window_first_day", "window_last_day", "goal_points", "rewards"});
  auto& loyalty = config.loyalty;
  const auto read = [&](std::string_view key, std::int64_t min, std::int64_t max) {
    const Path at = path.member(key);
    return r.integer_in(r.member(o, key, at, true), at, min, max);
  };
  loyalty.points_per_period = read("points_per_period", 1, kPointsMax);
  loyalty.window_first_day = static_cast<int>(read("window_first_day", 1, 28));
  loyalty.window_last_day = static_cast<int>(read("window_last_day", loyalty.window_first_day, 28));
  loyalty.goal_points = read("goal_points", loyalty.points_per_period, kPointsMax);
  const Path rewards_path = path.member("rewards");
  const auto* rewards = r.array(r.member(o, "rewards", rewards_path, true), rewards_path, 16);
  if (r.ok() && rewards->empty()) r.fail(ErrorCode::out_of_range, "needs at least one reward", rewards_path);
  for (std::size_t i = 0; r.ok() && i < rewards->size(); ++i) {
    const Path at = rewards_path.element(i);
    const auto* reward = r.object(&(*rewards)[i], at, {"id", "name"});
    LoyaltyReward item;
    item.id = r.string(r.member(reward, "id", at.member("id"), true), at.member("id"));
    item.name = r.string(r.member(reward, "name", at.member("name"), true), at.member("name"));
    if (r.ok() && !is_identifier(item.id)) r.fail(ErrorCode::invalid_value, "must be an identifier A-Z, 0-9, _", at.member("id"));
    if (r.ok() && (item.name.empty() || item.name.size() > 200)) r.fail(ErrorCode::invalid_value, "must be a name", at.member("name"));
    loyalty.rewards.push_back(std::move(item));
  }
}

PointsColumns read_columns(Reader& r, const bj::object* o, const Path& path) {
  PointsColumns columns;
  columns.base = r.integer_in(r.member(o, "base", path.member("base"), true), path.member("base"), 0, kPointsMax);
  columns.promo = r.integer_in(r.member(o, "promo", path.member("promo"), true), path.member("promo"), 0, kPointsMax);
  return columns;
}

void read_travel(Reader& r, const bj::object* root, const Path& root_path, RulesConfig& config) {
  const Path path = root_path.member("travel");
  const auto* o = r.object(r.member(root, "travel", path, true), path, {"target_points", "kits", "ranks"});
  auto& travel = config.travel;
  travel.target_points = r.integer_in(r.member(o, "target_points", path.member("target_points"), true),
                                      path.member("target_points"), 1, kPointsMax);
  const Path kits_path = path.member("kits");
  const auto* kits = r.object(r.member(o, "kits", kits_path, true), kits_path,
                              {"FULL_SUPPLEMENT", "FULL_SKIN", "FULL_PROTECT"});
  for (const Kit kit : kAllKits) {
    const Path at = kits_path.member(kit_name(kit));
    const auto* columns = r.object(r.member(kits, kit_name(kit), at, true), at, {"base", "promo"});
    travel.kit_points[static_cast<std::size_t>(kit)] = read_columns(r, columns, at);
  }
  const Path ranks_path = path.member("ranks");
  const auto* ranks = r.array(r.member(o, "ranks", ranks_path, true), ranks_path, 32);
  if (r.ok() && ranks->empty()) r.fail(ErrorCode::out_of_range, "needs at least one rank", ranks_path);
  for (std::size_t i = 0; r.ok() && i < ranks->size(); ++i) {
    const Path at = ranks_path.element(i);
    const auto* rank = r.object(&(*ranks)[i], at, {"id", "name", "base", "promo"});
    TravelRank item;
    item.id = r.string(r.member(rank, "id", at.member("id"), true), at.member("id"));
    item.name = r.string(r.member(rank, "name", at.member("name"), true), at.member("name"));
    item.points = read_columns(r, rank, at);
    if (r.ok() && !is_identifier(item.id)) r.fail(ErrorCode::invalid_value, "must be an identifier A-Z, 0-9, _", at.member("id"));
    if (r.ok() && config.find_rank(item.id) != nullptr) r.fail(ErrorCode::invalid_value, "repeats a rank id", at.member("id"));
    if (r.ok() && (item.name.empty() || item.name.size() > 200)) r.fail(ErrorCode::invalid_value, "must be a name", at.member("name"));
    travel.ranks.push_back(std::move(item));
  }
}

void read_wallets(Reader& r, const bj::object* root, const Path& root_path, RulesConfig& config) {
  const Path path = root_path.member("wallets");
  const auto* items = r.array(r.member(root, "wallets", path, true), path, 32);
  for (std::size_t i = 0; r.ok() && i < items->size(); ++i) {
    const Path at = path.element(i);
    const auto* o = r.object(&(*items)[i], at,
                             {"currency", "transfer_max_cents", "transfer_daily_max_cents", "transfers_per_minute",
                              "withdrawal_min_cents", "withdrawal_totp_above_cents"});
    const auto amount = [&](std::string_view key) {
      return r.integer_in(r.member(o, key, at.member(key), true), at.member(key), 1, kSafe);
    };
    WalletConfig wallet;
    wallet.currency = r.string(r.member(o, "currency", at.member("currency"), true), at.member("currency"));
    wallet.transfer_max_cents = amount("transfer_max_cents");
    wallet.transfer_daily_max_cents = amount("transfer_daily_max_cents");
    wallet.transfers_per_minute = static_cast<std::int32_t>(
        r.integer_in(r.member(o, "transfers_per_minute", at.member("transfers_per_minute"), true),
                     at.member("transfers_per_minute"), 1, 1000000));
    wallet.withdrawal_min_cents = amount("withdrawal_min_cents");
    wallet.withdrawal_totp_above_cents = amount("withdrawal_totp_above_cents");
    if (r.ok() && config.find_wallet(wallet.currency) != nullptr) r.fail(ErrorCode::invalid_value, "repeats a currency", at.member("currency"));
    config.wallets.push_back(std::move(wallet));
  }
  for (std::size_t i = 0; r.ok() && i < config.markets.size(); ++i) {
    if (config.find_wallet(config.markets[i].currency) == nullptr) {
      r.fail(ErrorCode::missing_field, "has no wallet settings for currency " + config.markets[i].currency, path);
    }
  }
}

// Bounds chosen so that no cart total, PV total or cashback value can leave JavaScript's safe
// integer range: every amount a client receives is exact in a JS number.
void check_limit_products(Reader& r, const InputLimits& l, const Path& path) {
  const auto product_fits = [](std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t add) {
    const auto ab = checked_mul(a, b);
    const auto abc = ab ? checked_mul(*ab, c) : std::nullopt;
    const auto sum = abc ? checked_add(*abc, add) : std::nullopt;
    return sum && *sum <= kSafe;
  };
  if (!product_fits(l.cart_lines_max, l.line_quantity_max, l.unit_price_cents_max, l.shipping_cents_max)) {
    r.fail(ErrorCode::out_of_range, "lines × quantity × unit price + shipping must stay within 2^53 − 1", path);
  }
  if (!product_fits(l.cart_lines_max, l.line_quantity_max, l.unit_pv_max, l.period_pv_max)) {
    r.fail(ErrorCode::out_of_range, "lines × quantity × unit PV + period PV must stay within 2^53 − 1", path);
  }
}

void read_limits(Reader& r, const bj::object* root, const Path& root_path, RulesConfig& config) {
  const Path path = root_path.member("limits");
  const auto* o = r.object(r.member(root, "limits", path, true), path,
                           {"cart_lines_max", "line_quantity_max", "unit_price_cents_max", "unit_pv_max",
                            "shipping_cents_max", "period_pv_max", "orders_max", "events_max",
                            "promo_windows_max", "id_length_max"});
  const auto read = [&](std::string_view key, std::int64_t max) {
    return r.integer_in(r.member(o, key, path.member(key), true), path.member(key), 1, max);
  };
  auto& l = config.limits;
  l.cart_lines_max = read("cart_lines_max", 10000);
  l.line_quantity_max = read("line_quantity_max", 1000000);
  l.unit_price_cents_max = read("unit_price_cents_max", kSafe);
  l.unit_pv_max = read("unit_pv_max", kSafe);
  l.shipping_cents_max = read("shipping_cents_max", kSafe);
  l.period_pv_max = read("period_pv_max", kSafe);
  l.orders_max = read("orders_max", 100000);
  l.events_max = read("events_max", 100000);
  l.promo_windows_max = read("promo_windows_max", 1000);
  l.id_length_max = read("id_length_max", 256);
  if (r.ok()) check_limit_products(r, l, path);
}

void write_canonical(const bj::value& value, json::Writer& out) {
  switch (value.kind()) {
    case bj::kind::object: {
      std::map<std::string_view, const bj::value*> sorted;  // std::less on string_view is bytewise
      for (const auto& entry : value.get_object()) sorted.emplace(entry.key(), &entry.value());
      out.begin_object();
      for (const auto& [name, member] : sorted) {
        out.key(name);
        write_canonical(*member, out);
      }
      out.end_object();
      break;
    }
    case bj::kind::array:
      out.begin_array();
      for (const auto& item : value.get_array()) write_canonical(item, out);
      out.end_array();
      break;
    case bj::kind::string: out.value(std::string_view(value.get_string())); break;
    case bj::kind::int64: out.value(value.get_int64()); break;
    case bj::kind::bool_: out.value(value.get_bool()); break;
    default: out.null(); break;  // unreachable: validation admits no other kinds
  }
}

}  // namespace

const char* kit_name(Kit kit) noexcept {
  switch (kit) {
    case Kit::full_supplement: return "FULL_SUPPLEMENT";
    case Kit::full_skin: return "FULL_SKIN";
    case Kit::full_protect: return "FULL_PROTECT";
  }
  return "FULL_SUPPLEMENT";
}

const Market* RulesConfig::find_market(std::string_view code) const noexcept {
  for (const auto& market : markets) if (market.code == code) return &market;
  return nullptr;
}

const TravelRank* RulesConfig::find_rank(std::string_view id) const noexcept {
  for (const auto& rank : travel.ranks) if (rank.id == id) return &rank;
  return nullptr;
}

const WalletConfig* RulesConfig::find_wallet(std::string_view currency) const noexcept {
  for (const auto& wallet : wallets) if (wallet.currency == currency) return &wallet;
  return nullptr;
}

Result<RulesConfig> load_config(std::string_view text) {
  Error parse_error;
  const auto document = json::parse(text, parse_error);
  if (!document) return make_error(ErrorCode::invalid_config, "the configuration is not valid JSON");
  Reader r;
  const Path root;
  RulesConfig config;
  const auto* o = r.object(&*document, root, {"schema", "markets", "cashback", "loyalty", "travel", "wallets", "limits"});
  config.schema = r.integer_in(r.member(o, "schema", root.member("schema"), true), root.member("schema"), 1, 1);
  read_markets(r, o, root, config);
  read_cashback(r, o, root, config);
  read_loyalty(r, o, root, config);
  read_travel(r, o, root, config);
  read_wallets(r, o, root, config);
  read_limits(r, o, root, config);
  if (!r.ok()) {
    Error error = *r.error();
    error.message = (error.field.empty() ? "configuration " : error.field + " ") + error.message;
    error.code = ErrorCode::invalid_config;
    return error;
  }
  json::Writer writer(config.canonical_json);
  write_canonical(*document, writer);
  config.version = sha256_hex(config.canonical_json).substr(0, 16);
  return config;
}

}  // namespace nnw::rules
