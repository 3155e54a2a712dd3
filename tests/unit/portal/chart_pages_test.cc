// The portal's sign-in, patient list, chart and EHR launch handlers, end to end over in-memory
// stores: real sessions, CSRF and launch contexts from the authorization server; requests go
// through the router like the server's.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "../ehr/view_test_support.h"
#include "core/clock.h"
#include "core/random.h"
#include "fhir/ingest.h"
#include "json/exact.h"
#include "oauth/auth_server.h"
#include "oauth/signing_keys.h"
#include "portal/portal.h"

namespace ember::portal {
namespace {

namespace bhttp = boost::beast::http;
using ehr::testing::has;

constexpr std::string_view kBase = "http://ehr.test";

// The value attribute of the first hidden input named `name`.
std::string hidden_value(std::string_view html, std::string_view name) {
  const std::string marker = "name=\"" + std::string(name) + "\" value=\"";
  const auto pos = html.find(marker);
  if (pos == std::string_view::npos) return "";
  const auto start = pos + marker.size();
  return std::string(html.substr(start, html.find('"', start) - start));
}

// Everything the portal needs, created once: password hashing makes sign-ins slow-ish.
struct World {
  ManualClock clock{1773568800000};  // 2026-03-15T10:00:00Z
  std::unique_ptr<Random> random = make_system_random();
  std::unique_ptr<store::ResourceStore> resources;
  std::unique_ptr<store::AuthStore> auth;
  std::unique_ptr<oauth::SigningKeys> keys;
  std::unique_ptr<oauth::AuthServer> server;
  std::unique_ptr<Portal> portal;
  http::Router router;

  World() {
    resources = std::move(*store::open_store({":memory:", &clock}));
    auth = std::move(*store::open_auth_store({":memory:", &clock}));
    oauth::ensure_demo_users(*auth, *random);
    keys = std::move(*oauth::open_signing_keys(*auth, clock));
    oauth::AuthOptions opt;
    opt.base_url = std::string(kBase);
    server = oauth::AuthServer::create(*auth, *resources, *keys, clock, *random, opt);
    portal = std::make_unique<Portal>(
        Portal{*server, *auth, *resources, clock, *random, PortalOptions{true, std::string(kBase)}});
    mount_sign_in(router, *portal);
    mount_chart(router, *portal);

    put("Patient", "alice", R"({"resourceType":"Patient","name":[{"family":"Carter","given":["Alice"]}],
      "identifier":[{"type":{"coding":[{"code":"MR"}]},"value":"100001"}],
      "gender":"female","birthDate":"1968-04-12"})");
    put("Patient", "p-2", R"({"resourceType":"Patient","name":[{"family":"Adams","given":["Bob"]}],
      "gender":"male","birthDate":"2024-12-01"})");
    put("Encounter", "enc-1", R"({"resourceType":"Encounter","status":"finished",
      "class":{"code":"AMB"},"type":[{"text":"Check-up"}],"subject":{"reference":"Patient/alice"},
      "period":{"start":"2025-01-10T09:00:00Z","end":"2025-01-10T09:30:00Z"}})");
    put("Encounter", "enc-2", R"({"resourceType":"Encounter","status":"finished",
      "class":{"code":"AMB"},"type":[{"text":"Follow-up visit"}],"subject":{"reference":"Patient/alice"},
      "period":{"start":"2026-03-01T09:00:00Z","end":"2026-03-01T09:30:00Z"}})");
    put("Encounter", "enc-bob", R"({"resourceType":"Encounter","status":"finished",
      "class":{"code":"AMB"},"subject":{"reference":"Patient/p-2"}})");
    put("AllergyIntolerance", "alg-1", R"({"resourceType":"AllergyIntolerance",
      "clinicalStatus":{"coding":[{"code":"active"}]},"code":{"text":"Penicillin"},
      "criticality":"high","patient":{"reference":"Patient/alice"}})");
    put("Condition", "cond-1", R"({"resourceType":"Condition","code":{"text":"Essential hypertension"},
      "clinicalStatus":{"coding":[{"code":"active","display":"Active"}]},
      "subject":{"reference":"Patient/alice"},"onsetDateTime":"2024-05-01"})");
    put("MedicationRequest", "mrx-1", R"({"resourceType":"MedicationRequest","status":"active",
      "intent":"order","medicationCodeableConcept":{"text":"Lisinopril 10 MG"},
      "subject":{"reference":"Patient/alice"},"authoredOn":"2025-01-10",
      "dosageInstruction":[{"text":"Once daily"}]})");
    int n = 0;
    for (const auto& [date, kg] : {std::pair{"2025-01-10", "70.0"}, {"2026-03-01", "72.5"}}) {
      put("Observation", "obs-w" + std::to_string(++n),
          std::string(R"({"resourceType":"Observation","status":"final",
        "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
        "code":{"coding":[{"system":"http://loinc.org","code":"29463-7","display":"Body weight"}]},
        "subject":{"reference":"Patient/alice"},"effectiveDateTime":")") + date +
              R"(","valueQuantity":{"value":)" + kg + R"(,"unit":"kg"}})");
    }
    put("Observation", "obs-lab", R"({"resourceType":"Observation","status":"final",
      "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
      "code":{"text":"Glucose"},"subject":{"reference":"Patient/alice"},
      "effectiveDateTime":"2026-03-01T09:20:00Z","valueQuantity":{"value":130,"unit":"mg/dL"},
      "interpretation":[{"coding":[{"code":"H","display":"High"}]}]})");

    store::ClientRecord app;
    app.client_id = "sample-app";
    app.name = "Sample App";
    app.redirect_uris = {"https://app.example/callback"};
    app.launch_url = "https://app.example/launch";
    app.allowed_scopes = "launch openid fhirUser patient/*.rs";
    (void)auth->put_client(app);
    store::ClientRecord backend;
    backend.client_id = "bulk";
    backend.name = "Bulk Exporter";
    backend.type = store::ClientType::Backend;
    backend.launch_url = "https://bulk.example/launch";
    (void)auth->put_client(backend);
  }

  void put(const std::string& type, const std::string& id, const std::string& text) {
    auto doc = json::parse_exact(text);
    ASSERT_TRUE(doc && doc->is_object()) << text;
    std::vector<store::WriteOp> ops;
    ops.push_back(fhir::make_put(type, id, doc->get_object()));
    ASSERT_TRUE(resources->write(std::move(ops))) << type << "/" << id;
  }
};

