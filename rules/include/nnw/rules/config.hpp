#pragma once
// The rules configuration: every threshold, percentage, table, market, reward and limit the
// rules use. It is data (rules/config/default.json ships in the repo); its version is a hash
// of its canonical content, so two processes with the same version compute the same numbers.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "nnw/rules/calendar.hpp"
#include "nnw/rules/error.hpp"

namespace nnw::rules {

struct Market {
  std::string code;       // "MX"
  std::string currency;   // "MXN"
  std::string time_zone;  // IANA name, for people and for the browser's Intl ("America/Mexico_City")
  std::string posix_tz;   // the rule the calendar evaluates ("CST6")
  TimeZoneRule zone;
};

struct CashbackConfig {
  std::int64_t pv_threshold = 0;     // 2930
  std::int32_t discount_bp = 0;      // 7000 = 70% off public price
};

struct LoyaltyReward {
  std::string id;
  std::string name;
};

struct LoyaltyConfig {
  std::int64_t points_per_period = 0;  // 25
  int window_first_day = 1;            // the earning window is local days [first, last]
  int window_last_day = 7;
  std::int64_t goal_points = 0;        // 100 → one reward entitlement, new cycle
  std::vector<LoyaltyReward> rewards;  // the physical rewards a member chooses from
};

enum class Kit { full_supplement, full_skin, full_protect };
inline constexpr std::array<Kit, 3> kAllKits = {Kit::full_supplement, Kit::full_skin, Kit::full_protect};
const char* kit_name(Kit kit) noexcept;  // "FULL_SUPPLEMENT", ...

struct PointsColumns {
  std::int64_t base = 0;
  std::int64_t promo = 0;
};

struct TravelRank {
  std::string id;    // "EMPRENDEDOR"
  std::string name;  // "Emprendedor"
  PointsColumns points;
};

struct TravelConfig {
  std::int64_t target_points = 0;           // 200
  std::array<PointsColumns, 3> kit_points;  // indexed by Kit
  std::vector<TravelRank> ranks;            // in ascending order
};

struct WalletConfig {
  std::string currency;
  std::int64_t transfer_max_cents = 0;
  std::int64_t transfer_daily_max_cents = 0;
  std::int32_t transfers_per_minute = 0;
  std::int64_t withdrawal_min_cents = 0;
  std::int64_t withdrawal_totp_above_cents = 0;
};

// Bounds on every input, so that no request can make the rules loop or allocate without limit.
struct InputLimits {
  std::int64_t cart_lines_max = 0;
  std::int64_t line_quantity_max = 0;
  std::int64_t unit_price_cents_max = 0;
  std::int64_t unit_pv_max = 0;
  std::int64_t shipping_cents_max = 0;
  std::int64_t period_pv_max = 0;
  std::int64_t orders_max = 0;
  std::int64_t events_max = 0;
  std::int64_t promo_windows_max = 0;
  std::int64_t id_length_max = 0;
};

struct RulesConfig {
  std::string version;         // 16 hex digits of SHA-256 over canonical_json
  std::string canonical_json;  // the document, compact, object keys sorted bytewise
  std::int64_t schema = 0;
  std::vector<Market> markets;
  CashbackConfig cashback;
  LoyaltyConfig loyalty;
  TravelConfig travel;
  std::vector<WalletConfig> wallets;
  InputLimits limits;

  const Market* find_market(std::string_view code) const noexcept;
  const TravelRank* find_rank(std::string_view id) const noexcept;
  const WalletConfig* find_wallet(std::string_view currency) const noexcept;
};

// Parses and validates a configuration document; the error's field names the bad key.
Result<RulesConfig> load_config(std::string_view json);

// The configuration shipped in rules/config/default.json, compiled into the library.
std::string_view default_config_json() noexcept;

// SHA-256 hex digest (64 characters) of bytes; used for the configuration version.
std::string sha256_hex(std::string_view bytes);

}  // namespace nnw::rules
