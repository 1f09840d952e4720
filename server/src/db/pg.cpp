#include "db/pg.hpp"

#include <algorithm>
#include <charconv>

namespace nnw::server::db {

std::int64_t Rows::int64(int row, int column) const {
  const std::string_view value = text(row, column);
  std::int64_t out = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
  if (ec != std::errc{} || end != value.data() + value.size()) {
    throw DbError("XX000", "column " + std::to_string(column) + " is not an integer: " + std::string(value));
  }
  return out;
}

ArrayLiteral& ArrayLiteral::text(std::string_view value) {
  separate();
  out_ += '"';
  for (const char c : value) {
    if (c == '"' || c == '\\') out_ += '\\';
    out_ += c;
  }
  out_ += '"';
  return *this;
}

ArrayLiteral& ArrayLiteral::integer(std::int64_t value) {
  separate();
  out_ += std::to_string(value);
  return *this;
}

ArrayLiteral& ArrayLiteral::boolean(bool value) {
  separate();
  out_ += value ? 't' : 'f';
  return *this;
}

ArrayLiteral& ArrayLiteral::null() {
  separate();
  out_ += "NULL";
  return *this;
}

std::string text_array(const std::vector<std::string>& values) {
  ArrayLiteral out;
  for (const auto& value : values) out.text(value);
  return out.str();
}

std::string nullable_text_array(const std::vector<std::optional<std::string>>& values) {
  ArrayLiteral out;
  for (const auto& value : values) out.text(value);
  return out.str();
}

std::string integer_array(const std::vector<std::int64_t>& values) {
  ArrayLiteral out;
  for (const auto value : values) out.integer(value);
  return out.str();
}

std::int64_t Rows::affected() const {
  const char* count = PQcmdTuples(result_.get());
  return count[0] == '\0' ? 0 : std::stoll(count);
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> out;
  out.reserve(values_.size());
  for (const auto& value : values_) out.push_back(value ? value->c_str() : nullptr);
  return out;
}

Connection::Connection(const std::string& url) : conn_(PQconnectdb(url.c_str()), &PQfinish) {
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    const std::string message = conn_ ? PQerrorMessage(conn_.get()) : "out of memory";
    throw DbError("08001", "cannot connect to PostgreSQL: " + message);
  }
  // NOTICEs (e.g. "already exists, skipping") are not errors and must not break log lines.
  PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
}

bool Connection::healthy() const noexcept { return PQstatus(conn_.get()) == CONNECTION_OK; }

bool Connection::reset() noexcept {
  PQreset(conn_.get());
  prepared_.clear();
  return healthy();
}

Rows Connection::check(PGresult* result, std::string_view what) {
  const auto status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return Rows(result);
  // Copy what we need before PQclear frees the result that owns these strings.
  const char* state_field = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = state_field ? state_field : "";
  // The primary message only: DETAIL can quote a whole failing row (sealed data, e-mails).
  const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary ? primary : PQerrorMessage(conn_.get());
  if (result) PQclear(result);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw DbError(state, std::string(what) + ": " + message);
}

Rows Connection::run(std::string_view name, std::string_view sql, const Params& params) {
  const std::string statement(name);
  if (std::find(prepared_.begin(), prepared_.end(), statement) == prepared_.end()) {
    check(PQprepare(conn_.get(), statement.c_str(), std::string(sql).c_str(), 0, nullptr), statement);
    prepared_.push_back(statement);
  }
  const auto values = params.pointers();
  return check(PQexecPrepared(conn_.get(), statement.c_str(), params.size(), values.data(), nullptr, nullptr, 0),
               statement);
}

Rows Connection::exec(std::string_view sql) {
  return check(PQexec(conn_.get(), std::string(sql).c_str()), "statement");
}

}  // namespace nnw::server::db
