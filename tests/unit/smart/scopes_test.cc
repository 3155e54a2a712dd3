// The SMART scope grammar (SMART App Launch 2.2 scopes-and-launch-context), table-driven: valid
// and invalid scopes, every in-order permission subset, v1 forms, launch and identity scopes,
// granular filters, v1<->v2 equivalence and covers().
#include "smart/scopes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace ember::smart {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

constexpr std::string_view kLabScope =
    "http://terminology.hl7.org/CodeSystem/observation-category|laboratory";

// ---- resource scopes -------------------------------------------------------------------------

struct ResourceCase {
  std::string text;
  Context context;
  std::string type;
  std::string letters;
  bool v1;
  Filters filters;
};

TEST(ParseScope, ValidResourceScopes) {
  const std::vector<ResourceCase> cases = {
      {"patient/Observation.rs", Context::Patient, "Observation", "rs", false, {}},
      {"user/Patient.cruds", Context::User, "Patient", "cruds", false, {}},
      {"system/*.s", Context::System, "*", "s", false, {}},
      {"patient/*.rs", Context::Patient, "*", "rs", false, {}},
      {"patient/Observation.read", Context::Patient, "Observation", "rs", true, {}},
      {"user/Condition.write", Context::User, "Condition", "cud", true, {}},
      {"system/*.*", Context::System, "*", "cruds", true, {}},
      {"patient/*.read", Context::Patient, "*", "rs", true, {}},
      {"patient/Observation.rs?category=" + std::string(kLabScope),
       Context::Patient,
       "Observation",
       "rs",
       false,
       {{"category", std::string(kLabScope)}}},
      // Percent-encoded query parts are decoded into filters; the text stays as received.
      {"patient/Observation.rs?category=http%3A%2F%2Fterminology.hl7.org%2FCodeSystem%2F"
       "observation-category%7Claboratory",
       Context::Patient,
       "Observation",
       "rs",
       false,
       {{"category", std::string(kLabScope)}}},
      {"user/Observation.r?category=vital-signs&code=http://loinc.org|8867-4",
       Context::User,
       "Observation",
       "r",
       false,
       {{"category", "vital-signs"}, {"code", "http://loinc.org|8867-4"}}},
      {"patient/Condition.s?category:not=problem-list-item",
       Context::Patient,
       "Condition",
       "s",
       false,
       {{"category:not", "problem-list-item"}}},
      {"patient/Observation.rs?date=ge2020-01-01",
       Context::Patient,
       "Observation",
       "rs",
       false,
       {{"date", "ge2020-01-01"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto s = parse_scope(c.text);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->kind, ScopeKind::Resource);
    EXPECT_EQ(s->text, c.text);
    EXPECT_EQ(s->resource.text, c.text);
    EXPECT_EQ(s->resource.context, c.context);
    EXPECT_EQ(s->resource.type, c.type);
    EXPECT_EQ(s->resource.letters, c.letters);
    EXPECT_EQ(s->resource.v1, c.v1);
    EXPECT_EQ(s->resource.filters, c.filters);
  }
}

// Every non-empty subset of "cruds" in order is a valid v2 permission.
TEST(ParseScope, EveryInOrderSubsetOfCruds) {
  const std::string all = "cruds";
  int count = 0;
  for (int mask = 1; mask < 32; ++mask) {
    std::string perm;
    for (int i = 0; i < 5; ++i) {
      if (mask & (1 << i)) perm += all[static_cast<std::size_t>(i)];
    }
    auto s = parse_scope("patient/Observation." + perm);
    ASSERT_TRUE(s.has_value()) << perm;
    EXPECT_EQ(s->resource.letters, perm);
    EXPECT_FALSE(s->resource.v1);
    ++count;
  }
  EXPECT_EQ(count, 31);
}

// Any two letters out of order, or repeated, is invalid — never interpreted loosely (SCP-05).
TEST(ParseScope, OutOfOrderOrRepeatedLettersAreInvalid) {
  const std::string all = "cruds";
  for (std::size_t i = 0; i < all.size(); ++i) {
    for (std::size_t j = 0; j <= i; ++j) {
      std::string perm = {all[i], all[j]};
      EXPECT_FALSE(parse_scope("user/Patient." + perm).has_value()) << perm;
    }
  }
}

TEST(ParseScope, InvalidScopes) {
  const std::vector<std::string> cases = {
      "",
      "patient/Observation.dus",  // out of order
      "patient/Observation.rw",   // w is no v2 letter
      "patient/Observation.readwrite",
      "patient/Observation.reads",
      "patient/Observation.",
      "patient/Observation",
      "patient/observation.rs",  // types are case-sensitive
      "patient/Foo.rs",
      "patient/.rs",
      "Patient/Observation.rs",
      "practitioner/Observation.rs",
      "user/*",
      "patient/*.x",
      "patient/Observation.read?category=laboratory",  // v1 takes no granular query
      "patient/Observation.rs?",
      "patient/Observation.rs?category",
      "patient/Observation.rs?category=",
      "patient/Observation.rs?=laboratory",
      "patient/Observation.rs?category=a&",
      "patient/Observation.rs?category=%zz",
      "patient/Observation.rs?category=%4",
      "patient/Observation.rs?cate gory=x",
      "patient/Observation.rs?category=\"x\"",  // '"' is not a scope-token character
      "patient/Observation.rs?code=a\\|b",      // nor is '\'
      "launch/",
      "launch/Patient",  // launch/<lowercase type>
      "launch/foo",
      "launch/patient?role=",
      "launch/patient?x=y",
      "launch/practitioner?role=a&role=b",
      "openid2",
      "fhiruser",
      "OpenID",
      "offline-access",
      "email",
      "__",
      "_x",
      "scope\xc3\xa9",
  };
  for (const auto& c : cases) {
    auto s = parse_scope(c);
    EXPECT_FALSE(s.has_value()) << "accepted: " << c;
    if (!s) {
      EXPECT_EQ(s.error().code, ScopeError::Code::InvalidScope);
      EXPECT_EQ(s.error().scope, c);
      EXPECT_FALSE(s.error().message.empty());
    }
  }
}

// ---- identity, launch and extension scopes -----------------------------------------------------

struct OtherCase {
  std::string text;
  ScopeKind kind;
  std::string launch_type;
  std::string role;
};

TEST(ParseScope, IdentityLaunchAndExtensionScopes) {
  const std::vector<OtherCase> cases = {
      {"launch", ScopeKind::Launch, "", ""},
      {"launch/patient", ScopeKind::LaunchContext, "Patient", ""},
      {"launch/encounter", ScopeKind::LaunchContext, "Encounter", ""},
      {"launch/imagingstudy", ScopeKind::LaunchContext, "ImagingStudy", ""},
      {"launch/practitioner?role=https://example.org/roles/attending", ScopeKind::LaunchContext,
       "Practitioner", "https://example.org/roles/attending"},
      {"launch/practitioner?role=https%3A%2F%2Fexample.org%2Fr", ScopeKind::LaunchContext,
       "Practitioner", "https://example.org/r"},
      {"openid", ScopeKind::OpenId, "", ""},
      {"fhirUser", ScopeKind::FhirUser, "", ""},
      {"profile", ScopeKind::Profile, "", ""},
      {"offline_access", ScopeKind::OfflineAccess, "", ""},
      {"online_access", ScopeKind::OnlineAccess, "", ""},
      {"__ember_debug", ScopeKind::Other, "", ""},
      {"https://example.org/scopes/billing", ScopeKind::Other, "", ""},
      {"urn:example:scope", ScopeKind::Other, "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    auto s = parse_scope(c.text);
    ASSERT_TRUE(s.has_value()) << s.error().message;
    EXPECT_EQ(s->kind, c.kind);
    EXPECT_EQ(s->text, c.text);
    EXPECT_EQ(s->launch_type, c.launch_type);
    EXPECT_EQ(s->role, c.role);
  }
}

// ---- scope sets --------------------------------------------------------------------------------

TEST(ParseScopes, KeepsOrderDropsDuplicatesAndSetsAsideBadScopes) {
  auto p = parse_scopes(
      "openid  fhirUser launch/patient patient/Observation.rs bogus patient/Condition.dus "
      "patient/Observation.rs __ext offline_access bogus");
  EXPECT_THAT(p.rejected, ElementsAre("bogus", "patient/Condition.dus"));
  EXPECT_EQ(p.scopes.to_string(),
            "openid fhirUser launch/patient patient/Observation.rs __ext offline_access");
  ASSERT_EQ(p.scopes.resources().size(), 1u);
  EXPECT_EQ(p.scopes.resources()[0].type, "Observation");
  EXPECT_THAT(p.scopes.other(), ElementsAre("__ext"));
  EXPECT_TRUE(p.scopes.openid());
  EXPECT_TRUE(p.scopes.fhir_user());
  EXPECT_TRUE(p.scopes.launch_patient());
  EXPECT_FALSE(p.scopes.launch_encounter());
  EXPECT_FALSE(p.scopes.launch());
  EXPECT_TRUE(p.scopes.offline_access());
  EXPECT_FALSE(p.scopes.online_access());
  EXPECT_FALSE(p.scopes.profile());
  EXPECT_TRUE(p.scopes.contains("patient/Observation.rs"));
  EXPECT_FALSE(p.scopes.contains("patient/Observation.read"));
}

TEST(ParseScopes, EmptyInput) {
  auto p = parse_scopes("   ");
  EXPECT_TRUE(p.scopes.empty());
  EXPECT_THAT(p.rejected, IsEmpty());
  EXPECT_EQ(p.scopes.to_string(), "");
}

TEST(ParseScopesStrict, FirstBadScopeFailsTheSet) {
  auto ok = parse_scopes_strict("launch openid patient/*.rs");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->all().size(), 3u);
  auto bad = parse_scopes_strict("launch patient/Observation.rw openid");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().scope, "patient/Observation.rw");
}

// ---- v1 <-> v2 ----------------------------------------------------------------------------------

Scope must(std::string_view text) {
  auto s = parse_scope(text);
  EXPECT_TRUE(s.has_value()) << text;
  return s ? *s : Scope{};
}

TEST(V1V2, EquivalenceTable) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"patient/Observation.read", "patient/Observation.rs"},
      {"patient/Observation.write", "patient/Observation.cud"},
      {"patient/Observation.*", "patient/Observation.cruds"},
      {"user/*.read", "user/*.rs"},
      {"system/Patient.write", "system/Patient.cud"},
      {"system/*.*", "system/*.cruds"},
  };
  for (const auto& [v1, v2] : cases) {
    SCOPED_TRACE(v1);
    ResourceScope a = must(v1).resource, b = must(v2).resource;
    EXPECT_TRUE(a.v1);
    EXPECT_FALSE(b.v1);
    EXPECT_TRUE(equivalent(a, b));
    EXPECT_TRUE(covers(a, b));
    EXPECT_TRUE(covers(b, a));
    EXPECT_EQ(to_v2(a), v2);
    EXPECT_EQ(to_v1(b), v1);
    EXPECT_EQ(to_v2(b), v2);
    EXPECT_EQ(to_v1(a), v1);
  }
}