// A browser: keeps cookies between requests.
class Browser {
 public:
  explicit Browser(World& w) : w_(w) {}

  http::Response get(const std::string& target) { return send(bhttp::verb::get, target, ""); }
  http::Response post(const std::string& target, const std::string& body) {
    return send(bhttp::verb::post, target, body);
  }

  // Signs in through the sign-in page; returns the final response of the POST.
  http::Response sign_in(const std::string& user, const std::string& password = "demo",
                         const std::string& next = "") {
    auto page = get("/ehr/login");
    const std::string csrf = hidden_value(page.body(), "csrf");
    return post("/ehr/login", "csrf=" + csrf + "&username=" + user + "&password=" + password +
                                  "&next=" + http::percent_encode(next));
  }

  bool has_cookie(const std::string& name) const { return jar_.contains(name); }

 private:
  http::Response send(bhttp::verb verb, const std::string& target, const std::string& body) {
    http::Request req{verb, target, 11};
    req.set(bhttp::field::host, "ehr.test");
    std::string cookie;
    for (const auto& [k, v] : jar_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    if (!cookie.empty()) req.set(bhttp::field::cookie, cookie);
    if (verb == bhttp::verb::post) {
      req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
      req.body() = body;
      req.prepare_payload();
    }
    http::RequestContext ctx;
    auto res = w_.router(req, ctx);
    const auto [first, last] = res.equal_range(bhttp::field::set_cookie);
    for (auto it = first; it != last; ++it) {
      const std::string v(it->value());
      const std::string pair = v.substr(0, v.find(';'));
      const auto eq = pair.find('=');
      const std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
      if (value.empty() || has(v, "Max-Age=0")) {
        jar_.erase(name);
      } else {
        jar_[name] = value;
      }
    }
    return res;
  }

  World& w_;
  std::map<std::string, std::string> jar_;
};

std::string location(const http::Response& res) {
  return std::string(res[bhttp::field::location]);
}

class PortalPages : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { world_ = new World(); }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  static World* world_;
  World& w() { return *world_; }
};
World* PortalPages::world_ = nullptr;

