#include "http_fixture.hpp"

#include <cstdlib>
#include <memory>

#include "auth/auth.hpp"
#include "routes/routes.hpp"

namespace nnw::fuzz {

namespace {

std::unique_ptr<HttpFixture> instance;

server::Settings fuzz_settings(const std::string& web_root) {
  server::Settings settings;
  // A pool without connections: lease_connection answers 503 at once, before any connect
  // (and nothing listens at this address either).
  settings.database_url = "host=/nonexistent/nnw-fuzz port=1 dbname=nnw connect_timeout=1";
  settings.db_pool_size = 0;
  settings.db_acquire_timeout = std::chrono::milliseconds(0);
  settings.jwt_secret = "fuzz-secret-fuzz-secret-fuzz-secret-0123";
  settings.data_keys = "fuzz1:a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s=";
  settings.web_root = web_root;
  return settings;
}

std::string token_for(const server::App& app, std::string subject, server::Role role) {
  // Valid for a year: the fuzz clock is the real one.
  auto token = server::mint_token(app, server::Principal{std::move(subject), role}, 365LL * 24 * 3600);
  if (!token) std::abort();
  return *token;
}

}  // namespace

void init_http_fixture(const std::string& web_root) {
  instance.reset(new HttpFixture{server::App(fuzz_settings(web_root), rules::Engine::with_default_config()),
                                 server::routes::all(), server::Router(server::routes::all()), {}});
  instance->tokens = {{"$MEMBER", token_for(instance->app, kFuzzMemberId, server::Role::member)},
                      {"$ADMIN", token_for(instance->app, "fuzz-admin", server::Role::admin)},
                      {"$SERVICE", token_for(instance->app, "fuzz-service", server::Role::service)}};
}

HttpFixture& http_fixture() {
  if (!instance) std::abort();
  return *instance;
}

}  // namespace nnw::fuzz