TEST(V1V2, NotEquivalentAndNoV1Form) {
  EXPECT_FALSE(equivalent(must("patient/Observation.read").resource,
                          must("patient/Observation.r").resource));
  EXPECT_FALSE(
      equivalent(must("patient/Observation.read").resource, must("user/Observation.rs").resource));
  EXPECT_EQ(to_v1(must("patient/Observation.r").resource), "");
  EXPECT_EQ(to_v1(must("patient/Observation.cruds?category=laboratory").resource), "");
  EXPECT_TRUE(equivalent(must("patient/Observation.rs?category=a&code=b").resource,
                         must("patient/Observation.rs?code=b&category=a").resource));
}

TEST(FormatScope, RoundTripsAndKeepsQueriesUnencoded) {
  const std::vector<std::string> cases = {
      "patient/Observation.rs",
      "user/*.cud",
      "patient/Observation.read",
      "system/*.*",
      "patient/Observation.rs?category=" + std::string(kLabScope),
      "user/Observation.r?category=vital-signs&code=http://loinc.org|8867-4",
  };
  for (const auto& c : cases) EXPECT_EQ(format_scope(must(c).resource), c);
  // Decoded values come back unencoded: the IG's literal form.
  EXPECT_EQ(format_scope(must("patient/Observation.rs?category=http%3A%2F%2Fx%7Cy").resource),
            "patient/Observation.rs?category=http://x|y");
  ResourceScope odd = must("patient/Observation.rs").resource;
  odd.filters = {{"code", "a&b c%"}};
  EXPECT_EQ(format_scope(odd), "patient/Observation.rs?code=a%26b%20c%25");
  EXPECT_EQ(must(format_scope(odd)).resource.filters, odd.filters);
}

