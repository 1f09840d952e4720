// NN Travel on the server: campaigns, event intake, member summaries (computed by the rules
// module), close with frozen standings, the close job, and the checkout-facing operations.
#include <thread>

#include "db/pool.hpp"
#include "incentives/travel.hpp"
#include "nnw/rules/calendar.hpp"
#include "test_server.hpp"

namespace nnw::test_server {
namespace {

std::chrono::sys_seconds at(const char* text) { return *nnw::rules::parse_utc(text); }
std::int64_t unix_at(const char* text) { return at(text).time_since_epoch().count(); }

constexpr const char* kCampaign = R"({"id":"2026-S2","name":"NN Travel 2026-S2","starts_at":"2026-07-01T06:00:00Z",)"
                                  R"("ends_at":"2027-01-01T06:00:00Z","promo_windows":[)"
                                  R"({"starts_at":"2026-09-01T06:00:00Z","ends_at":"2026-09-16T06:00:00Z"}]})";

class TravelApi : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    a_ = server().create_member(member_uuid(1), "NN-1");
    b_ = server().create_member(member_uuid(2), "NN-2");
    c_ = server().create_member(member_uuid(3), "NN-3");
  }
  // authenticate() checks expiry against the business clock, which these tests pin months
  // away from the system clock that mints tokens: the tokens must outlive every pinned date.
  static constexpr std::int64_t kTokenLifetime_s = 400LL * 24 * 3600;
  std::string member_token(const std::string& member_id) { return server().token(member_id, server::Role::member, kTokenLifetime_s); }
  std::string admin_token() { return server().token("ops-admin", server::Role::admin, kTokenLifetime_s); }
  std::string service_token() { return server().token("mlm-commission-engine", server::Role::service, kTokenLifetime_s); }

  HttpResult create_campaign(const std::string& body = kCampaign, const std::string& key = "campaign-1") {
    return server().call({"POST", "/v1/admin/travel/campaigns", body, admin_token(), key, {}});
  }
  HttpResult post_events(const std::string& events, const std::string& key) {
    return server().call({"POST", "/v1/travel/events", R"({"events":[)" + events + "]}", service_token(), key, {}});
  }
  static std::string kit(const std::string& id, const std::string& member, const std::string& kit_name, const std::string& when) {
    return R"({"event_id":")" + id + R"(","member_id":")" + member + R"(","type":"KIT_SOLD","kit":")" + kit_name +
           R"(","occurred_at":")" + when + "\"}";
  }
  static std::string rank(const std::string& id, const std::string& member, const std::string& rank_id, const std::string& when,
                          const std::string& direct = {}) {
    return R"({"event_id":")" + id + R"(","member_id":")" + member + R"(","type":")" +
           (direct.empty() ? "RANK_REACHED" : "DIRECT_RANK_REACHED") + R"(","rank":")" + rank_id + "\"" +
           (direct.empty() ? "" : R"(,"direct_member_id":")" + direct + "\"") + R"(,"occurred_at":")" + when + "\"}";
  }
  boost::json::object summary(const std::string& member, const std::string& query = {}) {
    const auto result = server().call({"GET", "/v1/members/" + member + "/travel" + query, "", admin_token(), {}, {}});
    EXPECT_EQ(result.status, 200) << result.body;
    return result.status == 200 ? result.json().as_object() : boost::json::object{};
  }
  std::int64_t count(const std::string& sql) { return server().connect().exec(sql).int64(0, 0); }
  HttpResult close(const std::string& key) {
    return server().call({"POST", "/v1/admin/travel/campaigns/2026-S2/close", "", admin_token(), key, {}});
  }
  std::string a_, b_, c_;
};

