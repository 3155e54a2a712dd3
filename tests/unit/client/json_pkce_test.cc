// Json navigation and exact numbers; PKCE against RFC 7636 Appendix B; error descriptions.
#include <gtest/gtest.h>

#include "ember/client/error.h"
#include "ember/client/json.h"
#include "ember/client/pkce.h"

namespace ember::client {
namespace {

TEST(Json, NavigatesWithoutThrowing) {
  auto j = Json::parse(R"({"a":{"b":[1,"two",true,null,1.50]},"s":"x"})");
  ASSERT_TRUE(j);
  EXPECT_TRUE(j->is_object());
  EXPECT_EQ((*j)["a"]["b"].size(), 5u);
  EXPECT_EQ((*j)["a"]["b"][0].integer(), 1);
  EXPECT_EQ((*j)["a"]["b"][1].string_or(), "two");
  EXPECT_EQ((*j)["a"]["b"][2].boolean(), true);
  EXPECT_TRUE((*j)["a"]["b"][3].is_null());
  EXPECT_EQ((*j)["a"]["b"][4].dump(), "1.50");
  EXPECT_DOUBLE_EQ(*(*j)["a"]["b"][4].number(), 1.5);
  EXPECT_FALSE((*j)["a"]["b"][4].is_string());
  EXPECT_TRUE((*j)["missing"]["deeper"][7].is_null());
  EXPECT_EQ((*j)["s"]["x"].string_or("fallback"), "fallback");
  EXPECT_EQ(j->keys(), (std::vector<std::string>{"a", "s"}));
  EXPECT_EQ((*j)["a"]["b"].items().size(), 5u);
  EXPECT_EQ(Json().dump(), "null");
}

TEST(Json, PrettyKeepsNumbersAndEscapes) {
  auto j = Json::parse(R"({"v":1.50,"q":"a\"b","e":[],"o":{}})");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->pretty(), "{\n  \"v\": 1.50,\n  \"q\": \"a\\\"b\",\n  \"e\": [],\n  \"o\": {}\n}");
  EXPECT_EQ(j->dump(), R"({"v":1.50,"q":"a\"b","e":[],"o":{}})");
  auto reparsed = Json::parse(j->pretty());
  ASSERT_TRUE(reparsed);
  EXPECT_EQ(reparsed->dump(), j->dump());
}

TEST(Json, BadTextIsAnInvalidResponse) {
  auto j = Json::parse("{nope");
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().kind, ErrorKind::InvalidResponse);
}

TEST(Pkce, MatchesRfc7636AppendixB) {
  EXPECT_EQ(pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Pkce, FreshVerifierHas256Bits) {
  int calls = 0;
  auto p = make_pkce([&](std::size_t n) {
    ++calls;
    EXPECT_EQ(n, 32u);
    return std::string(n, '\x07');
  });
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(p.verifier.size(), 43u);
  EXPECT_EQ(p.challenge, pkce_s256(p.verifier));
  EXPECT_EQ(Pkce::method, "S256");
}

TEST(ErrorDescribe, OneLinePerKind) {
  Error oauth;
  oauth.kind = ErrorKind::OAuthError;
  oauth.error = "invalid_client";
  EXPECT_EQ(oauth.describe(), "error: invalid_client");
  Error fhir;
  fhir.kind = ErrorKind::FhirError;
  fhir.message = "GET x: HTTP 403";
  fhir.issues.push_back({"error", "forbidden", "scope does not allow it"});
  EXPECT_EQ(fhir.describe(), "error: fhir_error (GET x: HTTP 403); forbidden: scope does not allow it");
  EXPECT_EQ(to_string(ErrorKind::StateMismatch), "state_mismatch");
}

}  // namespace
}  // namespace ember::client
