#include "ledger/transfer_batch.hpp"

#include <algorithm>
#include <array>
#include <future>
#include <map>
#include <set>
#include <utility>

#include "http/idempotent_write.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::ledger {

namespace {

using db::ArrayLiteral;
using db::Call;

using KeyOf = std::pair<std::string_view, std::string_view>;  // (principal, key)

// Every statement of a batch is written to plan well without its parameters' values (arrays
// unnested, keys found through "= ANY"). Left to itself, PostgreSQL plans such statements
// afresh on every call, because a custom plan over known arrays always looks cheaper than the
// generic one: that planning was a fifth of its CPU under transfers (docs/transfers.md "Generic plans").
// A generic plan is kept until the next ANALYZE of its tables, so one made while they were
// small would scan them whole for as long: every row a batch reads, it finds by index.
constexpr std::string_view kBatchPlanSettings =
    "SELECT set_config('plan_cache_mode', 'force_generic_plan', true), set_config('enable_seqscan', 'off', true)";

// The status a booked transfer answers with, and stores with its key (transfers_book.sql).
constexpr auto kBookedStatus = http::status::created;

std::int64_t microseconds_between(std::chrono::steady_clock::time_point from, std::chrono::steady_clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
}

using SenderDay = std::pair<std::string, std::int64_t>;  // (sender, start of a local day in Unix s)

// The senders' counts and totals, one row per (sender, day start) pair asked for.
std::map<SenderDay, SenderActivity> read_activity(const db::Rows& rows, const std::vector<SenderDay>& asked) {
  if (static_cast<std::size_t>(rows.size()) != asked.size()) throw db::DbError("XX000", "sender activity rows do not match the senders");
  std::map<SenderDay, SenderActivity> activity;
  for (int row = 0; row < rows.size(); ++row) {
    const auto ord = rows.int64(row, 0);  // 1-based, as WITH ORDINALITY counts
    if (ord < 1 || ord > rows.size()) throw db::DbError("XX000", "a sender activity row names no sender asked for");
    activity[asked[static_cast<std::size_t>(ord - 1)]] =
        SenderActivity{rows.int64(row, 1), rows.int64(row, 2), rows.int64(row, 3), rows.int64(row, 4), rows.int64(row, 5), rows.int64(row, 6)};
  }
  return activity;
}

db::Call activity_call(const std::vector<SenderDay>& pairs) {
  ArrayLiteral senders, day_starts;
  for (const auto& [sender, day_start_s] : pairs) {
    senders.text(sender);
    day_starts.text(nnw::rules::format_utc(day_start_s));
  }
  return Call{sql::transfer_senders_activity.name, sql::transfer_senders_activity.text,
              db::Params().add(senders.str()).add(day_starts.str())};
}

// The members a transfer names, as its request names them: the sender's id, and the
// recipient's id or "#" and its member number (ids are UUIDs, never "#..."). The batcher then
// puts the id in place of a number a batch has found (TransferBatcher::submit); until then the
// two names of one member go unmatched, and two such transfers meet at the wallet's row lock,
// as any two writers of one wallet do, and book right either way.
std::array<std::string, 2> member_names(const TransferCommand& command) {
  const auto& r = command.request;
  return {r.from_member_id, r.to_member_number ? "#" + *r.to_member_number : r.to_member_id.value_or(std::string())};
}

// What round trip 1 read: every party's wallet under its lock, the senders' activity, the
// stored responses of keys already used, ids and the transaction's time.
struct BatchState {
  std::vector<LockedWallet> wallets;
  std::map<SenderDay, SenderActivity> activity;
  std::map<KeyOf, std::size_t> replayed;  // (principal, key) → its row in `stored`
  std::optional<db::Rows> stored;
  std::vector<std::int64_t> transfer_ids;
  std::int64_t now_us = 0;
};

// Round trip 1: BEGIN; every party's wallet locked in wallet id order (recipients by number or
// id, senders by id); then, under those locks (a pipeline's statements run in order), each
// sender's counts for the day start of every market the rules know (its own market is read by
// the lock, in this same round trip), the keys already used, and ids with the transaction's time.
BatchState read_batch(db::Connection& tx, const nnw::rules::RulesConfig& rules,
                      const std::vector<const TransferCommand*>& commands) {
  ArrayLiteral numbers, ids, principals, keys;
  std::set<SenderDay> pairs;
  for (const TransferCommand* command : commands) {
    const auto& r = command->request;
    if (r.to_member_number) numbers.text(*r.to_member_number);
    else if (r.to_member_id) ids.text(*r.to_member_id);
    ids.text(r.from_member_id);
    principals.text(command->principal);
    keys.text(r.idempotency_key);
    for (const auto& market : rules.markets) pairs.emplace(r.from_member_id, local_day_start_s(rules, market.code, r.now));
  }
  const std::vector<SenderDay> asked(pairs.begin(), pairs.end());
  std::vector<db::Rows> read = tx.run_pipelined({
      Call{{}, "BEGIN", {}},
      Call{{}, kBatchPlanSettings, {}},
      lock_wallets_call(ids.str(), numbers.str()),
      activity_call(asked),
      Call{sql::idempotency_lookup_many.name, sql::idempotency_lookup_many.text,
           db::Params().add(principals.str()).add(keys.str())},
      Call{sql::transfer_ids_reserve.name, sql::transfer_ids_reserve.text,
           db::Params().add(static_cast<std::int64_t>(commands.size()))},
  });
  BatchState state;
  state.wallets = locked_wallets(read[2]);
  state.activity = read_activity(read[3], asked);
  state.stored = std::move(read[4]);
  for (int row = 0; row < state.stored->size(); ++row) {
    state.replayed.emplace(KeyOf{state.stored->text(row, 0), state.stored->text(row, 1)}, static_cast<std::size_t>(row));
  }
  const db::Rows& reserved = read[5];
  if (static_cast<std::size_t>(reserved.size()) != commands.size()) throw db::DbError("XX000", "fewer transfer ids than transfers");
  for (int row = 0; row < reserved.size(); ++row) state.transfer_ids.push_back(reserved.int64(row, 0));
  state.now_us = reserved.int64(0, 1);
  return state;
}

// The booking statement's parameters (transfers_book.sql), one transfer at a time.
struct Booking {
  ArrayLiteral transfer_ids, froms, tos, amounts, currencies, notes, sender_seqs, sender_totals, stamps, from_wallets,
      to_wallets, out_seqs, out_befores, in_seqs, in_befores, keys, request_ids, principals, hashes, bodies;
  std::int64_t count = 0;