TEST_F(TravelApi, DuplicateEventIds_ReplayIsANoOpWithTheSameResponse) {
  server().app().pin_clock(at("2026-10-05T12:00:00Z"));
  ASSERT_EQ(create_campaign().status, 201);
  const std::string events = kit("ev-1", a_, "FULL_SKIN", "2026-10-02T10:00:00Z") + "," +
                             rank("ev-2", a_, "EMPRENDEDOR", "2026-10-03T10:00:00Z");
  const auto first = post_events(events, "events-1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.body, R"({"recorded":[{"event_id":"ev-1","campaign_id":"2026-S2"},{"event_id":"ev-2","campaign_id":"2026-S2"}],"duplicates":[]})");
  // The same request again (a retry): the original response, nothing applied twice.
  const auto replay = post_events(events, "events-1");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(replay.header("idempotent-replayed"), "true");
  // The MLM resends the same ids under a new key, one with other content: known ids are no-ops.
  const auto resent = post_events(events + "," + kit("ev-1", a_, "FULL_PROTECT", "2026-10-02T10:00:00Z"), "events-2");
  EXPECT_EQ(resent.status, 400) << "an id repeated inside one batch is refused";
  const auto again = post_events(kit("ev-1", a_, "FULL_PROTECT", "2026-10-02T10:00:00Z") + "," +
                                 rank("ev-2", a_, "EMPRENDEDOR", "2026-10-03T10:00:00Z"), "events-3");
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(again.body, R"({"recorded":[],"duplicates":["ev-1","ev-2"]})");
  EXPECT_EQ(count("SELECT count(*) FROM travel_events"), 2);
  const auto s = summary(a_);
  EXPECT_EQ(s.at("points").as_int64(), 2 + 5);
  EXPECT_EQ(s.at("accepted").as_array().at(0).at("kit"), "FULL_SKIN");
}

TEST_F(TravelApi, TheSameEventsSentTwiceAtOnce_AreRecordedOnce) {
  server().app().pin_clock(at("2026-10-05T12:00:00Z"));
  ASSERT_EQ(create_campaign().status, 201);
  std::string events;
  for (int i = 0; i < 50; ++i) events += (i ? "," : "") + kit("c-" + std::to_string(i), a_, "FULL_SUPPLEMENT", "2026-10-01T10:00:00Z");
  std::vector<HttpResult> results(2);
  std::vector<std::thread> senders;
  for (std::size_t i = 0; i < 2; ++i) {
    senders.emplace_back([&, i] { results[i] = post_events(events, "concurrent-" + std::to_string(i)); });
  }
  for (auto& t : senders) t.join();
  std::size_t recorded = 0, duplicates = 0;
  for (const auto& r : results) {
    ASSERT_EQ(r.status, 201) << r.body;
    recorded += r.json().at("recorded").as_array().size();
    duplicates += r.json().at("duplicates").as_array().size();
  }
  EXPECT_EQ(recorded, 50u);
  EXPECT_EQ(duplicates, 50u);
  EXPECT_EQ(summary(a_).at("points").as_int64(), 50);
}

TEST_F(TravelApi, PromoWindow_StartInclusive_EndExclusive) {
  server().app().pin_clock(at("2026-10-05T12:00:00Z"));
  ASSERT_EQ(create_campaign().status, 201);
  ASSERT_EQ(post_events(kit("before", a_, "FULL_SUPPLEMENT", "2026-09-01T05:59:59Z") + "," +
                        kit("start", a_, "FULL_SUPPLEMENT", "2026-09-01T06:00:00Z") + "," +
                        kit("last", a_, "FULL_SUPPLEMENT", "2026-09-16T05:59:59Z") + "," +
                        kit("end", a_, "FULL_SUPPLEMENT", "2026-09-16T06:00:00Z"), "k").status, 201);
  const auto s = summary(a_);
  const auto& accepted = s.at("accepted").as_array();
  ASSERT_EQ(accepted.size(), 4u);
  const char* expected[][2] = {{"before", "BASE"}, {"start", "PROMO"}, {"last", "PROMO"}, {"end", "BASE"}};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(accepted[i].at("id"), expected[i][0]);
    EXPECT_EQ(accepted[i].at("column"), expected[i][1]) << expected[i][0];
  }
  EXPECT_EQ(s.at("points").as_int64(), 1 + 2 + 2 + 1);
  EXPECT_EQ(s.at("breakdown").at("kits").as_int64(), 6);
}

TEST_F(TravelApi, RanksCountTheFirstTimePerRank_AndPerDirectAndRank) {
  server().app().pin_clock(at("2026-12-01T12:00:00Z"));
  ASSERT_EQ(create_campaign().status, 201);
  ASSERT_EQ(post_events(rank("r-1", a_, "EMPRENDEDOR", "2026-10-01T10:00:00Z") + "," +
                        rank("r-2", a_, "EMPRENDEDOR", "2026-11-01T10:00:00Z") + "," +
                        rank("d-1", a_, "VISIONARIO", "2026-10-02T10:00:00Z", b_) + "," +
                        rank("d-2", a_, "VISIONARIO", "2026-10-03T10:00:00Z", b_) + "," +
                        rank("d-3", a_, "VISIONARIO", "2026-10-04T10:00:00Z", c_) + "," +
                        rank("d-4", a_, "EMPRENDEDOR", "2026-10-05T10:00:00Z", b_), "k").status, 201);
  const auto s = summary(a_, "?campaign_id=2026-S2");
  EXPECT_EQ(s.at("breakdown").at("ranks").as_int64(), 5);
  EXPECT_EQ(s.at("breakdown").at("directs").as_int64(), 1 + 1 + 5);
  EXPECT_EQ(s.at("points").as_int64(), 12);
  EXPECT_EQ(s.at("points_missing").as_int64(), 188);
  EXPECT_EQ(s.at("progress_percent").as_int64(), 6);
  const auto& rejected = s.at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_EQ(rejected[0].at("id"), "d-2");
  EXPECT_EQ(rejected[0].at("reason"), "DIRECT_RANK_ALREADY_COUNTED");
  EXPECT_EQ(rejected[0].at("direct_member_id").as_string(), b_);
  EXPECT_EQ(rejected[1].at("id"), "r-2");
  EXPECT_EQ(rejected[1].at("reason"), "RANK_ALREADY_COUNTED");
}

