#include "routes/routes.hpp"

namespace nnw::server::routes {

std::vector<Route> all() {
  using http::verb;
  constexpr auto member = Role::member;
  constexpr auto admin = Role::admin;
  constexpr auto service = Role::service;
  return {
      {verb::get, "/healthz", {}, healthz},
      {verb::get, "/readyz", {}, readyz},
      {verb::get, "/metrics", {}, metrics},
      {verb::get, "/v1/rules", {}, get_rules},
      {verb::post, "/v1/rules/preview-cart", {}, preview_cart},
      {verb::post, "/v1/demo/login", {}, demo_login},
      {verb::get, "/v1/members/{member_id}/wallet", {member, admin}, get_wallet},
      {verb::get, "/v1/members/{member_id}/wallet/entries", {member, admin}, list_wallet_entries},
      {verb::post, "/v1/transfers", {member}, create_transfer},
      {verb::post, "/v1/commissions", {service}, create_commissions},
      {verb::post, "/v1/jobs/{job}", {admin, service}, run_job},
      {verb::post, "/v1/admin/adjustments", {admin}, create_adjustment},
  };
}

}  // namespace nnw::server::routes
