#include "ledger/transfer_batch.hpp"

#include <map>
#include <set>
#include <utility>

#include "http/idempotent_write.hpp"
#include "nnw/rules/calendar.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server::ledger {

namespace {

using db::ArrayLiteral;

using KeyOf = std::pair<std::string_view, std::string_view>;  // (principal, key)

struct BatchOutcome {
  std::vector<TransferReply> replies;
  bool booked_any = false;
  bool ok() const noexcept { return booked_any; }  // nothing booked: roll back, claims included
};

// The claimed commands' recipients: member ids by number and by id.
std::vector<std::optional<std::string>> resolve_recipients(db::Connection& tx, const std::vector<const TransferCommand*>& commands,
                                                           const std::vector<std::size_t>& claimed) {
  ArrayLiteral numbers, ids;
  for (const std::size_t i : claimed) {
    const auto& r = commands[i]->request;
    if (r.to_member_number) numbers.text(*r.to_member_number);
    else if (r.to_member_id) ids.text(*r.to_member_id);
  }
  const db::Rows rows = tx.run(sql::members_by_numbers_or_ids.name, sql::members_by_numbers_or_ids.text,
                               db::Params().add(numbers.str()).add(ids.str()));
  std::map<std::string, std::string, std::less<>> by_number;
  std::set<std::string, std::less<>> known_ids;
  for (int row = 0; row < rows.size(); ++row) {
    by_number.emplace(std::string(rows.text(row, 1)), std::string(rows.text(row, 0)));
    known_ids.emplace(rows.text(row, 0));
  }
  std::vector<std::optional<std::string>> recipients(commands.size());
  for (const std::size_t i : claimed) {
    const auto& r = commands[i]->request;
    if (r.to_member_number) {
      if (const auto found = by_number.find(*r.to_member_number); found != by_number.end()) recipients[i] = found->second;
    } else if (r.to_member_id && known_ids.count(*r.to_member_id) != 0) {
      recipients[i] = *r.to_member_id;
    }
  }
  return recipients;
}

BatchOutcome book_in(db::Connection& tx, const nnw::rules::RulesConfig& rules, const std::vector<const TransferCommand*>& commands) {
  const std::size_t n = commands.size();
  BatchOutcome outcome{std::vector<TransferReply>(n), false};

  // 1. Claim every key; a key already claimed is a replay or a reuse.
  std::map<KeyOf, std::size_t> index;
  ArrayLiteral principals, keys, hashes;
  for (std::size_t i = 0; i < n; ++i) {
    index.emplace(KeyOf{commands[i]->principal, commands[i]->request.idempotency_key}, i);
    principals.text(commands[i]->principal);
    keys.text(commands[i]->request.idempotency_key);
    hashes.text(commands[i]->request_hash);
  }
  const db::Rows claimed_rows = tx.run(sql::idempotency_claim_many.name, sql::idempotency_claim_many.text,
                                       db::Params().add(principals.str()).add(keys.str()).add(hashes.str()));
  std::vector<bool> is_claimed(n, false);
  for (int row = 0; row < claimed_rows.size(); ++row) {
    const auto found = index.find(KeyOf{claimed_rows.text(row, 0), claimed_rows.text(row, 1)});
    if (found == index.end()) throw db::DbError("XX000", "a claimed idempotency key matches no transfer of the batch");
    is_claimed[found->second] = true;
  }
  std::vector<std::size_t> claimed;
  ArrayLiteral taken_principals, taken_keys;
  for (std::size_t i = 0; i < n; ++i) {
    if (is_claimed[i]) {
      claimed.push_back(i);
      continue;
    }
    outcome.replies[i].error = idempotency_key_reused();
    taken_principals.text(commands[i]->principal);
    taken_keys.text(commands[i]->request.idempotency_key);
  }
  if (claimed.size() < n) {
    const db::Rows stored = tx.run(sql::idempotency_lookup_many.name, sql::idempotency_lookup_many.text,
                                   db::Params().add(taken_principals.str()).add(taken_keys.str()));
    for (int row = 0; row < stored.size(); ++row) {
      const auto found = index.find(KeyOf{stored.text(row, 0), stored.text(row, 1)});
      if (found == index.end() || stored.text(row, 2) != commands[found->second]->request_hash) continue;
      outcome.replies[found->second] = TransferReply{std::nullopt, static_cast<http::status>(stored.int64(row, 3)),
                                                     std::string(stored.text(row, 4)), true};
    }
  }
  if (claimed.empty()) return outcome;

  // 2. Ids and the transaction's time, so each response is written before it is booked.
  const db::Rows reserved = tx.run(sql::transfer_ids_reserve.name, sql::transfer_ids_reserve.text,
                                   db::Params().add(static_cast<std::int64_t>(claimed.size())));
  const std::int64_t now_us = reserved.int64(0, 1);

  // 3. Recipients, then every party's wallet locked (wallet id order, one statement).
  const auto recipients = resolve_recipients(tx, commands, claimed);
  std::vector<std::string> members;
  for (const std::size_t i : claimed) {
    members.push_back(commands[i]->request.from_member_id);
    if (recipients[i]) members.push_back(*recipients[i]);
  }
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  TransferPlanner planner(rules, lock_wallets(tx, members), now_us);

  // 4. Each sender's counts and totals, read under its wallet's lock.
  std::map<std::pair<std::string, std::int64_t>, std::size_t> sender_index;  // (sender, day start) → row
  std::vector<std::int64_t> day_start(n, 0);
  ArrayLiteral senders, day_starts;
  for (const std::size_t i : claimed) {
    const auto& r = commands[i]->request;
    const LockedWallet* from = planner.wallet_of(r.from_member_id);
    if (from == nullptr) continue;
    day_start[i] = local_day_start_s(rules, from->market, r.now);
    if (sender_index.emplace(std::pair{r.from_member_id, day_start[i]}, sender_index.size()).second) {
      senders.text(r.from_member_id);
      day_starts.text(nnw::rules::format_utc(day_start[i]));
    }
  }
  std::vector<SenderActivity> activity;
  if (!sender_index.empty()) {
    const db::Rows rows = tx.run(sql::transfer_senders_activity.name, sql::transfer_senders_activity.text,
                                 db::Params().add(senders.str()).add(day_starts.str()));
    for (int row = 0; row < rows.size(); ++row) {
      activity.push_back(SenderActivity{rows.int64(row, 1), rows.int64(row, 2), rows.int64(row, 3), rows.int64(row, 4),
                                        rows.int64(row, 5), rows.int64(row, 6)});
    }
    if (activity.size() != sender_index.size()) throw db::DbError("XX000", "sender activity rows do not match the senders");
  }

  // 5. Decide each transfer in arrival order.
  ArrayLiteral ids, froms, tos, amounts, currencies, notes, sender_seqs, sender_totals, stamps, from_wallets, to_wallets,
      out_seqs, out_befores, in_seqs, in_befores, entry_keys, request_ids;
  ArrayLiteral stored_principals, stored_keys, stored_statuses, stored_bodies, released_principals, released_keys;
  std::size_t booked = 0;
  for (std::size_t k = 0; k < claimed.size(); ++k) {
    const std::size_t i = claimed[k];
    const TransferCommand& command = *commands[i];
    const auto& r = command.request;
    const auto found = sender_index.find(std::pair{r.from_member_id, day_start[i]});
    const SenderActivity none;
    const SenderActivity& sender = found == sender_index.end() ? none : activity[found->second];
    auto decided = planner.decide(r, recipients[i], sender, day_start[i], reserved.int64(static_cast<int>(k), 0));
    if (!decided.ok()) {
      outcome.replies[i].error = decided.error();
      released_principals.text(command.principal);
      released_keys.text(r.idempotency_key);
      continue;
    }
    const TransferBooking& b = decided.value();
    ++booked;
    ids.integer(b.done.transfer_id);
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
    TransferReply& reply = outcome.replies[i];
    reply.status = http::status::created;
    reply.body = transfer_created_json(r, b.done);
    stored_principals.text(command.principal);
    stored_keys.text(r.idempotency_key);
    stored_statuses.integer(static_cast<std::int64_t>(reply.status));
    stored_bodies.text(reply.body);
  }
  if (booked == 0) return outcome;

  // 6. Book them all, then keep the responses and release the refused ones' keys.
  ArrayLiteral wallet_ids, balances, entry_counts;
  for (const auto& w : planner.moved_wallets()) {
    wallet_ids.integer(w.id);
    balances.integer(w.balance_cents);
    entry_counts.integer(w.entry_count);
  }
  db::Params book;
  book.add(ids.str()).add(froms.str()).add(tos.str()).add(amounts.str()).add(currencies.str()).add(notes.str());
  book.add(sender_seqs.str()).add(sender_totals.str()).add(stamps.str()).add(from_wallets.str()).add(to_wallets.str());
  book.add(out_seqs.str()).add(out_befores.str()).add(in_seqs.str()).add(in_befores.str()).add(entry_keys.str());
  book.add(request_ids.str()).add(wallet_ids.str()).add(balances.str()).add(entry_counts.str());
  const db::Rows counts = tx.run(sql::transfers_book.name, sql::transfers_book.text, book);
  const auto expected = static_cast<std::int64_t>(booked);
  if (counts.int64(0, 0) != expected || counts.int64(0, 1) != 2 * expected || counts.int64(0, 3) != expected) {
    throw db::DbError("XX000", "a batch of transfers booked other than it was worked out");
  }
  tx.run(sql::idempotency_settle_many.name, sql::idempotency_settle_many.text,
         db::Params().add(stored_principals.str()).add(stored_keys.str()).add(stored_statuses.str())
             .add(stored_bodies.str()).add(released_principals.str()).add(released_keys.str()));
  outcome.booked_any = true;
  return outcome;
}

}  // namespace

