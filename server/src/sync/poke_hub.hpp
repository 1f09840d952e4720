#pragma once
// Who to poke when a member's state changes: the WebSocket sessions connected to this
// instance, by member. The change listener (change_listener.hpp) publishes what PostgreSQL
// announces on the "member_changes" channel, so a commit made through any instance pokes the
// clients of every instance.

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace nnw::server::sync {

class PokeHub {
 public:
  // Called with the committing transaction's id (0 when the payload named none). Must not
  // block: it posts to the session's strand.
  using Poke = std::function<void(std::uint64_t xid)>;

  std::uint64_t subscribe(std::string member_id, Poke poke);
  void unsubscribe(std::uint64_t subscription);
  // Pokes the subscriptions of a member id, or of "*" (changes for everyone: catalog, rules).
  // The payload is "<member id or *>:<xid>" (migration 0010); a bare key is accepted too.
  void publish(std::string_view channel_payload);
  std::size_t subscribers() const;

 private:
  struct Subscriber {
    std::string member_id;
    Poke poke;
  };
  mutable std::mutex mutex_;
  std::uint64_t next_ = 1;
  std::map<std::uint64_t, Subscriber> subscribers_;
  std::multimap<std::string, std::uint64_t, std::less<>> by_member_;
};

}  // namespace nnw::server::sync
