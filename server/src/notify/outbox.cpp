#include "notify/outbox.hpp"

#include <array>
#include <boost/json.hpp>
#include <stdexcept>

#include "nnw/server/sql.hpp"

namespace nnw::server::notify {

namespace {

constexpr std::array kKinds{kCommissionDeposited, kCashbackUnlocked, kCashbackExpiring, kCashbackExpired,
                            kLoyaltyRewardEarned, kTravelQualified, kWithdrawalStatus};

}  // namespace

bool is_kind(std::string_view kind) noexcept {
  for (const auto known : kKinds) if (known == kind) return true;
  return false;
}

void enqueue(db::Connection& c, const std::string& member_id, std::string_view kind, std::string_view dedupe_key,
             std::string_view payload_json) {
  if (!is_kind(kind)) throw std::invalid_argument("notify::enqueue: unknown kind " + std::string(kind));
  if (dedupe_key.empty() || dedupe_key.size() > 200) {
    throw std::invalid_argument("notify::enqueue: a dedupe key has 1-200 bytes");
  }
  boost::system::error_code ec;
  const auto payload = boost::json::parse(payload_json, ec);
  if (ec || !payload.is_object()) throw std::invalid_argument("notify::enqueue: the payload is not a JSON object");
  c.run(sql::notification_enqueue.name, sql::notification_enqueue.text,
        db::Params().add(member_id).add(kind).add(dedupe_key).add(payload_json));
}

}  // namespace nnw::server::notify
