// JWT claim validation against a ManualClock (table-driven over RFC 7519 §4.1), typ checks, and
// verify_jwt's order: signature before anything the claims say.
#include "jose/jwt.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "test_keys.h"

namespace ember::jose {
namespace {

namespace bj = boost::json;

constexpr std::int64_t kNow = 1'700'000'000;  // ManualClock's default, in seconds

std::string at(std::int64_t offset) {
  return std::to_string(kNow + offset);
}

struct ClaimCase {
  const char* name;
  std::string claims;  // JSON object
  std::function<void(ClaimRules&)> tweak;
  std::optional<Error> want;
};

class JwtClaims : public ::testing::TestWithParam<ClaimCase> {};

TEST_P(JwtClaims, Table) {
  const auto& c = GetParam();
  ClaimRules rules;
  if (c.tweak) c.tweak(rules);
  ManualClock clock;
  auto claims = bj::parse(c.claims).as_object();
  auto r = validate_claims(claims, rules, clock);
  if (c.want) {
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error(), *c.want) << c.name << ": got " << to_string(r.error());
  } else {
    EXPECT_TRUE(r) << c.name << ": " << to_string(r.error());
  }
}

const auto kNoTweak = std::function<void(ClaimRules&)>{};
auto expect(std::string iss, std::string aud, std::string sub) {
  return [=](ClaimRules& r) {
    r.issuer = iss;
    r.audience = aud;
    r.subject = sub;
  };
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7519, JwtClaims,
    ::testing::Values(
        // exp (§4.1.4), default leeway 60 s: valid while now < exp + 60.
        ClaimCase{"exp_future", R"({"exp":)" + at(300) + "}", kNoTweak, {}},
        ClaimCase{"exp_just_past_within_leeway", R"({"exp":)" + at(-59) + "}", kNoTweak, {}},
        ClaimCase{"exp_at_leeway_edge", R"({"exp":)" + at(-60) + "}", kNoTweak, Error::Expired},
        ClaimCase{"exp_long_past", R"({"exp":)" + at(-86400) + "}", kNoTweak, Error::Expired},
        ClaimCase{"exp_now_zero_leeway", R"({"exp":)" + at(0) + "}",
                  [](ClaimRules& r) { r.leeway = std::chrono::seconds(0); }, Error::Expired},
        ClaimCase{"exp_next_second_zero_leeway",
                  R"({"exp":)" + at(1) + "}",
                  [](ClaimRules& r) { r.leeway = std::chrono::seconds(0); },
                  {}},
        ClaimCase{"exp_fractional", R"({"exp":)" + at(-59) + ".9}", kNoTweak, {}},
        ClaimCase{"exp_missing", "{}", kNoTweak, Error::MissingClaim},
        ClaimCase{"exp_optional", "{}", [](ClaimRules& r) { r.require_exp = false; }, {}},
        ClaimCase{"exp_string", R"({"exp":"1700000300"})", kNoTweak, Error::InvalidClaim},
        ClaimCase{"exp_bool", R"({"exp":true})", kNoTweak, Error::InvalidClaim},
        ClaimCase{"exp_null", R"({"exp":null})", kNoTweak, Error::InvalidClaim},
        ClaimCase{"exp_huge", R"({"exp":18446744073709551615})", kNoTweak, Error::InvalidClaim},
        ClaimCase{"exp_1e300", R"({"exp":1e300})", kNoTweak, Error::InvalidClaim},
        ClaimCase{"exp_far_future_ok_without_max",
                  R"({"exp":)" + at(10 * 365 * 86400) + "}",
                  kNoTweak,
                  {}},
        // nbf (§4.1.5)
        ClaimCase{"nbf_past", R"({"exp":)" + at(300) + R"(,"nbf":)" + at(-10) + "}", kNoTweak, {}},
        ClaimCase{"nbf_within_leeway",
                  R"({"exp":)" + at(300) + R"(,"nbf":)" + at(60) + "}",
                  kNoTweak,
                  {}},
        ClaimCase{"nbf_beyond_leeway", R"({"exp":)" + at(300) + R"(,"nbf":)" + at(61) + "}",
                  kNoTweak, Error::NotYetValid},
        ClaimCase{"nbf_string", R"({"exp":)" + at(300) + R"(,"nbf":"x"})", kNoTweak,
                  Error::InvalidClaim},
        // iat (§4.1.6)
        ClaimCase{"iat_now", R"({"exp":)" + at(300) + R"(,"iat":)" + at(0) + "}", kNoTweak, {}},
        ClaimCase{"iat_within_leeway",
                  R"({"exp":)" + at(300) + R"(,"iat":)" + at(60) + "}",
                  kNoTweak,
                  {}},
        ClaimCase{"iat_future", R"({"exp":)" + at(300) + R"(,"iat":)" + at(61) + "}", kNoTweak,
                  Error::IssuedInFuture},
        ClaimCase{"iat_required_missing", R"({"exp":)" + at(300) + "}",
                  [](ClaimRules& r) { r.require_iat = true; }, Error::MissingClaim},
        // Lifetime cap (client assertions: 5 minutes), leeway allowed for skew.
        ClaimCase{"lifetime_at_cap",
                  R"({"exp":)" + at(360) + "}",
                  [](ClaimRules& r) { r.max_lifetime = kClientAssertionMaxLifetime; },
                  {}},
        ClaimCase{"lifetime_over_cap", R"({"exp":)" + at(361) + "}",
                  [](ClaimRules& r) { r.max_lifetime = kClientAssertionMaxLifetime; },
                  Error::LifetimeTooLong},
        ClaimCase{"lifetime_far_future", R"({"exp":)" + at(365 * 86400) + "}",
                  [](ClaimRules& r) { r.max_lifetime = kClientAssertionMaxLifetime; },
                  Error::LifetimeTooLong},
        ClaimCase{"lifetime_needs_exp", "{}",
                  [](ClaimRules& r) {
                    r.require_exp = false;
                    r.max_lifetime = kClientAssertionMaxLifetime;
                  },
                  Error::MissingClaim},
        // iss / aud / sub (§4.1.1-4.1.3)
        ClaimCase{"all_match",
                  R"({"exp":)" + at(300) + R"(,"iss":"app","aud":"https://as/token","sub":"app"})",
                  expect("app", "https://as/token", "app"),
                  {}},
        ClaimCase{
            "aud_array_contains",
            R"({"exp":)" + at(300) + R"(,"iss":"app","aud":["x","https://as/token"],"sub":"app"})",
            expect("app", "https://as/token", "app"),
            {}},
        ClaimCase{"aud_array_lacks",
                  R"({"exp":)" + at(300) + R"(,"iss":"app","aud":["x","y"],"sub":"app"})",
                  expect("app", "https://as/token", "app"), Error::AudienceMismatch},
        ClaimCase{"aud_empty_array",
                  R"({"exp":)" + at(300) + R"(,"iss":"app","aud":[],"sub":"app"})",
                  expect("app", "https://as/token", "app"), Error::AudienceMismatch},
        ClaimCase{"aud_prefix_is_no_match",
                  R"({"exp":)" + at(300) + R"(,"iss":"app","aud":"https://as/tok","sub":"app"})",
                  expect("app", "https://as/token", "app"), Error::AudienceMismatch},
        ClaimCase{
            "aud_array_with_number",
            R"({"exp":)" + at(300) + R"(,"iss":"app","aud":["https://as/token",1],"sub":"app"})",
            expect("app", "https://as/token", "app"), Error::InvalidClaim},
        ClaimCase{"aud_missing", R"({"exp":)" + at(300) + R"(,"iss":"app","sub":"app"})",
                  expect("app", "https://as/token", "app"), Error::MissingClaim},
        ClaimCase{"iss_mismatch",
                  R"({"exp":)" + at(300) + R"(,"iss":"evil","aud":"https://as/token","sub":"app"})",
                  expect("app", "https://as/token", "app"), Error::IssuerMismatch},
        ClaimCase{"iss_missing",
                  R"({"exp":)" + at(300) + R"(,"aud":"https://as/token","sub":"app"})",
                  expect("app", "https://as/token", "app"), Error::MissingClaim},
        ClaimCase{
            "iss_not_string",
            R"({"exp":)" + at(300) + R"(,"iss":["app"],"aud":"https://as/token","sub":"app"})",
            expect("app", "https://as/token", "app"), Error::InvalidClaim},
        ClaimCase{
            "sub_mismatch",
            R"({"exp":)" + at(300) + R"(,"iss":"app","aud":"https://as/token","sub":"other"})",
            expect("app", "https://as/token", "app"), Error::SubjectMismatch},
        ClaimCase{"unchecked_iss_still_typed", R"({"exp":)" + at(300) + R"(,"iss":1})", kNoTweak,
                  Error::InvalidClaim},
        // Required extra claims, jti type.
        ClaimCase{"jti_required_missing", R"({"exp":)" + at(300) + "}",
                  [](ClaimRules& r) { r.required = {"jti"}; }, Error::MissingClaim},
        ClaimCase{"jti_required_present",
                  R"({"exp":)" + at(300) + R"(,"jti":"j1"})",
                  [](ClaimRules& r) { r.required = {"jti"}; },
                  {}},
        ClaimCase{"jti_number", R"({"exp":)" + at(300) + R"(,"jti":1})", kNoTweak,
                  Error::InvalidClaim}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(JwtTyp, Table) {
  struct Case {
    const char* header;
    std::optional<std::string> typ;
    bool require;
    std::optional<Error> want;
  };
  const Case cases[] = {
      {R"({"alg":"ES256","typ":"JWT"})", "JWT", false, {}},
      {R"({"alg":"ES256","typ":"jwt"})", "JWT", false, {}},
      {R"({"alg":"ES256","typ":"application/jwt"})", "JWT", false, {}},
      {R"({"alg":"ES256","typ":"at+jwt"})", "JWT", false, Error::TypMismatch},
      {R"({"alg":"ES256","typ":"JOSE"})", "JWT", false, Error::TypMismatch},
      {R"({"alg":"ES256","typ":"application/at+jwt"})", "at+jwt", true, {}},
      {R"({"alg":"ES256"})", "JWT", false, {}},
      {R"({"alg":"ES256"})", "at+jwt", true, Error::TypMismatch},
      {R"({"alg":"ES256","typ":"anything"})", std::nullopt, false, {}},
  };
  for (const auto& c : cases) {
    ClaimRules rules;
    rules.typ = c.typ;
    rules.require_typ = c.require;
    auto r = check_typ(bj::parse(c.header).as_object(), rules);
    if (c.want) {
      ASSERT_FALSE(r) << c.header;
      EXPECT_EQ(r.error(), *c.want) << c.header;
    } else {
      EXPECT_TRUE(r) << c.header;
    }
  }
}

bj::object assertion_claims(std::int64_t exp_offset) {
  bj::object c;
  c["iss"] = "app-1";
  c["sub"] = "app-1";
  c["aud"] = "https://ember.test/oauth/token";
  c["jti"] = "a1b2";
  c["iat"] = kNow;
  c["exp"] = kNow + exp_offset;
  return c;
}

ClaimRules assertion_rules() {
  ClaimRules r;
  r.issuer = "app-1";
  r.subject = "app-1";
  r.audience = "https://ember.test/oauth/token";
  r.required = {"jti"};
  r.max_lifetime = kClientAssertionMaxLifetime;
  r.typ = "JWT";
  return r;
}

TEST(JwtVerify, ClientAssertionThroughTheClientsJwks) {
  ManualClock clock;
  KeySet client_jwks({*testing::ec384_key().public_key(), *testing::rsa_key().public_key()});
  for (Alg alg : {Alg::ES384, Alg::RS384}) {
    auto token = sign_jwt(testing::key_for(alg), alg, assertion_claims(300));
    ASSERT_TRUE(token);
    // Key selection may peek at the unverified iss first.
    auto peek = decode_unverified_jwt(*token);
    ASSERT_TRUE(peek);
    EXPECT_EQ(peek->claims.at("iss"), "app-1");
    auto jwt =
        verify_jwt(*token, client_jwks, AlgSet{Alg::ES384, Alg::RS384}, assertion_rules(), clock);
    ASSERT_TRUE(jwt) << to_string(jwt.error());
    EXPECT_EQ(jwt->claims.at("jti"), "a1b2");
    EXPECT_EQ(jwt->alg, alg);
  }
  auto long_lived = sign_jwt(testing::ec384_key(), Alg::ES384, assertion_claims(3600));
  ASSERT_TRUE(long_lived);
  EXPECT_EQ(verify_jwt(*long_lived, client_jwks, AlgSet::all(), assertion_rules(), clock).error(),
            Error::LifetimeTooLong);
  clock.advance_ms(361 * 1000);  // the 300 s assertion, 60 s leeway later
  auto token = sign_jwt(testing::ec384_key(), Alg::ES384, assertion_claims(0));
  ASSERT_TRUE(token);
  EXPECT_EQ(verify_jwt(*token, client_jwks, AlgSet::all(), assertion_rules(), clock).error(),
            Error::Expired);
}

TEST(JwtVerify, SignatureIsCheckedBeforeClaims) {
  ManualClock clock;
  // Expired and with a wrong audience, but signed by a key the verifier does not hold.
  auto token = sign_jwt(testing::rsa_key_b(), Alg::RS256, assertion_claims(-3600));
  ASSERT_TRUE(token);
  Key verifier = testing::rsa_key();
  verifier.set_kid(testing::rsa_key_b().kid());
  EXPECT_EQ(verify_jwt(*token, verifier, AlgSet::all(), assertion_rules(), clock).error(),
            Error::BadSignature);
}

TEST(JwtVerify, TypAndPayloadShape) {
  ManualClock clock;
  const Key& key = testing::ec256_key();
  SignOptions at;
  at.typ = "at+jwt";
  auto token = sign_jwt(key, Alg::ES256, assertion_claims(300), at);
  ASSERT_TRUE(token);
  EXPECT_EQ(verify_jwt(*token, key, AlgSet::all(), assertion_rules(), clock).error(),
            Error::TypMismatch);

  for (std::string_view payload : {"[1,2]", "not json", R"({"exp":1,"exp":2})"}) {
    auto raw = sign_compact(key, Alg::ES256, payload);
    ASSERT_TRUE(raw);
    auto r = verify_jwt(*raw, key, AlgSet::all(), ClaimRules{}, clock);
    ASSERT_FALSE(r) << payload;
    EXPECT_TRUE(r.error() == Error::Malformed || r.error() == Error::DuplicateMember) << payload;
    EXPECT_FALSE(decode_unverified_jwt(*raw)) << payload;
  }
}

}  // namespace
}  // namespace ember::jose
