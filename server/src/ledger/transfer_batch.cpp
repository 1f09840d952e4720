#include "ledger/transfer_batch.hpp"

#include <algorithm>
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
// generic one: that planning was a fifth of its CPU under transfers (docs/server.md "Generic plans").
constexpr std::string_view kGenericPlans = "SET LOCAL plan_cache_mode = force_generic_plan";

// A batch takes three round trips, each a pipeline (db::Connection::run_pipelined):
//   1. BEGIN; claim every key; reserve ids and the transaction's time; name the members.
//   2. The stored responses of keys already taken; every party's wallet locked; the senders'
//      counts and totals, read under those locks (the statements run in order).
//   3. Book the accepted transfers, keep their responses and release the refused ones' keys,
//      COMMIT (or ROLLBACK when nothing books).
// Decisions are made in between, on what the round before read.
std::vector<TransferReply> book_in(db::Connection& tx, const nnw::rules::RulesConfig& rules,
                                   const std::vector<const TransferCommand*>& commands) {
  const std::size_t n = commands.size();
  std::vector<TransferReply> replies(n);

  // 1. Claims (a key already claimed is a replay or a reuse), ids, and the members named: the
  // recipients by number or id, the senders by id, each with its market (a member's market is
  // never updated; the lock in round trip 2 reads it again, and the two must agree).
  std::map<KeyOf, std::size_t> index;
  ArrayLiteral principals, keys, hashes, numbers, ids;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = commands[i]->request;
    index.emplace(KeyOf{commands[i]->principal, r.idempotency_key}, i);
    principals.text(commands[i]->principal);
    keys.text(r.idempotency_key);
    hashes.text(commands[i]->request_hash);
    if (r.to_member_number) numbers.text(*r.to_member_number);
    else if (r.to_member_id) ids.text(*r.to_member_id);
    ids.text(r.from_member_id);
  }
  const std::vector<db::Rows> first = tx.run_pipelined({
      Call{{}, "BEGIN", {}},
      Call{{}, kGenericPlans, {}},
      Call{sql::idempotency_claim_many.name, sql::idempotency_claim_many.text,
           db::Params().add(principals.str()).add(keys.str()).add(hashes.str())},
      Call{sql::transfer_ids_reserve.name, sql::transfer_ids_reserve.text, db::Params().add(static_cast<std::int64_t>(n))},
      Call{sql::members_by_numbers_or_ids.name, sql::members_by_numbers_or_ids.text,
           db::Params().add(numbers.str()).add(ids.str())},
  });
  const db::Rows& claimed_rows = first[2];
  const db::Rows& reserved = first[3];
  const db::Rows& named = first[4];

  std::vector<bool> is_claimed(n, false);
  for (int row = 0; row < claimed_rows.size(); ++row) {
    const auto found = index.find(KeyOf{claimed_rows.text(row, 0), claimed_rows.text(row, 1)});
    if (found == index.end()) throw db::DbError("XX000", "a claimed idempotency key matches no transfer of the batch");
    is_claimed[found->second] = true;
  }
  std::map<std::string, std::string, std::less<>> id_by_number, market_by_id;
  for (int row = 0; row < named.size(); ++row) {
    id_by_number.emplace(std::string(named.text(row, 1)), std::string(named.text(row, 0)));
    market_by_id.emplace(std::string(named.text(row, 0)), std::string(named.text(row, 2)));
  }
  const std::int64_t now_us = reserved.int64(0, 1);

  std::vector<std::size_t> claimed;
  std::vector<std::optional<std::string>> recipients(n);
  ArrayLiteral taken_principals, taken_keys;
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = commands[i]->request;
    if (!is_claimed[i]) {
      replies[i].error = idempotency_key_reused();
      taken_principals.text(commands[i]->principal);
      taken_keys.text(r.idempotency_key);
      continue;
    }
    claimed.push_back(i);
    if (r.to_member_number) {
      if (const auto found = id_by_number.find(*r.to_member_number); found != id_by_number.end()) recipients[i] = found->second;
    } else if (r.to_member_id && market_by_id.count(*r.to_member_id) != 0) {
      recipients[i] = *r.to_member_id;
    }
  }

  // 2. Stored responses, locks (wallet id order, one statement), the senders' activity.
  std::vector<Call> second;
  if (claimed.size() < n) {
    second.push_back(Call{sql::idempotency_lookup_many.name, sql::idempotency_lookup_many.text,
                          db::Params().add(taken_principals.str()).add(taken_keys.str())});
  }
  std::vector<std::string> members;
  std::map<std::pair<std::string_view, std::int64_t>, std::size_t> sender_index;  // (sender, day start) → row
  std::vector<std::int64_t> day_start(n, 0);
  ArrayLiteral senders, day_starts;
  for (const std::size_t i : claimed) {
    const auto& r = commands[i]->request;
    members.push_back(r.from_member_id);
    if (recipients[i]) members.push_back(*recipients[i]);
    const auto market = market_by_id.find(r.from_member_id);
    if (market == market_by_id.end()) continue;  // no such sender: refused below
    day_start[i] = local_day_start_s(rules, market->second, r.now);
    if (sender_index.emplace(std::pair{std::string_view(r.from_member_id), day_start[i]}, sender_index.size()).second) {
      senders.text(r.from_member_id);
      day_starts.text(nnw::rules::format_utc(day_start[i]));
    }
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  if (claimed.empty()) {
    second.push_back(Call{{}, "ROLLBACK", {}});
  } else {
    second.push_back(lock_wallets_call(members));
    second.push_back(Call{sql::transfer_senders_activity.name, sql::transfer_senders_activity.text,
                          db::Params().add(senders.str()).add(day_starts.str())});
  }
  const std::vector<db::Rows> answers = tx.run_pipelined(second);
  if (claimed.size() < n) {
    const db::Rows& stored = answers.front();
    for (int row = 0; row < stored.size(); ++row) {
      const auto found = index.find(KeyOf{stored.text(row, 0), stored.text(row, 1)});
      if (found == index.end() || stored.text(row, 2) != commands[found->second]->request_hash) continue;
      replies[found->second] = TransferReply{std::nullopt, static_cast<http::status>(stored.int64(row, 3)),
                                             std::string(stored.text(row, 4)), true};
    }
  }
  if (claimed.empty()) return replies;
  const db::Rows& activity_rows = answers.back();
  std::vector<LockedWallet> locked = locked_wallets(answers[answers.size() - 2]);
  for (const LockedWallet& wallet : locked) {  // the day starts above used the markets of round trip 1
    if (const auto market = market_by_id.find(wallet.member_id); market != market_by_id.end() && market->second != wallet.market) {
      throw db::DbError("XX000", "a member's market read before its wallet's lock differs from the one read under it");
    }
  }
  TransferPlanner planner(rules, std::move(locked), now_us);
  std::vector<SenderActivity> activity;
  for (int row = 0; row < activity_rows.size(); ++row) {
    activity.push_back(SenderActivity{activity_rows.int64(row, 1), activity_rows.int64(row, 2), activity_rows.int64(row, 3),
                                      activity_rows.int64(row, 4), activity_rows.int64(row, 5), activity_rows.int64(row, 6)});
  }
  if (activity.size() != sender_index.size()) throw db::DbError("XX000", "sender activity rows do not match the senders");

  // 3. Decide each transfer in arrival order, then book them all.
  ArrayLiteral transfer_ids, froms, tos, amounts, currencies, notes, sender_seqs, sender_totals, stamps, from_wallets,
      to_wallets, out_seqs, out_befores, in_seqs, in_befores, entry_keys, request_ids;
  ArrayLiteral stored_principals, stored_keys, stored_statuses, stored_bodies, released_principals, released_keys;
  std::int64_t booked = 0;
  for (std::size_t k = 0; k < claimed.size(); ++k) {
    const std::size_t i = claimed[k];
    const TransferCommand& command = *commands[i];
    const auto& r = command.request;
    const auto found = sender_index.find(std::pair{std::string_view(r.from_member_id), day_start[i]});
    const SenderActivity none;
    const SenderActivity& sender = found == sender_index.end() ? none : activity[found->second];
    auto decided = planner.decide(r, recipients[i], sender, day_start[i], reserved.int64(static_cast<int>(k), 0));
    if (!decided.ok()) {
      replies[i].error = decided.error();
      released_principals.text(command.principal);
      released_keys.text(r.idempotency_key);
      continue;
    }
    const TransferBooking& b = decided.value();
    ++booked;
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
    entry_keys.text(r.idempotency_key);
    request_ids.text(r.request_id);
    TransferReply& reply = replies[i];
    reply.status = http::status::created;
    reply.body = transfer_created_json(r, b.done);
    stored_principals.text(command.principal);
    stored_keys.text(r.idempotency_key);
    stored_statuses.integer(static_cast<std::int64_t>(reply.status));
    stored_bodies.text(reply.body);
  }
  if (booked == 0) {  // nothing to book: the rollback releases every claim
    tx.exec("ROLLBACK");
    return replies;
  }

  ArrayLiteral wallet_ids, balances, entry_counts;
  for (const auto& w : planner.moved_wallets()) {
    wallet_ids.integer(w.id);
    balances.integer(w.balance_cents);
    entry_counts.integer(w.entry_count);
  }
  db::Params book;
  book.add(transfer_ids.str()).add(froms.str()).add(tos.str()).add(amounts.str()).add(currencies.str()).add(notes.str());
  book.add(sender_seqs.str()).add(sender_totals.str()).add(stamps.str()).add(from_wallets.str()).add(to_wallets.str());
  book.add(out_seqs.str()).add(out_befores.str()).add(in_seqs.str()).add(in_befores.str()).add(entry_keys.str());
  book.add(request_ids.str()).add(wallet_ids.str()).add(balances.str()).add(entry_counts.str()).add(booked);
  // The booking statement refuses to book other than worked out ($21 transfers), so a COMMIT
  // sent in the same round trip never commits a wrong batch: it is not run after a failure.
  tx.run_pipelined({
      Call{sql::transfers_book.name, sql::transfers_book.text, std::move(book)},
      Call{sql::idempotency_settle_many.name, sql::idempotency_settle_many.text,
           db::Params().add(stored_principals.str()).add(stored_keys.str()).add(stored_statuses.str())
               .add(stored_bodies.str()).add(released_principals.str()).add(released_keys.str())},
      Call{{}, "COMMIT", {}},
  });
  return replies;
}

}  // namespace

