#pragma once
// A deliberately small libpq wrapper for tests: owns the connection and the results, and
// turns every failure into an exception carrying the server's message, so a test reads as
// the SQL it runs. Not for the server, which has its own database layer.

#include <libpq-fe.h>

#include <memory>
#include <string>

namespace nnw::test_db {

// The rows of a query that succeeded (Connection::exec throws on any other outcome).
class Result {
 public:
  explicit Result(PGresult* result);

  int rows() const;
  int columns() const;
  bool is_null(int row, int column) const;
  // The text form of a value; throws std::out_of_range outside the result.
  std::string value(int row, int column) const;

  const PGresult* native() const { return result_.get(); }

 private:
  struct Clear {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
  };
  std::unique_ptr<PGresult, Clear> result_;
};

class Connection {
 public:
  // Connects to a postgresql:// URL; throws std::runtime_error with libpq's message.
  explicit Connection(const std::string& url);

  // Runs one or more statements without parameters; throws std::runtime_error with the
  // server's message (and the SQL) unless the last one succeeded.
  Result exec(const std::string& sql);
  // The single value of a query returning one row of one column.
  std::string scalar(const std::string& sql);

  PGconn* native() const { return connection_.get(); }

 private:
  struct Finish {
    void operator()(PGconn* connection) const noexcept { PQfinish(connection); }
  };
  std::unique_ptr<PGconn, Finish> connection_;
};

}  // namespace nnw::test_db
