// The scope-based access policy (SMART 2.2 scopes-and-launch-context; checklist §10 SCP-02/07/
// 10/11/13, §14 API-05/06/09/10): which interactions are allowed, and the clauses that confine
// them — Patient compartment, granular filters and their union.
#include "smart/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fhir/search_params.h"

namespace ember::smart {
namespace {

using fhir::Interaction;
using store::Clause;
using store::ParamType;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr std::string_view kObsCat = "http://terminology.hl7.org/CodeSystem/observation-category";

std::shared_ptr<const fhir::AccessPolicy> policy(std::string_view scopes,
                                                 std::optional<std::string> patient = "p1",
                                                 std::optional<std::string> fhir_user = {}) {
  auto p = parse_scopes(scopes);
  EXPECT_THAT(p.rejected, IsEmpty());
  return make_policy(p.scopes, PolicyContext{std::move(patient), std::move(fhir_user)});
}

std::string granular(std::string_view type, std::string_view letters, std::string_view code) {
  return "patient/" + std::string(type) + "." + std::string(letters) +
         "?category=" + std::string(kObsCat) + "|" + std::string(code);
}

// The Patient compartment clause of p1 for `type`, as the policy must build it.
void expect_compartment(const Clause& c, std::string_view type, const std::string& id = "p1") {
  auto params = fhir::patient_compartment_params(type);
  ASSERT_EQ(c.any_of.size(), params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    EXPECT_EQ(c.any_of[i].param, params[i]);
    EXPECT_EQ(c.any_of[i].type, ParamType::Reference);
    EXPECT_EQ(c.any_of[i].target_type, "Patient");
    EXPECT_EQ(c.any_of[i].target_id, id);
  }
}

// ---- allow ----------------------------------------------------------------------------------

struct AllowCase {
  std::string scopes;
  Interaction in;
  std::string type;
  bool allowed;
};

TEST(Policy, AllowTable) {
  const std::string lab = granular("Observation", "rs", "laboratory");
  const std::vector<AllowCase> cases = {
      {"patient/Observation.rs", Interaction::Read, "Observation", true},
      {"patient/Observation.rs", Interaction::VRead, "Observation", true},
      {"patient/Observation.rs", Interaction::SearchType, "Observation", true},
      {"patient/Observation.rs", Interaction::HistoryType, "Observation", true},
      {"patient/Observation.rs", Interaction::HistoryInstance, "Observation", true},
      {"patient/Observation.rs", Interaction::Create, "Observation", false},
      {"patient/Observation.rs", Interaction::Update, "Observation", false},
      {"patient/Observation.rs", Interaction::SearchType, "Condition", false},
      {"patient/Observation.read", Interaction::SearchType, "Observation", true},
      {"patient/Observation.r", Interaction::SearchType, "Observation", false},
      {"patient/Observation.s", Interaction::Read, "Observation", false},
      // SMART 2.2: history-instance is an `r` interaction, history-type an `s` one.
      {"patient/Observation.r", Interaction::HistoryInstance, "Observation", true},
      {"patient/Observation.s", Interaction::HistoryInstance, "Observation", false},
      {"patient/Observation.s", Interaction::HistoryType, "Observation", true},
      // Write letters; write never implies read (API-09).
      {"patient/Observation.cud", Interaction::Create, "Observation", true},
      {"patient/Observation.cud", Interaction::Update, "Observation", true},
      {"patient/Observation.cud", Interaction::Patch, "Observation", true},
      {"patient/Observation.cud", Interaction::Delete, "Observation", true},
      {"patient/Observation.cud", Interaction::Read, "Observation", false},
      {"patient/Observation.cud", Interaction::SearchType, "Observation", false},
      {"patient/Observation.write", Interaction::Delete, "Observation", true},
      {"patient/Observation.c", Interaction::Update, "Observation", false},
      {"patient/Observation.u", Interaction::Patch, "Observation", true},
      {"patient/*.rs", Interaction::SearchType, "Condition", true},
      {"patient/*.rs", Interaction::Read, "Medication", true},
      {"user/Observation.rs", Interaction::Read, "Observation", true},
      {"system/*.cruds", Interaction::Delete, "Patient", true},
      {lab, Interaction::SearchType, "Observation", true},
      {lab, Interaction::SearchType, "Condition", false},
      // A granted filter that is no valid search on the type grants nothing.
      {"patient/Observation.rs?bogus=1", Interaction::SearchType, "Observation", false},
      {"patient/*.rs?category=laboratory", Interaction::SearchType, "Observation", true},
      {"patient/*.rs?category=laboratory", Interaction::SearchType, "Patient", false},
      // Batches are authorized per entry; the CapabilityStatement is public.
      {"", Interaction::Batch, "", true},
      {"", Interaction::Capabilities, "", true},
      // System history: only a user/* or system/* scope with `s` and no filters.
      {"patient/*.rs", Interaction::HistorySystem, "", false},
      {"user/Observation.rs", Interaction::HistorySystem, "", false},
      {"user/*.rs", Interaction::HistorySystem, "", true},
      {"system/*.s", Interaction::HistorySystem, "", true},
      {"system/*.r", Interaction::HistorySystem, "", false},
  };
  for (const auto& c : cases) {
    auto r = policy(c.scopes)->allow(c.in, c.type);
    EXPECT_EQ(r.has_value(), c.allowed)
        << c.scopes << " / " << static_cast<int>(c.in) << " / " << c.type;
    if (!r) {
      EXPECT_EQ(r.error().status, 403);
      EXPECT_EQ(r.error().code, "forbidden");
    }
  }
}

TEST(Policy, ForbiddenNamesTheMissingScope) {
  auto r = policy("patient/Condition.rs")->allow(Interaction::SearchType, "Observation");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().diagnostics, "needs a scope granting 's' on Observation");
  auto w = policy("patient/Observation.rs")->allow(Interaction::Create, "Observation");
  ASSERT_FALSE(w.has_value());
  EXPECT_EQ(w.error().diagnostics, "needs a scope granting 'c' on Observation");
}

TEST(Policy, NoPatientInContext) {
  auto p = policy("patient/Observation.rs", std::nullopt);
  auto r = p->allow(Interaction::SearchType, "Observation");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().status, 403);
  EXPECT_THAT(r.error().diagnostics, HasSubstr("no patient in context"));
  // Even if asked, the constraints admit nothing.
  auto c = p->constraints(Interaction::SearchType, "Observation");
  ASSERT_EQ(c.size(), 1u);
  ASSERT_EQ(c[0].any_of.size(), 1u);
  EXPECT_EQ(c[0].any_of[0].param, "_id");
  EXPECT_EQ(c[0].any_of[0].code, "");
  // user/ scopes do not need a patient.
  auto u = policy("patient/Observation.rs user/Condition.rs", std::nullopt);
  EXPECT_TRUE(u->allow(Interaction::SearchType, "Condition").has_value());
  EXPECT_THAT(u->constraints(Interaction::SearchType, "Condition"), IsEmpty());
}

