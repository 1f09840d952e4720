// nnw_transfer_bench: measures POST /v1/transfers on a running nnw_server. N clients, each
// with one keep-alive connection, on a few threads (--threads, 2 as pgbench -j 2 in
// scripts/bench-server), send transfers back to back for a warm-up, then
// for a measured window; each request carries a unique Idempotency-Key and a member token
// signed with the server's secret (NNW_JWT_SECRET). Prints one JSON object on stdout:
// transfers/s (201 responses completed in the window ÷ window), latency percentiles of
// those 201s (steady_clock around each request, exact nearest-rank on sorted samples), and
// counts by status; the same latencies per second of the window (by_second); a summary goes
// to stderr. The members are those of sql/seed_wallets.sql (bench_members.hpp);
// scripts/bench-server runs the scenarios.
// Exits 0 when some transfer succeeded, 1 when none did, 2 on bad arguments.
//
// --scenario checkout measures POST /v1/orders instead: each client previews a random cart of
// the demo catalog for a random member and confirms exactly what the preview showed; the
// "transfers" figures then count confirmed orders (201), as "created" does for every scenario.
//
//   nnw_transfer_bench --port N [--scenario uniform|hot-debit|hot-credit|checkout] [--clients N] [--threads N]
//       [--warmup-s S] [--duration-s S] [--members-first N] [--members-last N]
//       [--hot-member N] [--amount-cents-max N] [--label TEXT]
#include <boost/json.hpp>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <random>
#include <string_view>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "bench_members.hpp"
#include "bench_options.hpp"
#include "latency_summary.hpp"
#include "transfer_client.hpp"

namespace {

using nnw::bench::Scenario;

constexpr std::int64_t kClientsMax = 512;
constexpr std::int64_t kThreadsMax = 64;
constexpr std::int64_t kSecondsMax = 600;
// Tokens outlive the run with a margin for a slow start.
constexpr std::int64_t kTokenMarginS = 300;

struct Options {
  unsigned short port = 0;
  Scenario scenario = Scenario::uniform;
  std::string scenario_name = "uniform";
  std::int64_t clients = 8;
  std::int64_t threads = 2;
  std::int64_t warmup_s = 5;
  std::int64_t duration_s = 20;
  std::int64_t members_first = 5;
  std::int64_t members_last = 100000;
  std::int64_t hot_member = 1;
  std::int64_t amount_cents_max = 100;
  std::string label;
};

std::optional<std::string> apply(std::string_view name, std::string_view value, Options& o) {
  const auto number = [&](std::int64_t min, std::int64_t max, std::int64_t& field) {
    return nnw::bench::read_integer_option("--" + std::string(name), value, min, max, field);
  };
  std::int64_t port = 0;
  if (name == "port") {
    auto error = number(1, 65535, port);
    o.port = static_cast<unsigned short>(port);
    return error;
  }
  if (name == "scenario") {
    o.scenario_name = value;
    if (value == "uniform") o.scenario = Scenario::uniform;
    else if (value == "hot-debit") o.scenario = Scenario::hot_debit;
    else if (value == "hot-credit") o.scenario = Scenario::hot_credit;
    else if (value == "checkout") o.scenario = Scenario::checkout;
    else return "--scenario must be uniform, hot-debit, hot-credit or checkout";
    return std::nullopt;
  }
  if (name == "clients") return number(1, kClientsMax, o.clients);
  if (name == "threads") return number(1, kThreadsMax, o.threads);
  if (name == "warmup-s") return number(0, kSecondsMax, o.warmup_s);
  if (name == "duration-s") return number(1, kSecondsMax, o.duration_s);
  if (name == "members-first") return number(1, nnw::bench::kMemberNumberMax, o.members_first);
  if (name == "members-last") return number(1, nnw::bench::kMemberNumberMax, o.members_last);
  if (name == "hot-member") return number(1, nnw::bench::kMemberNumberMax, o.hot_member);
  if (name == "amount-cents-max") return number(1, 100'000'000, o.amount_cents_max);
  if (name == "label") { o.label = value; return std::nullopt; }
  return "unknown option --" + std::string(name);
}

std::optional<std::string> parse_options(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; i += 2) {
    const std::string_view arg = argv[i];
    if (arg.rfind("--", 0) != 0 || i + 1 >= argc) return "expected --name value pairs, got " + std::string(arg);
    if (auto error = apply(arg.substr(2), argv[i + 1], o)) return error;
  }
  if (o.port == 0) return "--port is required";
  if (o.members_last <= o.members_first) return "--members-last must be above --members-first";
  if (o.hot_member >= o.members_first && o.hot_member <= o.members_last) {
    return "--hot-member must lie outside [--members-first, --members-last]";
  }
  if (o.label.empty()) o.label = std::to_string(std::random_device{}());
  return std::nullopt;
}

