// The real binary, as a child process: SIGTERM stops new connections, finishes the request
// in flight, and exits 0.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <boost/asio/ip/tcp.hpp>
#include <future>
#include <thread>

#include "test_server.hpp"

extern char** environ;

namespace nnw::test_server {
namespace {

class ServerProcess : public ServerTest {
 protected:
  pid_t spawn(const std::string& database_url, unsigned short port, const std::string& extra = {}) {
    const std::string listen = "--listen=127.0.0.1:" + std::to_string(port);
    const std::string db = "--database-url=" + database_url;
    const std::string secret = std::string("--jwt-secret=") + kJwtSecret;
    const std::string keys = std::string("--data-keys=") + kDataKeys;
    std::vector<char*> argv = {const_cast<char*>(NNW_SERVER_BINARY), const_cast<char*>(listen.c_str()),
                               const_cast<char*>(db.c_str()), const_cast<char*>(secret.c_str()),
                               const_cast<char*>(keys.c_str())};
    if (!extra.empty()) argv.push_back(const_cast<char*>(extra.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    EXPECT_EQ(posix_spawn(&pid, NNW_SERVER_BINARY, nullptr, nullptr, argv.data(), environ), 0);
    return pid;
  }
  // A port the kernel just handed out and released: free unless something races for it.
  static unsigned short free_port() {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return acceptor.local_endpoint().port();
  }
  static bool ready(unsigned short port) {
    try {
      return http_call(port, {"GET", "/readyz", "", "", {}, {}}).status == 200;
    } catch (const std::exception&) {
      return false;
    }
  }
};

TEST_F(ServerProcess, SigtermFinishesTheRequestInFlightThenExits) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  server().create_member(member_uuid(2), "NN-2");
  server().fund(a, 10000);
  const unsigned short port = free_port();
  const pid_t pid = spawn(server().database_url(), port);
  for (int i = 0; i < 200 && !ready(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(ready(port));

  // Hold the sender's wallet row so the transfer waits inside the server.
  auto blocker = server().connect();
  blocker.exec("BEGIN");
  blocker.exec("SELECT 1 FROM wallets WHERE member_id = '" + a + "' FOR UPDATE");
  auto in_flight = std::async(std::launch::async, [&] {
    return http_call(port, {"POST", "/v1/transfers", R"({"to_member_number":"NN-2","amount_cents":500})",
                            member_token(a), "in-flight", {}});
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(ready(port));  // no longer accepting, or answering 503 while draining
  blocker.exec("COMMIT");

  const HttpResult finished = in_flight.get();
  EXPECT_EQ(finished.status, 201) << finished.body;
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(balance(a), 9500);
}

TEST_F(ServerProcess, SchedulerRunsDueJobsThenStopsWithTheServer) {
  const std::string a = server().create_member(member_uuid(1), "NN-1");
  const auto posted = server().call({"POST", "/v1/commissions",
                                     R"({"external_id":"c-1","member_id":")" + a +
                                         R"(","bonus_type":"UNINIVEL","period":"2026-10","amount_cents":12345,"currency":"MXN",)"
                                         R"("source_amount_cents":12345,"source_currency":"MXN","rate_micros":1000000})",
                                     service_token(), "c-1", {}});
  ASSERT_EQ(posted.status, 201) << posted.body;
  const unsigned short port = free_port();
  const pid_t pid = spawn(server().database_url(), port, "--scheduler-tick-s=1");
  // The deposit job never ran on this instance, so it is due at once.
  std::int64_t deposited = 0;
  for (int i = 0; i < 200 && deposited == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    deposited = server().connect().exec("SELECT count(*) FROM commissions_with_status WHERE status = 'PAID'").int64(0, 0);
  }
  EXPECT_EQ(deposited, 1);
  EXPECT_EQ(balance(a), 12345);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace nnw::test_server
