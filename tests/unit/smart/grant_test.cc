// Grant computation (requested ∩ allowed ∩ approved, verbatim echo, v1 stays v1, context scopes;
// checklist SCP-03/06/09/12), refresh narrowing (REF-02/04) and the consent-page helpers.
#include "smart/grant.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ember::smart {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::string kLab =
    "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|"
    "laboratory";
const std::string kVitals =
    "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|"
    "vital-signs";
const std::string kProblems =
    "patient/Condition.rs?category=http://terminology.hl7.org/CodeSystem/condition-category|"
    "problem-list-item";

ScopeSet set(std::string_view s) {
  auto p = parse_scopes(s);
  EXPECT_THAT(p.rejected, IsEmpty()) << s;
  return p.scopes;
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  const ScopeSet scopes = set(s);
  for (const auto& sc : scopes.all()) out.push_back(sc.text);
  return out;
}

struct GrantCase {
  std::string name;
  std::string requested, allowed;
  std::vector<std::string> approved;
  std::string granted;
};

TEST(Grant, Table) {
  const std::string identity = "launch/patient openid fhirUser offline_access";
  const std::vector<GrantCase> cases = {
      {"all approved and allowed, order kept",
       identity + " patient/Observation.rs patient/Patient.rs", identity + " patient/*.cruds",
       words(identity + " patient/Observation.rs patient/Patient.rs"),
       identity + " patient/Observation.rs patient/Patient.rs"},
      {"v1 stays v1", "launch/patient patient/Observation.read patient/Patient.read",
       "launch/patient patient/*.rs",
       words("launch/patient patient/Observation.read patient/Patient.read"),
       "launch/patient patient/Observation.read patient/Patient.read"},
      {"not approved: dropped",
       "patient/Observation.rs patient/Condition.rs",
       "patient/*.rs",
       {"patient/Observation.rs"},
       "patient/Observation.rs"},
      {"not allowed: dropped", "patient/Observation.rs user/Observation.rs", "patient/*.rs",
       words("patient/Observation.rs user/Observation.rs"), "patient/Observation.rs"},
      {"more letters than allowed: narrowed to the allowed part",
       "patient/Observation.cruds",
       "patient/Observation.rs",
       {"patient/Observation.cruds"},
       "patient/Observation.rs"},
      {"wildcard narrowed to the allowed types",
       "patient/*.rs",
       "patient/Observation.rs patient/Patient.read",
       {"patient/*.rs"},
       "patient/Observation.rs patient/Patient.rs"},
      {"v1 wildcard narrowed stays v1",
       "patient/*.read",
       "patient/Observation.cruds",
       {"patient/*.read"},
       "patient/Observation.read"},
      {"context scopes need request, approval and allowance",
       "launch launch/patient launch/encounter openid fhirUser offline_access online_access",
       "launch launch/patient openid fhirUser online_access",
       words("launch launch/patient launch/encounter openid fhirUser online_access"),
       "launch launch/patient openid fhirUser online_access"},
      {"approved but never requested: not granted",
       "patient/Observation.rs",
       "patient/*.rs",
       {"patient/Observation.rs", "patient/Condition.rs", "offline_access"},
       "patient/Observation.rs"},
      {"granular requested, echoed verbatim", identity + " " + kLab + " " + kProblems,
       identity + " patient/*.rs", words(identity + " " + kLab + " " + kProblems),
       identity + " " + kLab + " " + kProblems},
      {"granular allowed by a resource-level registration",
       kLab,
       "patient/Observation.rs",
       {kLab},
       kLab},
      {"granular not allowed by a different category", kLab, kVitals, {kLab}, ""},
      {"consent down-selection to granular sub-scopes",
       "patient/Condition.rs patient/Observation.rs patient/Patient.rs",
       "patient/Condition.rs patient/Observation.rs patient/Patient.rs",
       {kProblems, kLab, kVitals, "patient/Patient.rs"},
       kProblems + " " + kLab + " " + kVitals + " patient/Patient.rs"},
      {"resource-level approved: sub-scopes not added",
       "patient/Observation.rs",
       "patient/Observation.rs",
       {"patient/Observation.rs", kLab},
       "patient/Observation.rs"},
      {"sub-scope wider than the request: not granted",
       "patient/Observation.r",
       "patient/Observation.rs",
       {kLab},
       ""},
      {"sub-scope of another context: not granted",
       "user/Observation.rs",
       "user/Observation.rs",
       {kLab},
       ""},
      {"unenforceable filter: not granted",
       "patient/Observation.rs?bogus=1",
       "patient/Observation.rs",
       {"patient/Observation.rs?bogus=1"},
       ""},
      {"extension scopes need the same text",
       "__a __b https://x.org/s",
       "__a https://x.org/s",
       {"__a", "__b", "https://x.org/s"},
       "__a https://x.org/s"},
      {"nothing approved", identity + " patient/*.rs", identity + " patient/*.rs", {}, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(compute_grant(set(c.requested), set(c.allowed), c.approved).to_string(), c.granted);
  }
}

TEST(Grant, VerbatimEchoOfEncodedRequest) {
  // A scope that arrived with %-escapes is echoed as it arrived (after form-decoding).
  const std::string enc = "patient/Observation.rs?category=laboratory%7Cx";
  EXPECT_EQ(compute_grant(set(enc), set("patient/Observation.rs"), {enc}).to_string(), enc);
}

// ---- refresh ----------------------------------------------------------------------------------

struct NarrowCase {
  std::string requested;
  bool ok;
  std::string result;
};

TEST(Narrow, Table) {
  const ScopeSet granted =
      set("launch/patient openid fhirUser offline_access patient/Observation.rs " + kLab +
          " patient/Patient.read");
  const std::vector<NarrowCase> cases = {
      {"", true, granted.to_string()},
      {"   ", true, granted.to_string()},
      {granted.to_string(), true, granted.to_string()},
      {"patient/Observation.rs openid", true, "patient/Observation.rs openid"},
      {"patient/Observation.r", true, "patient/Observation.r"},
      {"patient/Patient.rs", true, "patient/Patient.rs"},  // equivalent to the v1 grant
      {kLab, true, kLab},
      {"patient/Observation.rs?category=vital-signs", true,
       "patient/Observation.rs?category=vital-signs"},  // covered by the resource-level grant
      {"patient/Observation.cruds", false, ""},
      {"patient/Condition.rs", false, ""},
      {"patient/*.rs", false, ""},
      {"user/Observation.rs", false, ""},
      {"online_access", false, ""},
      {"patient/Observation.rs launch", false, ""},
      {"patient/Observation.rw", false, ""},
      {"bogus", false, ""},
  };
  for (const auto& c : cases) {
    auto r = narrow(granted, c.requested);
    ASSERT_EQ(r.has_value(), c.ok) << c.requested;
    if (r) {
      EXPECT_EQ(r->to_string(), c.result);
    } else {
      EXPECT_EQ(r.error().code, ScopeError::Code::InvalidScope);
      EXPECT_FALSE(r.error().scope.empty());
    }
  }
}

// ---- consent helpers ----------------------------------------------------------------------------

TEST(GranularOptions, ObservationAndCondition) {
  auto obs = granular_options(parse_scope("patient/Observation.rs")->resource);
  ASSERT_EQ(obs.size(), 11u);
  EXPECT_EQ(obs[0], kLab);
  EXPECT_EQ(obs[1], kVitals);
  EXPECT_THAT(obs, ::testing::Contains("patient/Observation.rs?category=http://hl7.org/fhir/us/"
                                       "core/CodeSystem/us-core-category|sdoh"));
  EXPECT_THAT(obs, ::testing::Contains("patient/Observation.rs?category=http://terminology.hl7."
                                       "org/CodeSystem/observation-category|clinical-test"));
  auto cond = granular_options(parse_scope("user/Condition.read")->resource);
  EXPECT_THAT(
      cond,
      ElementsAre(
          "user/Condition.rs?category=http://terminology.hl7.org/CodeSystem/condition-category|"
          "problem-list-item",
          "user/Condition.rs?category=http://terminology.hl7.org/CodeSystem/condition-category|"
          "encounter-diagnosis",
          "user/Condition.rs?category=http://hl7.org/fhir/us/core/CodeSystem/condition-category|"
          "health-concern"));
  // Every offered option parses, is covered by the request, and is enforceable.
  for (const auto& o : obs) {
    auto s = parse_scope(o);
    ASSERT_TRUE(s.has_value()) << o;
    EXPECT_TRUE(covers(parse_scope("patient/Observation.rs")->resource, s->resource));
  }
}

TEST(GranularOptions, NoneForOtherScopes) {
  for (std::string_view s : {"patient/Patient.rs", "system/Observation.rs", "patient/*.rs",
                             "patient/Observation.rs?category=laboratory"}) {
    EXPECT_THAT(granular_options(parse_scope(s)->resource), IsEmpty()) << s;
  }
}

TEST(DescribeScope, Labels) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {kLab, "Read and search your laboratory results"},
      {"patient/Observation.rs?category=laboratory", "Read and search your laboratory results"},
      {"patient/Observation.rs", "Read and search Observation records of the patient in context"},
      {"patient/Observation.read", "Read and search Observation records of the patient in context"},
      {"patient/*.rs",
       "Read and search all kinds of records (including kinds added later) of the patient in "
       "context"},
      {"user/Condition.cruds",
       "Create, read, update, delete and search Condition records you "
       "have access to"},
      {"patient/Observation.cud",
       "Create, update and delete Observation records of the patient "
       "in context"},
      {"system/Patient.r", "Read all Patient records"},
      {"system/*.rs", "Read and search all kinds of records (including kinds added later)"},
      {"user/" + kProblems.substr(8), "Read and search problem list entries you have access to"},
      {"patient/Observation.rs?code=http://loinc.org|8867-4",
       "Read and search Observation records of the patient in context where code is "
       "http://loinc.org|8867-4"},
      {"openid", "Confirm your identity when you sign in"},
      {"fhirUser", "Know who you are (your name and role)"},
      {"profile", "See your basic profile (name)"},
      {"offline_access", "Keep access when you are not using the app"},
      {"online_access", "Keep access while you are signed in"},
      {"launch/patient", "Use the patient open in the EHR"},
      {"launch/encounter", "Use the encounter open in the EHR"},
      {"launch", "Use the patient and context open in the EHR"},
      {"__x", "Additional permission: __x"},
      {"patient/Observation.rw", "Unrecognized permission: patient/Observation.rw"},
  };
  for (const auto& [scope, label] : cases) EXPECT_EQ(describe_scope(scope), label) << scope;
}

}  // namespace
}  // namespace ember::smart
