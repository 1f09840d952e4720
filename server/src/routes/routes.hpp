#pragma once
// Every endpoint of the server, one handler per file in this directory; routes.cpp is the
// table (method, path, roles) — the place to look an endpoint up.

#include <vector>

#include "http/router.hpp"

namespace nnw::server::routes {

std::vector<Route> all();

// health.cpp
Response healthz(RequestContext& ctx);
Response readyz(RequestContext& ctx);
Response metrics(RequestContext& ctx);
// rules.cpp
Response get_rules(RequestContext& ctx);
Response preview_cart(RequestContext& ctx);
// demo_login.cpp
Response demo_login(RequestContext& ctx);
// wallet.cpp
Response get_wallet(RequestContext& ctx);
Response list_wallet_entries(RequestContext& ctx);
// transfers.cpp
void create_transfer(RequestContext& ctx, Reply reply);
// commissions.cpp
Response create_commissions(RequestContext& ctx);
// jobs.cpp
Response run_job(RequestContext& ctx);
// adjustments.cpp
Response create_adjustment(RequestContext& ctx);
// withdrawals.cpp
Response create_withdrawal(RequestContext& ctx);
Response list_member_withdrawals(RequestContext& ctx);
Response cancel_withdrawal(RequestContext& ctx);
Response list_withdrawal_queue(RequestContext& ctx);
Response approve_withdrawal(RequestContext& ctx);
Response reject_withdrawal(RequestContext& ctx);
// members.cpp
Response create_member(RequestContext& ctx);
// totp.cpp
Response enrol_totp(RequestContext& ctx);
Response confirm_totp(RequestContext& ctx);
// travel.cpp
Response create_travel_campaign(RequestContext& ctx);
Response list_travel_campaigns(RequestContext& ctx);
Response close_travel_campaign(RequestContext& ctx);
Response get_travel_standings(RequestContext& ctx);
Response create_travel_events(RequestContext& ctx);
Response get_member_travel(RequestContext& ctx);

// catalog.cpp
Response get_catalog(RequestContext& ctx);
Response import_catalog(RequestContext& ctx);
// orders.cpp
Response preview_checkout(RequestContext& ctx);
Response confirm_order(RequestContext& ctx);
Response cancel_order(RequestContext& ctx);
Response list_member_orders(RequestContext& ctx);
// incentives.cpp
Response get_member_cashback(RequestContext& ctx);
Response get_member_loyalty(RequestContext& ctx);
Response choose_loyalty_reward(RequestContext& ctx);
Response deliver_loyalty_reward(RequestContext& ctx);
// sync.cpp
Response pull_sync(RequestContext& ctx);
// reports.cpp
Response get_report(RequestContext& ctx);

}  // namespace nnw::server::routes