std::vector<TransferReply> book_transfers(db::Connection& connection, const nnw::rules::RulesConfig& rules,
                                          const std::vector<const TransferCommand*>& commands) {
  return db::retrying_transaction(connection, [&](db::Connection& tx) { return book_in(tx, rules, commands); });
}

TransferBatcher::TransferBatcher(db::Pool& pool, const nnw::rules::Engine& rules, Metrics& metrics, std::size_t lanes,
                                 std::size_t batch_max)
    : pool_(pool), rules_(rules), metrics_(metrics), batch_max_(std::max<std::size_t>(1, batch_max)) {
  for (std::size_t i = 0; i < std::max<std::size_t>(1, lanes); ++i) lanes_.push_back(std::make_unique<Lane>());
  for (auto& lane : lanes_) threads_.emplace_back([this, &lane = *lane] { run_lane(lane); });
}

TransferBatcher::~TransferBatcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  for (auto& lane : lanes_) lane->queued.notify_all();
  for (auto& thread : threads_) thread.join();
}

void TransferBatcher::submit(TransferCommand command, Done done) {
  Lane& lane = *lanes_[std::hash<std::string>{}(command.request.from_member_id) % lanes_.size()];
  auto pending = std::make_unique<Pending>(Pending{std::move(command), std::move(done)});
  {
    std::lock_guard lock(mutex_);
    lane.queue.push_back(std::move(pending));
  }
  lane.queued.notify_one();
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

// The oldest transfers first, up to batch_max; a second transfer with a key already in the
// batch waits for a later one (where it finds the first's stored response).
std::vector<std::unique_ptr<TransferBatcher::Pending>> TransferBatcher::take_batch(Lane& lane) {
  std::unique_lock lock(mutex_);
  lane.queued.wait(lock, [&] { return stopping_ || !lane.queue.empty(); });
  std::vector<std::unique_ptr<Pending>> batch;
  std::set<KeyOf> keys;
  for (auto it = lane.queue.begin(); it != lane.queue.end() && batch.size() < batch_max_;) {
    const auto& command = (*it)->command;
    if (!keys.emplace(command.principal, command.request.idempotency_key).second) {
      ++it;
      continue;
    }
    batch.push_back(std::move(*it));
    it = lane.queue.erase(it);
  }
  return batch;
}

void TransferBatcher::run_lane(Lane& lane) {
  for (;;) {
    const auto taken = take_batch(lane);
    if (taken.empty()) return;  // stopping, and nothing is queued
    std::vector<Pending*> batch;
    for (const auto& pending : taken) batch.push_back(pending.get());
    book(batch);
  }
}

void TransferBatcher::book(std::vector<Pending*>& batch) {
  std::vector<const TransferCommand*> commands;
  for (const auto* pending : batch) commands.push_back(&pending->command);
  std::vector<TransferReply> replies;
  std::exception_ptr failed;
  try {
    auto lease = pool_.acquire();
    if (!lease) {
      const ApiError busy{http::status::service_unavailable, "overloaded", "no database connection is free; retry shortly", {}, 1, {}};
      replies.assign(batch.size(), TransferReply{busy, http::status::service_unavailable, {}, false});
    } else {
      metrics_.observe_transfer_batch(batch.size());
      replies = book_transfers(**lease, rules_.config(), commands);
    }
  } catch (const db::DbError& error) {
    // A lost database fails every transfer alike (503; the clients replay their keys). Any
    // other failure is retried one transfer at a time, so one transfer the database refuses
    // for a reason of its own never takes the rest of its batch down with it.
    if (batch.size() > 1 && !error.is_connection_lost()) {
      metrics_.count_transfers_isolated(batch.size());
      for (auto* pending : batch) {
        std::vector<Pending*> alone{pending};
        book(alone);
      }
      return;
    }
    failed = std::current_exception();
  } catch (...) {
    failed = std::current_exception();
  }
  // Delivered outside the try: a `done` that threw must not have its batch answered twice.
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->done(failed, failed ? TransferReply{} : std::move(replies[i]));
}

}  // namespace nnw::server::ledger
