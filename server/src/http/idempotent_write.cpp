#include "http/idempotent_write.hpp"

#include "app.hpp"
#include "crypto/sealed_box.hpp"
#include "db/pool.hpp"
#include "nnw/rules/config.hpp"
#include "nnw/server/sql.hpp"

namespace nnw::server {

namespace {

constexpr std::size_t kKeyLengthMax = 255;

bool valid_key(std::string_view key) {
  return !key.empty() && key.size() <= kKeyLengthMax &&
         std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}


struct Replay {
  http::status status;
  std::string body;
  bool replayed;
  std::vector<std::pair<std::string_view, std::int64_t>> entries;
};

// Sealed bodies are told apart from JSON ones by their first character ('{' vs "v1.").
std::string stored_body(const RequestContext& ctx, const std::string& key, const WriteOutcome& outcome) {
  if (!outcome.secret) return outcome.body;
  return crypto::seal(ctx.app.data_keys(), outcome.body, "idempotency:" + ctx.principal->subject + ":" + key);
}

std::string replayed_body(const RequestContext& ctx, const std::string& key, std::string stored) {
  if (stored.empty() || stored.front() == '{') return stored;
  auto opened = crypto::open(ctx.app.data_keys(), stored, "idempotency:" + ctx.principal->subject + ":" + key);
  if (!opened) throw db::DbError("XX000", "a sealed idempotent response does not open with the configured keys");
  return std::move(*opened);
}

ApiResult<Replay> run_write(db::Connection& connection, RequestContext& ctx, const std::string& key, const WriteBody& body) {
  const std::string& principal = ctx.principal->subject;
  const std::string hash = request_hash(ctx.request);
  const db::Rows claimed = connection.run(sql::idempotency_claim.name, sql::idempotency_claim.text,
                                          db::Params().add(principal).add(key).add(hash));
  if (claimed.empty()) {
    const db::Rows stored = connection.run(sql::idempotency_lookup.name, sql::idempotency_lookup.text,
                                           db::Params().add(principal).add(key));
    if (stored.empty() || stored.text(0, 0) != hash) {
      return idempotency_key_reused();
    }
    return Replay{static_cast<http::status>(stored.int64(0, 1)), replayed_body(ctx, key, std::string(stored.text(0, 2))), true, {}};
  }
  auto outcome = body(connection, key);
  if (!outcome.ok()) return outcome.error();
  connection.run(sql::idempotency_store.name, sql::idempotency_store.text,
                 db::Params().add(principal).add(key).add(static_cast<std::int64_t>(outcome.value().status))
                     .add(stored_body(ctx, key, outcome.value())));
  return Replay{outcome.value().status, std::move(outcome.value().body), false, std::move(outcome.value().entries)};
}

}  // namespace

// What makes two requests "the same": method, path and body bytes.
std::string request_hash(const Request& request) {
  std::string material(request.method_string());
  material += ' ';
  material.append(request.target().data(), request.target().size());
  material += '\n';
  material += request.body();
  return nnw::rules::sha256_hex(material);
}

ApiError idempotency_key_reused() {
  return conflict("idempotency_key_reused", "this Idempotency-Key was already used with a different request",
                  "Idempotency-Key");
}

ApiResult<std::string> idempotency_key(const RequestContext& ctx) {
  const auto key = ctx.header("Idempotency-Key");
  if (!key) return bad_request("missing_idempotency_key", "every write needs an Idempotency-Key header", "Idempotency-Key");
  if (!valid_key(*key)) {
    return bad_request("invalid_idempotency_key", "Idempotency-Key must be 1-255 visible ASCII characters", "Idempotency-Key");
  }
  return std::string(*key);
}

ApiResult<db::Pool::Lease> lease_connection(RequestContext& ctx) {
  auto lease = ctx.app.pool().acquire();
  if (!lease) {
    return ApiError{http::status::service_unavailable, "overloaded", "no database connection is free; retry shortly", {}, 1, {}};
  }
  return std::move(*lease);
}

Response idempotent_write(RequestContext& ctx, const WriteBody& body) {
  const auto key = idempotency_key(ctx);
  if (!key.ok()) return error_response(ctx, key.error());
  const std::string& key_text = key.value();
  auto lease = lease_connection(ctx);
  if (!lease.ok()) return error_response(ctx, lease.error());
  auto result = db::in_transaction(*lease.value(), [&](db::Connection& c) { return run_write(c, ctx, key_text, body); });
  if (!result.ok()) return error_response(ctx, result.error());
  for (const auto& [type, amount_cents] : result.value().entries) ctx.app.metrics().count_ledger_entry(type, amount_cents);
  Response response = json_response(ctx, result.value().status, std::move(result.value().body));
  if (result.value().replayed) response.set("Idempotent-Replayed", "true");
  return response;
}

}  // namespace nnw::server