std::vector<TransferReply> book_transfers(db::Connection& connection, const nnw::rules::RulesConfig& rules,
                                          const std::vector<const TransferCommand*>& commands) {
  return db::in_transaction(connection, [&](db::Connection& tx) { return book_in(tx, rules, commands); }).replies;
}

TransferBatcher::TransferBatcher(db::Pool& pool, const nnw::rules::Engine& rules, std::size_t lanes, std::size_t batch_max)
    : pool_(pool), rules_(rules), batch_max_(std::max<std::size_t>(1, batch_max)) {
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

TransferReply TransferBatcher::submit(TransferCommand command) {
  Lane& lane = *lanes_[std::hash<std::string>{}(command.request.from_member_id) % lanes_.size()];
  Pending pending{std::move(command), {}};
  auto reply = pending.reply.get_future();
  {
    std::lock_guard lock(mutex_);
    lane.queue.push_back(&pending);
  }
  lane.queued.notify_one();
  return reply.get();
}

TransferBatcherStats TransferBatcher::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

// The oldest transfers first, up to batch_max; a second transfer with a key already in the
// batch waits for a later one (where it finds the first's stored response).
std::vector<TransferBatcher::Pending*> TransferBatcher::take_batch(Lane& lane) {
  std::unique_lock lock(mutex_);
  lane.queued.wait(lock, [&] { return stopping_ || !lane.queue.empty(); });
  std::vector<Pending*> batch;
  std::set<KeyOf> keys;
  for (auto it = lane.queue.begin(); it != lane.queue.end() && batch.size() < batch_max_;) {
    const auto& command = (*it)->command;
    if (!keys.emplace(command.principal, command.request.idempotency_key).second) {
      ++it;
      continue;
    }
    batch.push_back(*it);
    it = lane.queue.erase(it);
  }
  return batch;
}

void TransferBatcher::run_lane(Lane& lane) {
  for (;;) {
    auto batch = take_batch(lane);
    if (batch.empty()) return;  // stopping, and nothing is queued
    book(batch);
  }
}

void TransferBatcher::book(std::vector<Pending*>& batch) {
  std::vector<const TransferCommand*> commands;
  for (const auto* pending : batch) commands.push_back(&pending->command);
  try {
    auto lease = pool_.acquire();
    if (!lease) {
      const ApiError busy{http::status::service_unavailable, "overloaded", "no database connection is free; retry shortly", {}, 1, {}};
      for (auto* pending : batch) pending->reply.set_value(TransferReply{busy, http::status::service_unavailable, {}, false});
      return;
    }
    auto replies = book_transfers(**lease, rules_.config(), commands);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->reply.set_value(std::move(replies[i]));
  } catch (const db::DbError& error) {
    // A lost database fails every transfer alike (503; the clients replay their keys). Any
    // other failure is retried one transfer at a time, so one transfer the database refuses
    // for a reason of its own never takes the rest of its batch down with it.
    if (batch.size() == 1 || error.is_connection_lost()) {
      for (auto* pending : batch) pending->reply.set_exception(std::current_exception());
      return;
    }
    {
      std::lock_guard lock(mutex_);
      stats_.isolated_total += batch.size();
    }
    for (auto* pending : batch) {
      std::vector<Pending*> alone{pending};
      book(alone);
    }
  } catch (...) {
    for (auto* pending : batch) pending->reply.set_exception(std::current_exception());
  }
}

}  // namespace nnw::server::ledger
