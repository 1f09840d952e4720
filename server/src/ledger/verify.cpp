#include "ledger/verify.hpp"

#include <stdexcept>

#include <boost/json.hpp>

#include "nnw/server/sql.hpp"

namespace nnw::server::ledger {

std::vector<std::pair<std::string, std::int64_t>> LedgerVerification::violated() const {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& check : checks) {
    if (check.second != 0) out.push_back(check);
  }
  return out;
}

LedgerVerification verify_ledger(db::Connection& connection) {
  const db::Rows rows = connection.run(sql::ledger_verify.name, sql::ledger_verify.text);
  LedgerVerification out;
  out.json = std::string(rows.text(0, 0));
  const boost::json::object figures = boost::json::parse(out.json).as_object();
  out.wallets = figures.at("wallets").to_number<std::int64_t>();
  out.entries = figures.at("entries").to_number<std::int64_t>();
  out.total_cents = figures.at("total_cents").to_number<std::int64_t>();
  for (const auto& [name, count] : figures.at("violations").as_object()) {
    out.checks.emplace_back(std::string(name), count.to_number<std::int64_t>());
  }
  if (out.checks.empty()) throw std::runtime_error("ledger_verify.sql reported no checks");
  for (const auto& [name, labels] : figures.at("examples").as_object()) {
    std::vector<std::string> named;
    for (const auto& label : labels.as_array()) named.emplace_back(label.as_string());
    out.examples.emplace_back(std::string(name), std::move(named));
  }
  return out;
}

}  // namespace nnw::server::ledger
