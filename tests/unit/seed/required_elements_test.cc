// FHIR R4 required elements (cardinality 1..*) and the elements the brief promises, per type.
// A key "a|b" is satisfied by either element (choice types such as medication[x]).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "json/exact.h"
#include "seed_test_support.h"

namespace ember::seed {
namespace {

namespace bj = boost::json;

const std::map<std::string, std::vector<std::string>> kRequired = {
    {"Organization", {"identifier", "active", "name", "address", "telecom"}},
    {"Location", {"status", "name", "address", "managingOrganization"}},
    {"Practitioner", {"identifier", "name", "qualification"}},
    {"PractitionerRole", {"practitioner", "organization", "code"}},
    {"Medication", {"code"}},
    {"Patient",
     {"identifier", "name", "gender", "birthDate", "address", "telecom", "managingOrganization",
      "generalPractitioner"}},
    {"Encounter",
     {"status", "class", "type", "subject", "participant", "period", "serviceProvider"}},
    {"Observation",
     {"status", "category", "code", "subject", "effectiveDateTime",
      "valueQuantity|valueCodeableConcept|component"}},
    {"DiagnosticReport",
     {"status", "category", "code", "subject", "effectiveDateTime", "issued", "result"}},
    {"Condition",
     {"clinicalStatus", "verificationStatus", "category", "code", "subject", "onsetDateTime"}},
    {"MedicationRequest",
     {"status", "intent", "medicationCodeableConcept|medicationReference", "subject", "authoredOn",
      "requester", "dosageInstruction"}},
    {"AllergyIntolerance",
     {"clinicalStatus", "verificationStatus", "type", "category", "criticality", "code", "patient",
      "reaction"}},
    {"Immunization", {"status", "vaccineCode", "patient", "occurrenceDateTime", "encounter"}},
    {"Procedure", {"status", "code", "subject", "encounter", "performedDateTime|performedPeriod"}},
    {"CarePlan", {"status", "intent", "subject", "category"}},
    {"Goal", {"lifecycleStatus", "description", "subject"}},
    {"CareTeam", {"status", "subject", "participant"}},
    {"DocumentReference", {"status", "type", "subject", "content"}},
    {"Device", {"status", "type", "patient"}},
    {"Provenance", {"target", "recorded", "agent"}},
};

bool has_any(const bj::object& o, const std::string& alternatives) {
  std::size_t from = 0;
  while (true) {
    const std::size_t bar = alternatives.find('|', from);
    if (o.contains(alternatives.substr(from, bar - from))) return true;
    if (bar == std::string::npos) return false;
    from = bar + 1;
  }
}

std::string first_code(const bj::value& concept_value, std::string_view* system = nullptr) {
  const auto& c = concept_value.at("coding").as_array()[0].as_object();
  if (system)
    *system =
        std::string_view(c.at("system").as_string().data(), c.at("system").as_string().size());
  return std::string(c.at("code").as_string().c_str());
}

class SeedRequiredElements : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    resources_ = new std::vector<bj::object>();
    for (const auto& p : testing::run(40, 21)) {
      resources_->push_back(json::parse_exact(p.json)->as_object());
    }
  }
  static void TearDownTestSuite() { delete resources_; }
  static std::vector<bj::object>* resources_;
};
std::vector<bj::object>* SeedRequiredElements::resources_ = nullptr;

TEST_F(SeedRequiredElements, EveryTypeCarriesItsRequiredElements) {
  std::map<std::string, int> seen;
  for (const auto& r : *resources_) {
    const std::string type(r.at("resourceType").as_string().c_str());
    auto it = kRequired.find(type);
    ASSERT_NE(it, kRequired.end()) << "unexpected type " << type;
    ++seen[type];
    for (const auto& key : it->second) {
      EXPECT_TRUE(has_any(r, key))
          << type << "/" << r.at("id").as_string().c_str() << " lacks " << key;
    }
  }
  for (const auto& [type, _] : kRequired) EXPECT_GT(seen[type], 0) << type;
}

