#include "pq.hpp"

#include <stdexcept>
#include <string>

namespace nnw::test_db {

Result::Result(PGresult* result) : result_(result) {
  if (result_ == nullptr) {
    throw std::runtime_error("libpq returned no result (out of memory?)");
  }
}

int Result::rows() const { return PQntuples(result_.get()); }

int Result::columns() const { return PQnfields(result_.get()); }

bool Result::is_null(int row, int column) const {
  if (row < 0 || row >= rows() || column < 0 || column >= columns()) {
    throw std::out_of_range("no value at row " + std::to_string(row) + ", column " +
                            std::to_string(column));
  }
  return PQgetisnull(result_.get(), row, column) == 1;
}

std::string Result::value(int row, int column) const {
  if (is_null(row, column)) {
    return {};
  }
  return PQgetvalue(result_.get(), row, column);
}

Connection::Connection(const std::string& url) : connection_(PQconnectdb(url.c_str())) {
  if (connection_ == nullptr) {
    throw std::runtime_error("libpq could not allocate a connection");
  }
  if (PQstatus(connection_.get()) != CONNECTION_OK) {
    throw std::runtime_error("cannot connect to " + url + ": " +
                             PQerrorMessage(connection_.get()));
  }
}

Result Connection::exec(const std::string& sql) {
  PGresult* const raw = PQexec(connection_.get(), sql.c_str());
  if (raw == nullptr) {
    throw std::runtime_error("`" + sql + "` failed: " + PQerrorMessage(connection_.get()));
  }
  Result result(raw);
  const ExecStatusType status = PQresultStatus(result.native());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw std::runtime_error("`" + sql + "` failed: " + PQresultErrorMessage(result.native()));
  }
  return result;
}

std::string Connection::scalar(const std::string& sql) {
  const Result result = exec(sql);
  if (result.rows() != 1 || result.columns() != 1) {
    throw std::runtime_error("expected one value from `" + sql + "`, got " +
                             std::to_string(result.rows()) + " rows of " +
                             std::to_string(result.columns()) + " columns");
  }
  return result.value(0, 0);
}

}  // namespace nnw::test_db
