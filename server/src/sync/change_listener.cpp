#include "sync/change_listener.hpp"

#include <libpq-fe.h>
#include <sys/select.h>

#include <chrono>
#include <memory>

#include "observability/log.hpp"

namespace nnw::server::sync {

namespace {
constexpr auto kReconnectPause = std::chrono::seconds(1);
constexpr long kWaitMicros = 200'000;  // how often the thread looks at stopping_
}  // namespace

ChangeListener::ChangeListener(std::string database_url, PokeHub& hub)
    : database_url_(std::move(database_url)), hub_(hub), thread_([this] { run(); }) {}

ChangeListener::~ChangeListener() { stop(); }

void ChangeListener::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void ChangeListener::run() {
  while (!stopping_) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(database_url_.c_str()), &PQfinish);
    bool listening = false;
    if (PQstatus(conn.get()) == CONNECTION_OK) {
      std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), "LISTEN member_changes"), &PQclear);
      listening = PQresultStatus(result.get()) == PGRES_COMMAND_OK;
    }
    if (!listening) {
      log_event(LogLevel::warn, {{"event", "change_listener_unavailable"}, {"error", PQerrorMessage(conn.get())}});
      for (auto waited = std::chrono::milliseconds(0); waited < kReconnectPause && !stopping_; waited += std::chrono::milliseconds(100)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      continue;
    }
    while (!stopping_) {
      const int socket = PQsocket(conn.get());
      fd_set readable;
      FD_ZERO(&readable);
      FD_SET(socket, &readable);
      timeval timeout{0, kWaitMicros};
      if (select(socket + 1, &readable, nullptr, nullptr, &timeout) < 0) break;
      if (PQconsumeInput(conn.get()) == 0) break;  // the connection is gone: reopen it
      while (PGnotify* notify = PQnotifies(conn.get())) {
        hub_.publish(notify->extra);
        PQfreemem(notify);
      }
    }
  }
}

}  // namespace nnw::server::sync