// ---- Sign-in --------------------------------------------------------------------------------

TEST_F(PortalPages, HomeSendsEachPersonWhereTheyWork) {
  Browser anon(w());
  auto res = anon.get("/ehr");
  EXPECT_EQ(res.result_int(), 303);
  EXPECT_EQ(location(res), "/ehr/login");

  Browser doctor(w());
  res = doctor.sign_in("dr.smith");
  ASSERT_EQ(res.result_int(), 303);
  EXPECT_EQ(location(res), "/ehr");
  EXPECT_EQ(location(doctor.get("/ehr")), "/ehr/patients");

  Browser patient(w());
  ASSERT_EQ(patient.sign_in("alice").result_int(), 303);
  EXPECT_EQ(location(patient.get("/ehr")), "/ehr/patients/alice");
}

TEST_F(PortalPages, SignInPageHasCsrfAndDemoAccounts) {
  Browser b(w());
  auto res = b.get("/ehr/login?next=%2Fehr%2Fpatients%2Falice");
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_TRUE(has(res.body(), "Sign in to Ember EHR"));
  EXPECT_TRUE(b.has_cookie("ember_csrf"));
  EXPECT_FALSE(hidden_value(res.body(), "csrf").empty());
  EXPECT_EQ(hidden_value(res.body(), "next"), "/ehr/patients/alice");
  EXPECT_TRUE(has(res.body(), "<code>dr.smith</code>"));
  EXPECT_TRUE(has(std::string(res["Content-Security-Policy"]), "default-src 'none'"));
}

TEST_F(PortalPages, WrongPasswordIsA401WithTheUsernameKept) {
  Browser b(w());
  auto res = b.sign_in("dr.smith", "nope");
  EXPECT_EQ(res.result_int(), 401);
  EXPECT_TRUE(has(res.body(), "That username and password do not match."));
  EXPECT_TRUE(has(res.body(), "value=\"dr.smith\""));
  EXPECT_FALSE(b.has_cookie("ember_session"));
}

TEST_F(PortalPages, SignInWithoutCsrfIsRefused) {
  Browser b(w());
  auto res = b.post("/ehr/login", "csrf=forged&username=dr.smith&password=demo");
  EXPECT_EQ(res.result_int(), 403);
  EXPECT_FALSE(b.has_cookie("ember_session"));
}

TEST_F(PortalPages, SignInGoesToNextOnlyWhenLocal) {
  Browser b(w());
  auto res = b.sign_in("dr.smith", "demo", "/ehr/patients/alice?view=window");
  EXPECT_EQ(location(res), "/ehr/patients/alice?view=window");
  EXPECT_TRUE(b.has_cookie("ember_session"));
  Browser evil(w());
  EXPECT_EQ(location(evil.sign_in("dr.smith", "demo", "//evil.example/ehr")), "/ehr");
  Browser evil2(w());
  EXPECT_EQ(location(evil2.sign_in("dr.smith", "demo", "https://evil.example/")), "/ehr");
}

TEST_F(PortalPages, SignedInLoginPageGoesHomeAndSignOutEndsTheSession) {
  Browser b(w());
  b.sign_in("dr.smith");
  EXPECT_EQ(location(b.get("/ehr/login")), "/ehr");
  auto list = b.get("/ehr/patients");
  const std::string csrf = hidden_value(list.body(), "csrf");  // the Sign out form's
  ASSERT_FALSE(csrf.empty());
  EXPECT_EQ(b.post("/ehr/logout", "csrf=wrong").result_int(), 403);
  auto res = b.post("/ehr/logout", "csrf=" + csrf);
  EXPECT_EQ(res.result_int(), 303);
  EXPECT_EQ(location(res), "/ehr/login");
  EXPECT_FALSE(b.has_cookie("ember_session"));
  EXPECT_EQ(location(b.get("/ehr")), "/ehr/login");
}

