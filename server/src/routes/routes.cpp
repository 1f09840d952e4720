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
      {verb::post, "/v1/members", {service}, create_member},
      {verb::get, "/v1/members/{member_id}/wallet", {member, admin}, get_wallet},
      {verb::get, "/v1/members/{member_id}/wallet/entries", {member, admin}, list_wallet_entries},
      {verb::post, "/v1/transfers", {member}, nullptr, create_transfer},
      {verb::post, "/v1/commissions", {service}, create_commissions},
      {verb::post, "/v1/jobs/{job}", {admin, service}, run_job},
      {verb::post, "/v1/admin/adjustments", {admin}, create_adjustment},
      {verb::post, "/v1/withdrawals", {member}, create_withdrawal},
      {verb::get, "/v1/members/{member_id}/withdrawals", {member, admin}, list_member_withdrawals},
      {verb::post, "/v1/withdrawals/{withdrawal_id}/cancel", {member}, cancel_withdrawal},
      {verb::get, "/v1/admin/withdrawals", {admin}, list_withdrawal_queue},
      {verb::post, "/v1/admin/withdrawals/{withdrawal_id}/approve", {admin}, approve_withdrawal},
      {verb::post, "/v1/admin/withdrawals/{withdrawal_id}/reject", {admin}, reject_withdrawal},
      {verb::post, "/v1/totp/enrolment", {member}, enrol_totp},
      {verb::post, "/v1/totp/enrolment/confirm", {member}, confirm_totp},
      {verb::get, "/v1/catalog", {}, get_catalog},
      {verb::put, "/v1/admin/catalog", {admin}, import_catalog},
      {verb::post, "/v1/checkout/preview", {member}, preview_checkout},
      {verb::post, "/v1/orders", {member}, confirm_order},
      {verb::post, "/v1/orders/{order_id}/cancel", {member, admin}, cancel_order},
      {verb::get, "/v1/members/{member_id}/orders", {member, admin}, list_member_orders},
      {verb::get, "/v1/members/{member_id}/cashback", {member, admin}, get_member_cashback},
      {verb::get, "/v1/members/{member_id}/loyalty", {member, admin}, get_member_loyalty},
      {verb::post, "/v1/loyalty/rewards/{reward_id}/choose", {member}, choose_loyalty_reward},
      {verb::post, "/v1/admin/loyalty/rewards/{reward_id}/deliver", {admin}, deliver_loyalty_reward},
      {verb::get, "/v1/admin/reports/{report}", {admin}, get_report},
      {verb::get, "/v1/sync", {member}, pull_sync},
      {verb::post, "/v1/admin/travel/campaigns", {admin}, create_travel_campaign},
      {verb::get, "/v1/admin/travel/campaigns", {admin}, list_travel_campaigns},
      {verb::post, "/v1/admin/travel/campaigns/{campaign_id}/close", {admin}, close_travel_campaign},
      {verb::get, "/v1/admin/travel/campaigns/{campaign_id}/standings", {admin}, get_travel_standings},
      {verb::post, "/v1/travel/events", {service}, create_travel_events},
      {verb::get, "/v1/members/{member_id}/travel", {member, admin}, get_member_travel},
  };
}

}  // namespace nnw::server::routes
