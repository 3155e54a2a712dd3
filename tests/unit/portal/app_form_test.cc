#include "portal/app_form.h"

#include <gtest/gtest.h>

namespace ember::portal {
namespace {

using ehr::AppFormField;
using ehr::AppFormFields;
using store::ClientType;

AppFormFields public_app() {
  AppFormFields f;
  f.name = "  Growth Chart ";
  f.client_type = "public";
  f.launch_url = "https://app.example/launch";
  f.redirect_uris = "https://app.example/cb\r\n\r\n  http://127.0.0.1:9000/cb  \r\n";
  f.scopes = "openid launch\npatient/*.rs";
  f.logo_uri = "https://app.example/logo.png";
  return f;
}

TEST(AppForm, PublicAppBecomesARecord) {
  auto r = validate_app_form(public_app(), true);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->name, "Growth Chart");
  EXPECT_EQ(r->type, ClientType::Public);
  EXPECT_EQ(r->auth_method, "none");
  EXPECT_EQ(r->launch_url, "https://app.example/launch");
  EXPECT_EQ(r->redirect_uris,
            (std::vector<std::string>{"https://app.example/cb", "http://127.0.0.1:9000/cb"}));
  EXPECT_EQ(r->allowed_scopes, "openid launch patient/*.rs");
  EXPECT_EQ(r->logo_uri, "https://app.example/logo.png");
  EXPECT_EQ(r->grant_types, (std::vector<std::string>{"authorization_code", "refresh_token"}));
  EXPECT_FALSE(r->auto_approve);
  EXPECT_TRUE(r->client_id.empty());
  EXPECT_TRUE(r->secret_hash.empty());
}

TEST(AppForm, EmptyScopesGetTheRegistrationDefault) {
  auto f = public_app();
  f.scopes = " \n ";
  auto r = validate_app_form(f, true);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->allowed_scopes.empty());
  EXPECT_NE(r->allowed_scopes.find("launch"), std::string::npos);
}

TEST(AppForm, EachTypeMapsToItsRegistrationMetadata) {
  auto sym = public_app();
  sym.client_type = "confidential-symmetric";
  auto s = validate_app_form(sym, true);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->type, ClientType::ConfidentialSymmetric);
  EXPECT_EQ(s->auth_method, "client_secret_basic");

  auto asym = public_app();
  asym.client_type = "confidential-asymmetric";
  asym.jwks_uri = "https://app.example/jwks";
  auto a = validate_app_form(asym, true);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->type, ClientType::ConfidentialAsymmetric);
  EXPECT_EQ(a->jwks_uri, "https://app.example/jwks");

  AppFormFields backend;
  backend.name = "Nightly export";
  backend.client_type = "backend";
  backend.jwks_uri = "https://backend.example/jwks";
  backend.scopes = "system/Patient.rs";
  auto b = validate_app_form(backend, true);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->type, ClientType::Backend);
  EXPECT_EQ(b->grant_types, (std::vector<std::string>{"client_credentials"}));
  EXPECT_TRUE(b->redirect_uris.empty());
}

// The problems, each reported on the input it concerns (table-driven: the rules are the
// registration validator's, the fields the form's).
struct Case {
  const char* what;
  void (*edit)(AppFormFields&);
  bool sandbox;
  AppFormField field;
  const char* message_part;
};

const Case kCases[] = {
    {"no name", [](AppFormFields& f) { f.name = "   "; }, true, AppFormField::Name,
     "Enter the app's name"},
    {"unknown type", [](AppFormFields& f) { f.client_type = "root"; }, true,
     AppFormField::ClientType, "Choose a client type"},
    {"no redirect URI", [](AppFormFields& f) { f.redirect_uris = "\n"; }, true,
     AppFormField::RedirectUris, "at least one redirect URI"},
    {"http redirect URI", [](AppFormFields& f) { f.redirect_uris = "http://evil.example/cb"; },
     true, AppFormField::RedirectUris, "Redirect URI 'http://evil.example/cb'"},
    {"redirect URI with fragment", [](AppFormFields& f) { f.redirect_uris = "https://a.example/#x"; },
     true, AppFormField::RedirectUris, "fragment"},
    {"http launch URL", [](AppFormFields& f) { f.launch_url = "http://app.example/launch"; }, true,
     AppFormField::LaunchUrl, "Launch URL 'http://app.example/launch' must use https"},
    {"bad scope", [](AppFormFields& f) { f.scopes = "patient/*.bogus"; }, true,
     AppFormField::Scopes, "Scopes"},
    {"system scope for an app", [](AppFormFields& f) { f.scopes = "system/Patient.rs"; }, true,
     AppFormField::Scopes, "client_credentials"},
    {"bad logo", [](AppFormFields& f) { f.logo_uri = "ftp://x.example/logo"; }, true,
     AppFormField::LogoUri, "Logo URL"},
    {"JWKS on a public app", [](AppFormFields& f) { f.jwks = "{}"; }, true, AppFormField::Jwks,
     "leave this empty"},
    {"JWKS URL on a public app", [](AppFormFields& f) { f.jwks_uri = "https://a.example/j"; }, true,
     AppFormField::JwksUri, "leave this empty"},
    {"private key JWT without keys",
     [](AppFormFields& f) { f.client_type = "confidential-asymmetric"; }, true,
     AppFormField::JwksUri, "Enter a JWKS URL or paste a JWKS"},
    {"both key sources",
     [](AppFormFields& f) {
       f.client_type = "confidential-asymmetric";
       f.jwks_uri = "https://a.example/jwks";
       f.jwks = "{\"keys\":[]}";
     },
     true, AppFormField::Jwks, "not both"},
    {"JWKS not JSON",
     [](AppFormFields& f) {
       f.client_type = "confidential-asymmetric";
       f.jwks = "{keys";
     },
     true, AppFormField::Jwks, "not valid JSON"},
    {"JWKS without keys",
     [](AppFormFields& f) {
       f.client_type = "confidential-asymmetric";
       f.jwks = "{\"keys\":[]}";
     },
     true, AppFormField::Jwks, "JWKS has no usable signing key"},
    {"backend with redirect URIs", [](AppFormFields& f) { f.client_type = "backend"; }, true,
     AppFormField::RedirectUris, "backend service has no redirect URIs"},
    {"auto-approve in production", [](AppFormFields& f) { f.auto_approve = true; }, false,
     AppFormField::AutoApprove, "sandbox feature"},
};

