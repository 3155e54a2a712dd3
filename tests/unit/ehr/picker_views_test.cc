#include <gtest/gtest.h>

#include "ehr/views.h"
#include "view_test_support.h"

namespace ember::ehr {
namespace {

using testing::count;
using testing::has;
using testing::input_with;
using testing::squash;

PatientPickerView patients() {
  PatientPickerView v;
  v.form = {"/oauth/authorize/patient", "txn-1", "csrf-1"};
  v.app_name = "Growth Chart";
  v.user_display = "Dr. Sarah Smith";
  v.search_action = "/oauth/authorize/patient";
  v.patients = {{"p1", "Alice Jones", "1970-01-02", "female", "MRN-001"},
                {"p2", "Bob <b>Bold</b>", "", "", ""}};
  return v;
}

TEST(PatientPickerView, HeadingSearchFormAndHiddenFields) {
  auto v = patients();
  v.query = "al\"ice";
  const auto html = render_patient_picker(v);
  EXPECT_TRUE(has(html, "<h1>Choose a patient</h1>"));
  EXPECT_TRUE(has(html, "<form method=\"get\" action=\"/oauth/authorize/patient\""));
  EXPECT_TRUE(has(html, "<label for=\"q\">Search patients</label>"));
  const auto q = input_with(html, "name=\"q\"");
  EXPECT_TRUE(has(q, "id=\"q\"")) << q;
  EXPECT_TRUE(has(q, "value=\"al&quot;ice\"")) << q;
  // txn travels in the GET search form and in the POST form; csrf only in the POST form.
  EXPECT_EQ(count(html, "name=\"txn\" value=\"txn-1\""), 2u);
  EXPECT_EQ(count(html, "name=\"csrf\" value=\"csrf-1\""), 1u);
  EXPECT_TRUE(has(html, "<form method=\"post\" action=\"/oauth/authorize/patient\">"));
}

TEST(PatientPickerView, OneSubmitButtonPerPatientStartingWithTheName) {
  const auto html = squash(render_patient_picker(patients()));
  EXPECT_TRUE(has(html, "<ul class=\"choices\" aria-label=\"Patients\">"));
  EXPECT_EQ(count(html, "name=\"patient\""), 2u);
  EXPECT_TRUE(has(html,
                  "<button type=\"submit\" name=\"patient\" value=\"p1\" class=\"choice\"> "
                  "<span class=\"choice-title\">Alice Jones</span> <span class=\"choice-meta\">"
                  "<span>Born 1970-01-02</span> <span>Female</span> <span>MRN MRN-001</span>"));
  EXPECT_TRUE(has(html,
                  "<span class=\"choice-title\">Bob &lt;b&gt;Bold&lt;/b&gt;</span> "
                  "<span class=\"choice-meta\"></span>"));
  EXPECT_TRUE(has(html, "Signed in as <strong>Dr. Sarah Smith</strong>"));
  EXPECT_TRUE(has(html, "<strong>Growth Chart</strong> will open with the patient you choose."));
}

TEST(PatientPickerView, EmptyResultSaysSo) {
  auto v = patients();
  v.patients.clear();
  EXPECT_TRUE(has(render_patient_picker(v), "No patients found."));
  v.query = "<zed>";
  const auto html = render_patient_picker(v);
  EXPECT_TRUE(has(html, "No patients match “&lt;zed&gt;”."));
  EXPECT_FALSE(has(html, "name=\"patient\""));
}

EncounterPickerView encounters() {
  EncounterPickerView v;
  v.form = {"/oauth/authorize/encounter", "txn-2", "csrf-2"};
  v.app_name = "Growth Chart";
  v.patient_display = "Alice Jones";
  v.encounters = {{"e1", "2026-10-14", "Office visit", "finished"},
                  {"e2", "2026-11-02", "Emergency & <urgent>", "in-progress"}};
  return v;
}

TEST(EncounterPickerView, HeadingListAndButtons) {
  const auto html = squash(render_encounter_picker(encounters()));
  EXPECT_TRUE(has(html, "<h1>Choose an encounter</h1>"));
  EXPECT_TRUE(has(html, "<form method=\"post\" action=\"/oauth/authorize/encounter\">"));
  EXPECT_TRUE(has(html, "name=\"txn\" value=\"txn-2\""));
  EXPECT_TRUE(has(html, "name=\"csrf\" value=\"csrf-2\""));
  EXPECT_TRUE(has(html, "<ul class=\"choices\" aria-label=\"Encounters\">"));
  EXPECT_EQ(count(html, "name=\"encounter\""), 2u);
  EXPECT_TRUE(has(html, "name=\"encounter\" value=\"e1\""));
  EXPECT_TRUE(has(html,
                  "<span class=\"choice-date\">2026-10-14</span> "
                  "<span class=\"choice-title\">Office visit</span> "
                  "<span class=\"status\">finished</span>"));
  EXPECT_TRUE(has(html, "Emergency &amp; &lt;urgent&gt;"));
  EXPECT_TRUE(has(html,
                  "Visits of <strong>Alice Jones</strong>. <strong>Growth Chart</strong> "
                  "will open in the encounter you choose."));
}

TEST(EncounterPickerView, EmptyListSaysSo) {
  auto v = encounters();
  v.encounters.clear();
  const auto html = render_encounter_picker(v);
  EXPECT_TRUE(has(html, "No encounters on record for this patient."));
  EXPECT_FALSE(has(html, "aria-label=\"Encounters\""));
}

}  // namespace
}  // namespace ember::ehr
