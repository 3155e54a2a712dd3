// The app registry pages end to end over a temporary SQLite store: sign-in requirements, CSRF,
// create / edit / new secret / delete, and what is stored (hashes only).
#include <gtest/gtest.h>

#include "../ehr/view_test_support.h"
#include "oauth/passwords.h"
#include "portal_fixture.h"

namespace ember::portal {
namespace {

using ehr::testing::has;
using ehr::testing::input_with;

// The value="…" of an <input> start tag (unescaped values only; tests use plain tokens).
std::string value_of(const std::string& tag) {
  const auto start = tag.find("value=\"");
  if (start == std::string::npos) return "";
  const auto end = tag.find('"', start + 7);
  return tag.substr(start + 7, end - start - 7);
}

class AppsPagesTest : public PortalFixture {
 protected:
  void SetUp() override { start(true, mount_apps); }

  static std::string location(const http::Response& res) {
    return std::string(res[bhttp::field::location]);
  }

  store::ClientRecord cli_client(std::string id, store::ClientType type) {
    store::ClientRecord c;
    c.client_id = std::move(id);
    c.name = "CLI app";
    c.type = type;
    c.redirect_uris = {"https://cli.example/cb"};
    c.allowed_scopes = "openid launch patient/*.rs";
    c.created_ms = 1234;
    c.registration_token_hash = "rth";
    c.allowed_origins = {"https://cli.example"};
    if (type == store::ClientType::ConfidentialSymmetric) {
      c.secret_hash = oauth::hash_password("old-secret", *random_);
    }
    EXPECT_TRUE(auth_->put_client(c));
    return c;
  }

