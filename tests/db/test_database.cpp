#include "test_database.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "pq.hpp"

// The repository root, for scripts/pg; the build defines it. Without it, the nearest
// scripts/pg above the working directory is used.
#ifndef NNW_SOURCE_DIR
#define NNW_SOURCE_DIR ""
#endif

namespace nnw::test_db {
namespace {

// scripts/pg start exits with this status when the requested port is taken.
constexpr int kExitPortBusy = 75;
constexpr int kStartAttemptsMax = 3;
constexpr std::size_t kCommandOutputBytesMax = 64 * 1024;
constexpr std::size_t kNameHintLengthMax = 24;
// The database scripts/pg creates in the clusters it starts for tests; CREATE DATABASE
// runs from there.
constexpr std::string_view kClusterDatabase = "nnwallet_test";

enum class ServerKind { none, external, shared_cluster, private_cluster };

struct Server {
  std::mutex mutex;
  ServerKind kind = ServerKind::none;
  std::string url;
  std::filesystem::path cluster_dir;  // empty for an external server
  std::vector<std::string> databases_created;
  unsigned databases_counter = 0;
};

Server& server() {
  static Server instance;
  return instance;
}

const char* environment_variable(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

bool keep_databases() { return environment_variable("NNW_TEST_KEEP_DATABASES") != nullptr; }

std::filesystem::path pg_script() {
  const std::filesystem::path source_dir = NNW_SOURCE_DIR;
  if (!source_dir.empty()) {
    return source_dir / "scripts" / "pg";
  }
  for (auto dir = std::filesystem::current_path();; dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "scripts" / "pg")) {
      return dir / "scripts" / "pg";
    }
    if (dir == dir.parent_path()) {
      throw std::runtime_error(
          "scripts/pg not found: define NNW_SOURCE_DIR or run from inside the repository");
    }
  }
}

std::string shell_quote(std::string_view word) {
  std::string quoted = "'";
  for (const char c : word) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

struct CommandResult {
  int exit_status = -1;
  std::string last_line;
};

// Runs argv through the shell: its stderr goes to ours, its stdout is returned.
CommandResult run(const std::vector<std::string>& argv) {
  std::string command;
  for (const auto& word : argv) {
    command += shell_quote(word) + ' ';
  }
  std::fflush(nullptr);
  FILE* const pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("cannot run " + command);
  }
  std::string output;
  char buffer[4096];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    if (output.size() < kCommandOutputBytesMax) {
      output.append(buffer, count);
    }
  }
  const int status = pclose(pipe);
  CommandResult result;
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  while (!output.empty() && output.back() == '\n') {
    output.pop_back();
  }
  const auto line_start = output.rfind('\n');
  result.last_line = line_start == std::string::npos ? output : output.substr(line_start + 1);
  return result;
}