// ---- Patient list ---------------------------------------------------------------------------

TEST_F(PortalPages, PatientListForPractitionersSortedByFamilyName) {
  Browser b(w());
  b.sign_in("nurse.lee");
  auto res = b.get("/ehr/patients");
  ASSERT_EQ(res.result_int(), 200);
  const auto& html = res.body();
  EXPECT_TRUE(has(html, "<h1>Patients</h1>"));
  const auto bob = html.find(">Bob Adams</a>"), alice = html.find(">Alice Carter</a>");
  ASSERT_NE(bob, std::string::npos);
  ASSERT_NE(alice, std::string::npos);
  EXPECT_LT(bob, alice);  // Adams before Carter
  EXPECT_TRUE(has(html, "href=\"/ehr/patients/alice\""));

  res = b.get("/ehr/patients?q=carter");
  EXPECT_TRUE(has(res.body(), ">Alice Carter</a>"));
  EXPECT_FALSE(has(res.body(), ">Bob Adams</a>"));
  res = b.get("/ehr/patients?q=100001");  // the MRN
  EXPECT_TRUE(has(res.body(), ">Alice Carter</a>"));
  res = b.get("/ehr/patients?q=zzz");
  EXPECT_TRUE(has(res.body(), "No patients match"));
}

TEST_F(PortalPages, PatientListIsNotForPatientsNorAnonymous) {
  Browser anon(w());
  auto res = anon.get("/ehr/patients");
  EXPECT_EQ(res.result_int(), 303);
  EXPECT_EQ(location(res), "/ehr/login?next=%2Fehr%2Fpatients");
  Browser patient(w());
  patient.sign_in("alice");
  EXPECT_EQ(patient.get("/ehr/patients").result_int(), 403);
}

// ---- Chart ----------------------------------------------------------------------------------

TEST_F(PortalPages, ChartShowsBannerPanelsAndApps) {
  Browser b(w());
  b.sign_in("dr.smith");
  auto res = b.get("/ehr/patients/alice");
  ASSERT_EQ(res.result_int(), 200);
  const auto& html = res.body();
  EXPECT_TRUE(has(html, "aria-label=\"Patient banner\""));
  EXPECT_TRUE(has(html, "<h1 class=\"banner-name\">Alice Carter</h1>"));
  EXPECT_TRUE(has(html, "1968-04-12 (57 y)"));
  EXPECT_TRUE(has(html, "<strong>Allergies:</strong> Penicillin"));
  EXPECT_TRUE(has(html, "Follow-up visit"));
  EXPECT_LT(html.find("Follow-up visit"), html.find("Check-up"));  // newest first
  EXPECT_TRUE(has(html, "href=\"/ehr/patients/alice?encounter=enc-2\">Open encounter</a>"));
  EXPECT_TRUE(has(html, "<td>Essential hypertension</td>"));
  EXPECT_TRUE(has(html, "<td>Lisinopril 10 MG</td><td>Once daily</td>"));
  EXPECT_TRUE(has(html, "72.5 kg"));
  EXPECT_TRUE(has(html, "role=\"img\" aria-label=\"Body weight over time: 2 measurements"));
  EXPECT_TRUE(has(html, "<tr class=\"row-abnormal\"><td>Glucose</td>"));
  EXPECT_TRUE(has(html, "<span>Launch Sample App</span>"));
  EXPECT_FALSE(has(html, "Bulk Exporter"));  // backend services cannot be launched
}

TEST_F(PortalPages, ChartWithAnOpenEncounter) {
  Browser b(w());
  b.sign_in("dr.smith");
  auto res = b.get("/ehr/patients/alice?encounter=enc-2");
  ASSERT_EQ(res.result_int(), 200);
  EXPECT_TRUE(has(res.body(), "Encounter: Follow-up visit, 2026-03-01"));
  EXPECT_TRUE(has(res.body(), "name=\"encounter\" value=\"enc-2\""));
  EXPECT_EQ(b.get("/ehr/patients/alice?encounter=enc-bob").result_int(), 404);
  EXPECT_EQ(b.get("/ehr/patients/alice?encounter=nope").result_int(), 404);
}

