// The authorization code flow against a scripted server: the authorize URL, state checks, error
// redirects, the code exchange with PKCE, and every id_token rule.
#include "ember/client/launch.h"

#include <gtest/gtest.h>

#include <thread>

#include "ember/client/pkce.h"
#include "fake_server.h"
#include "http/client.h"
#include "http/url.h"

namespace ember::client {
namespace {

using testing::FakeServer;
using testing::json_response;

constexpr const char* kRedirect = "http://127.0.0.1:5555/callback";

std::map<std::string, std::string> query_of(const std::string& url) {
  std::map<std::string, std::string> out;
  auto params = http::parse_form(url.substr(url.find('?') + 1));
  for (const auto& p : *params) out[p.name] = p.value;
  return out;
}

class LaunchTest : public ::testing::Test {
 protected:
  AppConfig config() {
    AppConfig c;
    c.fhir_base = testing::kBase;
    c.credentials = ClientCredentials::public_client("app");
    c.scope = "openid fhirUser launch/patient offline_access patient/*.rs";
    c.services = server.services();
    return c;
  }

  // The token endpoint answers with an id_token built by `edit` for the request's nonce.
  void serve_tokens(std::function<void(boost::json::object&)> edit = {},
                    const jose::Key* key = nullptr) {
    server.on("POST", testing::kToken, [this, edit, key](const HttpRequest& req) {
      last_form = testing::form_of(req);
      boost::json::object body;
      body["access_token"] = "at-1";
      body["token_type"] = "Bearer";
      body["expires_in"] = 3600;
      body["refresh_token"] = "rt-1";
      body["scope"] = "openid fhirUser launch/patient offline_access patient/*.rs";
      body["patient"] = "alice";
      body["id_token"] = server.id_token(nonce, edit, key);
      return json_response(200, boost::json::serialize(body));
    });
  }

  Result<Session> run(std::function<void(boost::json::object&)> edit = {},
                      const jose::Key* key = nullptr) {
    serve_tokens(std::move(edit), key);
    auto pending = begin_authorization(config(), kRedirect);
    if (!pending) return failure(pending.error());
    nonce = pending->nonce();
    return pending->complete("code-1", pending->state());
  }

  FakeServer server;
  std::string nonce;
  std::map<std::string, std::string> last_form;
};

TEST_F(LaunchTest, AuthorizeUrlCarriesEveryRequiredParameter) {
  auto pending = begin_authorization(config(), kRedirect);
  ASSERT_TRUE(pending) << pending.error().describe();
  const std::string& url = pending->authorize_url();
  EXPECT_TRUE(url.starts_with(std::string(testing::kAuthorize) + "?")) << url;
  auto q = query_of(url);
  EXPECT_EQ(q["response_type"], "code");
  EXPECT_EQ(q["client_id"], "app");
  EXPECT_EQ(q["redirect_uri"], kRedirect);
  EXPECT_EQ(q["scope"], "openid fhirUser launch/patient offline_access patient/*.rs");
  EXPECT_EQ(q["aud"], testing::kBase);
  EXPECT_EQ(q["state"], pending->state());
  EXPECT_EQ(q["nonce"], pending->nonce());
  EXPECT_EQ(q["code_challenge_method"], "S256");
  EXPECT_EQ(q["code_challenge"], pkce_s256(pending->code_verifier()));
  EXPECT_EQ(q.count("launch"), 0u);
  EXPECT_GE(pending->state().size(), 43u);  // 256 bits
  EXPECT_NE(pending->state(), pending->nonce());
}

TEST_F(LaunchTest, EhrLaunchSendsLaunchAndUsesIssAsAudience) {
  AppConfig c = config();
  c.fhir_base = "https://ignored.example/fhir";
  auto pending = ehr_launch(c, testing::kBase, "launch-123", "https://app.example/cb");
  ASSERT_TRUE(pending) << pending.error().describe();
  auto q = query_of(pending->authorize_url());
  EXPECT_EQ(q["launch"], "launch-123");
  EXPECT_EQ(q["aud"], testing::kBase);
  EXPECT_EQ(q["redirect_uri"], "https://app.example/cb");
  EXPECT_FALSE(ehr_launch(c, testing::kBase, "", "https://app.example/cb"));
}

TEST_F(LaunchTest, CodeExchangeSendsVerifierAndYieldsTheContext) {
  auto session = run();
  ASSERT_TRUE(session) << session.error().describe();
  EXPECT_EQ(last_form["grant_type"], "authorization_code");
  EXPECT_EQ(last_form["code"], "code-1");
  EXPECT_EQ(last_form["redirect_uri"], kRedirect);
  EXPECT_EQ(last_form["client_id"], "app");
  EXPECT_EQ(last_form["code_verifier"].size(), 43u);
  EXPECT_EQ(session->patient(), "alice");
  EXPECT_EQ(session->fhir_user(), "Patient/alice");
  EXPECT_EQ(session->fhir_base(), testing::kBase);
  EXPECT_TRUE(session->context().has_scope("offline_access"));
  EXPECT_EQ(session->id_token_claims()["sub"].string_or(), "user-1");
  auto token = session->access_token();
  ASSERT_TRUE(token);
  EXPECT_EQ(*token, "at-1");
}

TEST_F(LaunchTest, StateMismatchIsATypedError) {
  serve_tokens();
  auto pending = begin_authorization(config(), kRedirect);
  ASSERT_TRUE(pending);
  auto session = pending->complete("code-1", "someone-elses-state");
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().kind, ErrorKind::StateMismatch);
  // Nothing was sent to the token endpoint.
  for (const auto& r : server.requests) EXPECT_NE(r.url, testing::kToken);
}

TEST_F(LaunchTest, ErrorRedirectCarriesTheServersWords) {
  auto pending = begin_authorization(config(), kRedirect);
  ASSERT_TRUE(pending);
  auto params = parse_callback(std::string(kRedirect) + "?error=access_denied&error_description=" +
                               "The+user+said+no&state=" + pending->state());
  ASSERT_TRUE(params);
  auto session = pending->complete(*params);
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().kind, ErrorKind::OAuthError);
  EXPECT_EQ(session.error().error, "access_denied");
  EXPECT_EQ(session.error().error_description, "The user said no");
  EXPECT_EQ(session.error().describe(), "error: access_denied (The user said no)");
}