  static http::QueryParams public_form(std::string name = "Growth Chart") {
    return {{"name", std::move(name)},
            {"client_type", "public"},
            {"launch_url", "https://app.example/launch"},
            {"redirect_uris", "https://app.example/cb"},
            {"scopes", "openid launch patient/*.rs"}};
  }
};

TEST_F(AppsPagesTest, SignInIsRequired) {
  auto res = get("/ehr/apps");
  EXPECT_EQ(res.result(), bhttp::status::see_other);
  EXPECT_EQ(location(res), "/ehr/login?next=%2Fehr%2Fapps");
}

TEST_F(AppsPagesTest, PatientsCannotSeeTheRegistry) {
  sign_in("alice");
  EXPECT_EQ(get("/ehr/apps").result(), bhttp::status::forbidden);
  EXPECT_EQ(post("/ehr/apps", public_form()).result(), bhttp::status::forbidden);
}

TEST_F(AppsPagesTest, ListShowsAppsFromEverySource) {
  cli_client("cli-app", store::ClientType::Public);
  sign_in("dr.smith");
  auto res = get("/ehr/apps");
  ASSERT_EQ(res.result(), bhttp::status::ok);
  EXPECT_TRUE(has(res.body(), "<h1>Apps</h1>"));
  EXPECT_TRUE(has(res.body(), "<code>cli-app</code>"));
  EXPECT_TRUE(has(res.body(), "Register an app"));
  EXPECT_TRUE(has(res.body(), "href=\"/ehr/apps/cli-app\""));
  EXPECT_EQ(std::string(res[bhttp::field::cache_control]), "no-store");
}

TEST_F(AppsPagesTest, PostsNeedTheSessionCsrfToken) {
  sign_in("dr.smith");
  EXPECT_EQ(post("/ehr/apps", public_form(), false).result(), bhttp::status::forbidden);
  auto form = public_form();
  form.push_back({"csrf", "wrong"});
  EXPECT_EQ(post("/ehr/apps", form, false).result(), bhttp::status::forbidden);
  EXPECT_TRUE(auth_->list_clients()->empty());
}

TEST_F(AppsPagesTest, RegisterPublicApp) {
  sign_in("dr.smith");
  auto form = get("/ehr/apps/new");
  ASSERT_EQ(form.result(), bhttp::status::ok);
  EXPECT_TRUE(has(form.body(), "<h1>Register an app</h1>"));

  auto res = post("/ehr/apps", public_form());
  ASSERT_EQ(res.result(), bhttp::status::ok) << res.body();
  EXPECT_TRUE(has(res.body(), "Growth Chart is registered"));
  EXPECT_FALSE(has(res.body(), "client-secret"));
  auto all = auth_->list_clients();
  ASSERT_EQ(all->size(), 1u);
  const auto& c = all->front();
  EXPECT_EQ(c.name, "Growth Chart");
  EXPECT_EQ(c.type, store::ClientType::Public);
  EXPECT_EQ(c.launch_url, "https://app.example/launch");
  EXPECT_EQ(c.created_ms, clock_.now_ms());
  EXPECT_GE(c.client_id.size(), 20u);
  EXPECT_TRUE(c.secret_hash.empty());
  EXPECT_EQ(value_of(input_with(res.body(), "id=\"client-id\"")), c.client_id);
}

TEST_F(AppsPagesTest, SymmetricAppSeesItsSecretOnceAndOnlyTheHashIsStored) {
  sign_in("dr.smith");
  auto form = public_form();
  form[1].value = "confidential-symmetric";
  auto res = post("/ehr/apps", form);
  ASSERT_EQ(res.result(), bhttp::status::ok) << res.body();
  EXPECT_TRUE(has(res.body(), "Copy this secret now; it will not be shown again."));
  const std::string secret = value_of(input_with(res.body(), "id=\"client-secret\""));
  ASSERT_GE(secret.size(), 40u);
  const auto c = auth_->list_clients()->front();
  EXPECT_TRUE(c.secret_hash.starts_with("$argon2id$"));
  EXPECT_TRUE(oauth::verify_password(secret, c.secret_hash));
  // The edit page never shows it again.
  auto edit = get("/ehr/apps/" + c.client_id);
  EXPECT_FALSE(has(edit.body(), secret));
  EXPECT_TRUE(has(edit.body(), "Generate a new secret"));
}

TEST_F(AppsPagesTest, InvalidFormIsShownAgainWithValuesAndError) {
  sign_in("dr.smith");
  auto form = public_form("Kept <name>");
  form[3].value = "http://evil.example/cb";
  auto res = post("/ehr/apps", form);
  EXPECT_EQ(res.result(), bhttp::status::bad_request);
  EXPECT_TRUE(has(res.body(), "value=\"Kept &lt;name&gt;\""));
  EXPECT_TRUE(has(res.body(), "id=\"app-redirect-uris-error\" role=\"alert\">Redirect URI"));
  EXPECT_TRUE(has(res.body(), ">http://evil.example/cb</textarea>"));
  EXPECT_TRUE(auth_->list_clients()->empty());
}

TEST_F(AppsPagesTest, EditKeepsSecretCreationTimeAndRegistrationToken) {
  const auto before = cli_client("sym", store::ClientType::ConfidentialSymmetric);
  sign_in("dr.smith");
  auto page = get("/ehr/apps/sym");
  ASSERT_EQ(page.result(), bhttp::status::ok);
  EXPECT_TRUE(has(page.body(), "<h1>Edit CLI app</h1>"));
  EXPECT_TRUE(has(page.body(), "value=\"CLI app\""));
  EXPECT_TRUE(has(input_with(page.body(), "value=\"confidential-symmetric\""), "checked"));

  auto res = post("/ehr/apps/sym", {{"name", "Renamed"},
                                    {"client_type", "confidential-symmetric"},
                                    {"redirect_uris", "https://cli.example/cb\nhttps://cli.example/cb2"},
                                    {"scopes", "openid"},
                                    {"auto_approve", "1"}});
  ASSERT_EQ(res.result(), bhttp::status::see_other) << res.body();
  EXPECT_EQ(location(res), "/ehr/apps/sym?saved=1");
  const auto after = *auth_->get_client("sym");
  EXPECT_EQ(after.name, "Renamed");
  EXPECT_EQ(after.redirect_uris.size(), 2u);
  EXPECT_EQ(after.secret_hash, before.secret_hash);
  EXPECT_EQ(after.created_ms, before.created_ms);
  EXPECT_EQ(after.registration_token_hash, "rth");
  EXPECT_EQ(after.allowed_origins, before.allowed_origins);
  EXPECT_TRUE(after.auto_approve);
  EXPECT_TRUE(has(get("/ehr/apps/sym?saved=1").body(), "Changes saved."));
}

TEST_F(AppsPagesTest, BecomingASecretAppIssuesASecret) {
  cli_client("pub", store::ClientType::Public);
  sign_in("dr.smith");
  auto res = post("/ehr/apps/pub", {{"name", "P"},
                                    {"client_type", "confidential-symmetric"},
                                    {"redirect_uris", "https://cli.example/cb"}});
  ASSERT_EQ(res.result(), bhttp::status::ok) << res.body();
  const std::string secret = value_of(input_with(res.body(), "id=\"client-secret\""));
  EXPECT_TRUE(oauth::verify_password(secret, auth_->get_client("pub")->secret_hash));
}

TEST_F(AppsPagesTest, NewSecretReplacesTheOldOne) {
  cli_client("sym", store::ClientType::ConfidentialSymmetric);
  sign_in("dr.smith");
  EXPECT_EQ(get("/ehr/apps/sym/secret").result(), bhttp::status::not_found);
  auto res = post("/ehr/apps/sym/secret", {});
  ASSERT_EQ(res.result(), bhttp::status::ok) << res.body();
  EXPECT_TRUE(has(res.body(), "New secret for CLI app"));
  const std::string secret = value_of(input_with(res.body(), "id=\"client-secret\""));
  const auto c = *auth_->get_client("sym");
  EXPECT_TRUE(oauth::verify_password(secret, c.secret_hash));
  EXPECT_FALSE(oauth::verify_password("old-secret", c.secret_hash));
}

TEST_F(AppsPagesTest, NoSecretForAppsWithoutOne) {
  cli_client("pub", store::ClientType::Public);
  sign_in("dr.smith");
  EXPECT_EQ(post("/ehr/apps/pub/secret", {}).result(), bhttp::status::bad_request);
}

TEST_F(AppsPagesTest, DeleteAfterConfirmation) {
  cli_client("gone", store::ClientType::Public);
  sign_in("dr.smith");
  auto confirm = get("/ehr/apps/gone/delete");
  ASSERT_EQ(confirm.result(), bhttp::status::ok);
  EXPECT_TRUE(has(confirm.body(), "<h1>Delete CLI app?</h1>"));
  EXPECT_TRUE(auth_->get_client("gone"));
  auto res = post("/ehr/apps/gone/delete", {});
  ASSERT_EQ(res.result(), bhttp::status::see_other);
  EXPECT_EQ(location(res), "/ehr/apps?deleted=1");
  EXPECT_FALSE(auth_->get_client("gone"));
  EXPECT_TRUE(has(get("/ehr/apps?deleted=1").body(), "The app was deleted."));
}

TEST_F(AppsPagesTest, UnknownIdsAnswer404) {
  sign_in("dr.smith");
  EXPECT_EQ(get("/ehr/apps/nope").result(), bhttp::status::not_found);
  EXPECT_EQ(get("/ehr/apps/nope/delete").result(), bhttp::status::not_found);
  EXPECT_EQ(post("/ehr/apps/nope", public_form()).result(), bhttp::status::not_found);
  EXPECT_EQ(get("/ehr/apps/x/y/z").result(), bhttp::status::not_found);
}

TEST_F(AppsPagesTest, IdsArePercentDecodedPathSegments) {
  cli_client("a/b c", store::ClientType::Public);
  sign_in("dr.smith");
  EXPECT_TRUE(has(get("/ehr/apps").body(), "href=\"/ehr/apps/a%2Fb%20c\""));
  EXPECT_EQ(get("/ehr/apps/a%2Fb%20c").result(), bhttp::status::ok);
  EXPECT_EQ(get("/ehr/apps/a%2Fb%20c/delete").result(), bhttp::status::ok);
}

TEST_F(AppsPagesTest, ProductionRefusesAutoApprove) {
  stop();
  start(false, mount_apps);
  sign_in("dr.smith");
  EXPECT_FALSE(has(get("/ehr/apps/new").body(), "Auto-approve"));
  auto form = public_form();
  form.push_back({"auto_approve", "1"});
  auto res = post("/ehr/apps", form);
  EXPECT_EQ(res.result(), bhttp::status::bad_request);
  EXPECT_TRUE(has(res.body(), "Auto-approve is a sandbox feature"));
  EXPECT_TRUE(auth_->list_clients()->empty());
}

}  // namespace
}  // namespace ember::portal
