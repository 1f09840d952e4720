#pragma once
// Many transfers in one database transaction (docs/transfers.md): the
// reads under the wallets' locks, and the bookings of a whole batch with their idempotency
// keys, take a fixed handful of statements in two round trips and one commit, whatever its
// size. The outcome of each transfer is its own: a refused one stores nothing, its key stays
// free, and it changes nothing; the others book.
//
// TransferBatcher gathers the transfers that arrive while batches are being booked into the
// next one (group commit). One queue feeds up to `lanes` batches booked at once, each on a
// pooled connection. While the queue is short, one batch at a time: a batch pays its
// statements' and its commit's fixed costs once, whatever its size, so fewer and larger batches
// cost the database less per transfer. A batch about to start alone waits up to `linger` for
// the transfers the last batch answered (their clients tend to send the next one at once): the
// queue should then hold as many as that batch took, plus those that were already waiting.
// Once the queue holds a quarter of a batch, or kBesideMax transfers if fewer, another batch
// starts beside the ones being booked: the database then has work for more than one CPU, and
// the clients of one batch need not wait for another's to come back before theirs start. A
// lane starting alone on at least kSplitMin transfers leaves half of them to another lane,
// when the halves name no member in common: two CPUs then book the two halves side by side.
// A transfer naming a member of a batch being booked waits in the queue for a later batch,
// instead of taking its own batch into a wait on that batch's row locks; it goes first in the
// next one, in queue order.
// Nothing it holds must outlive the process: the database decides every limit, key and lock,
// so any number of server instances can book transfers side by side.

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "db/pool.hpp"
#include "http/api.hpp"
#include "ledger/transfer.hpp"
#include "nnw/rules/engine.hpp"
#include "observability/metrics.hpp"

namespace nnw::server::ledger {

struct TransferCommand {
  TransferRequest request;   // request.idempotency_key is the caller's key
  std::string principal;     // who holds the key (the JWT sub)
  std::string request_hash;  // what makes a replay "the same request" (idempotent_write.hpp)
};

struct TransferReply {
  std::optional<ApiError> error;  // refused: nothing changed, the key is free again
  http::status status = http::status::created;
  std::string body;               // JSON, when not refused
  bool replayed = false;          // the stored response of an earlier request with this key
  std::string recipient_member_id;  // a recipient named by number: the member the batch found ("" if none)
};

// Books `commands` (distinct keys) in one transaction on `connection`; one reply per command,
// in order. Throws db::DbError when the transaction fails (nothing of it committed).
std::vector<TransferReply> book_transfers(db::Connection& connection, const nnw::rules::RulesConfig& rules,
                                          const std::vector<const TransferCommand*>& commands);

class TransferBatcher {
 public:
  // Every batch's size and booking time, every transfer's time queued, and every transfer
  // retried alone, are reported to `metrics`.
  TransferBatcher(db::Pool& pool, const nnw::rules::Engine& rules, Metrics& metrics, std::size_t lanes,
                  std::size_t batch_max, std::chrono::microseconds linger);
  ~TransferBatcher();  // books what is queued, then stops the lanes
  TransferBatcher(const TransferBatcher&) = delete;
  TransferBatcher& operator=(const TransferBatcher&) = delete;

  // Called once per transfer, on a lane thread, when its batch is done: with the reply, or
  // with what booking it threw (db::DbError when the database failed: the caller answers 503
  // and the client replays its key). It must not throw, and should only hand the outcome on:
  // the lane books nothing else while it runs.
  using Done = std::function<void(std::exception_ptr failed, TransferReply reply)>;

  // Queues the transfer; `done` gets its outcome. Nothing waits meanwhile: a request holds
  // no thread while its transfer is queued, so a batch can gather every transfer in flight.
  void submit(TransferCommand command, Done done);
  // Queues the transfer and waits for its outcome; throws what booking it threw.
  TransferReply submit(TransferCommand command);

 private:
  static constexpr std::size_t kSplitMin = 4;  // the smallest batch a lane starting alone shares
  // The most queued transfers it ever takes to start a batch beside another. With more, the two
  // halves of 8 clients' transfers (4 each) never start beside each other: they book in lockstep,
  // and both CPUs wait while both commit and all 8 clients come back. With fewer, batches get
  // smaller and cost more per transfer (docs/transfers.md).
  static constexpr std::size_t kBesideMax = 4;
  static constexpr std::size_t kNumbersKnownMax = 100000;  // ids_by_number_ starts over past this
  struct Pending {
    TransferCommand command;
    Done done;
    std::array<std::string, 2> members;  // the sender's and recipient's (member_names(), transfer_batch.cpp)
    std::chrono::steady_clock::time_point queued_at;
  };
  struct Outcome {
    std::exception_ptr failed;
    TransferReply reply;
  };
  bool may_start() const;  // with mutex_ held
  // With mutex_ held: members_being_booked_ asked, and counted in and out per transfer.
  bool names_a_member_being_booked(const Pending& pending) const;
  void mark_being_booked(const Pending& pending);
  void unmark_being_booked(const Pending& pending);
  std::vector<std::unique_ptr<Pending>> take_batch();
  void leave_rest_for_another_lane(std::vector<std::unique_ptr<Pending>>& batch, std::size_t kept);  // with mutex_ held
  void learn_numbers(const std::vector<Pending*>& batch, const std::vector<Outcome>& outcomes);  // with mutex_ held
  void run_lane();
  std::vector<Outcome> book(const std::vector<Pending*>& batch);

  db::Pool& pool_;
  const nnw::rules::Engine& rules_;
  Metrics& metrics_;
  const std::size_t batch_max_;
  const std::size_t side_by_side_min_;  // queued transfers that start a batch beside another
  const std::chrono::microseconds linger_;
  std::mutex mutex_;  // guards everything below
  std::condition_variable queued_;
  std::deque<std::unique_ptr<Pending>> queue_;
  std::size_t booking_ = 0;   // batches being booked
  std::size_t booked_ = 0;    // batches booked so far: a lane that found only transfers waiting on one waits for this to move
  // The members the transfers of the batches being booked name (Pending::members, which these
  // view: a batch's transfers outlive its entries here), once per transfer naming them.
  std::unordered_multiset<std::string_view> members_being_booked_;
  // Member numbers the batches found, with their members' ids: a recipient named by number is
  // then matched with the same member named by id (submit()). Only a hint for the batching: a
  // number not known here still books right, at the wallet's lock.
  std::unordered_map<std::string, std::string> ids_by_number_;
  std::size_t expected_ = 1;  // transfers a batch starting alone waits for, at most linger_
  bool left_for_another_lane_ = false;  // a lane starting alone left half its batch queued for another
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace nnw::server::ledger