// A port the kernel just considered free on 127.0.0.1. Another process may take it before
// the cluster binds it: start_private_cluster retries on kExitPortBusy.
int free_port() {
  const int socket_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (socket_fd < 0) {
    throw std::runtime_error("socket() failed");
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  const bool found = ::bind(socket_fd, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
                     ::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(socket_fd);
  if (!found) {
    throw std::runtime_error("cannot find a free port on 127.0.0.1");
  }
  return ntohs(address.sin_port);
}

std::filesystem::path make_temporary_dir() {
  std::string path_template = (std::filesystem::temp_directory_path() / "nnw-test-pg-XXXXXX");
  if (::mkdtemp(path_template.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed for " + path_template);
  }
  return path_template;
}

void destroy_cluster(const std::filesystem::path& dir) {
  const CommandResult result = run({pg_script().string(), "destroy", dir.string()});
  if (result.exit_status != 0) {
    std::cerr << "test_database: scripts/pg destroy " << dir << " failed; remove it by hand\n";
  }
}

std::string start_private_cluster(const std::filesystem::path& dir) {
  for (int attempt = 1; attempt <= kStartAttemptsMax; ++attempt) {
    std::vector<std::string> argv = {pg_script().string(), "start", dir.string(), "--fast",
                                     "--port", std::to_string(free_port()), "--db",
                                     std::string(kClusterDatabase)};
    if (!keep_databases()) {
      // Should this binary die before TearDown, the cluster goes with it.
      argv.insert(argv.end(), {"--owner-pid", std::to_string(::getpid())});
    }
    const CommandResult result = run(argv);
    if (result.exit_status == 0) {
      return result.last_line;
    }
    if (result.exit_status != kExitPortBusy) {
      destroy_cluster(dir);
      std::filesystem::remove_all(dir);
      throw std::runtime_error("scripts/pg start " + dir.string() + " failed with status " +
                               std::to_string(result.exit_status) + " (its messages are above)");
    }
  }
  destroy_cluster(dir);
  throw std::runtime_error("no free port for the test cluster after " +
                           std::to_string(kStartAttemptsMax) + " attempts");
}

std::string start_shared_cluster(const std::filesystem::path& dir) {
  const CommandResult result = run({pg_script().string(), "start", dir.string(), "--fast",
                                    "--db", std::string(kClusterDatabase)});
  if (result.exit_status != 0) {
    throw std::runtime_error("scripts/pg start " + dir.string() + " (NNW_TEST_PG_DIR) failed");
  }
  return result.last_line;
}

void connect_server(Server& state) {
  if (const char* url = environment_variable("NNW_TEST_DATABASE_URL")) {
    state.kind = ServerKind::external;
    state.url = url;
  } else if (const char* dir = environment_variable("NNW_TEST_PG_DIR")) {
    state.kind = ServerKind::shared_cluster;
    state.cluster_dir = std::filesystem::absolute(dir);
    state.url = start_shared_cluster(state.cluster_dir);
  } else {
    state.cluster_dir = make_temporary_dir();
    state.url = start_private_cluster(state.cluster_dir);
    state.kind = ServerKind::private_cluster;
  }
  Connection connection(state.url);
  if (connection.scalar("SELECT 1") != "1") {
    throw std::runtime_error("SELECT 1 on " + state.url + " did not return 1");
  }
}

void drop_databases(Server& state) {
  for (const auto& name : state.databases_created) {
    try {
      Connection(state.url).exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (const std::exception& error) {
      std::cerr << "test_database: cannot drop " << name << ": " << error.what() << '\n';
    }
  }
  state.databases_created.clear();
}

// nnwt_<hint>_<pid>_<counter>_<random>: unique across processes sharing one server, and
// readable enough to find a test's database when it is kept.
std::string unique_database_name(std::string_view name_hint, unsigned counter) {
  std::string hint;
  for (const char c : name_hint.substr(0, kNameHintLengthMax)) {
    const auto byte = static_cast<unsigned char>(c);
    hint += std::isalnum(byte) != 0 ? static_cast<char>(std::tolower(byte)) : '_';
  }
  if (hint.empty()) {
    hint = "db";
  }
  static std::mt19937 random_bits{std::random_device{}()};
  const auto suffix = std::uniform_int_distribution<unsigned>{0, 0xffff}(random_bits);
  char suffix_hex[8];
  std::snprintf(suffix_hex, sizeof suffix_hex, "%04x", suffix);
  return "nnwt_" + hint + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter) +
         "_" + suffix_hex;
}

const char* kind_name(ServerKind kind) {
  switch (kind) {
    case ServerKind::external: return "NNW_TEST_DATABASE_URL";
    case ServerKind::shared_cluster: return "shared cluster in NNW_TEST_PG_DIR";
    case ServerKind::private_cluster: return "private throwaway cluster";
    case ServerKind::none: break;
  }
  return "none";
}

}  // namespace

void DatabaseEnvironment::SetUp() {
  Server& state = server();
  const std::lock_guard lock(state.mutex);
  try {
    connect_server(state);
  } catch (const std::exception& error) {
    state.kind = ServerKind::none;
    GTEST_FAIL() << "no PostgreSQL server for the database tests: " << error.what();
  }
  std::cerr << "test_database: " << state.url << " (" << kind_name(state.kind) << ")\n";
}

void DatabaseEnvironment::TearDown() {
  Server& state = server();
  const std::lock_guard lock(state.mutex);
  if (keep_databases()) {
    std::cerr << "test_database: NNW_TEST_KEEP_DATABASES is set; kept:";
    for (const auto& name : state.databases_created) {
      std::cerr << "\n  " << with_database(state.url, name);
    }
    if (state.kind == ServerKind::private_cluster) {
      std::cerr << "\n  stop with: " << pg_script().string() << " destroy "
                << state.cluster_dir.string();
    }
    std::cerr << '\n';
  } else if (state.kind == ServerKind::private_cluster) {
    destroy_cluster(state.cluster_dir);
  } else if (state.kind != ServerKind::none) {
    drop_databases(state);
  }
  state.kind = ServerKind::none;
}

std::string server_url() {
  Server& state = server();
  const std::lock_guard lock(state.mutex);
  if (state.kind == ServerKind::none) {
    throw std::runtime_error("no database server (did DatabaseEnvironment::SetUp fail?)");
  }
  return state.url;
}

std::string fresh_database(std::string_view name_hint) {
  Server& state = server();
  const std::lock_guard lock(state.mutex);
  if (state.kind == ServerKind::none) {
    throw std::runtime_error("no database server (did DatabaseEnvironment::SetUp fail?)");
  }
  const std::string name = unique_database_name(name_hint, ++state.databases_counter);
  // template0: empty whatever was added to template1, and never busy with other sessions.
  Connection(state.url)
      .exec("CREATE DATABASE " + name +
            " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
  state.databases_created.push_back(name);
  return with_database(state.url, name);
}

std::string with_database(std::string_view url, std::string_view database) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    throw std::invalid_argument("not a postgresql:// URL: " + std::string(url));
  }
  const auto path_start = url.find_first_of("/?", scheme_end + 3);
  const std::string_view authority = url.substr(0, path_start);
  std::string_view query;
  if (path_start != std::string_view::npos) {
    const auto query_start = url.find('?', path_start);
    if (query_start != std::string_view::npos) {
      query = url.substr(query_start);
    }
  }
  return std::string(authority) + "/" + std::string(database) + std::string(query);
}

namespace {
// GoogleTest owns the environment and runs it once per binary, around all tests.
[[maybe_unused]] ::testing::Environment* const kDatabaseEnvironment =
    ::testing::AddGlobalTestEnvironment(new DatabaseEnvironment);
}  // namespace

}  // namespace nnw::test_db
