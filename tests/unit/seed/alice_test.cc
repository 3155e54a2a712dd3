// Alice Carter is the demo patient: fixed demographics and a full chart whatever the seed.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "json/exact.h"
#include "seed_test_support.h"

namespace ember::seed {
namespace {

namespace bj = boost::json;

struct Chart {
  bj::object patient;
  std::map<std::string, std::vector<bj::object>> by_type;
};

bool mentions_alice(const bj::value& v) {
  bool found = false;
  testing::for_each_reference(v, [&](std::string_view ref) { found |= ref == "Patient/alice"; });
  return found;
}

Chart alice_chart(std::uint64_t seed) {
  Chart chart;
  for (const auto& p : testing::run(3, seed)) {
    auto v = json::parse_exact(p.json);
    if (!v) continue;
    if (p.type == "Patient" && p.id == kAlicePatientId) chart.patient = v->as_object();
    if (mentions_alice(*v)) chart.by_type[p.type].push_back(v->as_object());
  }
  return chart;
}

std::size_t with_category(const std::vector<bj::object>& observations, std::string_view code) {
  std::size_t n = 0;
  for (const auto& o : observations) {
    if (o.at("category").as_array()[0].at("coding").as_array()[0].at("code").as_string() == code) {
      ++n;
    }
  }
  return n;
}

TEST(SeedAlice, IsTheFirstPatientWithFixedDemographics) {
  const auto puts = testing::run(2);
  const auto first =
      std::find_if(puts.begin(), puts.end(), [](const auto& p) { return p.type == "Patient"; });
  ASSERT_NE(first, puts.end());
  EXPECT_EQ(first->id, kAlicePatientId);

  const Chart chart = alice_chart(1);
  const auto& p = chart.patient;
  EXPECT_EQ(p.at("name").as_array()[0].at("family").as_string(), "Carter");
  EXPECT_EQ(p.at("name").as_array()[0].at("given").as_array()[0].as_string(), "Alice");
  EXPECT_EQ(p.at("gender").as_string(), "female");
  EXPECT_EQ(p.at("birthDate").as_string(), "1987-04-12");
  const auto& mrn = p.at("identifier").as_array()[0].as_object();
  EXPECT_EQ(mrn.at("system").as_string(), "http://hospital.example.org/mrn");
  EXPECT_EQ(mrn.at("value").as_string(), "MRN-000001");
  EXPECT_EQ(mrn.at("type").at("coding").as_array()[0].at("system").as_string(),
            "http://terminology.hl7.org/CodeSystem/v2-0203");
  EXPECT_EQ(mrn.at("type").at("coding").as_array()[0].at("code").as_string(), "MR");
  EXPECT_EQ(p.at("generalPractitioner").as_array()[0].at("reference").as_string(),
            "Practitioner/dr-smith");
}

class SeedAliceChart : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(SeedAliceChart, HasEveryKindOfRecordWhateverTheSeed) {
  const Chart chart = alice_chart(GetParam());
  auto count = [&](const std::string& type) {
    auto it = chart.by_type.find(type);
    return it == chart.by_type.end() ? 0u : it->second.size();
  };
  EXPECT_GE(count("Encounter"), 2u);
  EXPECT_GE(with_category(chart.by_type.at("Observation"), "laboratory"), 1u);
  EXPECT_GE(with_category(chart.by_type.at("Observation"), "vital-signs"), 7u);
  EXPECT_GE(count("Condition"), 1u);
  EXPECT_GE(count("MedicationRequest"), 1u);
  EXPECT_GE(count("AllergyIntolerance"), 1u);
  EXPECT_GE(count("Immunization"), 1u);
  for (const char* type : {"DiagnosticReport", "Procedure", "CarePlan", "Goal", "CareTeam",
                           "DocumentReference", "Device"}) {
    EXPECT_GE(count(type), 1u) << type;
  }
  // Alice's first allergy is penicillin; her first prescription points at a Medication.
  EXPECT_EQ(
      chart.by_type.at("AllergyIntolerance")[0].at("code").at("coding").as_array()[0].at("code"),
      "764146007");
  EXPECT_TRUE(chart.by_type.at("MedicationRequest")[0].contains("medicationReference"));
}

INSTANTIATE_TEST_SUITE_P(Seeds, SeedAliceChart, ::testing::Values(1u, 2u, 42u, 1234567u, 0u));

}  // namespace
}  // namespace ember::seed
