#include "ledger/ledger.hpp"

#include <algorithm>
#include <array>

#include "nnw/server/sql.hpp"

namespace nnw::server::ledger {

bool is_entry_type(std::string_view type) noexcept {
  static constexpr std::array<std::string_view, 9> kTypes = {kCommissionDeposit, kOrderPayment,   kOrderRefund,
                                                             kTransferOut,       kTransferIn,     kWithdrawalHold,
                                                             kWithdrawalRelease, kAdjustmentCredit, kAdjustmentDebit};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

std::optional<PostedEntry> post_entry(db::Connection& connection, std::int64_t wallet_id, std::string_view type,
                                      std::int64_t amount_cents, const EntryRefs& refs) {
  db::Params params;
  params.add(wallet_id).add(amount_cents).add(type);
  params.add(refs.commission_id).add(refs.order_id).add(refs.counterparty_member_id);
  params.add(refs.transfer_id).add(refs.withdrawal_id).add(refs.idempotency_key);
  params.add(refs.rules_version).add(refs.description);
  const db::Rows rows = connection.run(sql::wallet_post_entry.name, sql::wallet_post_entry.text, params);
  if (rows.empty()) return std::nullopt;
  PostedEntry entry{rows.int64(0, 0), rows.int64(0, 1), rows.int64(0, 2), rows.int64(0, 3), std::string(rows.text(0, 4))};
  // The database checks the same invariants; asserting here catches a wrong query early.
  if (entry.balance_after_cents != entry.balance_before_cents + amount_cents || entry.balance_after_cents < 0) {
    throw db::DbError("XX000", "ledger invariant broken: balance_after != balance_before + amount");
  }
  return entry;
}

db::Call lock_wallets_call(std::string_view member_ids_array, std::string_view member_numbers_array) {
  return db::Call{sql::wallets_lock_by_members.name, sql::wallets_lock_by_members.text,
                  db::Params().add(member_ids_array).add(member_numbers_array)};
}

std::vector<LockedWallet> locked_wallets(const db::Rows& rows) {
  std::vector<LockedWallet> wallets;
  for (int row = 0; row < rows.size(); ++row) {
    wallets.push_back(LockedWallet{rows.int64(row, 0), std::string(rows.text(row, 1)), std::string(rows.text(row, 2)),
                                   rows.int64(row, 3), std::string(rows.text(row, 4)), std::string(rows.text(row, 5)),
                                   std::string(rows.text(row, 6)), rows.int64(row, 7)});
  }
  return wallets;
}

std::vector<LockedWallet> lock_wallets(db::Connection& connection, const std::vector<std::string>& member_ids) {
  const db::Call lock = lock_wallets_call(db::text_array(member_ids), "{}");
  return locked_wallets(connection.run(lock.name, lock.sql, lock.params));
}

void audit(db::Connection& connection, std::string_view actor, std::string_view actor_role, std::string_view action,
           std::string_view target, std::string_view details_json, std::string_view request_id) {
  connection.run(sql::audit_insert.name, sql::audit_insert.text,
                 db::Params().add(actor).add(actor_role).add(action).add(target).add(details_json).add(request_id));
}

}  // namespace nnw::server::ledger
