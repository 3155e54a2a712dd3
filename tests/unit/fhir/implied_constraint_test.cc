// implied_by_request (fhir/access.h): a patient token's compartment clause is left out of a
// search only when the request itself confines the results to that patient through the same
// elements; every other request keeps it.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fhir/access.h"
#include "fhir/search_params.h"
#include "fhir/search_parser.h"

namespace ember::fhir {
namespace {

// The compartment clause a patient token adds (as smart/policy.cc builds it).
store::Clause compartment(const std::string& type, const std::string& pid) {
  store::Clause c;
  for (std::string_view param : patient_compartment_params(type)) {
    store::Predicate p;
    p.param = std::string(param);
    p.type = store::ParamType::Reference;
    p.target_type = "Patient";
    p.target_id = pid;
    c.any_of.push_back(std::move(p));
  }
  return c;
}

bool implied(const std::string& type, const std::string& name, const std::string& value) {
  auto parsed = parse_search(type, {{name, value}}, SearchLimits{});
  EXPECT_TRUE(parsed) << name << "=" << value;
  if (!parsed) return false;
  return implied_by_request(type, compartment(type, "alice"), parsed->query.all_of);
}

TEST(ImpliedConstraint, AReferenceToThePatientThroughACompartmentElementImpliesIt) {
  EXPECT_TRUE(implied("Observation", "patient", "alice"));
  EXPECT_TRUE(implied("Observation", "patient", "Patient/alice"));
  EXPECT_TRUE(implied("Observation", "subject", "Patient/alice"));
  EXPECT_TRUE(implied("Observation", "performer", "Patient/alice"));
  EXPECT_TRUE(implied("Condition", "patient", "alice"));
  EXPECT_TRUE(implied("Encounter", "subject", "Patient/alice"));
}

TEST(ImpliedConstraint, AnythingElseKeepsTheConstraint) {
  EXPECT_FALSE(implied("Observation", "patient", "bob"));           // another patient
  EXPECT_FALSE(implied("Observation", "patient", "alice,bob"));     // any of two
  EXPECT_FALSE(implied("Observation", "subject", "alice"));         // no type: maybe a Group
  EXPECT_FALSE(implied("Observation", "subject", "Group/alice"));
  EXPECT_FALSE(implied("Observation", "focus", "Patient/alice"));   // not a compartment element
  EXPECT_FALSE(implied("Observation", "patient:missing", "false"));
  EXPECT_FALSE(implied("Observation", "subject",
                       "https://elsewhere.example/fhir/Patient/alice"));  // absolute URL
  EXPECT_FALSE(implied("Observation", "category", "laboratory"));
  EXPECT_FALSE(implied("Observation", "_id", "alice"));
}

TEST(ImpliedConstraint, OnlyACompartmentClauseCanBeImplied) {
  auto parsed = parse_search("Observation", {{"patient", "alice"}}, SearchLimits{});
  ASSERT_TRUE(parsed);
  store::Clause category;
  store::Predicate p;
  p.param = "category";
  p.type = store::ParamType::Token;
  p.code = "laboratory";
  category.any_of.push_back(p);
  EXPECT_FALSE(implied_by_request("Observation", category, parsed->query.all_of));
  EXPECT_FALSE(implied_by_request("Observation", store::Clause{}, parsed->query.all_of));
  // Two patients in one compartment clause: not a single patient's compartment.
  store::Clause mixed = compartment("Observation", "alice");
  mixed.any_of.back().target_id = "bob";
  EXPECT_FALSE(implied_by_request("Observation", mixed, parsed->query.all_of));
}

}  // namespace
}  // namespace ember::fhir
