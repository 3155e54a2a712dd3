#include "portal/chart_model.h"

#include <gtest/gtest.h>

#include "json/exact.h"

namespace ember::portal {
namespace {

bj::object parse(std::string_view text) {
  auto v = json::parse_exact(text);
  EXPECT_TRUE(v && v->is_object()) << text;
  return v && v->is_object() ? v->get_object() : bj::object{};
}

constexpr std::chrono::year_month_day kToday{std::chrono::year{2026}, std::chrono::month{3},
                                             std::chrono::day{15}};

TEST(ChartModel, PatientRowAndBannerFromSeedShape) {
  const auto p = parse(R"({"resourceType":"Patient","id":"alice",
    "identifier":[{"use":"usual","type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},
                   "system":"urn:oid:ember:mrn","value":"100001"}],
    "name":[{"use":"official","family":"Carter","given":["Alice","May"]}],
    "gender":"female","birthDate":"1968-04-12"})");
  const auto row = patient_row("alice", p);
  EXPECT_EQ(row.id, "alice");
  EXPECT_EQ(row.name, "Alice May Carter");
  EXPECT_EQ(row.birth_date, "1968-04-12");
  EXPECT_EQ(row.gender, "female");
  EXPECT_EQ(row.mrn, "100001");
  const auto b = patient_banner("alice", p, kToday);
  EXPECT_EQ(b.age, "57 y");
  EXPECT_TRUE(b.allergies.empty());
  EXPECT_TRUE(b.encounter_id.empty());
}

TEST(ChartModel, NamesAndMrnsTolerateOtherShapes) {
  EXPECT_EQ(human_name(parse(R"({"name":[{"text":"Dr. Who"}]})")), "Dr. Who");
  EXPECT_EQ(human_name(parse(R"({"name":[]})")), "(no name)");
  EXPECT_EQ(human_name(parse(R"({"name":"oops"})")), "(no name)");
  EXPECT_EQ(mrn_of(parse(R"({"identifier":[{"system":"urn:ssn","value":"1"},{"system":"http://x/mrn","value":"M2"}]})")),
            "M2");
  EXPECT_EQ(mrn_of(parse(R"({"identifier":[{"system":"urn:ssn","value":"1"}]})")), "");
}

struct AgeCase {
  const char* birth;
  const char* age;
};

TEST(ChartModel, AgeInYearsOrMonths) {
  const AgeCase cases[] = {
      {"1968-04-12", "57 y"}, {"1968-03-15", "58 y"}, {"1968-03-16", "57 y"},
      {"2025-01-15", "14 mo"}, {"2024-03-16", "23 mo"}, {"2024-03-15", "2 y"},
      {"2026-03-15", "0 mo"}, {"2026-04-01", ""},       {"1968", ""},
      {"1968-02-30", ""},      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(age_text(c.birth, kToday), c.age) << c.birth;
}

TEST(ChartModel, DayNumbers) {
  std::int64_t d = 0;
  ASSERT_TRUE(day_number("1970-01-02", d));
  EXPECT_EQ(d, 1);
  ASSERT_TRUE(day_number("2026-03-15T09:30:00-05:00", d));
  EXPECT_EQ(d, 20527);
  EXPECT_FALSE(day_number("2026-3-15", d));
  EXPECT_FALSE(day_number("2026-13-01", d));
}

TEST(ChartModel, EncounterRow) {
  const auto e = parse(R"({"resourceType":"Encounter","id":"enc-1","status":"in-progress",
    "class":{"code":"AMB","display":"ambulatory"},
    "type":[{"coding":[{"system":"http://snomed.info/sct","code":"185349003","display":"Encounter for check up"}],"text":"Check-up"}],
    "period":{"start":"2026-03-01T09:30:00Z"},
    "reasonCode":[{"coding":[{"display":"Hypertension"}]},{"text":"Headache"}]})");
  const auto r = encounter_row("enc-1", e);
  EXPECT_EQ(r.id, "enc-1");
  EXPECT_EQ(r.date, "2026-03-01");
  EXPECT_EQ(r.type, "Check-up");
  EXPECT_EQ(r.status, "In progress");
  EXPECT_EQ(r.reason, "Hypertension; Headache");
  EXPECT_EQ(encounter_row("e", parse(R"({"class":{"display":"ambulatory"}})")).type, "ambulatory");
  EXPECT_EQ(encounter_row("e", parse("{}")).type, "Encounter");
}

TEST(ChartModel, ProblemAndMedicationRows) {
  const auto c = parse(R"({"resourceType":"Condition",
    "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active","display":"Active"}]},
    "code":{"coding":[{"system":"http://snomed.info/sct","code":"59621000","display":"Essential hypertension"}],"text":"Essential hypertension"},
    "onsetDateTime":"2024-05-01"})");
  const auto p = problem_row(c);
  EXPECT_EQ(p.name, "Essential hypertension");
  EXPECT_EQ(p.clinical_status, "Active");
  EXPECT_EQ(p.onset, "2024-05-01");

  const auto m = medication_row(parse(R"({"resourceType":"MedicationRequest","status":"active",
    "medicationReference":{"reference":"Medication/lisinopril","display":"Lisinopril 10 MG Oral Tablet"},
    "authoredOn":"2025-01-10T10:00:00Z","dosageInstruction":[{"text":"1 tablet once daily"}]})"));
  EXPECT_EQ(m.medication, "Lisinopril 10 MG Oral Tablet");
  EXPECT_EQ(m.dosage, "1 tablet once daily");
  EXPECT_EQ(m.status, "Active");
  EXPECT_EQ(m.authored, "2025-01-10");
  EXPECT_EQ(medication_row(parse(R"({"medicationCodeableConcept":{"coding":[{"code":"123"}]}})")).medication,
            "123");
}

