#pragma once
// The in-process schedule (NNW_SCHEDULER_TICK_S > 0): a thread that wakes every tick and
// runs each job of jobs::schedule() that is due, on its own database connection (never one
// the request pool needs). A failed run is logged and retried at the next tick.

#include <condition_variable>
#include <map>
#include <mutex>
#include <string_view>
#include <thread>

#include "app.hpp"

namespace nnw::server::jobs {

class Scheduler {
 public:
  explicit Scheduler(App& app);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void stop();

 private:
  void loop();

  App& app_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string_view, std::int64_t> last_run_s_;
  std::thread thread_;
};

}  // namespace nnw::server::jobs
