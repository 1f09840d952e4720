#pragma once
// One benchmark client: a coroutine with one keep-alive connection to nnw_server, sending
// writes back to back (a closed loop: the next request leaves when the previous response
// arrives) until the measured window ends: POST /v1/transfers, or for the checkout scenario a
// POST /v1/checkout/preview (not measured) then the POST /v1/orders that confirms exactly what
// it showed (measured). Every client of a run shares a few threads, as pgbench's clients do
// (-j): a thread per client would add its own scheduling to the latencies it measures.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nnw::bench {

enum class Scenario {
  uniform,     // random sender and recipient among the regular members
  hot_debit,   // every transfer debits the hot member's wallet
  hot_credit,  // every transfer credits the hot member's wallet
  checkout,    // a random member confirms a random cart of the demo catalog
};

struct ClientPlan {
  unsigned short port = 0;  // nnw_server on 127.0.0.1
  Scenario scenario = Scenario::uniform;
  std::int64_t members_first = 0;  // regular members drawn from [first, last]
  std::int64_t members_last = 0;
  std::int64_t hot_member = 0;
  std::int64_t amount_cents_max = 0;  // amounts drawn from [1, max]
  std::string jwt_secret;
  std::string idempotency_key_prefix;  // unique to this run and client
  std::int64_t token_lifetime_s = 0;
  std::uint64_t random_seed = 0;
  std::chrono::steady_clock::time_point measure_start;  // before it: warm-up, not recorded
  std::chrono::steady_clock::time_point measure_end;    // no request leaves after it
};

// One 201 response (a transfer or an order) completed in the measured window.
struct CreatedSample {
  std::uint32_t latency_us = 0;
  std::uint32_t second = 0;  // of the window, in which it completed
};

struct ClientTally {
  std::vector<CreatedSample> created;                // 201 responses completed in the window
  std::map<int, std::int64_t> statuses;              // every response completed in the window
  std::map<int, std::string> example_bodies;         // the first body of each status but 201
  std::int64_t transport_errors = 0;                 // failed connects, reads, writes (any time)
  std::string last_transport_error;
};

// Starts one client on `io`, to run until plan.measure_end; it records into `tally`. Both
// must outlive io.run().
void spawn_client(boost::asio::io_context& io, const ClientPlan& plan, ClientTally& tally);

}  // namespace nnw::bench