TEST_F(SeedRequiredElements, ObservationsUseLoincAndUcum) {
  for (const auto& r : *resources_) {
    if (r.at("resourceType") != "Observation") continue;
    std::string_view system;
    first_code(r.at("code"), &system);
    EXPECT_EQ(system, "http://loinc.org");
    const std::string category = first_code(r.at("category").as_array()[0]);
    if (const auto* q = r.if_contains("valueQuantity")) {
      EXPECT_EQ(q->at("system"), "http://unitsofmeasure.org");
      EXPECT_TRUE(json::is_number(q->at("value")));
    }
    if (category == "laboratory") {
      EXPECT_TRUE(r.contains("referenceRange"));
      const std::string interpretation = first_code(r.at("interpretation").as_array()[0]);
      EXPECT_TRUE(interpretation == "H" || interpretation == "L" || interpretation == "N");
    } else if (category == "vital-signs") {
      EXPECT_TRUE(r.contains("encounter"));
      EXPECT_TRUE(r.contains("performer"));
    } else {
      EXPECT_EQ(category, "social-history");
      EXPECT_EQ(first_code(r.at("code")), "72166-2");
    }
  }
}

TEST_F(SeedRequiredElements, BloodPressureHasSystolicAndDiastolicComponents) {
  int panels = 0;
  for (const auto& r : *resources_) {
    if (r.at("resourceType") != "Observation" || first_code(r.at("code")) != "85354-9") continue;
    ++panels;
    const auto& components = r.at("component").as_array();
    ASSERT_EQ(components.size(), 2u);
    EXPECT_EQ(first_code(components[0].at("code")), "8480-6");
    EXPECT_EQ(first_code(components[1].at("code")), "8462-4");
    EXPECT_EQ(components[0].at("valueQuantity").at("code"), "mm[Hg]");
  }
  EXPECT_GT(panels, 40);
}

TEST_F(SeedRequiredElements, CodeSystemsMatchTheirResources) {
  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"Condition", {"code", "http://snomed.info/sct"}},
      {"Procedure", {"code", "http://snomed.info/sct"}},
      {"Immunization", {"vaccineCode", "http://hl7.org/fhir/sid/cvx"}},
      {"Medication", {"code", "http://www.nlm.nih.gov/research/umls/rxnorm"}},
      {"DiagnosticReport", {"code", "http://loinc.org"}},
  };
  for (const auto& r : *resources_) {
    const std::string type(r.at("resourceType").as_string().c_str());
    auto it = expected.find(type);
    if (it == expected.end()) continue;
    std::string_view system;
    first_code(r.at(it->second.first), &system);
    EXPECT_EQ(system, it->second.second) << type;
  }
}

TEST_F(SeedRequiredElements, StatusesAreFromTheirValueSets) {
  for (const auto& r : *resources_) {
    const auto type = r.at("resourceType").as_string();
    if (type == "Encounter") {
      EXPECT_TRUE(r.at("status") == "finished" || r.at("status") == "in-progress");
      if (r.at("status") == "finished") {
        EXPECT_TRUE(r.at("period").as_object().contains("end"));
      }
    } else if (type == "MedicationRequest") {
      EXPECT_TRUE(r.at("status") == "active" || r.at("status") == "completed");
      EXPECT_EQ(r.at("intent"), "order");
      EXPECT_TRUE(r.at("dosageInstruction").as_array()[0].as_object().contains("timing"));
      EXPECT_TRUE(r.at("dosageInstruction").as_array()[0].as_object().contains("text"));
    } else if (type == "Immunization") {
      EXPECT_EQ(r.at("status"), "completed");
    } else if (type == "DocumentReference") {
      const auto& a = r.at("content").as_array()[0].at("attachment").as_object();
      EXPECT_EQ(a.at("contentType"), "text/plain; charset=utf-8");
      EXPECT_FALSE(a.at("data").as_string().empty());
    }
  }
}

}  // namespace
}  // namespace ember::seed