TEST_F(TravelApi, EventsOutsideTheCampaignAreStoredAndReportedRejected) {
  server().app().pin_clock(at("2026-06-20T12:00:00Z"));
  ASSERT_EQ(create_campaign().status, 201);
  // Before the campaign starts, no campaign holds the event.
  auto result = post_events(kit("early", a_, "FULL_PROTECT", "2026-06-20T10:00:00Z"), "k-1");
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.body, R"({"recorded":[{"event_id":"early","campaign_id":null}],"duplicates":[]})");
  // An old event arriving during the campaign belongs to it and earns nothing.
  server().app().pin_clock(at("2026-08-01T12:00:00Z"));
  result = post_events(kit("late-report", a_, "FULL_PROTECT", "2026-06-30T10:00:00Z") + "," +
                       kit("first-second", a_, "FULL_PROTECT", "2026-07-01T06:00:00Z") + "," +
                       kit("at-end", a_, "FULL_PROTECT", "2027-01-01T06:00:00Z"), "k-2");
  ASSERT_EQ(result.status, 201) << result.body;
  const auto s = summary(a_);
  EXPECT_EQ(s.at("points").as_int64(), 4);
  ASSERT_EQ(s.at("accepted").as_array().size(), 1u);
  EXPECT_EQ(s.at("accepted").as_array()[0].at("id"), "first-second");
  const auto& rejected = s.at("rejected").as_array();
  ASSERT_EQ(rejected.size(), 2u);
  for (const auto& r : rejected) EXPECT_EQ(r.at("reason"), "OUTSIDE_CAMPAIGN") << r;
  EXPECT_EQ(count("SELECT count(*) FROM travel_events"), 4);
}