TEST(ChartModel, AllergyRowAndActiveFlag) {
  const auto a = parse(R"({"resourceType":"AllergyIntolerance",
    "clinicalStatus":{"coding":[{"code":"active"}]},"verificationStatus":{"coding":[{"code":"confirmed"}]},
    "criticality":"high","code":{"coding":[{"display":"Penicillin"}],"text":"Penicillin"},
    "reaction":[{"manifestation":[{"text":"Hives"},{"text":"Itching"}],"severity":"moderate"}]})");
  const auto r = allergy_row(a);
  EXPECT_EQ(r.substance, "Penicillin");
  EXPECT_EQ(r.criticality, "High");
  EXPECT_EQ(r.reaction, "Hives, Itching (moderate)");
  EXPECT_TRUE(allergy_is_active(a));
  EXPECT_TRUE(allergy_is_active(parse(R"({"code":{"text":"Nuts"}})")));
  EXPECT_FALSE(allergy_is_active(parse(R"({"clinicalStatus":{"coding":[{"code":"resolved"}]}})")));
  EXPECT_FALSE(allergy_is_active(parse(R"({"verificationStatus":{"coding":[{"code":"refuted"}]}})")));
}

TEST(ChartModel, LabRowKeepsExactValuesAndFlagsAbnormal) {
  const auto o = parse(R"({"resourceType":"Observation","status":"final",
    "code":{"coding":[{"system":"http://loinc.org","code":"2160-0","display":"Creatinine"}],"text":"Creatinine"},
    "effectiveDateTime":"2026-03-01T09:50:00Z",
    "valueQuantity":{"value":1.50,"unit":"mg/dL","system":"http://unitsofmeasure.org","code":"mg/dL"},
    "interpretation":[{"coding":[{"code":"H","display":"High"}]}],
    "referenceRange":[{"low":{"value":0.60,"unit":"mg/dL"},"high":{"value":1.20,"unit":"mg/dL"}}]})");
  const auto r = lab_row(o);
  EXPECT_EQ(r.test, "Creatinine");
  EXPECT_EQ(r.value, "1.50 mg/dL");
  EXPECT_EQ(r.range, "0.60–1.20 mg/dL");
  EXPECT_EQ(r.interpretation, "High");
  EXPECT_TRUE(r.abnormal);
  EXPECT_EQ(r.date, "2026-03-01");

  const auto n = lab_row(parse(R"({"code":{"text":"Culture"},"valueString":"No growth",
    "issued":"2026-02-01T00:00:00Z","referenceRange":[{"text":"negative"}],
    "interpretation":[{"coding":[{"code":"N","display":"Normal"}]}]})"));
  EXPECT_EQ(n.value, "No growth");
  EXPECT_EQ(n.range, "negative");
  EXPECT_FALSE(n.abnormal);
  EXPECT_EQ(n.date, "2026-02-01");
  EXPECT_EQ(lab_row(parse(R"({"referenceRange":[{"high":{"value":5}}]})")).range, "≤ 5");
}

std::string vital(std::string_view code, std::string_view value, std::string_view unit,
                  std::string_view date) {
  return std::string(R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":")") +
         std::string(code) + R"("}]},"effectiveDateTime":")" + std::string(date) +
         R"(","valueQuantity":{"value":)" + std::string(value) + R"(,"unit":")" +
         std::string(unit) + R"("}})";
}

std::string bp(int sys, int dia, std::string_view date) {
  return R"({"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"85354-9","display":"Blood pressure panel"}]},"effectiveDateTime":")" +
         std::string(date) +
         R"(","component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":)" +
         std::to_string(sys) +
         R"(,"unit":"mm[Hg]"}},{"code":{"coding":[{"system":"http://loinc.org","code":"8462-4"}]},"valueQuantity":{"value":)" +
         std::to_string(dia) + R"(,"unit":"mm[Hg]"}}]})";
}

