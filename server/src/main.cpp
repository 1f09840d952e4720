// nnw_server: the NN Wallet ledger server. Reads settings (environment, then flags),
// migrates the database, and serves HTTP until SIGTERM/SIGINT, then drains: readiness goes
// 503, the acceptor closes, in-flight requests finish (bounded by the grace period).
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "app.hpp"
#include "db/migrations.hpp"
#include "http/server.hpp"
#include "jobs/jobs.hpp"
#include "jobs/scheduler.hpp"
#include "nnw/server/sql.hpp"
#include "observability/log.hpp"
#include "routes/routes.hpp"

namespace net = boost::asio;
using namespace nnw::server;

namespace {

nnw::rules::Engine load_rules(const Settings& settings) {
  if (settings.rules_config_path.empty()) return nnw::rules::Engine::with_default_config();
  std::ifstream in(settings.rules_config_path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  auto engine = nnw::rules::Engine::from_config_json(text.str());
  if (!engine) throw std::runtime_error("rules configuration " + settings.rules_config_path + ": " + engine.error().message);
  return std::move(engine).value();
}

// Polls until in-flight requests finish or the grace period ends, then stops the loop.
void drain_then_stop(net::io_context& io, App& app, std::shared_ptr<net::steady_timer> timer,
                     std::chrono::steady_clock::time_point deadline) {
  if (app.in_flight().load() == 0 || std::chrono::steady_clock::now() >= deadline) {
    log_event(LogLevel::info, {{"event", "stopped"}, {"in_flight_abandoned", app.in_flight().load()}});
    io.stop();
    return;
  }
  timer->expires_after(std::chrono::milliseconds(20));
  timer->async_wait([&io, &app, timer, deadline](const boost::system::error_code&) { drain_then_stop(io, app, timer, deadline); });
}

int serve(App& app) {
  net::io_context io(static_cast<int>(app.settings().http_threads));
  net::thread_pool workers(app.settings().worker_threads);
  const Router router(routes::all());
  HttpServer server(io, workers, app, router);
  server.start();
  log_event(LogLevel::info, {{"event", "listening"}, {"host", app.settings().listen_host}, {"port", server.port()},
                             {"rules_version", app.rules().version()}, {"demo", app.settings().demo_mode}});

  jobs::Scheduler scheduler(app);

  net::signal_set signals(io, SIGTERM, SIGINT);
  signals.async_wait([&](const boost::system::error_code& error, int signal) {
    if (error) return;
    log_event(LogLevel::info, {{"event", "draining"}, {"signal", signal}, {"in_flight", app.in_flight().load()}});
    app.draining() = true;
    server.stop_accepting();
    scheduler.stop();  // lets a running job finish its transaction
    drain_then_stop(io, app, std::make_shared<net::steady_timer>(io),
                    std::chrono::steady_clock::now() + app.settings().shutdown_grace);
  });

  std::vector<std::thread> threads;
  for (std::size_t i = 1; i < app.settings().http_threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : threads) thread.join();
  workers.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  if (auto error = load_settings(argc, argv, settings)) {
    std::cerr << "nnw_server: " << *error << "\n";
    return 2;
  }
  try {
    App app(settings, load_rules(settings));
    {
      db::Connection connection(settings.database_url);
      const auto report = db::migrate(connection);
      boost::json::array applied;
      for (const auto& name : report.applied) applied.emplace_back(name);
      log_event(LogLevel::info, {{"event", "migrated"}, {"applied", applied}, {"version", report.current_version}});
      if (settings.migrate_only) return 0;
      if (settings.job) {
        if (!jobs::is_job(*settings.job)) throw std::runtime_error("no such job; known: " + jobs::job_names());
        const auto report_job = jobs::run(*settings.job, connection, settings.database_url, app.metrics(), app.rules(), jobs::unix_seconds(app.now()));
        std::cout << (report_job.ran ? report_job.json : R"({"ran":false,"reason":"another runner holds the job"})") << "\n";
        if (!report_job.ran) return 3;
        return report_job.failed ? 4 : 0;
      }
      // Clients in step through sync swap in a new rules configuration when it is served.
      connection.run(sql::rules_version_record.name, sql::rules_version_record.text,
                     db::Params().add(app.rules().version()));
    }
    return serve(app);
  } catch (const std::exception& error) {
    log_event(LogLevel::error, {{"event", "fatal"}, {"error", error.what()}});
    return 1;
  }
}
