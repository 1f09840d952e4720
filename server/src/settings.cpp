#include "settings.hpp"

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace nnw::server {

namespace {

std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) return std::nullopt;
  return value;
}

std::optional<std::string> set_listen(std::string_view text, Settings& s) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return "listen address must be host:port";
  const auto port = parse_integer(text.substr(colon + 1), 1, 65535);
  if (!port) return "listen port must be 1-65535";
  s.listen_host = std::string(text.substr(0, colon));
  s.listen_port = static_cast<unsigned short>(*port);
  return std::nullopt;
}

// One setting by name, from either source.
std::optional<std::string> apply(std::string_view name, std::string_view value, Settings& s) {
  const auto number = [&](std::int64_t min, std::int64_t max, auto& field) -> std::optional<std::string> {
    const auto parsed = parse_integer(value, min, max);
    if (!parsed) return std::string(name) + " must be an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    field = static_cast<std::remove_reference_t<decltype(field)>>(*parsed);
    return std::nullopt;
  };
  std::int64_t seconds = 0;
  std::int64_t millis = 0;
  std::optional<std::string> error;
  if (name == "listen") return set_listen(value, s);
  if (name == "database-url") { s.database_url = value; return std::nullopt; }
  if (name == "db-pool-size") return number(1, 1000, s.db_pool_size);
  if (name == "db-acquire-timeout-ms") { error = number(1, 600000, millis); s.db_acquire_timeout = std::chrono::milliseconds(millis); return error; }
  if (name == "jwt-secret") { s.jwt_secret = value; return std::nullopt; }
  if (name == "data-keys") { s.data_keys = value; return std::nullopt; }
  if (name == "demo") { s.demo_mode = value == "1" || value == "true"; return std::nullopt; }
  if (name == "http-threads") return number(1, 64, s.http_threads);
  if (name == "worker-threads") return number(1, 1024, s.worker_threads);
  if (name == "transfer-lanes") return number(1, 64, s.transfer_lanes);
  if (name == "transfer-batch-max") return number(1, 1000, s.transfer_batch_max);
  if (name == "transfer-linger-us") return number(0, 10000, s.transfer_linger_us);
  if (name == "body-limit-bytes") return number(1024, 16 * 1024 * 1024, s.body_limit_bytes);
  if (name == "request-timeout-s") { error = number(1, 3600, seconds); s.request_timeout = std::chrono::seconds(seconds); return error; }
  if (name == "idle-timeout-s") { error = number(1, 3600, seconds); s.idle_timeout = std::chrono::seconds(seconds); return error; }
  if (name == "shutdown-grace-s") { error = number(0, 3600, seconds); s.shutdown_grace = std::chrono::seconds(seconds); return error; }
  if (name == "max-in-flight") return number(1, 1000000, s.max_in_flight);
  if (name == "web-root") { s.web_root = value; return std::nullopt; }
  if (name == "rules-config") { s.rules_config_path = value; return std::nullopt; }
  if (name == "scheduler-tick-s") { error = number(0, 3600, seconds); s.scheduler_tick = std::chrono::seconds(seconds); return error; }
  if (name == "job") { s.job = std::string(value); return std::nullopt; }
  return "unknown setting --" + std::string(name);
}

constexpr std::pair<const char*, const char*> kEnvironment[] = {
    {"NNW_LISTEN", "listen"}, {"DATABASE_URL", "database-url"}, {"NNW_DB_POOL_SIZE", "db-pool-size"},
    {"NNW_DB_ACQUIRE_TIMEOUT_MS", "db-acquire-timeout-ms"}, {"NNW_JWT_SECRET", "jwt-secret"}, {"NNW_DATA_KEYS", "data-keys"}, {"NNW_DEMO", "demo"},
    {"NNW_HTTP_THREADS", "http-threads"}, {"NNW_WORKER_THREADS", "worker-threads"},
    {"NNW_TRANSFER_LANES", "transfer-lanes"}, {"NNW_TRANSFER_BATCH_MAX", "transfer-batch-max"},
    {"NNW_TRANSFER_LINGER_US", "transfer-linger-us"},
    {"NNW_BODY_LIMIT_BYTES", "body-limit-bytes"}, {"NNW_REQUEST_TIMEOUT_S", "request-timeout-s"},
    {"NNW_IDLE_TIMEOUT_S", "idle-timeout-s"}, {"NNW_SHUTDOWN_GRACE_S", "shutdown-grace-s"},
    {"NNW_MAX_IN_FLIGHT", "max-in-flight"}, {"NNW_WEB_ROOT", "web-root"}, {"NNW_RULES_CONFIG", "rules-config"},
    {"NNW_SCHEDULER_TICK_S", "scheduler-tick-s"},
};

}  // namespace

std::optional<std::string> load_settings(int argc, char** argv, Settings& settings) {
  for (const auto& [variable, name] : kEnvironment) {
    if (const char* value = std::getenv(variable); value != nullptr && *value != '\0') {
      if (auto error = apply(name, value, settings)) return std::string(variable) + ": " + *error;
    }
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--migrate-only") { settings.migrate_only = true; continue; }
    if (arg.rfind("--", 0) != 0) return "unexpected argument " + std::string(arg);
    arg.remove_prefix(2);
    const auto equals = arg.find('=');
    std::string_view value;
    if (equals != std::string_view::npos) {
      value = arg.substr(equals + 1);
      arg = arg.substr(0, equals);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return "--" + std::string(arg) + " needs a value";
    }
    if (auto error = apply(arg, value, settings)) return error;
  }
  if (settings.database_url.empty()) return "DATABASE_URL (or --database-url) is required";
  const bool serving = !settings.migrate_only && !settings.job;
  if (serving && settings.jwt_secret.size() < 32) return "NNW_JWT_SECRET must be at least 32 characters";
  if (serving && settings.data_keys.empty()) return "NNW_DATA_KEYS (id:base64-of-32-bytes,…) is required";
  return std::nullopt;
}

}  // namespace nnw::server
