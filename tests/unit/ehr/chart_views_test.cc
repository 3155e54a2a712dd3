#include <gtest/gtest.h>

#include "ehr/chart_views.h"
#include "ehr/portal_css.h"
#include "view_test_support.h"

namespace ember::ehr {
namespace {

using testing::count;
using testing::has;
using testing::input_with;
using testing::squash;

PortalShell clinician_shell() {
  PortalShell s;
  s.title = "Alice Carter";
  s.user_display = "Dr. Sarah Smith";
  s.practitioner = true;
  s.csrf = "sess-csrf";
  s.active = PortalSection::Chart;
  s.full_width = true;
  return s;
}

// ---- Sign-in --------------------------------------------------------------------------------

TEST(PortalSignInView, FormWithCsrfNextAndLabels) {
  PortalSignInView v;
  v.csrf = "pre-csrf";
  v.next = "/ehr/patients/alice";
  const auto html = render_portal_sign_in(PortalShell{}, v);
  EXPECT_TRUE(has(html, "<h1 id=\"signin-title\">Sign in to Ember EHR</h1>"));
  EXPECT_TRUE(has(html, "<form method=\"post\" action=\"/ehr/login\""));
  EXPECT_TRUE(has(input_with(html, "name=\"csrf\""), "value=\"pre-csrf\""));
  EXPECT_TRUE(has(input_with(html, "name=\"next\""), "value=\"/ehr/patients/alice\""));
  EXPECT_TRUE(has(html, "<label for=\"username\">Username</label>"));
  EXPECT_TRUE(has(html, "<label for=\"password\">Password</label>"));
  EXPECT_TRUE(has(html, ">Sign in</button>"));
  EXPECT_FALSE(has(html, "role=\"alert\""));
  EXPECT_FALSE(has(html, "Sandbox accounts"));
}

TEST(PortalSignInView, ErrorKeepsUsernameEscapedAndListsDemoAccounts) {
  PortalSignInView v;
  v.username = "dr.\"smith\"";
  v.error = "That username and password do not match.";
  v.demo_accounts = {{"dr.smith", "Dr. Sarah Smith (practitioner)"}};
  const auto html = render_portal_sign_in(PortalShell{}, v);
  EXPECT_TRUE(has(html, "role=\"alert\" id=\"sign-in-error\">That username and password do not match."));
  const auto user = input_with(html, "name=\"username\"");
  EXPECT_TRUE(has(user, "value=\"dr.&quot;smith&quot;\"")) << user;
  EXPECT_TRUE(has(user, "aria-invalid=\"true\"")) << user;
  EXPECT_TRUE(has(html, "Sandbox accounts"));
  EXPECT_TRUE(has(html, "<code>dr.smith</code> <span>Dr. Sarah Smith (practitioner)</span>"));
}

// ---- Patient list ---------------------------------------------------------------------------

TEST(PatientListView, TableWithLinksToCharts) {
  PatientListView v;
  v.patients = {{"alice", "Alice Carter", "1968-04-12", "female", "MRN-1"},
                {"p-2", "Bob <b>", "", "male", ""}};
  const auto html = squash(render_patient_list(clinician_shell(), v));
  EXPECT_TRUE(has(html, "<h1>Patients</h1>"));
  EXPECT_TRUE(has(html, "<label for=\"q\">Search patients</label>"));
  EXPECT_TRUE(has(html, "<form method=\"get\" action=\"/ehr/patients\""));
  EXPECT_TRUE(has(html, "<table class=\"data-table\" aria-label=\"Patients\">"));
  EXPECT_TRUE(has(html, "<a href=\"/ehr/patients/alice\">Alice Carter</a></th>"
                        "<td class=\"nowrap\">1968-04-12</td><td>Female</td>"
                        "<td class=\"nowrap mono\">MRN-1</td>"));
  EXPECT_TRUE(has(html, ">Bob &lt;b&gt;</a>"));
  EXPECT_FALSE(has(html, "Showing the first"));
}

TEST(PatientListView, EmptyStatesAndTruncation) {
  PatientListView v;
  v.query = "<zed>";
  auto html = render_patient_list(clinician_shell(), v);
  EXPECT_TRUE(has(html, "No patients match “&lt;zed&gt;”."));
  EXPECT_FALSE(has(html, "<table"));
  EXPECT_TRUE(has(input_with(html, "name=\"q\""), "value=\"&lt;zed&gt;\""));
  v.query.clear();
  EXPECT_TRUE(has(render_patient_list(clinician_shell(), v), "No patients on record yet."));
  v.patients = {{"a", "A", "", "", ""}};
  v.truncated = true;
  EXPECT_TRUE(has(render_patient_list(clinician_shell(), v), "Showing the first 1 patients."));
}

// ---- Chart ----------------------------------------------------------------------------------

ChartView alice_chart() {
  ChartView v;
  v.banner = {"alice", "Alice Carter", "1968-04-12", "58 y", "female", "MRN-1",
              {"Penicillin", "Peanut"}, "", "", ""};
  v.encounters = {{"enc-2", "2026-03-01", "Follow-up", "Finished", "Hypertension"},
                  {"enc-1", "2025-01-10", "Check-up", "Finished", ""}};
  v.problems = {{"Essential hypertension", "Active", "2024-05-01"}};
  v.medications = {{"Lisinopril 10 MG", "10 mg once daily", "Active", "2025-01-10"}};
  v.allergies = {{"Penicillin", "High", "Hives (moderate)"}};
  v.vitals = {{"Blood pressure", "128/82 mmHg", "2026-03-01"}, {"Body weight", "72.5 kg", "2026-03-01"}};
  v.trends = {{"Body weight", "kg", {"2025-01-10", "2026-03-01"}, {20098, 20513}, {{"Weight", {70.0, 72.5}}}}};
  v.labs = {{"Glucose", "130 mg/dL", "70–99 mg/dL", "High", true, "2026-03-01"},
            {"Sodium", "140 mmol/L", "136–145 mmol/L", "Normal", false, "2026-03-01"}};
  v.apps = {{"app-1", "Sample App", ""}, {"app-2", "Growth <Chart>", "https://example.org/logo.png"}};
  v.csrf = "sess-csrf";
  return v;
}

TEST(ChartView, BannerShowsIdentityAndAllergies) {
  const auto html = squash(render_chart(clinician_shell(), alice_chart()));
  EXPECT_TRUE(has(html, "<section class=\"patient-banner\" aria-label=\"Patient banner\">"));
  EXPECT_TRUE(has(html, "<h1 class=\"banner-name\">Alice Carter</h1>"));
  EXPECT_TRUE(has(html, "<dt>Born</dt><dd>1968-04-12 (58 y)</dd>"));
  EXPECT_TRUE(has(html, "<dt>Gender</dt><dd>Female</dd>"));
  EXPECT_TRUE(has(html, "<dt>MRN</dt><dd>MRN-1</dd>"));
  EXPECT_TRUE(has(html, "<strong>Allergies:</strong> Penicillin, Peanut"));
  EXPECT_FALSE(has(html, "No known allergies"));
  EXPECT_FALSE(has(html, "Close encounter"));
}

TEST(ChartView, NoKnownAllergies) {
  auto v = alice_chart();
  v.banner.allergies.clear();
  v.allergies.clear();
  const auto html = render_chart(clinician_shell(), v);
  EXPECT_TRUE(has(html, "<p class=\"banner-flag banner-nka\">No known allergies</p>"));
  EXPECT_TRUE(has(html, "No known allergies."));  // the Allergies panel
}

TEST(ChartView, PanelsEachHaveAHeading) {
  const auto html = render_chart(clinician_shell(), alice_chart());
  for (const char* h : {"Encounters", "Problems", "Medications", "Allergies", "Vital signs",
                        "Lab results", "Apps"}) {
    EXPECT_TRUE(has(html, std::string(">") + h + "</h2>")) << h;
  }
  EXPECT_TRUE(has(html, "<td>Essential hypertension</td><td>Active</td>"));
  EXPECT_TRUE(has(html, "<td>Lisinopril 10 MG</td><td>10 mg once daily</td><td>Active</td>"));
  EXPECT_TRUE(has(html, "<td>Penicillin</td><td>High</td><td>Hives (moderate)</td>"));
  EXPECT_TRUE(has(html, "<th scope=\"row\">Blood pressure</th><td class=\"nowrap\">128/82 mmHg</td>"));
  EXPECT_TRUE(has(html, "<tr class=\"row-abnormal\"><td>Glucose</td>"));
  EXPECT_TRUE(has(html, "<tr><td>Sodium</td>"));
}

TEST(ChartView, EncounterRowsOpenTheEncounter) {
  auto v = alice_chart();
  auto html = squash(render_chart(clinician_shell(), v));
  EXPECT_EQ(count(html, ">Open encounter</a>"), 2u);
  EXPECT_TRUE(has(html, "<a href=\"/ehr/patients/alice?encounter=enc-2\">Open encounter</a>"));
  EXPECT_FALSE(has(html, "row-current"));

  v.banner.encounter_id = "enc-2";
  v.banner.encounter_type = "Follow-up";
  v.banner.encounter_date = "2026-03-01";
  html = squash(render_chart(clinician_shell(), v));
  EXPECT_TRUE(has(html, "Encounter: Follow-up, 2026-03-01 <a href=\"/ehr/patients/alice\">Close encounter</a>"));
  EXPECT_TRUE(has(html, "<tr class=\"row-current\">"));
  EXPECT_TRUE(has(html, "<a href=\"/ehr/patients/alice?encounter=enc-2\" aria-current=\"true\">Open encounter</a>"));
  EXPECT_EQ(count(html, "aria-current=\"true\">Open encounter"), 1u);
}

TEST(ChartView, AppsPanelHasOneLaunchFormPerApp) {
  auto v = alice_chart();
  v.banner.encounter_id = "enc-2";
  const auto html = squash(render_chart(clinician_shell(), v));
  EXPECT_TRUE(has(html, "<section class=\"panel apps-panel\" aria-labelledby=\"apps-title\"> <h2 id=\"apps-title\">Apps</h2>"));
  EXPECT_EQ(count(html, "<form method=\"post\" action=\"/ehr/launch\">"), 2u);
  EXPECT_EQ(count(html, "name=\"csrf\" value=\"sess-csrf\""), 2u + 1u);  // + the Sign out form
  EXPECT_EQ(count(html, "name=\"patient\" value=\"alice\""), 2u);
  EXPECT_EQ(count(html, "name=\"encounter\" value=\"enc-2\""), 2u);
  EXPECT_TRUE(has(html, "name=\"client_id\" value=\"app-1\""));
  EXPECT_EQ(count(html, "name=\"view\" value=\"frame\""), 2u);
  EXPECT_TRUE(has(html, "<span class=\"app-logo app-logo-none\" aria-hidden=\"true\">S</span><span>Launch Sample App</span></button>"));
  EXPECT_TRUE(has(html, "<img src=\"https://example.org/logo.png\" alt=\"\" width=\"28\" height=\"28\" class=\"app-logo\"><span>Launch Growth &lt;Chart&gt;</span>"));
  EXPECT_FALSE(has(html, "target=\"_blank\""));
  // The mode toggle keeps the open encounter; the frame mode is current.
  EXPECT_TRUE(has(html, "<a href=\"/ehr/patients/alice?encounter=enc-2\" aria-current=\"true\">In the chart</a>"));
  EXPECT_TRUE(has(html, "<a href=\"/ehr/patients/alice?encounter=enc-2&amp;view=window\">In a new window</a>"));
}

TEST(ChartView, WindowModeTargetsANewWindow) {
  auto v = alice_chart();
  v.window_mode = true;
  const auto html = squash(render_chart(clinician_shell(), v));
  EXPECT_EQ(count(html, "action=\"/ehr/launch\" target=\"_blank\" rel=\"noopener\""), 2u);
  EXPECT_EQ(count(html, "name=\"view\" value=\"window\""), 2u);
  EXPECT_FALSE(has(html, "name=\"encounter\""));
  EXPECT_TRUE(has(html, "<a href=\"/ehr/patients/alice?view=window\" aria-current=\"true\">In a new window</a>"));
  EXPECT_TRUE(has(html, "<a href=\"/ehr/patients/alice\">In the chart</a>"));
  EXPECT_TRUE(has(html, "<a href=\"/ehr/patients/alice?encounter=enc-2&amp;view=window\">Open encounter</a>"));
}

TEST(ChartView, NoAppsAndEmptyPanelsSaySo) {
  ChartView v;
  v.banner.id = "x";
  v.banner.name = "X";
  const auto html = render_chart(clinician_shell(), v);
  EXPECT_TRUE(has(html, "No apps with a launch URL are registered."));
  EXPECT_TRUE(has(html, "No encounters on record."));
  EXPECT_TRUE(has(html, "No problems recorded."));
  EXPECT_TRUE(has(html, "No medications on record."));
  EXPECT_TRUE(has(html, "No vital signs recorded."));
  EXPECT_TRUE(has(html, "No lab results on record."));
  EXPECT_TRUE(has(html, "<dt>Born</dt><dd>Unknown</dd>"));
}

TEST(ChartView, NothingInlineForTheCsp) {
  const auto html = render_chart(clinician_shell(), alice_chart());
  EXPECT_FALSE(has(html, "style="));
  EXPECT_FALSE(has(html, "<script"));
  // No event-handler attributes (onclick=…) anywhere.
  for (auto pos = html.find(" on"); pos != std::string::npos; pos = html.find(" on", pos + 1)) {
    auto end = pos + 3;
    while (end < html.size() && html[end] >= 'a' && html[end] <= 'z') ++end;
    EXPECT_NE(html[end], '=') << html.substr(pos, 20);
  }
  EXPECT_TRUE(has(html, "<svg"));
}

// ---- Trend chart ----------------------------------------------------------------------------

TEST(TrendSvg, LabelledImageWithPresentationAttributesOnly) {
  VitalTrend t{"Body weight", "kg", {"2025-01-10", "2025-07-10", "2026-01-10"},
               {20098, 20279, 20463}, {{"Weight", {70.0, 71.0, 72.5}}}};
  const auto svg = render_trend_svg(t);
  EXPECT_TRUE(has(svg, "role=\"img\""));
  EXPECT_TRUE(has(svg, "aria-label=\"Body weight over time: 3 measurements from 2025-01-10 to "
                       "2026-01-10, latest 72.5 kg.\""));
  EXPECT_FALSE(has(svg, "style"));
  EXPECT_TRUE(has(svg, "stroke=\"#c2410c\""));
  EXPECT_TRUE(has(svg, "fill=\"none\""));
  EXPECT_EQ(count(svg, "<circle"), 3u);
  // x spans the plot from the first to the last date; the highest value is nearest the top.
  EXPECT_TRUE(has(svg, "points=\"38.0,"));
  EXPECT_TRUE(has(svg, " 330.0,"));
  EXPECT_TRUE(has(svg, ">72.5</text>"));
  EXPECT_TRUE(has(svg, ">70</text>"));
}

TEST(TrendSvg, TwoSeriesGetTwoLinesAndALegend) {
  VitalTrend t{"Blood pressure", "mmHg", {"2025-01-10", "2026-01-10"}, {20098, 20463},
               {{"Systolic", {130, 124}}, {"Diastolic", {85, 80}}}};
  const auto svg = render_trend_svg(t);
  EXPECT_EQ(count(svg, "<polyline"), 2u);
  EXPECT_TRUE(has(svg, "latest Systolic 124 mmHg, Diastolic 80 mmHg."));
  EXPECT_TRUE(has(svg, "stroke=\"#1d4ed8\""));
  EXPECT_TRUE(has(svg, "</svg> Systolic</span>"));
}

TEST(TrendSvg, EmptyAndFlatTrends) {
  EXPECT_EQ(render_trend_svg(VitalTrend{"W", "kg", {}, {}, {{"W", {}}}}), "");
  VitalTrend flat{"W", "kg", {"2025-01-01", "2025-01-01"}, {20089, 20089}, {{"W", {70, 70}}}};
  const auto svg = render_trend_svg(flat);
  EXPECT_EQ(count(svg, "<line"), 1u);  // one grid line when every value is the same
  EXPECT_TRUE(has(svg, "cx=\"184.0\""));  // same day: the point sits in the middle
}

// ---- App frame ------------------------------------------------------------------------------

TEST(AppFrameView, BannerThenTheAppInANamedFrame) {
  AppFrameView v;
  v.banner = alice_chart().banner;
  v.banner.encounter_id = "enc-2";
  v.app_name = "Sample App";
  v.launch_url = "https://app.example/launch?iss=https%3A%2F%2Fehr%2Ffhir&launch=abc";
  const auto html = squash(render_app_frame(clinician_shell(), v));
  EXPECT_TRUE(has(html, "aria-label=\"Patient banner\""));
  EXPECT_TRUE(has(html, "<iframe name=\"app-frame\" title=\"Sample App\" "
                        "src=\"https://app.example/launch?iss=https%3A%2F%2Fehr%2Ffhir&amp;launch=abc\" "
                        "class=\"app-frame\"></iframe>"));
  EXPECT_FALSE(has(html, "sandbox"));
  EXPECT_TRUE(has(html, "<a class=\"btn btn-quiet\" href=\"/ehr/patients/alice?encounter=enc-2\">Close Sample App</a>"));
  EXPECT_LT(html.find("Patient banner"), html.find("<iframe"));
}

TEST(ChartHref, EncodesIdsAndKeepsTheMode) {
  EXPECT_EQ(chart_href("alice", "", false), "/ehr/patients/alice");
  EXPECT_EQ(chart_href("alice", "enc-1", true), "/ehr/patients/alice?encounter=enc-1&view=window");
  EXPECT_EQ(chart_href("a b", "e&1", false), "/ehr/patients/a%20b?encounter=e%261");
}

TEST(ChartCss, DefinesThePortalClasses) {
  for (const char* cls : {".portal-card", ".patient-banner", ".data-table", ".app-frame",
                          ".apps-panel", ".trend-svg"}) {
    EXPECT_TRUE(has(css::kChart, cls)) << cls;
  }
}

}  // namespace
}  // namespace ember::ehr
