#pragma once
// Server settings: from environment variables, overridden by --flags (docs/server.md lists them).

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace nnw::server {

struct Settings {
  std::string listen_host = "127.0.0.1";          // NNW_LISTEN / --listen host:port
  unsigned short listen_port = 8080;
  std::string database_url;                        // DATABASE_URL / --database-url (required)
  std::size_t db_pool_size = 16;                   // NNW_DB_POOL_SIZE
  std::chrono::milliseconds db_acquire_timeout{2000};  // NNW_DB_ACQUIRE_TIMEOUT_MS
  std::string jwt_secret;                          // NNW_JWT_SECRET (required)
  std::string data_keys;                           // NNW_DATA_KEYS: "id:base64key,…" sealing bank details (required)
  bool demo_mode = false;                          // NNW_DEMO=1: demo login endpoint on
  std::size_t http_threads = 2;                    // NNW_HTTP_THREADS
  std::size_t worker_threads = 16;                 // NNW_WORKER_THREADS: run handlers (blocking libpq)
  std::size_t transfer_lanes = 2;                  // NNW_TRANSFER_LANES: transfer batches booked at once
  std::size_t transfer_batch_max = 32;             // NNW_TRANSFER_BATCH_MAX: transfers per batch at most
  std::size_t transfer_linger_us = 500;            // NNW_TRANSFER_LINGER_US: a lone batch's wait for more
  std::size_t body_limit_bytes = 64 * 1024;        // NNW_BODY_LIMIT_BYTES
  std::chrono::seconds request_timeout{30};        // NNW_REQUEST_TIMEOUT_S: a request's body, and its response's write
  std::chrono::seconds idle_timeout{60};           // NNW_IDLE_TIMEOUT_S: keep-alive between requests
  std::chrono::seconds shutdown_grace{20};         // NNW_SHUTDOWN_GRACE_S: drain on SIGTERM
  std::size_t max_in_flight = 512;                 // NNW_MAX_IN_FLIGHT: past it, 503 + Retry-After
  std::string web_root;                            // NNW_WEB_ROOT: static files served at /
  std::string rules_config_path;                   // NNW_RULES_CONFIG: rules JSON (default: built in)
  std::chrono::seconds scheduler_tick{0};          // NNW_SCHEDULER_TICK_S: run due jobs every N s (0: off)
  bool migrate_only = false;                       // --migrate-only: apply migrations and exit
  std::optional<std::string> job;                  // --job NAME: run one job and exit
};

// Reads the environment, then argv. Returns an error message for bad input.
std::optional<std::string> load_settings(int argc, char** argv, Settings& settings);

}  // namespace nnw::server