  void add(const TransferCommand& command, const TransferBooking& b, const std::string& body) {
    const auto& r = command.request;
    ++count;
    transfer_ids.integer(b.done.transfer_id);
    froms.text(r.from_member_id);
    tos.text(b.done.to_member_id);
    amounts.integer(r.amount_cents);
    currencies.text(b.done.currency);
    notes.text(r.note);
    sender_seqs.integer(b.sender_seq);
    sender_totals.integer(b.sender_total_cents);
    stamps.integer(b.created_at_us);
    from_wallets.integer(b.from_wallet_id);
    to_wallets.integer(b.to_wallet_id);
    out_seqs.integer(b.out_seq);
    out_befores.integer(b.out_before_cents);
    in_seqs.integer(b.in_seq);
    in_befores.integer(b.in_before_cents);
    keys.text(r.idempotency_key);
    request_ids.text(r.request_id);
    principals.text(command.principal);
    hashes.text(command.request_hash);
    bodies.text(body);
  }

  db::Params params(const std::vector<LockedWallet>& moved) const {
    ArrayLiteral wallet_ids, balances, entry_counts;
    for (const auto& w : moved) {
      wallet_ids.integer(w.id);
      balances.integer(w.balance_cents);
      entry_counts.integer(w.entry_count);
    }
    db::Params p;
    p.add(transfer_ids.str()).add(froms.str()).add(tos.str()).add(amounts.str()).add(currencies.str()).add(notes.str());
    p.add(sender_seqs.str()).add(sender_totals.str()).add(stamps.str()).add(from_wallets.str()).add(to_wallets.str());
    p.add(out_seqs.str()).add(out_befores.str()).add(in_seqs.str()).add(in_befores.str()).add(keys.str());
    p.add(request_ids.str()).add(wallet_ids.str()).add(balances.str()).add(entry_counts.str()).add(count);
    p.add(principals.str()).add(hashes.str()).add(bodies.str());
    return p;
  }
};

// A batch takes two round trips, each a pipeline (db::Connection::run_pipelined): round trip 1
// (read_batch) locks and reads; the server decides each transfer in arrival order over what it
// read; round trip 2 books the accepted ones, their keys and responses in one statement, and
// commits (or rolls back when nothing books, which also ends the locks).
std::vector<TransferReply> book_in(db::Connection& tx, const nnw::rules::RulesConfig& rules,
                                   const std::vector<const TransferCommand*>& commands) {
  const std::size_t n = commands.size();
  BatchState state = read_batch(tx, rules, commands);
  std::map<std::string_view, const LockedWallet*> by_number, by_id;
  for (const LockedWallet& w : state.wallets) {
    by_number.emplace(w.member_number, &w);
    by_id.emplace(w.member_id, &w);
  }
  // Each sender's day, by the market read under its lock; a market the rules do not know (its
  // day start then depends on the request's own time) has its counts read now, still locked.
  std::vector<std::int64_t> day_start(n, 0);
  std::vector<SenderDay> missing;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = commands[i]->request;
    const auto sender = by_id.find(r.from_member_id);
    if (sender == by_id.end()) continue;  // no such sender: refused below
    day_start[i] = local_day_start_s(rules, sender->second->market, r.now);
    if (state.activity.count(SenderDay{r.from_member_id, day_start[i]}) == 0) missing.emplace_back(r.from_member_id, day_start[i]);
  }
  if (!missing.empty()) {
    std::sort(missing.begin(), missing.end());
    missing.erase(std::unique(missing.begin(), missing.end()), missing.end());
    const db::Call more = activity_call(missing);
    state.activity.merge(read_activity(tx.run(more.name, more.sql, more.params), missing));
  }

