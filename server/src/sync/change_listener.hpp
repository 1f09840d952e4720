#pragma once
// LISTEN member_changes on a connection of its own, in a thread of its own: every
// notification (sent at commit by the triggers of migration 0008) goes to the PokeHub. A lost
// connection is reopened after a pause; notifications sent meanwhile are lost, which costs
// nothing but latency: clients also pull when they reconnect and on their own heartbeat.

#include <atomic>
#include <string>
#include <thread>

#include "sync/poke_hub.hpp"

namespace nnw::server::sync {

class ChangeListener {
 public:
  ChangeListener(std::string database_url, PokeHub& hub);
  ~ChangeListener();
  ChangeListener(const ChangeListener&) = delete;
  ChangeListener& operator=(const ChangeListener&) = delete;

  void stop();

 private:
  void run();

  std::string database_url_;
  PokeHub& hub_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace nnw::server::sync
