#include "app/apps_file.h"

#include <gtest/gtest.h>

#include <fstream>

#include "../support/temp_auth_store.h"
#include "oauth/passwords.h"

namespace ember::app {
namespace {

constexpr std::int64_t kNow = 1700000000000;

class AppsFileTest : public test_support::TempAuthStoreTest {
 protected:
  Result<int, std::string> load(std::string_view text, bool sandbox = true,
                                std::int64_t now = kNow) {
    return load_apps_json(text, *auth_, *random_, sandbox, now);
  }

  std::string write_file(const std::string& text) {
    const auto path = (dir_ / "apps.json").string();
    std::ofstream(path) << text;
    return path;
  }

  std::unique_ptr<Random> random_ = make_system_random();
};

constexpr std::string_view kTwoApps = R"({"apps": [
  {"client_id": "growth-chart", "client_name": "Growth Chart",
   "launch_uri": "https://app.example/launch",
   "redirect_uris": ["https://app.example/callback"],
   "token_endpoint_auth_method": "none",
   "scope": "launch openid fhirUser patient/*.rs",
   "logo_uri": "https://app.example/logo.png",
   "auto_approve": true},
  {"client_id": "server-app", "client_name": "Server App",
   "redirect_uris": ["https://server.example/cb"],
   "token_endpoint_auth_method": "client_secret_basic",
   "client_secret": "s3cret-s3cret"}
]})";

TEST_F(AppsFileTest, LoadsAppsWithRegistrationRules) {
  auto n = load(kTwoApps);
  ASSERT_TRUE(n) << n.error();
  EXPECT_EQ(*n, 2);
  auto growth = auth_->get_client("growth-chart");
  ASSERT_TRUE(growth);
  EXPECT_EQ(growth->name, "Growth Chart");
  EXPECT_EQ(growth->type, store::ClientType::Public);
  EXPECT_EQ(growth->launch_url, "https://app.example/launch");
  EXPECT_EQ(growth->redirect_uris, std::vector<std::string>{"https://app.example/callback"});
  EXPECT_EQ(growth->logo_uri, "https://app.example/logo.png");
  EXPECT_TRUE(growth->auto_approve);
  EXPECT_EQ(growth->created_ms, kNow);
  auto server = auth_->get_client("server-app");
  ASSERT_TRUE(server);
  EXPECT_EQ(server->type, store::ClientType::ConfidentialSymmetric);
  EXPECT_TRUE(server->secret_hash.starts_with("$argon2id$"));
  EXPECT_TRUE(oauth::verify_password("s3cret-s3cret", server->secret_hash));
  EXPECT_FALSE(server->auto_approve);
}

TEST_F(AppsFileTest, LoadingTwiceIsIdempotent) {
  ASSERT_TRUE(load(kTwoApps));
  const auto first = *auth_->get_client("server-app");
  auto again = load(kTwoApps, true, kNow + 5000);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(*again, 2);
  const auto second = *auth_->get_client("server-app");
  EXPECT_EQ(second.secret_hash, first.secret_hash);  // same secret: same hash kept
  EXPECT_EQ(second.created_ms, kNow);                // creation time kept
  EXPECT_EQ(auth_->list_clients()->size(), 2u);
}

TEST_F(AppsFileTest, UpdateWithoutSecretKeepsTheStoredHashAndToken) {
  ASSERT_TRUE(load(kTwoApps));
  auto c = *auth_->get_client("server-app");
  c.registration_token_hash = "rth";
  c.allowed_origins = {"https://server.example"};
  ASSERT_TRUE(auth_->put_client(c));
  auto n = load(R"({"apps": [{"client_id": "server-app", "client_name": "Renamed",
      "redirect_uris": ["https://server.example/cb"]}]})");
  ASSERT_TRUE(n) << n.error();
  const auto after = *auth_->get_client("server-app");
  EXPECT_EQ(after.name, "Renamed");
  EXPECT_EQ(after.secret_hash, c.secret_hash);
  EXPECT_EQ(after.registration_token_hash, "rth");
  EXPECT_EQ(after.allowed_origins, c.allowed_origins);
}

TEST_F(AppsFileTest, NewSecretReplacesTheHash) {
  ASSERT_TRUE(load(kTwoApps));
  auto n = load(R"({"apps": [{"client_id": "server-app",
      "redirect_uris": ["https://server.example/cb"], "client_secret": "another-one"}]})");
  ASSERT_TRUE(n) << n.error();
  const auto after = *auth_->get_client("server-app");
  EXPECT_TRUE(oauth::verify_password("another-one", after.secret_hash));
  EXPECT_FALSE(oauth::verify_password("s3cret-s3cret", after.secret_hash));
}