TEST_F(TravelApi, Close_FreezesStandings_LateEventsAreRejectedAndChangeNothing) {
  server().app().pin_clock(at("2026-12-20T12:00:00Z"));
  ASSERT_EQ(create_campaign().status, 201);
  ASSERT_EQ(post_events(rank("a-1", a_, "EMBAJADOR_CONSCIENTE", "2026-10-01T10:00:00Z") + "," +
                        kit("b-1", b_, "FULL_SKIN", "2026-12-31T23:00:00Z"), "k-1").status, 201);
  // While open, the standings are computed live and nothing is stored.
  auto live = server().call({"GET", "/v1/admin/travel/campaigns/2026-S2/standings", "", admin_token(), {}, {}});
  ASSERT_EQ(live.status, 200) << live.body;
  EXPECT_EQ(live.json().at("frozen"), false);
  ASSERT_EQ(live.json().at("standings").as_array().size(), 2u);
  EXPECT_EQ(live.json().at("qualifiers").as_array()[0].at("member_id").as_string(), a_);
  live = server().call({"GET", "/v1/admin/travel/campaigns/2026-S2/standings?qualified=false&format=csv", "", admin_token(), {}, {}});
  EXPECT_EQ(live.body, "campaign_id,member_id,member_number,display_name,points,kits,ranks,directs,qualified\r\n"
                       "\"2026-S2\"," + b_ + ",\"NN-2\",\"Socio NN-2\",2,2,0,0,false\r\n");
  EXPECT_EQ(server().call({"GET", "/v1/admin/travel/campaigns/2026-S2/standings?qualified=yes", "", admin_token(), {}, {}}).status, 400);

  server().app().pin_clock(at("2027-01-01T05:59:59Z"));
  auto result = close("close-early");
  EXPECT_EQ(result.status, 409);
  EXPECT_EQ(result.json().at("error").at("code"), "campaign_not_ended");
  EXPECT_EQ(count("SELECT count(*) FROM travel_standings"), 0);

  server().app().pin_clock(at("2027-01-01T06:00:00Z"));
  result = close("close-1");
  ASSERT_EQ(result.status, 200) << result.body;
  const auto closed = result.json();
  EXPECT_EQ(closed.at("closed_now"), true);
  EXPECT_EQ(closed.at("frozen"), true);
  EXPECT_EQ(closed.at("campaign").at("status"), "CERRADA");
  EXPECT_EQ(closed.at("campaign").at("closed_at"), "2027-01-01T06:00:00Z");
  ASSERT_EQ(closed.at("standings").as_array().size(), 2u);
  EXPECT_EQ(closed.at("standings").as_array()[0].at("member_id").as_string(), a_);
  EXPECT_EQ(closed.at("standings").as_array()[0].at("points").as_int64(), 200);
  ASSERT_EQ(closed.at("qualifiers").as_array().size(), 1u);
  EXPECT_EQ(closed.at("qualifiers").as_array()[0].at("member_id").as_string(), a_);
  // The qualifier hears about it (the outbox, same transaction as the close), once.
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE kind = 'TRAVEL_QUALIFIED' AND member_id = '" + a_ + "'"), 1);
  const auto standings_before = server().call({"GET", "/v1/admin/travel/campaigns/2026-S2/standings", "", admin_token(), {}, {}});
  ASSERT_EQ(standings_before.status, 200) << standings_before.body;

  // A kit sold on the last night, reported after the close: stored, rejected by the rules.
  server().app().pin_clock(at("2027-01-02T09:00:00Z"));
  result = post_events(kit("b-late", b_, "FULL_PROTECT", "2026-12-31T23:30:00Z") + "," +
                       rank("b-rank", b_, "EMBAJADOR_SOLIDARIO", "2026-12-31T23:40:00Z"), "k-2");
  ASSERT_EQ(result.status, 201) << result.body;
  EXPECT_EQ(result.json().at("recorded").as_array()[0].at("campaign_id"), "2026-S2");
  const auto s = summary(b_, "?campaign_id=2026-S2");
  EXPECT_EQ(s.at("points").as_int64(), 2);
  EXPECT_EQ(s.at("qualified"), false);
  ASSERT_EQ(s.at("rejected").as_array().size(), 2u);
  for (const auto& r : s.at("rejected").as_array()) EXPECT_EQ(r.at("reason"), "CAMPAIGN_CLOSED");
  EXPECT_EQ(s.at("frozen").at("points").as_int64(), 2);

  // Closing again (another key) changes nothing and answers the same standings.
  result = close("close-2");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.json().at("closed_now"), false);
  EXPECT_EQ(result.json().at("standings"), closed.at("standings"));
  EXPECT_EQ(count("SELECT count(*) FROM notifications WHERE kind = 'TRAVEL_QUALIFIED'"), 1);
  const auto standings_after = server().call({"GET", "/v1/admin/travel/campaigns/2026-S2/standings", "", admin_token(), {}, {}});
  EXPECT_EQ(standings_after.body, standings_before.body);
  const auto csv = server().call({"GET", "/v1/admin/travel/campaigns/2026-S2/standings?format=csv", "", admin_token(), {}, {}});
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body, "campaign_id,member_id,member_number,display_name,points,kits,ranks,directs,qualified\r\n"
                      "\"2026-S2\"," + a_ + ",\"NN-1\",\"Socio NN-1\",200,0,200,0,true\r\n"
                      "\"2026-S2\"," + b_ + ",\"NN-2\",\"Socio NN-2\",2,2,0,0,false\r\n");
  // The database refuses to rewrite history.
  auto c = server().connect();
  EXPECT_THROW(c.exec("UPDATE travel_standings SET points = 0"), server::db::DbError);
  EXPECT_THROW(c.exec("UPDATE travel_campaigns SET status = 'ACTIVA', closed_at = NULL, closed_rules_version = NULL"), server::db::DbError);
  EXPECT_THROW(c.exec("DELETE FROM travel_events"), server::db::DbError);
}

TEST_F(TravelApi, CloseJob_RunTwiceAndTwiceInParallel_ClosesOnce) {
  server().app().pin_clock(at("2026-11-24T12:00:00Z"));
  ASSERT_EQ(create_campaign().status, 201);
  ASSERT_EQ(post_events(kit("a-1", a_, "FULL_SKIN", "2026-11-01T10:00:00Z") + "," +
                        kit("b-1", b_, "FULL_SKIN", "2026-11-01T10:00:00Z"), "k-1").status, 201);
  auto result = server().call({"POST", "/v1/jobs/close-travel-campaigns", "", admin_token(), {}, {}});
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.json().at("campaigns_closed").as_int64(), 0) << "the campaign has not ended";

  // A kit of the last night reported after the end, before the (late) job runs: the close is
  // as of the campaign's end, so it earns nothing, exactly as if the job had run on time.
  server().app().pin_clock(at("2027-01-01T06:30:00Z"));
  ASSERT_EQ(post_events(kit("a-late", a_, "FULL_PROTECT", "2026-12-31T23:00:00Z"), "k-2").status, 201);
  server().app().pin_clock(at("2027-01-03T07:00:00Z"));
  std::vector<HttpResult> results(2);
  std::vector<std::thread> runners;
  for (std::size_t i = 0; i < 2; ++i) {
    runners.emplace_back([&, i] { results[i] = server().call({"POST", "/v1/jobs/close-travel-campaigns", "", admin_token(), {}, {}}); });
  }
  for (auto& r : runners) r.join();
  std::int64_t closed = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r.status == 200 || r.status == 409) << r.status << " " << r.body;
    if (r.status == 200) closed += r.json().at("campaigns_closed").as_int64();
  }
  EXPECT_EQ(closed, 1);
  result = server().call({"POST", "/v1/jobs/close-travel-campaigns", "", service_token(), {}, {}});
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.body, R"({"job":"close-travel-campaigns","campaigns_closed":0,"closed":[]})");
  EXPECT_EQ(count("SELECT count(*) FROM travel_standings"), 2);
  EXPECT_EQ(count("SELECT count(*) FROM travel_campaigns WHERE status = 'CERRADA' AND closed_at = '2027-01-01T06:00:00Z'"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM travel_standings WHERE points = 2 AND events_rejected = (member_id = '" + a_ +
                  "')::int AND frozen_at = '2027-01-03T07:00:00Z'"), 2);
  const auto s = summary(a_, "?campaign_id=2026-S2");
  ASSERT_EQ(s.at("rejected").as_array().size(), 1u);
  EXPECT_EQ(s.at("rejected").as_array()[0].at("reason"), "CAMPAIGN_CLOSED");
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'travel_campaign_close'"), 1);
}