  std::vector<TransferReply> replies(n);
  TransferPlanner planner(rules, state.wallets, state.now_us);
  Booking booking;
  for (std::size_t i = 0; i < n; ++i) {
    const TransferCommand& command = *commands[i];
    const auto& r = command.request;
    if (const auto used = state.replayed.find(KeyOf{command.principal, r.idempotency_key}); used != state.replayed.end()) {
      const db::Rows& stored = *state.stored;
      const int row = static_cast<int>(used->second);
      if (stored.text(row, 2) != command.request_hash) replies[i].error = idempotency_key_reused();
      else replies[i] = TransferReply{std::nullopt, static_cast<http::status>(stored.int64(row, 3)), std::string(stored.text(row, 4)), true, {}};
      continue;
    }
    std::optional<std::string> recipient;
    if (r.to_member_number) {
      if (const auto found = by_number.find(*r.to_member_number); found != by_number.end()) {
        recipient = found->second->member_id;
        replies[i].recipient_member_id = *recipient;
      }
    } else if (r.to_member_id && by_id.count(*r.to_member_id) != 0) {
      recipient = *r.to_member_id;
    }
    const auto activity = state.activity.find(SenderDay{r.from_member_id, day_start[i]});
    const SenderActivity none;
    auto decided = planner.decide(r, recipient, activity == state.activity.end() ? none : activity->second, day_start[i],
                                  state.transfer_ids[i]);
    if (!decided.ok()) {
      replies[i].error = decided.error();
      continue;
    }
    replies[i].status = kBookedStatus;
    replies[i].body = transfer_created_json(r, decided.value().done);
    booking.add(command, decided.value(), replies[i].body);
  }
  if (booking.count == 0) {  // nothing to book: end the transaction and its locks
    tx.exec("ROLLBACK");
    return replies;
  }
  // The booking statement refuses to book other than worked out, so a COMMIT sent in the same
  // round trip never commits a wrong batch: it is not run after a failure.
  tx.run_pipelined({
      Call{sql::transfers_book.name, sql::transfers_book.text, booking.params(planner.moved_wallets())},
      Call{{}, "COMMIT", {}},
  });
  return replies;
}

}  // namespace

std::vector<TransferReply> book_transfers(db::Connection& connection, const nnw::rules::RulesConfig& rules,
                                          const std::vector<const TransferCommand*>& commands) {
  // A key that another write stored while this batch ran (other routes claim their key before
  // they lock the wallet, so the batch's lookup could not see it yet) fails the booking with a
  // unique violation, raised only once that write has committed. Read again, the key is found:
  // a replay or a reuse. Under the wallets' locks nothing else is unique but by a bug.
  constexpr int kAttemptsMax = 2;
  for (int attempt = 1;; ++attempt) {
    try {
      return db::retrying_transaction(connection, [&](db::Connection& tx) { return book_in(tx, rules, commands); });
    } catch (const db::DbError& error) {
      if (!error.is_unique_violation() || attempt == kAttemptsMax) throw;
    }
  }
}

TransferBatcher::TransferBatcher(db::Pool& pool, const nnw::rules::Engine& rules, Metrics& metrics, std::size_t lanes,
                                 std::size_t batch_max, std::chrono::microseconds linger)
    : pool_(pool),
      rules_(rules),
      metrics_(metrics),
      batch_max_(std::max<std::size_t>(1, batch_max)),
      side_by_side_min_(std::clamp<std::size_t>(batch_max_ / 4, 1, kBesideMax)),
      linger_(linger) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, lanes); ++i) threads_.emplace_back([this] { run_lane(); });
}

