// Constraint clauses written as upstream search parameters: the compartment, granular filters,
// and what has no faithful text form (then not pushed, and `complete` says so).
#include "proxy/criteria.h"

#include <gtest/gtest.h>

#include "fhir/search_params.h"
#include "fhir/search_parser.h"
#include "test_policy.h"

namespace ember::proxy {
namespace {

store::Clause compartment(std::string_view type, const std::string& pid) {
  return testing::compartment_clause(type, pid);
}

std::vector<store::Clause> clauses(std::string_view type,
                                   std::vector<std::pair<std::string, std::string>> params) {
  fhir::SearchLimits strict;
  strict.strict = true;
  auto parsed = fhir::parse_search(type, params, strict);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message);
  return parsed ? parsed->query.all_of : std::vector<store::Clause>{};
}

TEST(PushDown, CompartmentOfObservationBecomesOneOfItsParameters) {
  auto c = compartment("Observation", "alice");
  ASSERT_GT(c.any_of.size(), 1u);  // subject OR performer: no single FHIR parameter says that
  auto pd = push_down("Observation", {c});
  EXPECT_TRUE(pd.complete);
  ASSERT_EQ(pd.params.size(), 1u);
  EXPECT_EQ(pd.params[0], (http::QueryParam{"subject", "Patient/alice"}));
}

TEST(PushDown, PatientCompartmentIsTheId) {
  auto pd = push_down("Patient", {compartment("Patient", "alice")});
  EXPECT_TRUE(pd.complete);
  ASSERT_EQ(pd.params.size(), 1u);
  EXPECT_EQ(pd.params[0], (http::QueryParam{"_id", "alice"}));
}

TEST(PushDown, EveryCompartmentTypeRendersAParameterNamingThePatient) {
  for (std::string_view type : fhir::resource_types()) {
    if (fhir::patient_compartment_params(type).empty()) continue;
    auto pd = push_down(type, {compartment(type, "p-1")});
    EXPECT_TRUE(pd.complete) << type;
    ASSERT_EQ(pd.params.size(), 1u) << type;
    EXPECT_TRUE(pd.params[0].value == "Patient/p-1" || pd.params[0].value == "p-1")
        << type << ": " << pd.params[0].name << "=" << pd.params[0].value;
  }
}

TEST(PushDown, GranularFiltersRoundTrip) {
  struct Case {
    std::string type, name, value;
  };
  const std::vector<Case> cases = {
      {"Observation", "category",
       "http://terminology.hl7.org/CodeSystem/observation-category|laboratory"},
      {"Observation", "category", "laboratory,vital-signs"},
      {"Observation", "code", "|abc"},
      {"Observation", "code", "http://loinc.org|"},
      {"Observation", "code", "a\\,b"},
      {"Observation", "code:text", "glucose"},
      {"Observation", "code:not", "http://loinc.org|1234-5"},
      {"Observation", "status:missing", "false"},
      {"Patient", "name", "smi"},
      {"Patient", "name:exact", "Smith"},
      {"Patient", "birthdate", "ge2020"},
      {"Patient", "birthdate", "lt2020-05"},
      {"Patient", "birthdate", "sa2020-05-01"},
      {"Observation", "subject", "Patient/alice,Patient/bob"},
  };
  for (const auto& c : cases) {
    auto cl = clauses(c.type, {{c.name, c.value}});
    auto pd = push_down(c.type, cl);
    EXPECT_TRUE(pd.complete) << c.name << "=" << c.value;
    ASSERT_EQ(pd.params.size(), 1u) << c.name << "=" << c.value;
    EXPECT_EQ(pd.params[0].name, c.name);
    // Dates are written as instants carrying the compared bound; the rest as received.
    if (c.name != "birthdate") {
      EXPECT_EQ(pd.params[0].value, c.value);
    }
    // And the rendered text means the same to the parser.
    auto back = clauses(c.type, {{pd.params[0].name, pd.params[0].value}});
    ASSERT_EQ(back.size(), 1u);
    EXPECT_EQ(back[0].any_of.size(), cl[0].any_of.size());
  }
}

TEST(PushDown, DateBoundsAreInstants) {
  auto pd = push_down("Patient", clauses("Patient", {{"birthdate", "ge2020"}}));
  ASSERT_EQ(pd.params.size(), 1u);
  EXPECT_EQ(pd.params[0].value, "ge2020-01-01T00:00:00.000Z");
  pd = push_down("Patient", clauses("Patient", {{"birthdate", "le2020"}}));
  ASSERT_EQ(pd.params.size(), 1u);
  EXPECT_EQ(pd.params[0].value, "le2020-12-31T23:59:59.999Z");
}

TEST(PushDown, WhatHasNoFaithfulFormIsNotPushedAndSaysSo) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"birthdate", "2020"},  // eq over a year: no one-value form
      {"birthdate", "ne2020-01-01"},
  };
  for (const auto& [name, value] : cases) {
    auto pd = push_down("Patient", clauses("Patient", {{name, value}}));
    EXPECT_FALSE(pd.complete) << name << "=" << value;
    EXPECT_TRUE(pd.params.empty()) << name << "=" << value;
  }
  auto q = push_down("Observation", clauses("Observation", {{"value-quantity", "5.4"}}));
  EXPECT_FALSE(q.complete);
  auto nots =
      push_down("Observation", clauses("Observation", {{"code:not", "a"}, {"code:not", "b"}}));
  EXPECT_TRUE(nots.complete);  // two clauses of one value each
  EXPECT_EQ(nots.params.size(), 2u);
  // A clause no resource satisfies (smart/policy.cc's fail-closed `_id=""`) has no text form.
  store::Predicate never;
  never.param = "_id";
  auto pd = push_down("Observation", {store::Clause{{never}}});
  EXPECT_FALSE(pd.complete);
  EXPECT_TRUE(pd.params.empty());
}

TEST(PushDown, CompartmentAndFilterTogether) {
  auto cl = clauses("Observation", {{"category", "laboratory"}});
  cl.insert(cl.begin(), compartment("Observation", "alice"));
  auto pd = push_down("Observation", cl);
  EXPECT_TRUE(pd.complete);
  ASSERT_EQ(pd.params.size(), 2u);
  EXPECT_EQ(pd.params[0], (http::QueryParam{"subject", "Patient/alice"}));
  EXPECT_EQ(pd.params[1], (http::QueryParam{"category", "laboratory"}));
}

TEST(EscapeSearchValue, EscapesTheFourSpecialCharacters) {
  EXPECT_EQ(escape_search_value("a,b|c$d\\e"), "a\\,b\\|c\\$d\\\\e");
  EXPECT_EQ(escape_search_value("plain"), "plain");
}

}  // namespace
}  // namespace ember::proxy