TEST(ChartModel, VitalsLatestPerKindInClinicalOrderAndTrends) {
  // Newest first, as the store returns them.
  const std::vector<bj::object> obs = {
      parse(vital("29463-7", "72.50", "kg", "2026-03-01T09:35:00Z")),
      parse(bp(128, 82, "2026-03-01T09:35:00Z")),
      parse(vital("8867-4", "71", "/min", "2026-03-01T09:35:00Z")),
      parse(vital("8310-5", "36.8", "Cel", "2026-03-01T09:35:00Z")),
      parse(vital("29463-7", "70.0", "kg", "2025-01-10T09:35:00Z")),
      parse(bp(135, 88, "2025-01-10T09:35:00Z")),
      parse(vital("8867-4", "80", "/min", "2025-01-10T09:35:00Z")),
      parse(vital("9999-9", "5", "x", "2025-01-10T09:35:00Z")),
  };
  const auto s = summarize_vitals(obs);
  ASSERT_EQ(s.latest.size(), 5u);
  EXPECT_EQ(s.latest[0].kind, "Blood pressure");
  EXPECT_EQ(s.latest[0].value, "128/82 mmHg");
  EXPECT_EQ(s.latest[0].date, "2026-03-01");
  EXPECT_EQ(s.latest[1].kind, "Heart rate");
  EXPECT_EQ(s.latest[1].value, "71/min");
  EXPECT_EQ(s.latest[2].kind, "Body temperature");
  EXPECT_EQ(s.latest[2].value, "36.8 °C");
  EXPECT_EQ(s.latest[3].kind, "Body weight");
  EXPECT_EQ(s.latest[3].value, "72.50 kg");
  EXPECT_EQ(s.latest[4].kind, "9999-9");  // unknown kinds come last, named by their code

  ASSERT_EQ(s.trends.size(), 2u);
  const auto& bp_trend = s.trends[0];
  EXPECT_EQ(bp_trend.title, "Blood pressure");
  EXPECT_EQ(bp_trend.dates, (std::vector<std::string>{"2025-01-10", "2026-03-01"}));
  ASSERT_EQ(bp_trend.series.size(), 2u);
  EXPECT_EQ(bp_trend.series[0].values, (std::vector<double>{135, 128}));
  EXPECT_EQ(bp_trend.series[1].values, (std::vector<double>{88, 82}));
  const auto& weight = s.trends[1];
  EXPECT_EQ(weight.title, "Body weight");
  EXPECT_EQ(weight.series[0].values, (std::vector<double>{70.0, 72.5}));
  EXPECT_EQ(weight.days.size(), 2u);
}

TEST(ChartModel, OneMeasurementMakesNoTrend) {
  const auto s = summarize_vitals({parse(vital("29463-7", "72.5", "kg", "2026-03-01"))});
  EXPECT_EQ(s.latest.size(), 1u);
  EXPECT_TRUE(s.trends.empty());
  EXPECT_TRUE(summarize_vitals({}).latest.empty());
}

TEST(ChartModel, SnomedSemanticTagsAreLeftOut) {
  EXPECT_EQ(without_semantic_tag("Urticaria (disorder)"), "Urticaria");
  EXPECT_EQ(without_semantic_tag("Encounter for check up (procedure)"), "Encounter for check up");
  EXPECT_EQ(without_semantic_tag("Oral route (qualifier value)"), "Oral route");
  EXPECT_EQ(without_semantic_tag("Vitamin D (25-OH)"), "Vitamin D (25-OH)");  // not a tag
  EXPECT_EQ(without_semantic_tag(" (disorder)"), " (disorder)");  // nothing would be left
  const bj::value substance = parse(R"j({"coding":[{"display":"Penicillin (substance)"}]})j");
  EXPECT_EQ(concept_text(&substance), "Penicillin");
  const auto a = allergy_row(parse(R"j({"code":{"text":"Aspirin (substance)"},
    "reaction":[{"manifestation":[{"coding":[{"display":"Nausea (finding)"}]}],"severity":"mild"}]})j"));
  EXPECT_EQ(a.substance, "Aspirin");
  EXPECT_EQ(a.reaction, "Nausea (mild)");
}

TEST(ChartModel, PercentUnitsHugTheirNumbers) {
  const auto r = lab_row(parse(R"({"code":{"text":"HbA1c"},"valueQuantity":{"value":6.0,"unit":"%"},
    "referenceRange":[{"low":{"value":4.0,"unit":"%"},"high":{"value":5.6,"unit":"%"}}]})"));
  EXPECT_EQ(r.value, "6.0%");
  EXPECT_EQ(r.range, "4.0–5.6%");
}

TEST(ChartModel, DisplayUnits) {
  EXPECT_EQ(display_unit("Cel"), "°C");
  EXPECT_EQ(display_unit("mm[Hg]"), "mmHg");
  EXPECT_EQ(display_unit("kg/m2"), "kg/m²");
  EXPECT_EQ(display_unit("mg/dL"), "mg/dL");
}

}  // namespace
}  // namespace ember::portal