TEST_F(LaunchTest, ErrorRedirectWithAnotherStateIsAStateMismatch) {
  auto pending = begin_authorization(config(), kRedirect);
  ASSERT_TRUE(pending);
  CallbackParams params;
  params.error = "access_denied";
  params.state = "forged";
  auto session = pending->complete(params);
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().kind, ErrorKind::StateMismatch);
}

TEST_F(LaunchTest, TokenEndpointErrorIsAnOAuthError) {
  server.on("POST", testing::kToken, [](const HttpRequest&) {
    return json_response(400, R"({"error":"invalid_grant","error_description":"code expired"})");
  });
  auto pending = begin_authorization(config(), kRedirect);
  ASSERT_TRUE(pending);
  auto session = pending->complete("code-1", pending->state());
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().kind, ErrorKind::OAuthError);
  EXPECT_EQ(session.error().error, "invalid_grant");
  EXPECT_EQ(session.error().error_description, "code expired");
  EXPECT_EQ(session.error().http_status, 400);
}

TEST_F(LaunchTest, IdTokenRulesAreEnforced) {
  struct Case {
    const char* name;
    std::function<void(boost::json::object&)> edit;
    const char* reason;
  };
  const Case cases[] = {
      {"wrong iss", [](auto& c) { c["iss"] = "https://evil.example"; }, "issuer_mismatch"},
      {"wrong aud", [](auto& c) { c["aud"] = "other-app"; }, "audience_mismatch"},
      {"expired", [](auto& c) { c["exp"] = testing::kNow - 3600; }, "expired"},
      {"wrong nonce", [](auto& c) { c["nonce"] = "replayed"; }, "nonce_mismatch"},
      {"no nonce", [](auto& c) { c.erase("nonce"); }, "nonce_mismatch"},
  };
  for (const auto& c : cases) {
    auto session = run(c.edit);
    ASSERT_FALSE(session) << c.name;
    EXPECT_EQ(session.error().kind, ErrorKind::IdTokenInvalid) << c.name;
    EXPECT_EQ(session.error().reason, c.reason) << c.name << ": " << session.error().describe();
  }
}

TEST_F(LaunchTest, IdTokenSignedByAnotherKeyIsRejected) {
  auto other = jose::Key::generate_rsa(2048);
  ASSERT_TRUE(other);
  other->set_kid("id-key");  // same kid, different key: the signature cannot verify
  auto session = run({}, &*other);
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().kind, ErrorKind::IdTokenInvalid);
  EXPECT_EQ(session.error().reason, "bad_signature");
}

TEST_F(LaunchTest, AudienceArrayContainingTheClientIsAccepted) {
  auto session = run([](auto& c) { c["aud"] = boost::json::array{"other", "app"}; });
  EXPECT_TRUE(session) << session.error().describe();
}

