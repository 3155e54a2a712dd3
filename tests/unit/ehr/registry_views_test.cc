#include "ehr/registry_views.h"

#include <gtest/gtest.h>

#include "ehr/portal_css.h"
#include "view_test_support.h"

namespace ember::ehr {
namespace {

using testing::count;
using testing::has;
using testing::input_with;
using testing::squash;

PortalShell signed_in(PortalSection active = PortalSection::Apps) {
  PortalShell s;
  s.title = "Apps";
  s.user_display = "Dr. Sarah Smith";
  s.practitioner = true;
  s.sandbox = true;
  s.csrf = "csrf-1";
  s.active = active;
  return s;
}

AppRow growth_chart() {
  AppRow r;
  r.client_id = "growth/chart";
  r.name = "Growth Chart";
  r.logo_uri = "https://app.example/logo.png";
  r.type_words = "Public";
  r.launch_url = "https://app.example/launch";
  r.redirect_uris = {"https://app.example/cb", "http://127.0.0.1:9000/cb"};
  r.scopes = "openid fhirUser launch patient/*.rs user/*.rs";
  r.scopes_short = "openid fhirUser launch patient/*.rs … (+1)";
  return r;
}

// Every page: no inline script or style (the portal CSP forbids them), no template errors.
void expect_clean(const std::string& html) {
  EXPECT_FALSE(has(html, "<script")) << html;
  EXPECT_FALSE(has(html, "style=")) << html;
  EXPECT_FALSE(has(html, "<style")) << html;
  EXPECT_FALSE(has(html, "template error")) << html;
  EXPECT_FALSE(has(html, "{{")) << html;
}

TEST(AppListView, HeadingRegisterButtonAndRow) {
  AppListView v;
  v.apps = {growth_chart()};
  const auto html = render_app_list(signed_in(), v);
  expect_clean(html);
  EXPECT_TRUE(has(html, "<h1>Apps</h1>"));
  EXPECT_TRUE(has(html, "<a class=\"btn btn-primary\" href=\"/ehr/apps/new\">Register an app</a>"));
  EXPECT_TRUE(has(html, "<span>Growth Chart</span>"));
  EXPECT_TRUE(has(html, "<code>growth/chart</code>"));
  EXPECT_TRUE(has(html, "<td>Public</td>"));
  EXPECT_TRUE(has(html, "https://app.example/launch"));
  EXPECT_TRUE(has(html, "<li class=\"reg-url\">http://127.0.0.1:9000/cb</li>"));
  EXPECT_TRUE(has(html, "title=\"openid fhirUser launch patient/*.rs user/*.rs\""));
  EXPECT_TRUE(has(html, "src=\"https://app.example/logo.png\" alt=\"\""));
  // The id is one path segment: '/' is percent-encoded in the Edit link.
  EXPECT_TRUE(has(html, "href=\"/ehr/apps/growth%2Fchart\""));
  EXPECT_TRUE(has(html, ">Edit</a>"));
  EXPECT_FALSE(has(html, "Auto-approve"));
}

TEST(AppListView, AutoApproveBadgeAndMissingValues) {
  AppRow r = growth_chart();
  r.auto_approve = true;
  r.logo_uri.clear();
  r.launch_url.clear();
  r.redirect_uris.clear();
  AppListView v;
  v.apps = {r};
  const auto html = render_app_list(signed_in(), v);
  EXPECT_TRUE(has(html, "<span class=\"reg-badge\">Auto-approve</span>"));
  EXPECT_FALSE(has(html, "<img"));
  EXPECT_TRUE(has(html, "reg-logo-blank\" aria-hidden=\"true\">G</span>"));
  EXPECT_EQ(count(html, "<span class=\"reg-none\">None</span>"), 2u);
}

TEST(AppListView, EmptyRegistryAndNotice) {
  AppListView v;
  v.notice = "The app was deleted.";
  const auto html = render_app_list(signed_in(), v);
  EXPECT_TRUE(has(html, "No apps are registered yet."));
  EXPECT_TRUE(has(html, "role=\"status\">The app was deleted.</p>"));
  EXPECT_FALSE(has(html, "<table"));
}

TEST(AppListView, EscapesEveryValue) {
  AppRow r = growth_chart();
  r.name = "<b>x</b>";
  r.client_id = "\"><script>";
  r.logo_uri = "javascript:\"x";
  AppListView v;
  v.apps = {r};
  const auto html = render_app_list(signed_in(), v);
  EXPECT_FALSE(has(html, "<b>x</b>"));
  EXPECT_FALSE(has(html, "<script>"));
  EXPECT_TRUE(has(html, "&lt;b&gt;x&lt;/b&gt;"));
  EXPECT_TRUE(has(html, "src=\"javascript:&quot;x\""));
}

AppFormView register_form() {
  AppFormView v;
  v.action = "/ehr/apps";
  v.csrf = "csrf-9";
  v.sandbox = true;
  v.default_scope = "openid launch";
  return v;
}

TEST(AppFormView, RegisterFormHasEveryLabelledField) {
  const auto html = render_app_form(signed_in(), register_form());
  expect_clean(html);
  EXPECT_TRUE(has(html, "<h1>Register an app</h1>"));
  EXPECT_TRUE(has(html, "<form method=\"post\" action=\"/ehr/apps\""));
  EXPECT_TRUE(has(html, "<input type=\"hidden\" name=\"csrf\" value=\"csrf-9\">"));
  for (const auto& [id, label] : std::vector<std::pair<std::string, std::string>>{
           {"app-name", "App name"},
           {"app-launch-url", "Launch URL"},
           {"app-redirect-uris", "Redirect URIs"},
           {"app-scopes", "Scopes"},
           {"app-jwks-uri", "JWKS URL"},
           {"app-jwks", "JWKS (JSON)"},
           {"app-logo-uri", "Logo URL"}}) {
    EXPECT_TRUE(has(html, "<label for=\"" + id + "\">" + label + "</label>")) << label;
    EXPECT_TRUE(has(html, "id=\"" + id + "\"")) << id;
  }
  EXPECT_TRUE(has(html, "<legend>Client type</legend>"));
  const auto page = squash(html);
  for (const char* words : {"Public", "Confidential (client secret)",
                            "Confidential (private key JWT)", "Backend service"}) {
    EXPECT_TRUE(has(page, std::string("<span class=\"reg-option-text\">") + words + "<small>"))
        << words;
  }
  // Public is the default type.
  EXPECT_TRUE(has(input_with(html, "value=\"public\""), "checked"));
  EXPECT_TRUE(has(html, "<span>Auto-approve</span>"));
  EXPECT_TRUE(has(html, "placeholder=\"openid launch\""));
  EXPECT_TRUE(has(html, ">Register app</button>"));
  EXPECT_FALSE(has(html, "Generate a new secret"));
  EXPECT_FALSE(has(html, "role=\"alert\""));
}

TEST(AppFormView, AutoApproveOnlyInSandbox) {
  auto v = register_form();
  v.sandbox = false;
  EXPECT_FALSE(has(render_app_form(signed_in(), v), "Auto-approve"));
}

TEST(AppFormView, ErrorSitsNextToItsFieldAndValuesAreKept) {
  auto v = register_form();
  v.fields.name = "My \"app\"";
  v.fields.redirect_uris = "http://evil.example/cb\nhttps://ok.example/cb";
  v.fields.client_type = "confidential-symmetric";
  v.error_field = AppFormField::RedirectUris;
  v.error = "Redirect URI 'http://evil.example/cb' must use https.";
  const auto html = render_app_form(signed_in(), v);
  expect_clean(html);
  EXPECT_TRUE(has(html, "value=\"My &quot;app&quot;\""));
  EXPECT_TRUE(has(html, ">http://evil.example/cb\nhttps://ok.example/cb</textarea>"));
  EXPECT_TRUE(has(input_with(html, "value=\"confidential-symmetric\""), "checked"));
  EXPECT_FALSE(has(input_with(html, "value=\"public\""), "checked"));
  EXPECT_TRUE(has(html, "<p class=\"reg-field-error\" id=\"app-redirect-uris-error\" "
                        "role=\"alert\">Redirect URI &apos;http://evil.example/cb&apos; must use "
                        "https.</p>"));
  EXPECT_TRUE(has(html, "aria-describedby=\"app-redirect-uris-hint app-redirect-uris-error\""));
  EXPECT_EQ(count(html, "role=\"alert\""), 1u);
  EXPECT_EQ(count(html, "aria-invalid=\"true\""), 1u);
}

TEST(AppFormView, ErrorWithoutFieldIsShownAboveTheForm) {
  auto v = register_form();
  v.error = "The app could not be saved.";
  const auto html = render_app_form(signed_in(), v);
  EXPECT_TRUE(has(html, "<div class=\"alert\" role=\"alert\">The app could not be saved.</div>"));
  EXPECT_EQ(count(html, "role=\"alert\""), 1u);
}

TEST(AppFormView, EditFormOffersSecretAndDelete) {
  auto v = register_form();
  v.action = "/ehr/apps/abc";
  v.client_id = "abc";
  v.app_name = "Stored Name";
  v.fields.name = "Typed Name";
  v.has_secret = true;
  v.notice = "Changes saved.";
  const auto html = render_app_form(signed_in(), v);
  expect_clean(html);
  EXPECT_TRUE(has(html, "<h1>Edit Stored Name</h1>"));
  EXPECT_TRUE(has(html, "Client ID <code>abc</code>"));
  EXPECT_TRUE(has(html, "value=\"Typed Name\""));
  EXPECT_TRUE(has(html, "action=\"/ehr/apps/abc/secret\""));
  EXPECT_TRUE(has(html, "Generate a new secret"));
  EXPECT_TRUE(has(html, "href=\"/ehr/apps/abc/delete\""));
  EXPECT_TRUE(has(html, ">Save changes</button>"));
  EXPECT_TRUE(has(html, "role=\"status\">Changes saved.</p>"));
  // Each form carries the CSRF token: edit and secret.
  EXPECT_EQ(count(html, "name=\"csrf\" value=\"csrf-9\""), 2u);
}

TEST(AppCredentialsView, SecretIsShownOnceWithWarning) {
  AppCredentialsView v{"cid-1", "Growth Chart", "s3cret", false, true, true};
  const auto html = render_app_credentials(signed_in(), v);
  expect_clean(html);
  EXPECT_TRUE(has(html, "<h1>Growth Chart is registered</h1>"));
  EXPECT_TRUE(has(input_with(html, "id=\"client-id\""), "value=\"cid-1\""));
  EXPECT_TRUE(has(input_with(html, "id=\"client-id\""), "readonly"));
  EXPECT_TRUE(has(input_with(html, "id=\"client-secret\""), "value=\"s3cret\""));
  EXPECT_TRUE(has(html, "Copy this secret now; it will not be shown again."));
  EXPECT_TRUE(has(html, "href=\"/ehr/launcher?app=cid-1\""));
}

TEST(AppCredentialsView, NoSecretNoWarning) {
  AppCredentialsView v{"cid-1", "Backend", "", false, true, false};
  const auto html = render_app_credentials(signed_in(), v);
  EXPECT_FALSE(has(html, "client-secret"));
  EXPECT_FALSE(has(html, "will not be shown again"));
  EXPECT_TRUE(has(html, "This app does not use a client secret."));
  EXPECT_FALSE(has(html, "/ehr/launcher?app="));
}

TEST(AppCredentialsView, RegeneratedSecret) {
  AppCredentialsView v{"cid-1", "Growth Chart", "n3w", true, false, true};
  const auto html = render_app_credentials(signed_in(), v);
  EXPECT_TRUE(has(html, "<h1>New secret for Growth Chart</h1>"));
  EXPECT_TRUE(has(html, "The previous secret no longer works."));
}

TEST(AppDeleteView, AsksAndPostsWithCsrf) {
  AppDeleteView v{"a b", "Growth Chart", "tok"};
  const auto html = render_app_delete(signed_in(), v);
  expect_clean(html);
  EXPECT_TRUE(has(html, "<h1>Delete Growth Chart?</h1>"));
  EXPECT_TRUE(has(html, "<form method=\"post\" action=\"/ehr/apps/a%20b/delete\""));
  EXPECT_TRUE(has(html, "name=\"csrf\" value=\"tok\""));
  EXPECT_TRUE(has(html, "<button type=\"submit\" class=\"btn btn-danger\">Delete</button>"));
}

LauncherView launcher() {
  LauncherView v;
  v.csrf = "pre-csrf";
  v.apps = {{"growth", "Growth Chart (growth)", true}, {"other-app", "Other App (other-app)", false}};
  v.users = {{"dr.smith", "Dr. Sarah Smith — practitioner (dr.smith)", true},
             {"", "Whoever signs in (the app's authorization asks)", false}};
  v.patients = {{"", "No patient", false}, {"alice", "Alice Carter (alice)", true}};
  return v;
}

TEST(LauncherView, FormHasEveryControl) {
  const auto html = render_launcher(signed_in(PortalSection::Launcher), launcher());
  expect_clean(html);
  EXPECT_TRUE(has(html, "<h1>Launcher</h1>"));
  EXPECT_TRUE(has(html, "<form method=\"post\" action=\"/ehr/launcher\""));
  EXPECT_TRUE(has(html, "name=\"csrf\" value=\"pre-csrf\""));
  for (const auto& [id, label] : std::vector<std::pair<std::string, std::string>>{
           {"launch-app", "App"},
           {"launch-other-url", "Launch URL"},
           {"launch-other-client", "Client ID"},
           {"launch-user", "User"},
           {"launch-patient", "Patient"},
           {"launch-encounter", "Encounter ID (optional)"},
           {"launch-intent", "Intent (optional)"},
           {"launch-fhir-context", "fhirContext (JSON, optional)"}}) {
    EXPECT_TRUE(has(html, "<label for=\"" + id + "\">" + label + "</label>")) << label;
  }
  EXPECT_TRUE(has(html, "<option value=\"growth\" selected>Growth Chart (growth)</option>"));
  EXPECT_TRUE(has(html, "<option value=\"alice\" selected>Alice Carter (alice)</option>"));
  EXPECT_TRUE(has(html, "Other (enter a launch URL and client ID)</option>"));
  const auto page = squash(html);
  for (const char* text :
       {"EHR launch<small>", "Standalone launch<small>", "Embedded in the EHR (no banner needed)",
        "New window (app shows a banner)", "The token request fails (invalid_client)",
        "The FHIR API refuses the access token (401)", "The launch has no patient"}) {
    EXPECT_TRUE(has(page, text)) << text;
  }
  EXPECT_TRUE(has(input_with(html, "value=\"ehr\""), "checked"));
  EXPECT_TRUE(has(input_with(html, "value=\"embedded\""), "checked"));
  EXPECT_FALSE(has(input_with(html, "value=\"no_patient\""), "checked"));
  EXPECT_TRUE(has(html, ">Create launch</button>"));
}

TEST(LauncherView, KeepsChoicesAndShowsError) {
  auto v = launcher();
  v.apps[0].selected = false;
  v.other_app = true;
  v.other_launch_url = "http://localhost:9000/launch";
  v.standalone = true;
  v.embedded = false;
  v.simulate_no_patient = true;
  v.fhir_context = R"([{"reference":"Observation/1"}])";
  v.error = "Unknown patient.";
  const auto html = render_launcher(signed_in(PortalSection::Launcher), v);
  EXPECT_TRUE(has(html, "<option value=\"\" selected>Other"));
  EXPECT_TRUE(has(html, "value=\"http://localhost:9000/launch\""));
  EXPECT_TRUE(has(input_with(html, "value=\"standalone\""), "checked"));
  EXPECT_TRUE(has(input_with(html, "value=\"window\""), "checked"));
  EXPECT_TRUE(has(input_with(html, "value=\"no_patient\""), "checked"));
  EXPECT_TRUE(has(html, "[{&quot;reference&quot;:&quot;Observation/1&quot;}]</textarea>"));
  EXPECT_TRUE(has(html, "role=\"alert\" id=\"launcher-error\">Unknown patient.</div>"));
}

TEST(LaunchReadyView, EhrLaunchShowsCopyableUrlAndContext) {
  LaunchReadyView v;
  v.app_name = "Growth Chart";
  v.url = "https://app.example/launch?iss=http%3A%2F%2Fh%2Ffhir&launch=abc";
  v.user_display = "Dr. Sarah Smith (dr.smith)";
  v.patient_display = "Alice Carter (alice)";
  v.encounter = "enc-1";
  v.simulated = {"The FHIR API refuses the access token (401)"};
  v.again_href = "/ehr/launcher?app=growth";
  const auto html = render_launch_ready(signed_in(PortalSection::Launcher), v);
  expect_clean(html);
  EXPECT_TRUE(has(html, "<label for=\"launch-url\">Launch URL</label>"));
  EXPECT_TRUE(has(html, "readonly"));
  EXPECT_TRUE(has(html, ">https://app.example/launch?iss=http%3A%2F%2Fh%2Ffhir&amp;launch=abc</textarea>"));
  EXPECT_TRUE(has(html, "<a class=\"btn btn-primary\" href=\"https://app.example/launch?iss="
                        "http%3A%2F%2Fh%2Ffhir&amp;launch=abc\" target=\"_blank\" "
                        "rel=\"noopener\">Launch app</a>"));
  EXPECT_TRUE(has(html, "<dd>Alice Carter (alice)</dd>"));
  EXPECT_TRUE(has(html, "<code>enc-1</code>"));
  EXPECT_TRUE(has(html, "<li>The FHIR API refuses the access token (401)</li>"));
  EXPECT_TRUE(has(html, "expires in 5 minutes"));
  EXPECT_TRUE(has(html, "href=\"/ehr/launcher?app=growth\""));
}

TEST(LaunchReadyView, StandaloneExplainsTheAuthorizationStep) {
  LaunchReadyView v;
  v.standalone = true;
  v.app_name = "Growth Chart";
  v.url = "https://app.example/launch?iss=x";
  const auto page = squash(render_launch_ready(signed_in(PortalSection::Launcher), v));
  EXPECT_TRUE(has(page, "receives only <code>iss</code>"));
  EXPECT_TRUE(has(page, "picks a patient in the app's authorization step"));
  EXPECT_FALSE(has(page, "<dt>Patient</dt>"));
}

TEST(RegistryCss, FragmentIsDefinedAndSelfContained) {
  EXPECT_TRUE(has(css::kRegistry, ".reg-table"));
  EXPECT_TRUE(has(css::kRegistry, ".reg-field-error"));
  EXPECT_FALSE(has(css::kRegistry, "url("));   // no external resources
  EXPECT_FALSE(has(css::kRegistry, "@import"));
}

}  // namespace
}  // namespace ember::ehr
