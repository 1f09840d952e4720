#include "sync/poke_hub.hpp"

#include <charconv>
#include <system_error>
#include <vector>

namespace nnw::server::sync {

std::uint64_t PokeHub::subscribe(std::string member_id, Poke poke) {
  std::lock_guard lock(mutex_);
  const std::uint64_t id = next_++;
  by_member_.emplace(member_id, id);
  subscribers_.emplace(id, Subscriber{std::move(member_id), std::move(poke)});
  return id;
}

void PokeHub::unsubscribe(std::uint64_t subscription) {
  std::lock_guard lock(mutex_);
  const auto found = subscribers_.find(subscription);
  if (found == subscribers_.end()) return;
  const auto [first, last] = by_member_.equal_range(found->second.member_id);
  for (auto it = first; it != last; ++it) {
    if (it->second == subscription) {
      by_member_.erase(it);
      break;
    }
  }
  subscribers_.erase(found);
}

void PokeHub::publish(std::string_view channel_payload) {
  const auto colon = channel_payload.find(':');
  const std::string_view key = channel_payload.substr(0, colon);
  std::uint64_t xid = 0;
  if (colon != std::string_view::npos) {
    const std::string_view digits = channel_payload.substr(colon + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), xid);
    if (ec != std::errc{} || end != digits.data() + digits.size()) xid = 0;
  }
  std::vector<Poke> pokes;
  {
    std::lock_guard lock(mutex_);
    // "*" reaches the subscriptions made for "*": every session makes one.
    const auto [first, last] = by_member_.equal_range(key);
    for (auto it = first; it != last; ++it) pokes.push_back(subscribers_.at(it->second).poke);
  }
  for (const auto& poke : pokes) poke(xid);  // outside the lock: a poke only posts
}

std::size_t PokeHub::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

}  // namespace nnw::server::sync