// ---- constraints ------------------------------------------------------------------------------

TEST(Policy, PatientScopeConfinesToTheCompartment) {
  auto p = policy("patient/Observation.rs");
  for (Interaction in : {Interaction::Read, Interaction::SearchType, Interaction::VRead}) {
    auto c = p->constraints(in, "Observation");
    ASSERT_EQ(c.size(), 1u);
    expect_compartment(c[0], "Observation");
  }
  ASSERT_FALSE(fhir::patient_compartment_params("Observation").empty());
  // subject and performer (references that may point at the patient) are both in the OR.
  auto c = p->constraints(Interaction::SearchType, "Observation");
  std::vector<std::string> params;
  for (const auto& pr : c[0].any_of) params.push_back(pr.param);
  EXPECT_THAT(params, ::testing::Contains("subject"));
}

TEST(Policy, PatientWildcardAcrossTypes) {
  auto p = policy("patient/*.rs");
  auto cond = p->constraints(Interaction::SearchType, "Condition");
  ASSERT_EQ(cond.size(), 1u);
  expect_compartment(cond[0], "Condition");
  // Patient itself: by _id.
  auto pat = p->constraints(Interaction::Read, "Patient");
  ASSERT_EQ(pat.size(), 1u);
  ASSERT_EQ(pat[0].any_of.size(), 1u);
  EXPECT_EQ(pat[0].any_of[0].param, "_id");
  EXPECT_EQ(pat[0].any_of[0].type, ParamType::Token);
  EXPECT_EQ(pat[0].any_of[0].code, "p1");
  // Types outside the Patient compartment are not restricted by it.
  for (std::string_view t : {"Medication", "Practitioner", "Organization", "Location"}) {
    EXPECT_TRUE(fhir::patient_compartment_params(t).empty()) << t;
    EXPECT_THAT(p->constraints(Interaction::SearchType, t), IsEmpty()) << t;
  }
}

TEST(Policy, UserAndSystemScopesHaveNoConstraints) {
  EXPECT_THAT(policy("user/Observation.rs")->constraints(Interaction::SearchType, "Observation"),
              IsEmpty());
  EXPECT_THAT(policy("system/*.rs")->constraints(Interaction::Read, "Patient"), IsEmpty());
  // A user/ scope without filters beside a patient/ one: the wider wins.
  EXPECT_THAT(policy("patient/Observation.rs user/Observation.rs")
                  ->constraints(Interaction::SearchType, "Observation"),
              IsEmpty());
}

