// Interop: the published examples of RFC 7515 Appendix A.2 (RS256) and A.3 (ES256) verify
// with their published keys, and our RS256 signer reproduces A.2 byte for byte.
#include <gtest/gtest.h>

#include "core/clock.h"
#include "core/encoding.h"
#include "jose/jws.h"
#include "jose/jwt.h"
#include "jose/signature.h"
#include "test_keys.h"

namespace ember::jose {
namespace {

namespace bj = boost::json;

const std::string kA2Token = "eyJhbGciOiJSUzI1NiJ9." + std::string(testing::kRfc7515Payload) + "." +
                             std::string(testing::kRfc7515A2Signature);
const std::string kPayloadText =
    "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";

Key public_rsa() {
  auto o = bj::parse(testing::kRfc7515RsaJwk).as_object();
  for (auto m : {"d", "p", "q", "dp", "dq", "qi"}) o.erase(m);
  return testing::must(Key::from_jwk(o));
}

TEST(Rfc7515, A2Rs256VerifiesWithThePublishedKey) {
  auto jws = verify_compact(kA2Token, public_rsa(), AlgSet{Alg::RS256});
  ASSERT_TRUE(jws) << to_string(jws.error());
  EXPECT_EQ(jws->payload, kPayloadText);
  EXPECT_FALSE(jws->kid);
  // The private key verifies too.
  EXPECT_TRUE(verify_compact(kA2Token, testing::must(Key::from_jwk_json(testing::kRfc7515RsaJwk)),
                             AlgSet{Alg::RS256}));
}

TEST(Rfc7515, A2Rs256SignatureIsReproduced) {
  Key key = testing::must(Key::from_jwk_json(testing::kRfc7515RsaJwk));
  const std::string input = "eyJhbGciOiJSUzI1NiJ9." + std::string(testing::kRfc7515Payload);
  auto sig = create_signature(key, Alg::RS256, input);
  ASSERT_TRUE(sig);
  EXPECT_EQ(base64url_encode(*sig), testing::kRfc7515A2Signature);
}

TEST(Rfc7515, A2ThroughAJwksWithoutKid) {
  KeySet set({public_rsa(), testing::ec256_key()});
  auto jws = verify_compact(kA2Token, set, AlgSet{Alg::RS256, Alg::ES256});
  ASSERT_TRUE(jws) << to_string(jws.error());
}

TEST(Rfc7515, A2AsJwtHonoursItsExp) {
  const Key key = public_rsa();
  ClaimRules rules;
  rules.issuer = "joe";
  ManualClock before((testing::kRfc7515Exp - 100) * 1000);
  auto jwt = verify_jwt(kA2Token, key, AlgSet{Alg::RS256}, rules, before);
  ASSERT_TRUE(jwt) << to_string(jwt.error());
  EXPECT_EQ(jwt->claims.at("http://example.com/is_root"), true);
  ManualClock after((testing::kRfc7515Exp + 3600) * 1000);
  EXPECT_EQ(verify_jwt(kA2Token, key, AlgSet{Alg::RS256}, rules, after).error(), Error::Expired);
}

TEST(Rfc7515, A3Es256VerifiesWithThePublishedKey) {
  Key pub = testing::must(Key::from_jwk_json(testing::rfc7515_ec_jwk(false)));
  auto jws = verify_compact(testing::kRfc7515A3Token, pub, AlgSet{Alg::ES256});
  ASSERT_TRUE(jws) << to_string(jws.error());
  EXPECT_EQ(jws->payload, kPayloadText);
  EXPECT_EQ(verify_compact(testing::kRfc7515A3Token, pub, AlgSet{Alg::RS256}).error(),
            Error::UnsupportedAlg);
}

TEST(Rfc7515, A3PrivateKeySignsWhatThePublicKeyVerifies) {
  Key priv = testing::must(Key::from_jwk_json(testing::rfc7515_ec_jwk(true)));
  Key pub = testing::must(Key::from_jwk_json(testing::rfc7515_ec_jwk(false)));
  auto token = sign_compact(priv, Alg::ES256, kPayloadText);
  ASSERT_TRUE(token);
  auto jws = verify_compact(*token, pub, AlgSet{Alg::ES256});
  ASSERT_TRUE(jws) << to_string(jws.error());
  EXPECT_EQ(jws->payload, kPayloadText);
}

}  // namespace
}  // namespace ember::jose