TEST_F(TravelApi, Authorization_MembersReadOnlyTheirOwn_AndNoAdminOrServiceRoutes) {
  server().app().pin_clock(at("2026-11-24T12:00:00Z"));
  ASSERT_EQ(create_campaign().status, 201);
  const std::string member = member_token(a_);
  EXPECT_EQ(server().call({"GET", "/v1/members/me/travel", "", member, {}, {}}).status, 200);
  EXPECT_EQ(server().call({"GET", "/v1/members/" + a_ + "/travel", "", member, {}, {}}).status, 200);
  EXPECT_EQ(server().call({"GET", "/v1/members/" + b_ + "/travel", "", member, {}, {}}).status, 404);
  EXPECT_EQ(server().call({"GET", "/v1/members/" + b_ + "/travel", "", service_token(), {}, {}}).status, 403);
  const Call forbidden[] = {
      {"POST", "/v1/admin/travel/campaigns", kCampaign, member, "m-1", {}},
      {"GET", "/v1/admin/travel/campaigns", "", member, {}, {}},
      {"POST", "/v1/admin/travel/campaigns/2026-S2/close", "", member, "m-2", {}},
      {"GET", "/v1/admin/travel/campaigns/2026-S2/standings", "", member, {}, {}},
      {"POST", "/v1/travel/events", kit("x", a_, "FULL_SKIN", "2026-11-01T10:00:00Z"), member, "m-3", {}},
      {"POST", "/v1/travel/events", kit("x", a_, "FULL_SKIN", "2026-11-01T10:00:00Z"), admin_token(), "m-4", {}},
      {"POST", "/v1/admin/travel/campaigns", kCampaign, service_token(), "m-5", {}},
  };
  for (const auto& call : forbidden) {
    const auto result = server().call(call);
    EXPECT_EQ(result.status, 403) << call.method << " " << call.target << " " << result.body;
  }
  EXPECT_EQ(server().call({"GET", "/v1/members/me/travel", "", "", {}, {}}).status, 401);
  EXPECT_EQ(count("SELECT count(*) FROM travel_events"), 0);
}

