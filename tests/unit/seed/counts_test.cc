// Counts, fixed ids and progress reporting.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "seed/directory.h"
#include "seed_test_support.h"

namespace ember::seed {
namespace {

std::map<std::string, std::size_t> count_by_type(const std::vector<testing::Put>& puts) {
  std::map<std::string, std::size_t> n;
  for (const auto& p : puts) ++n[p.type];
  return n;
}

TEST(SeedCounts, StatsMatchWhatWasPut) {
  testing::CollectingSink sink;
  const SeedStats stats = generate(SeedOptions{25, 5}, sink);
  EXPECT_EQ(stats.patients, 25u);
  EXPECT_EQ(stats.resources, sink.puts.size());
  EXPECT_EQ(count_by_type(sink.puts)["Patient"], 25u);
}

TEST(SeedCounts, PerPatientRecordsAreInTheirRanges) {
  const int n = 200;
  const auto puts = testing::run(n, 9);
  auto counts = count_by_type(puts);
  EXPECT_EQ(counts["Patient"], static_cast<std::size_t>(n));
  EXPECT_GE(counts["Encounter"], 2u * n);
  EXPECT_LE(counts["Encounter"], 6u * n);
  EXPECT_GE(counts["Condition"], 1u * n);
  EXPECT_LE(counts["Condition"], 4u * n);
  EXPECT_GE(counts["Observation"], counts["Encounter"] * 7 + n);  // vitals + smoking status
  // Allergies for roughly 40% of patients.
  std::set<std::string> with_allergy;
  for (const auto& p : puts) {
    if (p.type == "AllergyIntolerance") with_allergy.insert(p.id.substr(4, 6));
  }
  EXPECT_GT(with_allergy.size(), n * 25 / 100);
  EXPECT_LT(with_allergy.size(), n * 55 / 100);
  for (const char* type :
       {"DiagnosticReport", "MedicationRequest", "Immunization", "Procedure", "CarePlan", "Goal",
        "CareTeam", "DocumentReference", "Device", "Provenance", "Medication"}) {
    EXPECT_GT(counts[type], 0u) << type;
  }
}

TEST(SeedCounts, EveryTypeIsPresentEvenForOnePatient) {
  auto counts = count_by_type(testing::run(1));
  for (const char* type : {"Organization",
                           "Location",
                           "Practitioner",
                           "PractitionerRole",
                           "Medication",
                           "Patient",
                           "Encounter",
                           "Observation",
                           "DiagnosticReport",
                           "Condition",
                           "MedicationRequest",
                           "AllergyIntolerance",
                           "Immunization",
                           "Procedure",
                           "CarePlan",
                           "Goal",
                           "CareTeam",
                           "DocumentReference",
                           "Device",
                           "Provenance"}) {
    EXPECT_GT(counts[type], 0u) << type;
  }
}

TEST(SeedCounts, ZeroPatientsStillEmitsTheDirectory) {
  auto counts = count_by_type(testing::run(0));
  EXPECT_EQ(counts["Patient"], 0u);
  EXPECT_EQ(counts["Organization"], 2u);
  EXPECT_GT(counts["Practitioner"], 3u);
}

TEST(SeedCounts, FixedIdsArePresent) {
  std::set<std::string> ids;
  for (const auto& p : testing::run(3)) ids.insert(p.type + "/" + p.id);
  for (const std::string id :
       {"Patient/alice", "Practitioner/dr-smith", "Practitioner/dr-jones", "Practitioner/nurse-lee",
        "PractitionerRole/role-dr-smith", "Organization/org-hospital", "Organization/org-clinic",
        "Patient/p-000002", "Patient/p-000003", "Encounter/enc-000001-01",
        "Observation/obs-000002-0001"}) {
    EXPECT_TRUE(ids.contains(id)) << id;
  }
  EXPECT_EQ(std::string(kDrSmithPractitionerId), "dr-smith");
}

TEST(SeedCounts, DemoPractitionersHaveTheirNamesAndNpis) {
  for (const auto& p : testing::run(0)) {
    if (p.type != "Practitioner") continue;
    EXPECT_NE(p.json.find("http://hl7.org/fhir/sid/us-npi"), std::string::npos) << p.id;
    if (p.id == "dr-smith") {
      EXPECT_NE(p.json.find("\"family\":\"Smith\",\"given\":[\"Sarah\"]"), std::string::npos);
    }
    if (p.id == "dr-jones") {
      EXPECT_NE(p.json.find("\"family\":\"Jones\",\"given\":[\"Alan\"]"), std::string::npos);
    }
    if (p.id == "nurse-lee") {
      EXPECT_NE(p.json.find("\"family\":\"Lee\",\"given\":[\"Kim\"]"), std::string::npos);
      EXPECT_NE(p.json.find("\"RN\""), std::string::npos);
    }
  }
}

TEST(SeedProgress, ReportsAboutEveryPercentAndAtTheEnd) {
  testing::CollectingSink sink;
  std::vector<std::pair<int, int>> calls;
  generate(SeedOptions{250, 1}, sink,
           [&](int done, int total) { calls.emplace_back(done, total); });
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back(), std::make_pair(250, 250));
  EXPECT_GE(calls.size(), 100u);
  EXPECT_LE(calls.size(), 130u);
  for (std::size_t i = 1; i < calls.size(); ++i) EXPECT_GT(calls[i].first, calls[i - 1].first);
}

TEST(SeedProgress, EmptyCallbackIsAllowed) {
  testing::CollectingSink sink;
  EXPECT_EQ(generate(SeedOptions{2, 1}, sink).patients, 2u);
}

}  // namespace
}  // namespace ember::seed
