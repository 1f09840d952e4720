// nnw_book_bench: how long one batch of N transfers takes to book, alone. It calls
// book_transfers (server/src/ledger/transfer_batch.cpp) back to back on one connection: the
// batch's two round trips, PostgreSQL's work and the commit, without HTTP, a server or any
// other load. While the transfer queue is short the server books one batch at a time
// (docs/transfers.md), so this is the pace it sets: 8 closed-loop clients
// cannot make more than 8 transfers per batch time. Random pairs of the members of
// sql/seed_wallets.sql (bench_members.hpp), recipients by id, amounts 1-100 cents. Prints one
// JSON object on stdout; exits 1 when a transfer is refused (a wallet ran dry, a limit).
//
//   nnw_book_bench --database-url URL --rules PATH [--transfers N] [--batches N] [--warmup N]
//       [--members-first N] [--members-last N]
#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>
#include <string_view>
#include <utility>

#include "bench_members.hpp"
#include "bench_options.hpp"
#include "latency_summary.hpp"
#include "ledger/transfer_batch.hpp"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string database_url;
  std::string rules_path;
  std::int64_t transfers = 8;
  std::int64_t batches = 500;
  std::int64_t warmup = 50;
  std::int64_t members_first = 5;
  std::int64_t members_last = 100000;
};

std::optional<std::string> parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; i += 2) {
    const std::string_view name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) return "expected --name value pairs, got " + std::string(name);
    const std::string_view value = argv[i + 1];
    const auto number = [&](std::int64_t min, std::int64_t max, std::int64_t& field) {
      return nnw::bench::read_integer_option(name, value, min, max, field);
    };
    std::optional<std::string> error;
    if (name == "--database-url") o.database_url = value;
    else if (name == "--rules") o.rules_path = value;
    else if (name == "--transfers") error = number(1, 1000, o.transfers);
    else if (name == "--batches") error = number(1, 1'000'000, o.batches);
    else if (name == "--warmup") error = number(0, 1'000'000, o.warmup);
    else if (name == "--members-first") error = number(1, nnw::bench::kMemberNumberMax, o.members_first);
    else if (name == "--members-last") error = number(1, nnw::bench::kMemberNumberMax, o.members_last);
    else return "unknown option " + std::string(name);
    if (error) return error;
  }
  if (o.database_url.empty() || o.rules_path.empty()) return "--database-url and --rules are required";
  if (o.members_last <= o.members_first) return "--members-last must be above --members-first";
  return std::nullopt;
}

// One batch of random pairs, each with a key of its own.
std::vector<nnw::server::ledger::TransferCommand> random_batch(const Options& o, std::mt19937_64& random,
                                                              const std::string& run, std::int64_t& sequence) {
  std::uniform_int_distribution<std::int64_t> amount(1, 100);
  std::vector<nnw::server::ledger::TransferCommand> batch(static_cast<std::size_t>(o.transfers));
  for (auto& command : batch) {
    const auto [from, to] = nnw::bench::distinct_members(o.members_first, o.members_last, random);
    command.request.from_member_id = nnw::bench::member_id(from);
    command.request.to_member_id = nnw::bench::member_id(to);
    command.request.amount_cents = amount(random);
    command.request.idempotency_key = "book-bench-" + run + "-" + std::to_string(sequence++);
    command.request.request_id = command.request.idempotency_key;
    command.request.now = std::chrono::system_clock::now();
    command.principal = command.request.from_member_id;
    command.request_hash = command.request.idempotency_key;
  }
  return batch;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (const auto error = parse_options(argc, argv, o)) {
    std::cerr << "nnw_book_bench: " << *error << "\n";
    return 2;
  }
  std::ifstream file(o.rules_path);
  std::stringstream text;
  text << file.rdbuf();
  auto rules = nnw::rules::Engine::from_config_json(text.str());
  if (!file || !rules.ok()) {
    std::cerr << "nnw_book_bench: cannot read the rules configuration " << o.rules_path << "\n";
    return 2;
  }
  nnw::server::db::Connection connection(o.database_url);
  std::mt19937_64 random(std::random_device{}());
  const std::string run = std::to_string(random());
  std::int64_t sequence = 0;
  std::vector<std::uint32_t> batch_us;
  for (std::int64_t b = 0; b < o.warmup + o.batches; ++b) {
    const auto batch = random_batch(o, random, run, sequence);
    std::vector<const nnw::server::ledger::TransferCommand*> commands;
    for (const auto& command : batch) commands.push_back(&command);
    const auto started = Clock::now();
    const auto replies = nnw::server::ledger::book_transfers(connection, rules.value().config(), commands);
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    for (const auto& reply : replies) {
      if (reply.error) {
        std::cerr << "nnw_book_bench: a transfer was refused: " << reply.error->code << "\n";
        return 1;
      }
    }
    if (b >= o.warmup) batch_us.push_back(static_cast<std::uint32_t>(us));
  }
  const nnw::bench::LatencySummary times = nnw::bench::summarize(std::move(batch_us));
  const double median_us = times.p50_ms * 1000;
  std::cout << boost::json::serialize(boost::json::object{
                   {"transfers_per_batch", o.transfers},
                   {"batches", o.batches},
                   {"batch_us", {{"median", median_us}, {"p90", times.p90_ms * 1000}, {"mean", times.mean_ms * 1000}}},
                   {"transfers_per_s_at_median", static_cast<double>(o.transfers) * 1e6 / median_us}})
            << "\n";
  return 0;
}