TEST_F(TravelApi, BadInputIsRefusedWithTheFieldAndNothingIsStored) {
  server().app().pin_clock(at("2026-11-24T12:00:00Z"));
  const auto campaign = [](const std::string& starts, const std::string& ends, const std::string& windows, const std::string& extra = {}) {
    return R"({"id":"2026-S2","name":"S2","starts_at":")" + starts + R"(","ends_at":")" + ends + R"(","promo_windows":[)" + windows + "]" + extra + "}";
  };
  const std::string window = R"({"starts_at":"2026-09-01T06:00:00Z","ends_at":"2027-02-01T06:00:00Z"})";
  const struct { std::string body; int status; std::string field; } campaigns[] = {
      {campaign("2027-01-01T06:00:00Z", "2026-07-01T06:00:00Z", ""), 400, "ends_at"},
      {campaign("2026-07-01T06:00:00Z", "2027-01-01T06:00:00Z", window), 400, "promo_windows[0].ends_at"},
      {campaign("2026-07-01T06:00:00Z", "2027-01-01", ""), 400, "ends_at"},
      {campaign("2026-07-01T06:00:00Z", "2027-01-01T06:00:00Z", "", R"(,"target_points":100)"), 400, "target_points"},
      {R"({"id":"2026 S2","name":"S2","starts_at":"2026-07-01T06:00:00Z","ends_at":"2027-01-01T06:00:00Z"})", 400, "id"},
      {R"({"id":"2026-S2","starts_at":"2026-07-01T06:00:00Z","ends_at":"2027-01-01T06:00:00Z"})", 400, "name"},
      {"[1,2", 400, ""},
  };
  int key = 0;
  for (const auto& c : campaigns) {
    const auto result = create_campaign(c.body, "bad-" + std::to_string(++key));
    EXPECT_EQ(result.status, c.status) << c.body << " → " << result.body;
    if (result.status == c.status) {
      EXPECT_EQ(result.json().at("error").at("field").as_string(), c.field) << result.body;
    }
  }
  EXPECT_EQ(count("SELECT count(*) FROM travel_campaigns"), 0);
  ASSERT_EQ(create_campaign().status, 201);
  const auto overlapping = create_campaign(campaign("2026-12-01T06:00:00Z", "2027-06-01T06:00:00Z", "").replace(7, 7, "2027-S1"), "overlap");
  EXPECT_EQ(overlapping.status, 409) << overlapping.body;
  EXPECT_EQ(overlapping.json().at("error").at("code"), "campaign_overlaps");
  const auto same_id = create_campaign(campaign("2030-07-01T06:00:00Z", "2031-01-01T06:00:00Z", ""), "same-id");
  EXPECT_EQ(same_id.json().at("error").at("code"), "campaign_exists");

  const std::string when = "2026-10-01T10:00:00Z";
  const struct { std::string events; std::string field; } events[] = {
      {kit("ok", a_, "FULL_SKIN", when) + "," + rank("bad", a_, "CAPITAN", when), "events[1].rank"},
      {kit("x", a_, "FULL_SKIN", when).replace(1, 0, R"("rank":"VISIONARIO",)"), "events[0].rank"},
      {rank("x", a_, "VISIONARIO", when).replace(1, 0, R"("kit":"FULL_SKIN",)"), "events[0].kit"},
      {rank("x", a_, "VISIONARIO", when).replace(1, 0, R"("order_id":"ORD-1",)"), "events[0].order_id"},
      {kit("x", a_, "FULL_BODY", when), "events[0].kit"},
      {kit("x", "not-a-member", "FULL_SKIN", when), "events[0].member_id"},
      {kit("x", member_uuid(99), "FULL_SKIN", when), "events[0].member_id"},
      {rank("x", a_, "VISIONARIO", when, member_uuid(98)), "events[0].direct_member_id"},
      {rank("x", a_, "VISIONARIO", when, a_), "events[0].direct_member_id"},
      {kit("x", a_, "FULL_SKIN", "2026-10-01"), "events[0].occurred_at"},
      {kit("", a_, "FULL_SKIN", when), "events[0].event_id"},
      {kit("x", a_, "FULL_SKIN", when) + "," + kit("x", a_, "FULL_SKIN", when), "events[1].event_id"},
      {kit("x", a_, "FULL_SKIN", when).replace(1, 0, R"("points":4,)"), "events[0].points"},
  };
  for (const auto& e : events) {
    const auto result = post_events(e.events, "bad-" + std::to_string(++key));
    EXPECT_EQ(result.status, 400) << e.events << " → " << result.body;
    if (result.status == 400) {
      EXPECT_EQ(result.json().at("error").at("field").as_string(), e.field) << result.body;
    }
  }
  EXPECT_EQ(server().call({"POST", "/v1/travel/events", R"({"events":[]})", service_token(), "empty", {}}).status, 400);
  EXPECT_EQ(server().call({"POST", "/v1/travel/events", kit("x", a_, "FULL_SKIN", when), service_token(), {}, {}}).status, 400)
      << "no Idempotency-Key";
  EXPECT_EQ(server().call({"GET", "/v1/members/me/travel?campaign_id=2099-S9", "", member_token(a_), {}, {}}).status, 404);
  EXPECT_EQ(server().call({"GET", "/v1/members/" + member_uuid(99) + "/travel", "", admin_token(), {}, {}}).status, 404);
  EXPECT_EQ(server().call({"POST", "/v1/admin/travel/campaigns/2099-S9/close", "", admin_token(), "close-unknown", {}}).status, 404);
  EXPECT_EQ(server().call({"GET", "/v1/admin/travel/campaigns/2099-S9/standings", "", admin_token(), {}, {}}).status, 404);
  EXPECT_EQ(count("SELECT count(*) FROM travel_events"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM idempotency_keys"), 1);  // the one campaign created
}

// The command line runs the same job against the system clock: a campaign that ended in
// July 2026 is due whenever the suite runs.
TEST_F(TravelApi, CloseJob_FromTheCommandLine_ClosesOnceAndReports) {
  server().app().pin_clock(at("2026-03-01T12:00:00Z"));
  ASSERT_EQ(create_campaign(R"({"id":"2026-S1","name":"S1","starts_at":"2026-01-01T06:00:00Z","ends_at":"2026-07-01T06:00:00Z"})").status, 201);
  ASSERT_EQ(post_events(kit("k-1", a_, "FULL_SKIN", "2026-02-01T10:00:00Z"), "k").status, 201);
  const auto run_job = [&] {
    const auto run = server().run_job_command("close-travel-campaigns");
    EXPECT_EQ(run.exit_status, 0) << run.report;
    return run.report;
  };
  EXPECT_EQ(run_job(), "{\"job\":\"close-travel-campaigns\",\"campaigns_closed\":1,\"closed\":[{\"campaign_id\":\"2026-S1\",\"members\":1,\"qualifiers\":0}]}\n");
  EXPECT_EQ(run_job(), "{\"job\":\"close-travel-campaigns\",\"campaigns_closed\":0,\"closed\":[]}\n");
  EXPECT_EQ(count("SELECT count(*) FROM travel_standings WHERE campaign_id = '2026-S1' AND points = 2"), 1);
}

// The summary is the rules module's answer on the stored campaign and events, not a second
// implementation: the same document through Engine::travel_points gives the same numbers.
TEST_F(TravelApi, SummaryIsTheRulesModulesAnswerOnTheStoredData) {
  server().app().pin_clock(at("2026-11-24T12:00:00Z"));
  ASSERT_EQ(create_campaign().status, 201);
  ASSERT_EQ(post_events(kit("k-1", a_, "FULL_PROTECT", "2026-09-05T10:00:00Z") + "," +
                        rank("r-1", a_, "INNOVADOR", "2026-10-01T10:00:00Z") + "," +
                        rank("d-1", a_, "CREATIVO", "2026-09-10T10:00:00Z", b_) + "," +
                        kit("k-2", a_, "FULL_SKIN", "2026-06-01T10:00:00Z"), "k").status, 201);
  const std::string request =
      R"({"campaign":{"id":"2026-S2","starts_at":"2026-07-01T06:00:00Z","ends_at":"2027-01-01T06:00:00Z","status":"ACTIVA",)"
      R"("closed_at":null,"promo_windows":[{"starts_at":"2026-09-01T06:00:00Z","ends_at":"2026-09-16T06:00:00Z"}]},"events":[)"
      R"({"id":"k-2","type":"KIT_SOLD","kit":"FULL_SKIN","at":"2026-06-01T10:00:00Z","received_at":"2026-11-24T12:00:00Z"},)"
      R"({"id":"k-1","type":"KIT_SOLD","kit":"FULL_PROTECT","at":"2026-09-05T10:00:00Z","received_at":"2026-11-24T12:00:00Z"},)"
      R"({"id":"d-1","type":"DIRECT_RANK_REACHED","direct_id":")" + b_ + R"(","rank":"CREATIVO","at":"2026-09-10T10:00:00Z","received_at":"2026-11-24T12:00:00Z"},)"
      R"({"id":"r-1","type":"RANK_REACHED","rank":"INNOVADOR","at":"2026-10-01T10:00:00Z","received_at":"2026-11-24T12:00:00Z"}]})";
  const boost::json::object rules = boost::json::parse(server().app().rules().travel_points(request)).as_object();
  const auto s = summary(a_);
  for (const char* key : {"rules_version", "target_points", "points", "points_missing", "qualified", "breakdown"}) {
    EXPECT_EQ(s.at(key), rules.at(key)) << key;
  }
  EXPECT_EQ(s.at("points").as_int64(), 8 + 25 + 30);
  for (const char* list : {"accepted", "rejected"}) {
    ASSERT_EQ(s.at(list).as_array().size(), rules.at(list).as_array().size()) << list;
    for (std::size_t i = 0; i < rules.at(list).as_array().size(); ++i) {
      EXPECT_EQ(s.at(list).as_array()[i].at("id"), rules.at(list).as_array()[i].at("id")) << list << i;
    }
  }
}

class CheckoutTravel : public TravelApi {
 protected:
  template <class Work>
  auto in_tx(Work&& work) {
    auto c = server().connect();
    return server::db::in_transaction(c, std::forward<Work>(work));
  }
};

TEST_F(CheckoutTravel, KitSold_CreditsTheSponsor_RevokedWhileOpen_KeptAfterClose) {
  server().app().pin_clock(at("2026-11-24T12:00:00Z"));
  const std::int64_t sale_s = unix_at("2026-11-24T11:00:00Z");
  namespace travel = server::incentives;
  // No campaign yet: a no-op.
  auto sold = in_tx([&](server::db::Connection& tx) { return travel::record_kit_sold(tx, a_, "ORD-1:kit", "FULL_PROTECT", sale_s, "ORD-1"); });
  ASSERT_TRUE(sold.ok());
  EXPECT_FALSE(sold.value().recorded);
  ASSERT_EQ(create_campaign().status, 201);
  for (const char* order : {"ORD-1", "ORD-2"}) {
    sold = in_tx([&](server::db::Connection& tx) {
      return travel::record_kit_sold(tx, a_, std::string(order) + ":kit", "FULL_PROTECT", sale_s, order);
    });
    ASSERT_TRUE(sold.ok());
    EXPECT_TRUE(sold.value().recorded);
    EXPECT_EQ(sold.value().campaign_id, "2026-S2");
  }
  sold = in_tx([&](server::db::Connection& tx) { return travel::record_kit_sold(tx, a_, "ORD-1:kit", "FULL_PROTECT", sale_s, "ORD-1"); });
  ASSERT_TRUE(sold.ok());
  EXPECT_FALSE(sold.value().recorded) << "a retried checkout records nothing new";
  EXPECT_FALSE(in_tx([&](server::db::Connection& tx) { return travel::record_kit_sold(tx, a_, "e", "FULL_BODY", sale_s, "O"); }).ok());
  EXPECT_FALSE(in_tx([&](server::db::Connection& tx) { return travel::record_kit_sold(tx, member_uuid(99), "e", "FULL_SKIN", sale_s, "O"); }).ok());
  EXPECT_EQ(summary(a_).at("points").as_int64(), 8);

  // Cancelled while the campaign is open: taken back, once.
  auto revoked = in_tx([&](server::db::Connection& tx) { return travel::revoke_order_kit_events(tx, "ORD-1", unix_at("2026-11-25T09:00:00Z")); });
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked.value().revoked, std::vector<std::string>{"ORD-1:kit"});
  EXPECT_TRUE(revoked.value().kept.empty());
  revoked = in_tx([&](server::db::Connection& tx) { return travel::revoke_order_kit_events(tx, "ORD-1", unix_at("2026-11-25T09:00:00Z")); });
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(revoked.value().revoked.empty());
  auto s = summary(a_);
  EXPECT_EQ(s.at("points").as_int64(), 4);
  ASSERT_EQ(s.at("revoked").as_array().size(), 1u);
  EXPECT_EQ(s.at("revoked").as_array()[0].at("revoked_at"), "2026-11-25T09:00:00Z");

  // Cancelled after the close: the frozen standing keeps the points, and so does the event.
  server().app().pin_clock(at("2027-01-01T06:00:00Z"));
  ASSERT_EQ(close("close").status, 200);
  revoked = in_tx([&](server::db::Connection& tx) { return travel::revoke_order_kit_events(tx, "ORD-2", unix_at("2027-01-02T09:00:00Z")); });
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(revoked.value().revoked.empty());
  EXPECT_EQ(revoked.value().kept, std::vector<std::string>{"ORD-2:kit"});
  s = summary(a_, "?campaign_id=2026-S2");
  EXPECT_EQ(s.at("points").as_int64(), 4);
  EXPECT_EQ(s.at("frozen").at("points").as_int64(), 4);
  // After the close no open campaign covers a new sale of that time.
  sold = in_tx([&](server::db::Connection& tx) { return travel::record_kit_sold(tx, a_, "ORD-3:kit", "FULL_SKIN", sale_s, "ORD-3"); });
  ASSERT_TRUE(sold.ok());
  EXPECT_FALSE(sold.value().recorded);
}

TEST_F(CheckoutTravel, ACheckoutInFlightWhenTheCampaignCloses_IsFrozenIntoTheStandings) {
  server().app().pin_clock(at("2026-12-31T23:00:00Z"));
  ASSERT_EQ(create_campaign().status, 201);
  // Checkout's transaction has credited a kit and not committed yet when the close starts.
  auto checkout = server().connect();
  checkout.exec("BEGIN");
  const auto sold = server::incentives::record_kit_sold(checkout, a_, "ORD-9:kit", "FULL_PROTECT",
                                                        unix_at("2026-12-31T23:59:00Z"), "ORD-9");
  ASSERT_TRUE(sold.ok());
  ASSERT_TRUE(sold.value().recorded);
  server().app().pin_clock(at("2027-01-01T06:00:00Z"));
  HttpResult closed;
  std::thread closer([&] { closed = close("close"); });
  // The close waits for the checkout's shared lock on the campaign, then sees its kit.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  checkout.exec("COMMIT");
  closer.join();
  ASSERT_EQ(closed.status, 200) << closed.body;
  ASSERT_EQ(closed.json().at("standings").as_array().size(), 1u);
  EXPECT_EQ(closed.json().at("standings").as_array()[0].at("points").as_int64(), 4);
  const auto s = summary(a_, "?campaign_id=2026-S2");
  EXPECT_EQ(s.at("points").as_int64(), 4);
  EXPECT_EQ(s.at("frozen").at("points").as_int64(), 4);
}

}  // namespace
}  // namespace nnw::test_server