TEST_F(AppsFileTest, BackendServiceWithJwksUri) {
  auto n = load(R"({"apps": [{"client_id": "nightly", "client_name": "Nightly export",
      "token_endpoint_auth_method": "private_key_jwt", "grant_types": ["client_credentials"],
      "jwks_uri": "https://backend.example/jwks", "scope": "system/*.rs"}]})");
  ASSERT_TRUE(n) << n.error();
  const auto c = *auth_->get_client("nightly");
  EXPECT_EQ(c.type, store::ClientType::Backend);
  EXPECT_EQ(c.jwks_uri, "https://backend.example/jwks");
}

struct BadCase {
  const char* what;
  const char* json;
  bool sandbox;
  const char* message_part;
};

const BadCase kBad[] = {
    {"not JSON", "{apps", true, "not valid JSON"},
    {"no apps array", R"({"clients": []})", true, "\"apps\" array"},
    {"entry not an object", R"({"apps": [1]})", true, "app #1: must be a JSON object"},
    {"no client_id", R"({"apps": [{"client_name": "X", "redirect_uris": ["https://a.example/cb"]}]})",
     true, "app #1: client_id is required"},
    {"client_id with a space",
     R"({"apps": [{"client_id": "a b", "token_endpoint_auth_method": "none", "redirect_uris": ["https://a.example/cb"]}]})",
     true, "printable ASCII"},
    {"bad redirect",
     R"({"apps": [{"client_id": "x", "token_endpoint_auth_method": "none", "redirect_uris": ["http://evil.example/cb"]}]})",
     true, "app 'x': redirect_uri 'http://evil.example/cb'"},
    {"no redirect", R"({"apps": [{"client_id": "x", "token_endpoint_auth_method": "none"}]})", true,
     "app 'x': redirect_uris is required"},
    {"duplicate id",
     R"({"apps": [{"client_id": "x", "token_endpoint_auth_method": "none", "redirect_uris": ["https://a.example/cb"]},
                  {"client_id": "x", "token_endpoint_auth_method": "none", "redirect_uris": ["https://a.example/cb"]}]})",
     true, "app 'x': client_id appears more than once"},
    {"secret app without secret",
     R"({"apps": [{"client_id": "x", "redirect_uris": ["https://a.example/cb"]}]})", true,
     "app 'x': client_secret is required"},
    {"secret for a public app",
     R"({"apps": [{"client_id": "x", "token_endpoint_auth_method": "none", "client_secret": "s", "redirect_uris": ["https://a.example/cb"]}]})",
     true, "client_secret is only for"},
    {"auto_approve not a bool",
     R"({"apps": [{"client_id": "x", "token_endpoint_auth_method": "none", "auto_approve": "yes", "redirect_uris": ["https://a.example/cb"]}]})",
     true, "auto_approve must be true or false"},
    {"auto_approve in production",
     R"({"apps": [{"client_id": "x", "token_endpoint_auth_method": "none", "auto_approve": true, "redirect_uris": ["https://a.example/cb"]}]})",
     false, "app 'x': auto_approve is a sandbox feature"},
};

TEST_F(AppsFileTest, ErrorsNameTheAppAndTheProblemAndWriteNothing) {
  for (const auto& c : kBad) {
    auto n = load(c.json, c.sandbox);
    ASSERT_FALSE(n) << c.what;
    EXPECT_NE(n.error().find(c.message_part), std::string::npos) << c.what << ": " << n.error();
    EXPECT_TRUE(auth_->list_clients()->empty()) << c.what;
  }
}

TEST_F(AppsFileTest, ABrokenEntryStopsTheWholeFile) {
  auto n = load(R"({"apps": [
      {"client_id": "ok", "token_endpoint_auth_method": "none", "redirect_uris": ["https://a.example/cb"]},
      {"client_id": "broken", "token_endpoint_auth_method": "none"}]})");
  ASSERT_FALSE(n);
  EXPECT_NE(n.error().find("app 'broken'"), std::string::npos) << n.error();
  EXPECT_FALSE(auth_->get_client("ok"));
}

TEST_F(AppsFileTest, LoadsFromAFileAndNamesItInErrors) {
  auto ok = load_apps_file(write_file(std::string(kTwoApps)), *auth_, *random_, true);
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(*ok, 2);
  auto missing = load_apps_file((dir_ / "nope.json").string(), *auth_, *random_, true);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("nope.json"), std::string::npos);
  auto bad = load_apps_file(write_file("[]"), *auth_, *random_, true);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("apps.json: must be a JSON object"), std::string::npos) << bad.error();
}

}  // namespace
}  // namespace ember::app