TransferBatcher::~TransferBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  for (auto& thread : threads_) thread.join();
}

void TransferBatcher::submit(TransferCommand command, Done done) {
  auto pending = std::make_unique<Pending>(Pending{std::move(command), std::move(done), {}, std::chrono::steady_clock::now()});
  pending->members = member_names(pending->command);  // outside the lock; only the lookup below is in it
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (const auto& number = pending->command.request.to_member_number) {
      if (const auto known = ids_by_number_.find(*number); known != ids_by_number_.end()) pending->members[1] = known->second;
    }
    queue_.push_back(std::move(pending));
    const std::size_t queued = queue_.size();
    // Only what lets a lane start: the first transfer while none is booked (a lane then
    // lingers), the one that ends the linger, or enough to book beside the others.
    wake = (booking_ == 0 && (queued == 1 || queued >= expected_)) || queued >= side_by_side_min_;
  }
  if (wake) queued_.notify_all();
}

TransferReply TransferBatcher::submit(TransferCommand command) {
  std::promise<TransferReply> outcome;
  auto reply = outcome.get_future();
  submit(std::move(command), [&outcome](std::exception_ptr failed, TransferReply booked) {
    if (failed) outcome.set_exception(failed);
    else outcome.set_value(std::move(booked));
  });
  return reply.get();
}

bool TransferBatcher::may_start() const {
  return !queue_.empty() && (booking_ == 0 || queue_.size() >= side_by_side_min_ || left_for_another_lane_);
}

bool TransferBatcher::names_a_member_being_booked(const Pending& pending) const {
  if (members_being_booked_.empty()) return false;
  for (const auto& name : pending.members) {
    if (!name.empty() && members_being_booked_.count(name) != 0) return true;
  }
  return false;
}

void TransferBatcher::mark_being_booked(const Pending& pending) {
  for (const auto& name : pending.members) {
    if (!name.empty()) members_being_booked_.insert(name);
  }
}

void TransferBatcher::unmark_being_booked(const Pending& pending) {
  for (const auto& name : pending.members) {
    if (const auto found = members_being_booked_.find(name); found != members_being_booked_.end()) members_being_booked_.erase(found);
  }
}

// The oldest transfers first, up to batch_max; a second transfer with a key already in the
// batch waits for a later one (where it finds the first's stored response), and so does one
// naming a member of a batch being booked: taken, it would hold its whole batch in a wait for
// that batch's row locks (docs/transfers.md has how often that was).
std::vector<std::unique_ptr<TransferBatcher::Pending>> TransferBatcher::take_batch() {
  std::unique_lock lock(mutex_);
  for (;;) {
    queued_.wait(lock, [&] { return stopping_ || may_start(); });
    if (queue_.empty()) return {};  // stopping, and nothing is queued
    if (!stopping_ && booking_ == 0 && queue_.size() < expected_ && linger_.count() > 0) {
      queued_.wait_for(lock, linger_, [&] { return stopping_ || queue_.size() >= expected_ || left_for_another_lane_; });
      if (!stopping_ && !may_start()) continue;  // another lane took them meanwhile
      if (queue_.empty()) return {};
    }
    std::vector<std::unique_ptr<Pending>> batch;
    std::set<KeyOf> keys;
    for (auto it = queue_.begin(); it != queue_.end() && batch.size() < batch_max_;) {
      const auto& command = (*it)->command;
      if (names_a_member_being_booked(**it) || !keys.emplace(command.principal, command.request.idempotency_key).second) {
        ++it;
        continue;
      }
      batch.push_back(std::move(*it));
      it = queue_.erase(it);
    }
    left_for_another_lane_ = false;
    if (batch.empty()) {  // every queued transfer waits for a batch being booked: for it to end, or for more
      const std::size_t booked = booked_, queued = queue_.size();
      queued_.wait(lock, [&] { return booked_ != booked || queue_.size() > queued; });
      continue;
    }
    // With no batch being booked, a batch of kSplitMin or more keeps its first half; the rest
    // may go to another lane (leave_rest_for_another_lane).
    const bool shared = booking_ == 0 && threads_.size() > 1 && batch.size() >= kSplitMin;
    const std::size_t kept = shared ? (batch.size() + 1) / 2 : batch.size();
    for (std::size_t i = 0; i < kept; ++i) mark_being_booked(*batch[i]);
    if (kept < batch.size()) leave_rest_for_another_lane(batch, kept);
    ++booking_;
    if (left_for_another_lane_) queued_.notify_all();
    return batch;
  }
}

