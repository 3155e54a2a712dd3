// The sandbox launcher over a temporary SQLite store: the form without sign-in (double-submit
// CSRF cookie), EHR and standalone launches, the CI shortcut, and 404 in production mode.
#include <gtest/gtest.h>

#include "../ehr/view_test_support.h"
#include "fhir/ingest.h"
#include "http/url.h"
#include "portal_fixture.h"

namespace ember::portal {
namespace {

using ehr::testing::has;
using ehr::testing::input_with;

class LauncherTest : public PortalFixture {
 protected:
  void SetUp() override { start_launcher(true); }

  // The launcher mounted, with a patient, a launchable app and a backend service to list.
  void start_launcher(bool sandbox) {
    start(sandbox, mount_launcher);
    if (HasFatalFailure()) return;

    auto patient = boost::json::parse(
        R"({"resourceType":"Patient","name":[{"given":["Alice"],"family":"Carter"}]})");
    ASSERT_TRUE(resources_->write({fhir::make_put("Patient", "alice", patient.as_object())}));

    store::ClientRecord app;
    app.client_id = "growth";
    app.name = "Growth Chart";
    app.redirect_uris = {"https://app.example/cb"};
    app.launch_url = "https://app.example/launch";
    app.allowed_scopes = "openid launch patient/*.rs";
    ASSERT_TRUE(auth_->put_client(app));
    store::ClientRecord backend;
    backend.client_id = "nightly";
    backend.name = "Nightly export";
    backend.type = store::ClientType::Backend;
    backend.allowed_scopes = "system/*.rs";
    ASSERT_TRUE(auth_->put_client(backend));
  }

  // Loads the form (which sets the pre-session CSRF cookie) and posts `fields` with its token.
  http::Response submit(http::QueryParams fields) {
    auto form = get("/ehr/launcher");
    EXPECT_EQ(form.result(), bhttp::status::ok);
    if (cookie_.empty()) {
      const std::string set(form[bhttp::field::set_cookie]);
      cookie_ = set.substr(0, set.find(';'));
    }
    const auto tag = input_with(form.body(), "name=\"csrf\"");
    const auto start = tag.find("value=\"") + 7;
    fields.push_back({"csrf", tag.substr(start, tag.find('"', start) - start)});
    return post_launcher(fields);
  }

  // Posts the launcher form as given (no sign-in here: any CSRF token is among `fields`).
  http::Response post_launcher(const http::QueryParams& fields) {
    return post("/ehr/launcher", fields, false);
  }

  // The launch record behind the `launch` parameter of a launch URL.
  std::optional<store::LaunchRecord> launch_of(const std::string& url) {
    auto q = url.find('?');
    auto t = http::parse_target("/x" + url.substr(q));
    if (!t) return std::nullopt;
    auto handle = http::find_param(t->query, "launch");
    if (!handle) return std::nullopt;
    auto rec = auth_->get_launch(oauth::Sessions::hash(*handle));
    if (!rec) return std::nullopt;
    return *rec;
  }

  static std::string textarea_url(const std::string& html) {
    const auto open = html.find("id=\"launch-url\"");
    const auto start = html.find('>', open) + 1;
    std::string url = html.substr(start, html.find("</textarea>", start) - start);
    for (std::size_t p; (p = url.find("&amp;")) != std::string::npos;) url.replace(p, 5, "&");
    return url;
  }
};

TEST_F(LauncherTest, FormNeedsNoSignInAndListsAppsUsersAndPatients) {
  auto res = get("/ehr/launcher");
  ASSERT_EQ(res.result(), bhttp::status::ok);
  const std::string& html = res.body();
  EXPECT_TRUE(std::string(res[bhttp::field::set_cookie]).starts_with("ember_csrf="));
  EXPECT_TRUE(has(html, "<h1>Launcher</h1>"));
  EXPECT_TRUE(has(html, "<option value=\"growth\" selected>Growth Chart (growth)</option>"));
  EXPECT_FALSE(has(html, "nightly"));  // backend services cannot be launched
  EXPECT_TRUE(has(html, "<option value=\"dr.jones\" selected>"));  // first practitioner
  EXPECT_TRUE(has(html, "— patient (alice)</option>"));
  EXPECT_TRUE(has(html, "<option value=\"alice\">Alice Carter (alice)</option>"));
}

TEST_F(LauncherTest, QueryStringPrefillsTheForm) {
  auto res = get("/ehr/launcher?app=growth&user=nurse.lee&patient=alice&launch_type=standalone"
                 "&display=window&simulate=fhir_401&intent=reconcile");
  const std::string& html = res.body();
  EXPECT_TRUE(has(html, "<option value=\"nurse.lee\" selected>"));
  EXPECT_TRUE(has(html, "<option value=\"alice\" selected>"));
  EXPECT_TRUE(has(input_with(html, "value=\"standalone\""), "checked"));
  EXPECT_TRUE(has(input_with(html, "value=\"window\""), "checked"));
  EXPECT_TRUE(has(input_with(html, "value=\"fhir_401\""), "checked"));
  EXPECT_TRUE(has(input_with(html, "name=\"intent\""), "value=\"reconcile\""));
}

TEST_F(LauncherTest, EhrLaunchStoresTheChosenContext) {
  auto res = submit({{"app", "growth"},
                     {"launch_type", "ehr"},
                     {"user", "dr.smith"},
                     {"patient", "alice"},
                     {"display", "window"},
                     {"intent", "reconcile"},
                     {"fhir_context", R"([{"reference":"Patient/alice"}])"},
                     {"simulate", "fhir_401"},
                     {"simulate", "token_invalid_client"}});
  ASSERT_EQ(res.result(), bhttp::status::ok) << res.body();
  const std::string& html = res.body();
  EXPECT_TRUE(has(html, "Ready to launch Growth Chart"));
  EXPECT_TRUE(has(html, "target=\"_blank\" rel=\"noopener\">Launch app</a>"));
  EXPECT_TRUE(has(html, "Alice Carter (alice)"));
  const std::string url = textarea_url(html);
  EXPECT_TRUE(url.starts_with("https://app.example/launch?iss=http%3A%2F%2Fehr.test%2Ffhir&launch="))
      << url;
  auto rec = launch_of(url);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->client_id, "growth");
  EXPECT_EQ(rec->username, "dr.smith");
  EXPECT_EQ(rec->patient_id, "alice");
  EXPECT_TRUE(rec->need_patient_banner);
  EXPECT_EQ(rec->intent, "reconcile");
  EXPECT_EQ(rec->simulate, "token_invalid_client fhir_401");
}

TEST_F(LauncherTest, OtherAppUsesTheTypedLaunchUrlOfARegisteredClient) {
  auto res = submit({{"app", ""},
                     {"launch_url", "http://localhost:9000/launch"},
                     {"client_id", "growth"},
                     {"launch_type", "ehr"},
                     {"user", ""},
                     {"patient", ""}});
  ASSERT_EQ(res.result(), bhttp::status::ok) << res.body();
  const std::string url = textarea_url(res.body());
  EXPECT_TRUE(url.starts_with("http://localhost:9000/launch?iss=")) << url;
  auto rec = launch_of(url);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->username, "");
  EXPECT_TRUE(has(res.body(), "Whoever signs in"));
}

