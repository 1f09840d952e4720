#pragma once
// A thin RAII layer over libpq: connections, results, parameters as text, and SQLSTATE-aware
// errors. Every statement is a prepared statement named after its .sql file.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace nnw::server::db {

// A database error with its SQLSTATE, so callers can tell a serialization failure (retry)
// from a constraint violation (a bug or a race the code lost) from a lost connection.
class DbError : public std::runtime_error {
 public:
  DbError(std::string sqlstate, const std::string& message) : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const noexcept { return sqlstate_; }
  bool is_retryable() const noexcept { return sqlstate_ == "40001" || sqlstate_ == "40P01"; }
  bool is_unique_violation() const noexcept { return sqlstate_ == "23505"; }
  bool is_connection_lost() const noexcept { return sqlstate_.empty() || sqlstate_.rfind("08", 0) == 0 || sqlstate_.rfind("57P", 0) == 0; }

 private:
  std::string sqlstate_;
};

class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}
  int size() const noexcept { return PQntuples(result_.get()); }
  bool empty() const noexcept { return size() == 0; }
  bool is_null(int row, int column) const noexcept { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string_view text(int row, int column) const noexcept {
    return {PQgetvalue(result_.get(), row, column), static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }
  std::int64_t int64(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const {
    if (is_null(row, column)) return std::nullopt;
    return std::string(text(row, column));
  }
  bool boolean(int row, int column) const noexcept { return text(row, column) == "t"; }
  int columns() const noexcept { return PQnfields(result_.get()); }
  std::string_view column_name(int column) const noexcept { return PQfname(result_.get(), column); }
  // bigint, integer or smallint: written as JSON numbers by generic writers (reports).
  bool is_integer_column(int column) const noexcept {
    const Oid type = PQftype(result_.get(), column);
    return type == 20 || type == 23 || type == 21;  // int8, int4, int2 (pg_type.h OIDs)
  }
  std::int64_t affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

// Statement parameters in text format; std::nullopt is SQL NULL.
class Params {
 public:
  Params& add(std::string_view value) { values_.emplace_back(std::string(value)); return *this; }
  Params& add(const char* value) { return add(std::string_view(value)); }
  Params& add(const std::string& value) { return add(std::string_view(value)); }
  Params& add(std::int64_t value) { values_.emplace_back(std::to_string(value)); return *this; }
  Params& add(int value) { return add(static_cast<std::int64_t>(value)); }
  Params& add(bool value) { values_.emplace_back(value ? "t" : "f"); return *this; }
  Params& add_null() { values_.emplace_back(std::nullopt); return *this; }
  template <class T>
  Params& add(const std::optional<T>& value) { return value ? add(*value) : add_null(); }

  std::vector<const char*> pointers() const;
  int size() const noexcept { return static_cast<int>(values_.size()); }

 private:
  std::vector<std::optional<std::string>> values_;
};

// A PostgreSQL array literal in text format, for "= ANY ($1::uuid[])" and unnest(...)
// parameters, built element by element: text is always quoted (values are never trusted to be
// plain), std::nullopt is NULL.
class ArrayLiteral {
 public:
  ArrayLiteral& text(std::string_view value);
  ArrayLiteral& text(const std::string& value) { return text(std::string_view(value)); }
  ArrayLiteral& text(const std::optional<std::string>& value) { return value ? text(std::string_view(*value)) : null(); }
  ArrayLiteral& integer(std::int64_t value);
  ArrayLiteral& boolean(bool value);
  ArrayLiteral& null();
  std::string str() const { return out_ + '}'; }

 private:
  void separate() {
    if (out_.size() > 1) out_ += ',';
  }
  std::string out_ = "{";
};

// Whole arrays at once: {"a","b"}, {"a",NULL}, {1,2}.
std::string text_array(const std::vector<std::string>& values);
std::string nullable_text_array(const std::vector<std::optional<std::string>>& values);
std::string integer_array(const std::vector<std::int64_t>& values);

// One statement of a pipeline (Connection::run_pipelined): a named prepared statement with its
// parameters, or, with no name, plain SQL without parameters (BEGIN, SET LOCAL, COMMIT).
struct Call {
  std::string_view name;
  std::string_view sql;
  Params params;
};

class Connection {
 public:
  explicit Connection(const std::string& url);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool healthy() const noexcept;
  bool reset() noexcept;  // reconnects a broken connection; prepared statements are re-made

  // Runs a named prepared statement (prepared on first use on this connection).
  Rows run(std::string_view name, std::string_view sql, const Params& params = {});
  // Runs plain SQL without parameters (transaction control, migrations).
  Rows exec(std::string_view sql);
  // Sends every call at once and then reads every result (libpq pipeline mode): one round
  // trip for all of them instead of one each. They run in order, as if run one by one; after
  // the first that fails the rest are not run, and that failure is thrown once all answers
  // are in, so the connection is ready for the next statement (ROLLBACK) either way.
  std::vector<Rows> run_pipelined(const std::vector<Call>& calls);

 private:
  Rows check(PGresult* result, std::string_view what);
  bool is_prepared(std::string_view name) const;  // on this connection, since it was (re)made
  [[noreturn]] void abandon_pipeline(std::string_view what);

  std::unique_ptr<PGconn, decltype(&PQfinish)> conn_;
  std::vector<std::string> prepared_;
};

}  // namespace nnw::server::db