// With no batch being booked, the CPUs have room for two: the rest of the batch after its
// first `kept` (whose members are now the only ones being booked) goes back to the front of
// the queue for another lane to book beside this one, so the two halves take about as long as
// one alone. Unless the rest names one of those members: the other lane would skip it like any
// transfer naming a member being booked (take_batch), and it would wait for this half anyway,
// as every transfer from one hot wallet would; then this lane books it too.
void TransferBatcher::leave_rest_for_another_lane(std::vector<std::unique_ptr<Pending>>& batch, std::size_t kept) {
  const auto rest = batch.begin() + static_cast<std::ptrdiff_t>(kept);
  if (std::any_of(rest, batch.end(), [&](const auto& pending) { return names_a_member_being_booked(*pending); })) {
    for (auto it = rest; it != batch.end(); ++it) mark_being_booked(**it);
    return;
  }
  for (std::size_t i = batch.size(); i-- > kept;) queue_.push_front(std::move(batch[i]));
  batch.resize(kept);
  left_for_another_lane_ = true;
}

void TransferBatcher::learn_numbers(const std::vector<Pending*>& batch, const std::vector<Outcome>& outcomes) {
  for (std::size_t i = 0; i < batch.size(); ++i) {  // book() answers each transfer of the batch
    const auto& number = batch[i]->command.request.to_member_number;
    const auto& id = outcomes[i].reply.recipient_member_id;
    if (!number || id.empty() || outcomes[i].failed) continue;
    if (ids_by_number_.contains(*number)) continue;  // numbers never change hands: nothing to copy again
    if (ids_by_number_.size() >= kNumbersKnownMax) ids_by_number_.clear();
    ids_by_number_.emplace(*number, id);
  }
}

void TransferBatcher::run_lane() {
  for (;;) {
    const auto taken = take_batch();
    if (taken.empty()) return;  // stopping, and nothing is queued
    const auto taken_at = std::chrono::steady_clock::now();
    std::vector<Pending*> batch;
    std::vector<std::int64_t> queued_us;
    for (const auto& pending : taken) {
      batch.push_back(pending.get());
      queued_us.push_back(microseconds_between(pending->queued_at, taken_at));
    }
    metrics_.observe_transfers_queued(queued_us);
    std::vector<Outcome> outcomes = book(batch);
    metrics_.observe_transfer_booking(microseconds_between(taken_at, std::chrono::steady_clock::now()), batch.size());
    {
      std::lock_guard lock(mutex_);
      for (const auto* pending : batch) unmark_being_booked(*pending);
      learn_numbers(batch, outcomes);
      --booking_;
      ++booked_;
      expected_ = std::min(batch_max_, queue_.size() + batch.size());
    }
    queued_.notify_all();
    // Delivered last, outside any try: each transfer is answered exactly once.
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->done(outcomes[i].failed, std::move(outcomes[i].reply));
  }
}

std::vector<TransferBatcher::Outcome> TransferBatcher::book(const std::vector<Pending*>& batch) {
  std::vector<const TransferCommand*> commands;
  for (const auto* pending : batch) commands.push_back(&pending->command);
  std::vector<Outcome> outcomes;
  std::exception_ptr failed;
  try {
    auto lease = pool_.acquire();
    if (!lease) {
      const ApiError busy{http::status::service_unavailable, "overloaded", "no database connection is free; retry shortly", {}, 1, {}};
      return std::vector<Outcome>(batch.size(), Outcome{nullptr, TransferReply{busy, http::status::service_unavailable, {}, false, {}}});
    }
    metrics_.observe_transfer_batch(batch.size());
    for (auto& reply : book_transfers(**lease, rules_.config(), commands)) outcomes.push_back(Outcome{nullptr, std::move(reply)});
    return outcomes;
  } catch (const db::DbError& error) {
    // A lost database fails every transfer alike (503; the clients replay their keys). Any
    // other failure is retried one transfer at a time, so one transfer the database refuses
    // for a reason of its own never takes the rest of its batch down with it.
    if (batch.size() > 1 && !error.is_connection_lost()) {
      metrics_.count_transfers_isolated(batch.size());
      outcomes.clear();
      for (Pending* pending : batch) outcomes.push_back(std::move(book({pending}).front()));
      return outcomes;
    }
    failed = std::current_exception();
  } catch (...) {
    failed = std::current_exception();
  }
  return std::vector<Outcome>(batch.size(), Outcome{failed, {}});
}

}  // namespace nnw::server::ledger