// Every client's tally folded into one.
nnw::bench::ClientTally run_clients(const Options& o, const std::string& secret) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  std::vector<nnw::bench::ClientTally> tallies(static_cast<std::size_t>(o.clients));
  std::vector<nnw::bench::ClientPlan> plans;
  std::random_device seeds;
  for (std::int64_t client = 0; client < o.clients; ++client) {
    plans.push_back(nnw::bench::ClientPlan{o.port, o.scenario, o.members_first, o.members_last, o.hot_member,
                                           o.amount_cents_max, secret,
                                           "bench-" + o.label + "-" + std::to_string(client) + "-",
                                           o.warmup_s + o.duration_s + kTokenMarginS,
                                           (std::uint64_t{seeds()} << 32) ^ seeds(),
                                           start + std::chrono::seconds(o.warmup_s),
                                           start + std::chrono::seconds(o.warmup_s + o.duration_s)});
  }
  boost::asio::io_context io(static_cast<int>(o.threads));
  for (std::size_t client = 0; client < plans.size(); ++client) nnw::bench::spawn_client(io, plans[client], tallies[client]);
  std::vector<std::thread> threads;
  for (std::int64_t i = 0; i < o.threads; ++i) threads.emplace_back([&io] { io.run(); });
  for (auto& thread : threads) thread.join();
  nnw::bench::ClientTally merged;
  for (auto& tally : tallies) {
    merged.created.insert(merged.created.end(), tally.created.begin(), tally.created.end());
    for (const auto& [status, count] : tally.statuses) merged.statuses[status] += count;
    for (auto& [status, body] : tally.example_bodies) merged.example_bodies.try_emplace(status, std::move(body));
    merged.transport_errors += tally.transport_errors;
    if (!tally.last_transport_error.empty()) merged.last_transport_error = tally.last_transport_error;
  }
  return merged;
}

// The window second by second: whether a run's tail is spread over it or comes in bursts
// (a checkpoint, autovacuum, another guest of the machine) shows here, not in its percentiles.
boost::json::array by_second(const Options& o, const nnw::bench::ClientTally& merged) {
  std::vector<std::vector<std::uint32_t>> seconds(static_cast<std::size_t>(o.duration_s));
  for (const auto& sample : merged.created) {
    if (sample.second < seconds.size()) seconds[sample.second].push_back(sample.latency_us);
  }
  boost::json::array out;
  for (std::size_t second = 0; second < seconds.size(); ++second) {
    const auto created = static_cast<std::int64_t>(seconds[second].size());
    const auto latency = nnw::bench::summarize(std::move(seconds[second]));
    out.push_back({{"second", second}, {"created", created}, {"p50_ms", latency.p50_ms}, {"p99_ms", latency.p99_ms},
                   {"max_ms", latency.max_ms}});
  }
  return out;
}

boost::json::object report(const Options& o, const nnw::bench::ClientTally& merged) {
  std::vector<std::uint32_t> latencies_us;
  latencies_us.reserve(merged.created.size());
  for (const auto& sample : merged.created) latencies_us.push_back(sample.latency_us);
  const auto latency = nnw::bench::summarize(std::move(latencies_us));
  const auto count = [&](int status) { const auto f = merged.statuses.find(status); return f == merged.statuses.end() ? 0 : f->second; };
  std::int64_t responses = 0;
  boost::json::object statuses, examples;
  for (const auto& [status, n] : merged.statuses) { statuses[std::to_string(status)] = n; responses += n; }
  for (const auto& [status, body] : merged.example_bodies) examples[std::to_string(status)] = body;
  const double window_s = static_cast<double>(o.duration_s);
  return {{"scenario", o.scenario_name}, {"clients", o.clients}, {"threads", o.threads}, {"warmup_s", o.warmup_s}, {"duration_s", o.duration_s},
          {"created", count(201)}, {"created_per_s", static_cast<double>(count(201)) / window_s},
          {"transfers", count(201)}, {"transfers_per_s", static_cast<double>(count(201)) / window_s},
          {"responses", responses}, {"responses_per_s", static_cast<double>(responses) / window_s},
          {"latency_ms", {{"samples", latency.samples}, {"mean", latency.mean_ms}, {"p50", latency.p50_ms},
                          {"p90", latency.p90_ms}, {"p99", latency.p99_ms}, {"p999", latency.p999_ms}, {"max", latency.max_ms}}},
          {"by_second", by_second(o, merged)}, {"statuses", statuses}, {"example_bodies", examples},
          {"transport_errors", merged.transport_errors}, {"last_transport_error", merged.last_transport_error}};
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (auto error = parse_options(argc, argv, options)) {
    std::cerr << "nnw_transfer_bench: " << *error << "\n";
    return 2;
  }
  const char* secret = std::getenv("NNW_JWT_SECRET");
  if (secret == nullptr || std::string_view(secret).size() < 32) {
    std::cerr << "nnw_transfer_bench: NNW_JWT_SECRET (the server's, at least 32 characters) is required\n";
    return 2;
  }
  std::cerr << "nnw_transfer_bench: " << options.scenario_name << ", " << options.clients << " clients, "
            << options.warmup_s << " s warm-up + " << options.duration_s << " s measured\n";
  const auto merged = run_clients(options, secret);
  const auto result = report(options, merged);
  std::cout << boost::json::serialize(result) << "\n";
  const auto& latency = result.at("latency_ms").as_object();
  std::cerr << "nnw_transfer_bench: " << result.at("transfers_per_s").as_double() << " transfers/s, p50 "
            << latency.at("p50").as_double() << " ms, p99 " << latency.at("p99").as_double() << " ms, statuses "
            << boost::json::serialize(result.at("statuses")) << ", transport errors " << merged.transport_errors << "\n";
  if (!merged.last_transport_error.empty()) std::cerr << "nnw_transfer_bench: last transport error: " << merged.last_transport_error << "\n";
  return result.at("transfers").as_int64() > 0 ? 0 : 1;
}
