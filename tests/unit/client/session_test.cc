// Sessions: refresh shortly before expiry, backend re-requests, logout revocation, resume.
#include "ember/client/session.h"

#include <gtest/gtest.h>

#include "fake_server.h"

namespace ember::client {
namespace {

using testing::FakeServer;
using testing::json_response;

SessionState state_with(std::int64_t expires_in_s, std::string refresh = "rt-1") {
  SessionState s;
  s.fhir_base = testing::kBase;
  s.issuer = testing::kIssuer;
  s.token_endpoint = testing::kToken;
  s.revocation_endpoint = testing::kRevoke;
  s.credentials = ClientCredentials::public_client("app");
  s.tokens.access_token = "at-old";
  s.tokens.refresh_token = std::move(refresh);
  s.tokens.expires_at =
      std::chrono::system_clock::time_point(std::chrono::seconds(testing::kNow + expires_in_s));
  s.tokens.context.patient = "alice";
  s.tokens.context.scope = "launch/patient offline_access patient/*.rs";
  return s;
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server.on("POST", testing::kToken, [this](const HttpRequest& req) {
      forms.push_back(testing::form_of(req));
      ++token_calls;
      return json_response(200, R"({"access_token":"at-new","token_type":"bearer",
                                   "expires_in":3600,"refresh_token":"rt-2",
                                   "scope":"launch/patient offline_access patient/*.rs"})");
    });
    server.on("POST", testing::kRevoke, [this](const HttpRequest& req) {
      revoked.push_back(testing::form_of(req));
      return json_response(200, "");
    });
  }

  FakeServer server;
  int token_calls = 0;
  std::vector<std::map<std::string, std::string>> forms;
  std::vector<std::map<std::string, std::string>> revoked;
};

TEST_F(SessionTest, FreshTokenIsReturnedWithoutRefresh) {
  Session s(state_with(3600), server.services());
  auto t = s.access_token();
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, "at-old");
  EXPECT_EQ(token_calls, 0);
}

TEST_F(SessionTest, RefreshesShortlyBeforeExpiry) {
  auto store = memory_token_store();
  Session s(state_with(30), server.services(), store);  // inside the 60 s margin
  auto t = s.access_token();
  ASSERT_TRUE(t) << t.error().describe();
  EXPECT_EQ(*t, "at-new");
  ASSERT_EQ(forms.size(), 1u);
  EXPECT_EQ(forms[0]["grant_type"], "refresh_token");
  EXPECT_EQ(forms[0]["refresh_token"], "rt-1");
  EXPECT_EQ(forms[0]["client_id"], "app");
  // Rotated refresh token kept, context kept, new state saved.
  EXPECT_EQ(s.state().tokens.refresh_token, "rt-2");
  EXPECT_EQ(s.patient(), "alice");
  auto saved = store->load();
  ASSERT_TRUE(saved && *saved);
  EXPECT_EQ((*saved)->tokens.access_token, "at-new");
  // Now fresh: no further refresh.
  ASSERT_TRUE(s.access_token());
  EXPECT_EQ(token_calls, 1);
}

TEST_F(SessionTest, ClockAdvancingPastTheMarginTriggersRefresh) {
  Session s(state_with(3600), server.services());
  server.now_s += 3600 - 59;
  auto t = s.access_token();
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, "at-new");
}

TEST_F(SessionTest, ExpiredWithoutRefreshTokenIsNotAuthenticated) {
  Session s(state_with(-10, ""), server.services());
  auto t = s.access_token();
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::NotAuthenticated);
  EXPECT_EQ(token_calls, 0);
}

TEST_F(SessionTest, AlmostExpiredWithoutRefreshTokenIsStillUsable) {
  Session s(state_with(30, ""), server.services());
  auto t = s.access_token();
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, "at-old");
}

TEST_F(SessionTest, RefusedRefreshOfAnExpiredTokenIsTheServersError) {
  server.on("POST", testing::kToken, [](const HttpRequest&) {
    return json_response(400, R"({"error":"invalid_grant","error_description":"revoked"})");
  });
  Session s(state_with(-1), server.services());
  auto t = s.access_token();
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::OAuthError);
  EXPECT_EQ(t.error().error, "invalid_grant");
}

TEST_F(SessionTest, BackendSessionAsksAgainWithItsScope) {
  SessionState st = state_with(-1, "");
  st.backend = true;
  st.requested_scope = "system/Patient.rs";
  Session s(st, server.services());
  auto t = s.access_token();
  ASSERT_TRUE(t) << t.error().describe();
  ASSERT_EQ(forms.size(), 1u);
  EXPECT_EQ(forms[0]["grant_type"], "client_credentials");
  EXPECT_EQ(forms[0]["scope"], "system/Patient.rs");
}

TEST_F(SessionTest, LogoutRevokesRefreshThenAccessTokenAndClearsTheStore) {
  auto store = memory_token_store();
  ASSERT_TRUE(store->save(state_with(3600)));
  auto s = Session::resume(store, server.services());
  ASSERT_TRUE(s) << s.error().describe();
  ASSERT_TRUE(s->logout());
  ASSERT_EQ(revoked.size(), 2u);
  EXPECT_EQ(revoked[0]["token"], "rt-1");
  EXPECT_EQ(revoked[0]["token_type_hint"], "refresh_token");
  EXPECT_EQ(revoked[1]["token"], "at-old");
  EXPECT_EQ(revoked[1]["token_type_hint"], "access_token");
  EXPECT_EQ(revoked[0]["client_id"], "app");
  auto loaded = store->load();
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(*loaded);
  auto t = s->access_token();
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::NotAuthenticated);
}

TEST_F(SessionTest, LogoutWithoutRevocationEndpointJustForgets) {
  SessionState st = state_with(3600);
  st.revocation_endpoint.clear();
  Session s(st, server.services());
  ASSERT_TRUE(s.logout());
  EXPECT_TRUE(revoked.empty());
}

TEST_F(SessionTest, ResumeOfAnEmptyStoreIsNotAuthenticated) {
  auto s = Session::resume(memory_token_store(), server.services());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind, ErrorKind::NotAuthenticated);
}

}  // namespace
}  // namespace ember::client