TEST_F(LauncherTest, OtherAppMustBeRegistered) {
  auto res = submit({{"app", ""}, {"launch_url", "http://localhost:9000/launch"},
                     {"client_id", "unknown-app"}, {"launch_type", "ehr"}});
  EXPECT_EQ(res.result(), bhttp::status::bad_request);
  EXPECT_TRUE(has(res.body(), "No app is registered with client ID &apos;unknown-app&apos;"));
  // The form keeps what was typed.
  EXPECT_TRUE(has(res.body(), "value=\"http://localhost:9000/launch\""));
}

TEST_F(LauncherTest, LaunchErrorsAreShownOnTheForm) {
  auto res = submit({{"app", "growth"}, {"launch_type", "ehr"}, {"user", "dr.smith"},
                     {"patient", "nobody"}});
  EXPECT_EQ(res.result(), bhttp::status::bad_request);
  EXPECT_TRUE(has(res.body(), "role=\"alert\" id=\"launcher-error\">Unknown patient.</div>"));
}

TEST_F(LauncherTest, StandaloneLaunchHasOnlyIss) {
  auto res = submit({{"app", "growth"}, {"launch_type", "standalone"}, {"user", "dr.smith"}});
  ASSERT_EQ(res.result(), bhttp::status::ok) << res.body();
  EXPECT_EQ(textarea_url(res.body()), "https://app.example/launch?iss=http%3A%2F%2Fehr.test%2Ffhir");
  EXPECT_TRUE(has(ehr::testing::squash(res.body()), "picks a patient in the app's authorization step"));
}

TEST_F(LauncherTest, PostWithoutCsrfIsRefused) {
  auto res = post_launcher({{"app", "growth"}, {"launch_type", "ehr"}, {"csrf", "x"}});
  EXPECT_EQ(res.result(), bhttp::status::forbidden);
}

TEST_F(LauncherTest, DirectLaunchRedirectsToTheApp) {
  auto res = get("/ehr/launcher/launch?client_id=growth&user=dr.smith&patient=alice&embedded=0"
                 "&simulate=no_patient,fhir_401");
  ASSERT_EQ(res.result(), bhttp::status::see_other) << res.body();
  const std::string url(res[bhttp::field::location]);
  EXPECT_TRUE(url.starts_with("https://app.example/launch?iss=")) << url;
  auto rec = launch_of(url);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->username, "dr.smith");
  EXPECT_TRUE(rec->need_patient_banner);
  EXPECT_EQ(rec->patient_id, "");  // no_patient
  EXPECT_EQ(rec->simulate, "fhir_401 no_patient");
}

TEST_F(LauncherTest, DirectLaunchRejectsBadParameters) {
  for (const char* target : {
           "/ehr/launcher/launch?user=dr.smith",
           "/ehr/launcher/launch?client_id=growth",
           "/ehr/launcher/launch?client_id=growth&user=dr.smith&embedded=yes",
           "/ehr/launcher/launch?client_id=growth&user=dr.smith&simulate=crash",
           "/ehr/launcher/launch?client_id=growth&user=dr.smith&colour=red",
           "/ehr/launcher/launch?client_id=growth&client_id=x&user=dr.smith",
           "/ehr/launcher/launch?client_id=nope&user=dr.smith",
           "/ehr/launcher/launch?client_id=nightly&user=dr.smith",
           "/ehr/launcher/launch?client_id=growth&user=nobody",
       }) {
    auto res = get(target);
    EXPECT_EQ(res.result(), bhttp::status::bad_request) << target;
    EXPECT_TRUE(has(res.body(), "This launch link is not valid")) << target;
  }
}

TEST_F(LauncherTest, ProductionModeHasNoLauncher) {
  stop();
  start_launcher(false);
  EXPECT_EQ(get("/ehr/launcher").result(), bhttp::status::not_found);
  EXPECT_EQ(get("/ehr/launcher/launch?client_id=growth&user=dr.smith").result(),
            bhttp::status::not_found);
  EXPECT_EQ(post_launcher({{"app", "growth"}}).result(), bhttp::status::not_found);
}

}  // namespace
}  // namespace ember::portal
