#include "db/pg.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

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

bool Connection::is_prepared(std::string_view name) const {
  return std::find(prepared_.begin(), prepared_.end(), name) != prepared_.end();
}

Rows Connection::run(std::string_view name, std::string_view sql, const Params& params) {
  const std::string statement(name);
  if (!is_prepared(statement)) {
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

// A pipeline libpq could not send or whose answers made no sense: the connection's state is
// unknown, so it is made anew (out of pipeline mode) and the caller sees a lost connection.
void Connection::abandon_pipeline(std::string_view what) {
  const std::string message = PQerrorMessage(conn_.get());
  reset();
  throw DbError("08006", std::string(what) + ": the pipeline broke off: " + message);
}

std::vector<Rows> Connection::run_pipelined(const std::vector<Call>& calls) {
  PGconn* conn = conn_.get();
  if (PQenterPipelineMode(conn) != 1) abandon_pipeline("pipeline");
  // What each answer is for: a statement being prepared (its name), or call i's result.
  struct Answer {
    std::size_t call;
    bool is_prepare;
  };
  std::vector<Answer> answers;
  std::vector<std::string> texts;  // libpq wants NUL-terminated strings
  texts.reserve(2 * calls.size());
  for (std::size_t i = 0; i < calls.size(); ++i) {
    const Call& call = calls[i];
    int sent = 0;
    if (call.name.empty()) {
      const std::string& sql = texts.emplace_back(call.sql);
      sent = PQsendQueryParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0);
    } else {
      const std::string& name = texts.emplace_back(call.name);
      const bool preparing_here = std::any_of(answers.begin(), answers.end(), [&](const Answer& a) {
        return a.is_prepare && calls[a.call].name == call.name;
      });
      if (!is_prepared(name) && !preparing_here) {
        const std::string& sql = texts.emplace_back(call.sql);
        if (PQsendPrepare(conn, name.c_str(), sql.c_str(), 0, nullptr) != 1) abandon_pipeline(name);
        answers.push_back(Answer{i, true});
      }
      const auto values = call.params.pointers();
      sent = PQsendQueryPrepared(conn, name.c_str(), call.params.size(), values.data(), nullptr, nullptr, 0);
    }
    if (sent != 1) abandon_pipeline(call.name.empty() ? "statement" : call.name);
    answers.push_back(Answer{i, false});
  }
  if (PQpipelineSync(conn) != 1) abandon_pipeline("pipeline");

  std::vector<Rows> results;
  results.reserve(calls.size());
  std::optional<DbError> first_error;
  for (const Answer& answer : answers) {
    const std::string_view what = calls[answer.call].name.empty() ? "statement" : calls[answer.call].name;
    PGresult* result = PQgetResult(conn);
    if (result == nullptr) abandon_pipeline(what);
    const auto status = PQresultStatus(result);
    if (status == PGRES_PIPELINE_ABORTED) {
      PQclear(result);  // an earlier statement failed; this one did not run
    } else if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      if (answer.is_prepare) {
        prepared_.emplace_back(calls[answer.call].name);
        PQclear(result);
      } else {
        results.emplace_back(result);
      }
    } else {
      try {
        check(result, what);  // throws, and frees the result
      } catch (DbError& error) {
        if (!first_error) first_error = std::move(error);
      }
    }
    if (PGresult* extra = PQgetResult(conn); extra != nullptr) {  // each answer ends with a null
      PQclear(extra);
      abandon_pipeline(what);
    }
  }
  PGresult* sync = PQgetResult(conn);
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  if (sync != nullptr) PQclear(sync);
  if (!synced || PQexitPipelineMode(conn) != 1) abandon_pipeline("pipeline");
  if (first_error) throw *first_error;
  return results;
}

}  // namespace nnw::server::db
