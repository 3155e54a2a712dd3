// The generated R4 search-parameter registry and Patient compartment (tools/gen-fhir-defs.mjs).
#include "fhir/search_params.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "fhir/search_path_datatype.h"

namespace ember::fhir {
namespace {

using store::ParamType;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

struct ParamCase {
  std::string resource;
  std::string code;
  ParamType type;
  std::vector<std::string> paths;  // "path" or "path@RefType"
};

void PrintTo(const ParamCase& c, std::ostream* os) {
  *os << c.resource << "." << c.code;
}

std::vector<std::string> paths_of(const SearchParamDef& def) {
  std::vector<std::string> out;
  for (const SearchPath& p : def.paths) {
    out.push_back(std::string(p.path) + (p.ref_type.empty() ? "" : "@" + std::string(p.ref_type)));
  }
  return out;
}

class KnownParams : public ::testing::TestWithParam<ParamCase> {};

TEST_P(KnownParams, HaveTypeAndPaths) {
  const ParamCase& c = GetParam();
  const SearchParamDef* def = find_search_param(c.resource, c.code);
  ASSERT_NE(def, nullptr) << c.resource << "." << c.code;
  EXPECT_EQ(def->type, c.type);
  EXPECT_THAT(paths_of(*def), UnorderedElementsAreArray(c.paths)) << c.resource << "." << c.code;
}

INSTANTIATE_TEST_SUITE_P(
    R4, KnownParams,
    ::testing::Values(
        ParamCase{"Observation", "patient", ParamType::Reference, {"subject@Patient"}},
        ParamCase{"Observation", "subject", ParamType::Reference, {"subject"}},
        ParamCase{"Observation", "value-quantity", ParamType::Quantity, {"valueQuantity"}},
        ParamCase{"Observation", "code", ParamType::Token, {"code"}},
        ParamCase{"Observation", "category", ParamType::Token, {"category"}},
        ParamCase{"Observation",
                  "date",
                  ParamType::Date,
                  {"effectiveDateTime", "effectivePeriod", "effectiveTiming", "effectiveInstant"}},
        ParamCase{"Observation",
                  "value-string",
                  ParamType::String,
                  {"valueString", "valueCodeableConcept.text"}},
        ParamCase{"Observation",
                  "component-value-quantity",
                  ParamType::Quantity,
                  {"component.valueQuantity"}},
        ParamCase{"Observation", "code-value-quantity", ParamType::Composite, {}},
        ParamCase{"Patient", "name", ParamType::String, {"name"}},
        ParamCase{"Patient", "family", ParamType::String, {"name.family"}},
        ParamCase{"Patient", "birthdate", ParamType::Date, {"birthDate"}},
        ParamCase{"Patient", "deceased", ParamType::Token, {"deceasedBoolean"}},
        ParamCase{"Patient", "email", ParamType::Token, {"telecom"}},
        ParamCase{"Patient", "organization", ParamType::Reference, {"managingOrganization"}},
        ParamCase{"Encounter", "date", ParamType::Date, {"period"}},
        ParamCase{"Encounter",
                  "practitioner",
                  ParamType::Reference,
                  {"participant.individual@Practitioner"}},
        ParamCase{"Condition", "onset-date", ParamType::Date, {"onsetDateTime", "onsetPeriod"}},
        ParamCase{"Condition", "onset-age", ParamType::Quantity, {"onsetAge"}},
        ParamCase{"MedicationRequest", "code", ParamType::Token, {"medicationCodeableConcept"}},
        ParamCase{"MedicationRequest", "medication", ParamType::Reference, {"medicationReference"}},
        ParamCase{"AllergyIntolerance", "code", ParamType::Token, {"code", "reaction.substance"}},
        ParamCase{"Practitioner", "name", ParamType::String, {"name"}},
        ParamCase{"PractitionerRole", "practitioner", ParamType::Reference, {"practitioner"}},
        ParamCase{"Organization", "name", ParamType::String, {"name", "alias"}},
        ParamCase{"Location", "address-city", ParamType::String, {"address.city"}},
        ParamCase{"Location", "near", ParamType::Special, {}},
        ParamCase{"Immunization", "date", ParamType::Date, {"occurrenceDateTime"}},
        ParamCase{"DocumentReference", "patient", ParamType::Reference, {"subject@Patient"}},
        ParamCase{"InsurancePlan", "name", ParamType::String, {"name", "alias"}},
        // Common parameters (R4 §3.1.1.2), known for every type.
        ParamCase{"Patient", "_id", ParamType::Token, {"id"}},
        ParamCase{"Observation", "_lastUpdated", ParamType::Date, {"meta.lastUpdated"}},
        ParamCase{"Condition", "_tag", ParamType::Token, {"meta.tag"}},
        ParamCase{"Device", "_profile", ParamType::Uri, {"meta.profile"}},
        ParamCase{"Goal", "_text", ParamType::String, {}}));

TEST(SearchParams, PathDatatypes) {
  const SearchParamDef* name = find_search_param("Patient", "name");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(path_datatype(name->paths[0]), "HumanName");
  const SearchParamDef* date = find_search_param("Encounter", "date");
  ASSERT_NE(date, nullptr);
  EXPECT_EQ(path_datatype(date->paths[0]), "Period");
  const SearchParamDef* telecom = find_search_param("Patient", "telecom");
  ASSERT_NE(telecom, nullptr);
  EXPECT_EQ(path_datatype(telecom->paths[0]), "ContactPoint");
  SearchPath foreign{"name", ""};
  EXPECT_EQ(path_datatype(foreign), "");
}

TEST(SearchParams, ReferenceTargets) {
  const SearchParamDef* def = find_search_param("Observation", "subject");
  ASSERT_NE(def, nullptr);
  EXPECT_THAT(def->targets, Contains("Patient"));
  EXPECT_THAT(def->targets, Contains("Group"));
  const SearchParamDef* patient = find_search_param("Observation", "patient");
  ASSERT_NE(patient, nullptr);
  EXPECT_THAT(patient->targets, ElementsAre("Patient"));
}

TEST(SearchParams, UnknownIsNull) {
  EXPECT_EQ(find_search_param("Observation", "no-such-param"), nullptr);
  EXPECT_EQ(find_search_param("NoSuchType", "code"), nullptr);
  EXPECT_EQ(find_search_param("NoSuchType", "_id"), nullptr);
  EXPECT_EQ(find_search_param("Observation", "_nope"), nullptr);
  EXPECT_EQ(find_search_param("observation", "code"), nullptr);  // type names are case-sensitive
}

TEST(SearchParams, ParamsForTypeExcludeCommonOnes) {
  std::vector<std::string> codes;
  for (const SearchParamDef& d : search_params_for("Patient")) {
    EXPECT_EQ(d.resource, "Patient");
    codes.emplace_back(d.code);
  }
  EXPECT_THAT(codes, Contains("birthdate"));
  EXPECT_THAT(codes, Contains("general-practitioner"));
  EXPECT_THAT(codes, ::testing::Not(Contains("_id")));
  EXPECT_THAT(search_params_for("NoSuchType"), IsEmpty());
}

TEST(SearchParams, EveryRequiredTypeHasParameters) {
  for (std::string_view type : {"Patient",
                                "Practitioner",
                                "PractitionerRole",
                                "Organization",
                                "Location",
                                "Encounter",
                                "Observation",
                                "Condition",
                                "AllergyIntolerance",
                                "MedicationRequest",
                                "Medication",
                                "Immunization",
                                "Procedure",
                                "DiagnosticReport",
                                "DocumentReference",
                                "CarePlan",
                                "CareTeam",
                                "Goal",
                                "Device",
                                "Provenance"}) {
    EXPECT_TRUE(is_resource_type(type)) << type;
    EXPECT_FALSE(search_params_for(type).empty()) << type;
  }
}

TEST(SearchParams, ResourceTypes) {
  auto types = resource_types();
  EXPECT_EQ(types.size(), 146u);  // FHIR R4 4.0.1
  EXPECT_TRUE(std::is_sorted(types.begin(), types.end()));
  EXPECT_TRUE(is_resource_type("Bundle"));
  EXPECT_TRUE(is_resource_type("Parameters"));
  EXPECT_FALSE(is_resource_type("Resource"));
  EXPECT_FALSE(is_resource_type("DomainResource"));
  EXPECT_FALSE(is_resource_type("SubscriptionStatus"));  // R4B, not R4
  EXPECT_FALSE(is_resource_type("HumanName"));
  EXPECT_FALSE(is_resource_type(""));
}

struct CompartmentCase {
  std::string resource;
  std::vector<std::string> params;
};

void PrintTo(const CompartmentCase& c, std::ostream* os) {
  *os << c.resource;
}

class Compartment : public ::testing::TestWithParam<CompartmentCase> {};

TEST_P(Compartment, ParamsMatchCompartmentDefinition) {
  std::vector<std::string> got;
  for (std::string_view p : patient_compartment_params(GetParam().resource)) got.emplace_back(p);
  EXPECT_THAT(got, UnorderedElementsAreArray(GetParam().params)) << GetParam().resource;
}

INSTANTIATE_TEST_SUITE_P(
    R4Patient, Compartment,
    ::testing::Values(CompartmentCase{"Patient", {"_id"}},
                      CompartmentCase{"Condition", {"patient", "asserter"}},
                      CompartmentCase{"Observation", {"subject", "performer"}},
                      CompartmentCase{"AllergyIntolerance", {"patient", "recorder", "asserter"}},
                      CompartmentCase{"Encounter", {"subject"}},
                      CompartmentCase{"Practitioner", {}}, CompartmentCase{"Organization", {}},
                      CompartmentCase{"Medication", {}}, CompartmentCase{"NoSuchType", {}}));

TEST(SearchParams, CompartmentParamsAreSearchParams) {
  for (std::string_view type : resource_types()) {
    for (std::string_view p : patient_compartment_params(type)) {
      EXPECT_NE(find_search_param(type, p), nullptr) << type << "." << p;
    }
  }
}

}  // namespace
}  // namespace ember::fhir