TEST(Policy, ConstraintsFollowTheInteractionLetter) {
  // Read via user/ (unconstrained), write via patient/ (compartment).
  auto p = policy("user/Observation.rs patient/Observation.cud");
  EXPECT_THAT(p->constraints(Interaction::SearchType, "Observation"), IsEmpty());
  auto w = p->constraints(Interaction::Create, "Observation");
  ASSERT_EQ(w.size(), 1u);
  expect_compartment(w[0], "Observation");
}

TEST(Policy, GranularUnionOfTwoCategoriesIsOneClause) {
  auto p = policy(granular("Observation", "rs", "laboratory") + " " +
                  granular("Observation", "rs", "vital-signs"));
  auto c = p->constraints(Interaction::SearchType, "Observation");
  ASSERT_EQ(c.size(), 2u);
  expect_compartment(c[0], "Observation");
  ASSERT_EQ(c[1].any_of.size(), 2u);
  EXPECT_EQ(c[1].any_of[0].param, "category");
  EXPECT_EQ(c[1].any_of[0].type, ParamType::Token);
  EXPECT_EQ(c[1].any_of[0].system, std::string(kObsCat));
  EXPECT_EQ(c[1].any_of[0].code, "laboratory");
  EXPECT_EQ(c[1].any_of[1].param, "category");
  EXPECT_EQ(c[1].any_of[1].system, std::string(kObsCat));
  EXPECT_EQ(c[1].any_of[1].code, "vital-signs");
}

TEST(Policy, GranularWithSharedParametersMergesOnlyTheDifferingOne) {
  auto p = policy(
      "patient/Observation.rs?category=laboratory&status=final "
      "patient/Observation.rs?category=vital-signs&status=final");
  auto c = p->constraints(Interaction::SearchType, "Observation");
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[1].any_of.size(), 2u);
  EXPECT_EQ(c[2].any_of.size(), 1u);
  EXPECT_EQ(c[2].any_of[0].param, "status");
}

TEST(Policy, ResourceLevelScopeSupersedesGranular) {
  for (const std::string& scopes :
       {granular("Observation", "rs", "laboratory") + " patient/Observation.rs",
        "patient/Observation.rs " + granular("Observation", "rs", "laboratory")}) {
    auto c = policy(scopes)->constraints(Interaction::SearchType, "Observation");
    ASSERT_EQ(c.size(), 1u) << scopes;
    expect_compartment(c[0], "Observation");
  }
  // Only the scopes with the interaction's letter count: a granular `rs` beside a plain `c`.
  auto p = policy(granular("Observation", "rs", "laboratory") + " patient/Observation.c");
  EXPECT_EQ(p->constraints(Interaction::SearchType, "Observation").size(), 2u);
  EXPECT_EQ(p->constraints(Interaction::Create, "Observation").size(), 1u);
}

TEST(Policy, DifferentFilterParametersUseTheFirstScopeOnly) {
  auto p = policy(granular("Observation", "rs", "laboratory") +
                  " patient/Observation.rs?code=http://loinc.org|8867-4");
  auto c = p->constraints(Interaction::SearchType, "Observation");
  ASSERT_EQ(c.size(), 2u);
  ASSERT_EQ(c[1].any_of.size(), 1u);
  EXPECT_EQ(c[1].any_of[0].param, "category");
  EXPECT_EQ(c[1].any_of[0].code, "laboratory");
}

TEST(Policy, FilteredUserScopeHasFiltersButNoCompartment) {
  auto c = policy("user/Observation.rs?category=laboratory")
               ->constraints(Interaction::SearchType, "Observation");
  ASSERT_EQ(c.size(), 1u);
  ASSERT_EQ(c[0].any_of.size(), 1u);
  EXPECT_EQ(c[0].any_of[0].param, "category");
  EXPECT_EQ(c[0].any_of[0].code, "laboratory");
}

TEST(Policy, GranularOnTypeOutsideTheCompartment) {
  auto c = policy("patient/Medication.rs?code=http://www.nlm.nih.gov/research/umls/rxnorm|1049221")
               ->constraints(Interaction::SearchType, "Medication");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].any_of[0].param, "code");
}

// ---- unrestricted, always_readable ----------------------------------------------------------

