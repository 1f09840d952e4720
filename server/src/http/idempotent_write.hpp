#pragma once
// Every write runs through here: one transaction holding the caller's Idempotency-Key, the
// write itself and its stored response. The same key with the same request returns the
// original response (also when sent concurrently: the second waits on the key's row); the
// same key with another request is a 409. A write that fails with an ApiError rolls back
// entirely, key included, so a corrected retry may reuse the key.

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "db/pool.hpp"
#include "http/api.hpp"

namespace nnw::server {

struct WriteOutcome {
  http::status status = http::status::ok;
  std::string body;     // JSON
  bool secret = false;  // the body carries a secret: kept sealed for replays, like bank details
  // Ledger entries the write booked (type, amount), counted in /metrics once it commits.
  std::vector<std::pair<std::string_view, std::int64_t>> entries;
};

using WriteBody = std::function<ApiResult<WriteOutcome>(db::Connection&, const std::string& idempotency_key)>;

Response idempotent_write(RequestContext& ctx, const WriteBody& body);

// The request's Idempotency-Key, or the 400 for a missing or malformed one.
ApiResult<std::string> idempotency_key(const RequestContext& ctx);
// What makes two requests with one key "the same": a hash of method, target and body.
std::string request_hash(const Request& request);
// The 409 for a key already used with another request.
ApiError idempotency_key_reused();

// A pooled connection, or 503 + Retry-After when none is free in time.
ApiResult<db::Pool::Lease> lease_connection(RequestContext& ctx);

}  // namespace nnw::server