TEST(AppForm, ProblemsAreReportedOnTheirField) {
  for (const auto& c : kCases) {
    auto f = public_app();
    c.edit(f);
    auto r = validate_app_form(f, c.sandbox);
    ASSERT_FALSE(r) << c.what;
    EXPECT_EQ(r.error().field, c.field) << c.what << ": " << r.error().message;
    EXPECT_NE(r.error().message.find(c.message_part), std::string::npos)
        << c.what << ": " << r.error().message;
  }
}

TEST(AppForm, AutoApproveIsKeptInTheSandbox) {
  auto f = public_app();
  f.auto_approve = true;
  auto r = validate_app_form(f, true);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->auto_approve);
}

TEST(AppForm, ParamsAndRecordRoundTrip) {
  const http::QueryParams params{{"csrf", "x"},
                                 {"name", "App"},
                                 {"client_type", "confidential-symmetric"},
                                 {"redirect_uris", "https://a.example/cb"},
                                 {"launch_url", "https://a.example/launch"},
                                 {"scopes", "openid"},
                                 {"logo_uri", ""},
                                 {"auto_approve", "1"}};
  const auto f = app_form_from_params(params);
  EXPECT_EQ(f.name, "App");
  EXPECT_EQ(f.client_type, "confidential-symmetric");
  EXPECT_TRUE(f.auto_approve);
  auto r = validate_app_form(f, true);
  ASSERT_TRUE(r) << r.error().message;
  const auto back = app_form_from_record(*r);
  EXPECT_EQ(back.name, "App");
  EXPECT_EQ(back.client_type, "confidential-symmetric");
  EXPECT_EQ(back.redirect_uris, "https://a.example/cb");
  EXPECT_EQ(back.launch_url, "https://a.example/launch");
  EXPECT_EQ(back.scopes, "openid");
  EXPECT_TRUE(back.auto_approve);
}

TEST(AppForm, MultipleRedirectUrisAreOnePerLine) {
  store::ClientRecord c;
  c.redirect_uris = {"https://a.example/1", "https://a.example/2"};
  EXPECT_EQ(app_form_from_record(c).redirect_uris, "https://a.example/1\nhttps://a.example/2");
}

TEST(AppForm, NoTypePostedMeansNoTypeChosen) {
  auto f = app_form_from_params({{"name", "x"}});
  EXPECT_TRUE(f.client_type.empty());
  auto r = validate_app_form(f, true);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, AppFormField::ClientType);
}

TEST(AppForm, TypeWordsAndValues) {
  EXPECT_EQ(client_type_words(ClientType::Public), "Public");
  EXPECT_EQ(client_type_words(ClientType::ConfidentialSymmetric), "Confidential (client secret)");
  EXPECT_EQ(client_type_words(ClientType::ConfidentialAsymmetric),
            "Confidential (private key JWT)");
  EXPECT_EQ(client_type_words(ClientType::Backend), "Backend service");
  EXPECT_EQ(client_type_value(ClientType::ConfidentialAsymmetric), "confidential-asymmetric");
  EXPECT_EQ(client_type_value(ClientType::Backend), "backend");
}

TEST(AppForm, ShortenScopes) {
  EXPECT_EQ(shorten_scopes("a b c", 4), "a b c");
  EXPECT_EQ(shorten_scopes("a b c d e f", 4), "a b c d … (+2)");
  EXPECT_EQ(shorten_scopes("", 4), "");
}

}  // namespace
}  // namespace ember::portal