TEST(Policy, UnrestrictedTable) {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"system/*.rs", true}, {"system/*.read", true}, {"user/*.cruds", true},
      {"user/*.rs", true},   {"patient/*.rs", false}, {"user/Observation.rs", false},
      {"system/*.r", false}, {"system/*.s", false},   {"user/*.rs?category=laboratory", false},
      {"", false},
  };
  for (const auto& [scopes, want] : cases) {
    EXPECT_EQ(policy(scopes)->unrestricted(), want) << scopes;
  }
}

TEST(Policy, AlwaysReadableIsTheFhirUserResource) {
  auto p = policy("patient/Observation.rs", "p1", "Practitioner/dr-smith");
  EXPECT_TRUE(p->always_readable("Practitioner", "dr-smith"));
  EXPECT_FALSE(p->always_readable("Practitioner", "dr-smit"));
  EXPECT_FALSE(p->always_readable("Practitioner", "dr-smithx"));
  EXPECT_FALSE(p->always_readable("Patient", "dr-smith"));
  EXPECT_FALSE(p->always_readable("Practitione", "r/dr-smith"));
  EXPECT_FALSE(policy("patient/Observation.rs")->always_readable("Practitioner", "dr-smith"));
}

// ---- helpers ----------------------------------------------------------------------------------

TEST(Policy, ScopeLetter) {
  const std::vector<std::pair<Interaction, char>> cases = {
      {Interaction::Read, 'r'},
      {Interaction::VRead, 'r'},
      {Interaction::HistoryInstance, 'r'},
      {Interaction::SearchType, 's'},
      {Interaction::HistoryType, 's'},
      {Interaction::HistorySystem, 's'},
      {Interaction::Create, 'c'},
      {Interaction::Update, 'u'},
      {Interaction::Patch, 'u'},
      {Interaction::Delete, 'd'},
  };
  for (const auto& [in, letter] : cases) EXPECT_EQ(scope_letter(in), letter);
}

TEST(Policy, FilterClauses) {
  EXPECT_TRUE(filter_clauses("Observation", {{"category", "laboratory"}}).has_value());
  EXPECT_EQ(filter_clauses("Observation", {{"category", "a"}, {"code", "b"}})->size(), 2u);
  // Result parameters and unknown parameters cannot constrain a scope.
  for (const auto& [k, v] :
       std::vector<std::pair<std::string, std::string>>{{"_count", "5"},
                                                        {"_sort", "date"},
                                                        {"_include", "Observation:subject"},
                                                        {"_summary", "true"},
                                                        {"bogus", "1"},
                                                        {"date", "notadate"}}) {
    EXPECT_FALSE(filter_clauses("Observation", {{k, v}}).has_value()) << k;
  }
}

}  // namespace
}  // namespace ember::smart

namespace ember::smart {
namespace {

// ---- the audit trail needs a scope naming it ------------------------------------------------

TEST(Policy, WildcardsDoNotReachAuditEvent) {
  for (std::string_view scopes : {"user/*.rs", "system/*.cruds", "patient/*.rs"}) {
    auto p = policy(scopes);
    EXPECT_FALSE(p->allow(Interaction::SearchType, "AuditEvent")) << scopes;
    EXPECT_FALSE(p->allow(Interaction::Read, "AuditEvent")) << scopes;
    EXPECT_TRUE(p->allow(Interaction::Read, "Patient")) << scopes;
  }
  EXPECT_TRUE(policy("user/AuditEvent.rs")->allow(Interaction::SearchType, "AuditEvent"));
  EXPECT_TRUE(policy("system/AuditEvent.rs")->allow(Interaction::Read, "AuditEvent"));
  EXPECT_THAT(policy("user/AuditEvent.rs")->constraints(Interaction::SearchType, "AuditEvent"),
              IsEmpty());
  // A patient's own trail: confined to the Patient compartment (AuditEvent.patient).
  auto own = policy("patient/AuditEvent.rs");
  ASSERT_TRUE(own->allow(Interaction::SearchType, "AuditEvent"));
  auto c = own->constraints(Interaction::SearchType, "AuditEvent");
  ASSERT_EQ(c.size(), 1u);
  expect_compartment(c[0], "AuditEvent");
}

TEST(Policy, PrincipalCarriesTheTokenIdentity) {
  PolicyContext ctx{"p1", "Patient/p1"};
  ctx.subject = "alice";
  ctx.client_id = "app";
  auto p = make_policy(parse_scopes("patient/*.rs").scopes, ctx);
  EXPECT_EQ(p->principal().subject, "alice");
  EXPECT_EQ(p->principal().client_id, "app");
  EXPECT_EQ(p->principal().fhir_user, "Patient/p1");
  EXPECT_EQ(p->principal().patient_id, "p1");
  EXPECT_EQ(fhir::open_policy()->principal().subject, "");
}

}  // namespace
}  // namespace ember::smart
