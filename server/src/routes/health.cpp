// GET /healthz (the process answers), GET /readyz (database reachable, migrations current,
// not draining), GET /metrics (Prometheus text).
#include "app.hpp"
#include "db/migrations.hpp"
#include "http/idempotent_write.hpp"
#include "routes/routes.hpp"

namespace nnw::server::routes {

Response healthz(RequestContext& ctx) {
  return json_response(ctx, http::status::ok, std::string(R"({"status":"ok"})"));
}

Response readyz(RequestContext& ctx) {
  const auto unready = [&](const char* reason) {
    ApiError error{http::status::service_unavailable, "not_ready", reason, {}, 1, {}};
    return error_response(ctx, error);
  };
  if (ctx.app.draining()) return unready("shutting down");
  try {
    auto lease = lease_connection(ctx);
    if (!lease.ok()) return unready("no database connection is free");
    if (!db::migrations_current(*lease.value())) return unready("migrations are not current");
    return json_response(ctx, http::status::ok, std::string(R"({"status":"ready"})"));
  } catch (const db::DbError&) {
    return unready("the database is unreachable");
  }
}

Response metrics(RequestContext& ctx) {
  return text_response(ctx, http::status::ok, "text/plain; version=0.0.4",
                       ctx.app.metrics().render(ctx.app.pool().stats(), ctx.app.in_flight().load()));
}

}  // namespace nnw::server::routes
