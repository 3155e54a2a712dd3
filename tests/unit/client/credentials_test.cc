// Client authentication: assertion claims and signature (RS384/ES384), kid choice, Basic
// encoding, key checks.
#include "ember/client/credentials.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "fake_server.h"
#include "jose/jwt.h"

namespace ember::client {
namespace {

using testing::FakeServer;

struct FixedClock final : Clock {
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::seconds(testing::kNow));
  }
};

TEST(ClientAssertion, CarriesTheRfc7523ClaimsAndVerifies) {
  for (SigningAlg alg : {SigningAlg::RS384, SigningAlg::ES384}) {
    auto key = alg == SigningAlg::RS384 ? jose::Key::generate_rsa(2048)
                                        : jose::Key::generate_ec(jose::Curve::P384);
    ASSERT_TRUE(key);
    auto creds = ClientCredentials::with_private_key("backend-1", *key->private_pem(), alg);
    ASSERT_TRUE(creds) << creds.error().describe();
    FakeServer server;
    auto assertion = make_client_assertion(*creds, testing::kToken, server.services());
    ASSERT_TRUE(assertion) << assertion.error().describe();

    jose::ClaimRules rules;
    rules.issuer = "backend-1";
    rules.subject = "backend-1";
    rules.audience = testing::kToken;
    rules.require_iat = true;
    rules.required = {"jti"};
    rules.max_lifetime = std::chrono::seconds(300);
    FixedClock clock;
    auto jwt = jose::verify_jwt(*assertion, *key->public_key(),
                                {alg == SigningAlg::RS384 ? jose::Alg::RS384 : jose::Alg::ES384},
                                rules, clock);
    ASSERT_TRUE(jwt) << jose::to_string(jwt.error());
    EXPECT_EQ(jwt->kid.value_or(""), key->thumbprint());
    EXPECT_EQ(jwt->header.at("typ").as_string(), "JWT");
    EXPECT_EQ(jwt->claims.at("exp").as_int64() - jwt->claims.at("iat").as_int64(), 300);
    EXPECT_EQ(jwt->claims.at("iat").as_int64(), testing::kNow);
    // A fresh jti each time.
    auto again = make_client_assertion(*creds, testing::kToken, server.services());
    ASSERT_TRUE(again);
    EXPECT_NE(jose::decode_unverified_jwt(*again)->claims.at("jti"), jwt->claims.at("jti"));
  }
}

TEST(ClientAssertion, GivenKidWins) {
  auto key = jose::Key::generate_rsa(2048);
  auto creds = ClientCredentials::with_private_key("c", *key->private_pem(), SigningAlg::RS384,
                                                   "my-kid");
  ASSERT_TRUE(creds);
  FakeServer server;
  auto assertion = make_client_assertion(*creds, testing::kToken, server.services());
  ASSERT_TRUE(assertion);
  EXPECT_EQ(jose::decode_unverified_jwt(*assertion)->kid.value_or(""), "my-kid");
  auto jwks = public_jwks(*creds);
  ASSERT_TRUE(jwks);
  EXPECT_NE(jwks->find("\"kid\":\"my-kid\""), std::string::npos) << *jwks;
  EXPECT_NE(jwks->find("\"alg\":\"RS384\""), std::string::npos) << *jwks;
  EXPECT_EQ(jwks->find("\"d\""), std::string::npos);
}

TEST(ClientAssertion, KeyMustFitTheAlgorithm) {
  auto rsa = jose::Key::generate_rsa(2048);
  auto ec256 = jose::Key::generate_ec(jose::Curve::P256);
  EXPECT_FALSE(ClientCredentials::with_private_key("c", *rsa->private_pem(), SigningAlg::ES384));
  EXPECT_FALSE(ClientCredentials::with_private_key("c", *ec256->private_pem(), SigningAlg::ES384));
  auto pub = ClientCredentials::with_private_key("c", *rsa->public_pem(), SigningAlg::RS384);
  ASSERT_FALSE(pub);
  EXPECT_EQ(pub.error().reason, "not_private_key");
  auto missing = ClientCredentials::with_private_key_file("c", "/nonexistent/key.pem",
                                                          SigningAlg::RS384);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::InvalidArgument);
}

TEST(ClientAuthentication, EachKindAddsItsCredentials) {
  FakeServer server;
  auto services = server.services();
  {
    HttpRequest req;
    std::string form = "grant_type=x";
    ASSERT_TRUE(authenticate_request(ClientCredentials::public_client("app 1"), testing::kToken,
                                     services, req, form));
    EXPECT_EQ(form, "grant_type=x&client_id=app%201");
    EXPECT_TRUE(req.headers.empty());
  }
  {
    HttpRequest req;
    std::string form = "grant_type=x";
    ASSERT_TRUE(authenticate_request(ClientCredentials::with_secret("app", "p:ss"),
                                     testing::kToken, services, req, form));
    EXPECT_EQ(form, "grant_type=x");
    ASSERT_EQ(req.headers.size(), 1u);
    EXPECT_EQ(req.headers[0].first, "Authorization");
    // RFC 6749 §2.3.1: "app:p%3Ass" in base64.
    EXPECT_EQ(req.headers[0].second, "Basic YXBwOnAlM0Fzcw==");
  }
  {
    auto key = jose::Key::generate_rsa(2048);
    auto creds = ClientCredentials::with_private_key("app", *key->private_pem(), SigningAlg::RS384);
    HttpRequest req;
    std::string form = "grant_type=client_credentials";
    ASSERT_TRUE(authenticate_request(*creds, testing::kToken, services, req, form));
    req.body = form;
    auto fields = testing::form_of(req);
    EXPECT_EQ(fields["client_assertion_type"],
              "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    EXPECT_EQ(std::count(fields["client_assertion"].begin(), fields["client_assertion"].end(), '.'),
              2);
  }
}

}  // namespace
}  // namespace ember::client