TEST_F(PortalPages, ChartAccessRules) {
  Browser anon(w());
  auto res = anon.get("/ehr/patients/alice");
  EXPECT_EQ(res.result_int(), 303);
  EXPECT_EQ(location(res), "/ehr/login?next=%2Fehr%2Fpatients%2Falice");

  Browser doctor(w());
  doctor.sign_in("dr.jones");
  EXPECT_EQ(doctor.get("/ehr/patients/p-2").result_int(), 200);
  EXPECT_EQ(doctor.get("/ehr/patients/nobody").result_int(), 404);
  EXPECT_EQ(doctor.get("/ehr/patients/bad%20id").result_int(), 404);
  EXPECT_EQ(doctor.get("/ehr/patients/alice/extra").result_int(), 404);

  Browser patient(w());
  patient.sign_in("alice");
  EXPECT_EQ(patient.get("/ehr/patients/alice").result_int(), 200);
  EXPECT_EQ(patient.get("/ehr/patients/p-2").result_int(), 403);
}

// ---- Launch ---------------------------------------------------------------------------------

TEST_F(PortalPages, LaunchInTheChartFrame) {
  Browser b(w());
  b.sign_in("dr.smith");
  auto chart = b.get("/ehr/patients/alice?encounter=enc-2");
  const std::string csrf = hidden_value(chart.body(), "csrf");
  auto res = b.post("/ehr/launch", "csrf=" + csrf +
                                       "&patient=alice&encounter=enc-2&client_id=sample-app&view=frame");
  ASSERT_EQ(res.result_int(), 200) << res.body();
  const auto& html = res.body();
  EXPECT_TRUE(has(html, "aria-label=\"Patient banner\""));
  EXPECT_TRUE(has(html, "<iframe name=\"app-frame\" title=\"Sample App\" "
                        "src=\"https://app.example/launch?iss="));
  EXPECT_TRUE(has(html, "&amp;launch="));
  EXPECT_TRUE(has(html, "href=\"/ehr/patients/alice?encounter=enc-2\">Close Sample App</a>"));
}

TEST_F(PortalPages, LaunchInANewWindowRedirectsToTheApp) {
  Browser b(w());
  b.sign_in("dr.smith");
  const std::string csrf = hidden_value(b.get("/ehr/patients/alice").body(), "csrf");
  auto res =
      b.post("/ehr/launch", "csrf=" + csrf + "&patient=alice&client_id=sample-app&view=window");
  EXPECT_EQ(res.result_int(), 303);
  EXPECT_TRUE(location(res).starts_with("https://app.example/launch?iss=")) << location(res);
}

TEST_F(PortalPages, LaunchRefusals) {
  Browser b(w());
  b.sign_in("dr.smith");
  const std::string csrf = hidden_value(b.get("/ehr/patients/alice").body(), "csrf");
  EXPECT_EQ(b.post("/ehr/launch", "csrf=bad&patient=alice&client_id=sample-app").result_int(), 403);
  auto res = b.post("/ehr/launch", "csrf=" + csrf + "&patient=alice&client_id=unknown");
  EXPECT_EQ(res.result_int(), 400);
  EXPECT_TRUE(has(res.body(), "That app is not registered."));
  EXPECT_EQ(b.post("/ehr/launch", "csrf=" + csrf + "&patient=alice&client_id=bulk").result_int(),
            400);
  EXPECT_EQ(b.post("/ehr/launch", "csrf=" + csrf + "&patient=nobody&client_id=sample-app")
                .result_int(),
            404);

  Browser patient(w());
  patient.sign_in("alice");
  const std::string pcsrf = hidden_value(patient.get("/ehr/patients/alice").body(), "csrf");
  EXPECT_EQ(patient.post("/ehr/launch", "csrf=" + pcsrf + "&patient=p-2&client_id=sample-app")
                .result_int(),
            403);
  EXPECT_EQ(patient.post("/ehr/launch", "csrf=" + pcsrf + "&patient=alice&client_id=sample-app")
                .result_int(),
            200);
}

}  // namespace
}  // namespace ember::portal