TEST_F(LaunchTest, OpenidWithoutIdTokenIsAnInvalidResponse) {
  server.on("POST", testing::kToken, [](const HttpRequest&) {
    return json_response(200, R"({"access_token":"a","token_type":"Bearer","scope":"openid"})");
  });
  auto pending = begin_authorization(config(), kRedirect);
  ASSERT_TRUE(pending);
  auto session = pending->complete("code-1", pending->state());
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().kind, ErrorKind::InvalidResponse);
  EXPECT_EQ(session.error().reason, "missing_id_token");
}

TEST_F(LaunchTest, CodeIsExchangedOnlyOnce) {
  serve_tokens();
  auto pending = begin_authorization(config(), kRedirect);
  ASSERT_TRUE(pending);
  nonce = pending->nonce();
  ASSERT_TRUE(pending->complete("code-1", pending->state()));
  EXPECT_FALSE(pending->complete("code-1", pending->state()));
}

TEST(LoopbackListener, ServesTheRedirectAndIgnoresOtherPaths) {
  auto listener = LoopbackListener::open();
  ASSERT_TRUE(listener) << listener.error().describe();
  ASSERT_NE(listener->port(), 0);
  EXPECT_EQ(listener->redirect_uri(),
            "http://127.0.0.1:" + std::to_string(listener->port()) + "/callback");
  const std::string base = "http://127.0.0.1:" + std::to_string(listener->port());
  std::vector<http::ClientResponse> seen;
  std::thread browser([&] {
    for (const char* path : {"/favicon.ico", "/callback", "/callback?code=c%2F1&state=s+1"}) {
      http::ClientRequest req;
      req.url = base + path;
      auto res = http::fetch(req);
      if (res) seen.push_back(*res);
    }
  });
  auto params = listener->wait(std::chrono::seconds(10));
  browser.join();
  ASSERT_TRUE(params) << params.error().describe();
  EXPECT_EQ(params->code, "c/1");
  EXPECT_EQ(params->state, "s 1");
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].status, 404u);
  EXPECT_EQ(seen[1].status, 400u);
  EXPECT_EQ(seen[2].status, 200u);
  EXPECT_NE(seen[2].body.find("You can close this window"), std::string::npos);
  EXPECT_EQ(seen[2].body.find("<script"), std::string::npos);
  EXPECT_EQ(seen[2].header("Content-Security-Policy"), "default-src 'none'");
  EXPECT_EQ(seen[2].header("Referrer-Policy"), "no-referrer");
}

TEST(LoopbackListener, WaitIsBounded) {
  auto listener = LoopbackListener::open();
  ASSERT_TRUE(listener);
  const auto start = std::chrono::steady_clock::now();
  auto params = listener->wait(std::chrono::milliseconds(200));
  ASSERT_FALSE(params);
  EXPECT_EQ(params.error().kind, ErrorKind::Timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(LoopbackListener, RejectsABadPath) {
  EXPECT_FALSE(LoopbackListener::open(0, "callback"));
}

TEST(ParseCallback, AcceptsUrlsAndBareQueries) {
  auto a = parse_callback("http://127.0.0.1:1/callback?code=x&state=y#frag");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->code, "x");
  EXPECT_EQ(a->state, "y");
  auto b = parse_callback("?error=access_denied&error_description=no%20way");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->error, "access_denied");
  EXPECT_EQ(b->error_description, "no way");
}

TEST_F(LaunchTest, StandaloneLaunchEndToEndThroughTheLoopback) {
  serve_tokens();
  std::thread browser;
  auto session = standalone_launch(
      config(),
      [&](const std::string& url, const std::string& redirect_uri) {
        auto q = query_of(url);
        EXPECT_EQ(q["redirect_uri"], redirect_uri);
        nonce = q["nonce"];
        // The "browser": the server redirects back with the code and the state it was given.
        browser = std::thread([redirect_uri, state = q["state"]] {
          http::ClientRequest req;
          req.url = redirect_uri + "?code=the-code&state=" + http::percent_encode(state);
          (void)http::fetch(req);
        });
      },
      LoopbackOptions{.port = 0, .path = "/callback", .timeout = std::chrono::seconds(10)});
  if (browser.joinable()) browser.join();
  ASSERT_TRUE(session) << session.error().describe();
  EXPECT_EQ(last_form["code"], "the-code");
  EXPECT_TRUE(last_form["redirect_uri"].starts_with("http://127.0.0.1:"));
  EXPECT_EQ(session->patient(), "alice");
}

TEST_F(LaunchTest, StandaloneLaunchTimesOut) {
  auto session = standalone_launch(
      config(), [](const std::string&, const std::string&) {},
      LoopbackOptions{.port = 0, .path = "/callback", .timeout = std::chrono::seconds(1)});
  ASSERT_FALSE(session);
  EXPECT_EQ(session.error().kind, ErrorKind::Timeout);
}

}  // namespace
}  // namespace ember::client