// ---- covers ---------------------------------------------------------------------------------

struct CoversCase {
  std::string a, b;
  bool covers;
};

TEST(Covers, Table) {
  const std::string lab = "patient/Observation.rs?category=" + std::string(kLabScope);
  const std::vector<CoversCase> cases = {
      {"patient/Observation.rs", "patient/Observation.rs", true},
      {"patient/Observation.read", "patient/Observation.rs", true},
      {"patient/Observation.rs", "patient/Observation.r", true},
      {"patient/Observation.r", "patient/Observation.rs", false},
      {"patient/Observation.cruds", "patient/Observation.cud", true},
      {"patient/Observation.write", "patient/Observation.r", false},  // write never implies read
      {"patient/*.rs", "patient/Observation.rs", true},
      {"patient/*.rs", "patient/*.r", true},
      {"patient/Observation.rs", "patient/*.rs", false},
      {"patient/Observation.rs", "patient/Condition.rs", false},
      {"user/Observation.rs", "patient/Observation.rs", false},  // contexts differ
      {"system/*.cruds", "user/Observation.r", false},
      {"patient/Observation.rs", lab, true},  // resource-level covers granular
      {lab, "patient/Observation.rs", false},
      {lab, lab, true},
      {"patient/Observation.rs?category=laboratory",
       "patient/Observation.rs?category=laboratory&code=x", true},
      {"patient/Observation.rs?category=laboratory&code=x",
       "patient/Observation.rs?category=laboratory", false},
      {"patient/Observation.rs?category=laboratory", "patient/Observation.rs?category=vital-signs",
       false},
      {"launch/patient", "launch/patient", true},
      {"launch/practitioner", "launch/practitioner?role=https://x.org/r", true},
      {"launch/practitioner?role=https://x.org/r", "launch/practitioner", false},
      {"launch/patient", "launch/encounter", false},
      {"launch", "launch/patient", false},
      {"openid", "openid", true},
      {"__a", "__a", true},
      {"__a", "__b", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(covers(must(c.a), must(c.b)), c.covers) << c.a << " covers " << c.b;
  }
}

TEST(Covers, CoveredBySet) {
  ScopeSet set = parse_scopes("patient/*.rs launch/patient openid").scopes;
  EXPECT_TRUE(covered_by(set, must("patient/Observation.read")));
  EXPECT_TRUE(covered_by(set, must("patient/Condition.s?category=problem-list-item")));
  EXPECT_TRUE(covered_by(set, must("launch/patient")));
  EXPECT_FALSE(covered_by(set, must("patient/Observation.c")));
  EXPECT_FALSE(covered_by(set, must("user/Observation.rs")));
  EXPECT_FALSE(covered_by(set, must("fhirUser")));
}

TEST(Letters, Helpers) {
  EXPECT_EQ(v1_letters("read"), "rs");
  EXPECT_EQ(v1_letters("write"), "cud");
  EXPECT_EQ(v1_letters("*"), "cruds");
  EXPECT_EQ(v1_letters("rs"), "");
  EXPECT_TRUE(letters_include("cruds", "ds"));
  EXPECT_FALSE(letters_include("rs", "c"));
  EXPECT_THAT(must("patient/Observation.rs?a=1&b=2").resource.filters,
              ElementsAre(Pair("a", "1"), Pair("b", "2")));
}

}  // namespace
}  // namespace ember::smart
