// Key: JWK import validation, export, PEM round trip, generation, RFC 7638 thumbprint.
#include "jose/jwk.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cctype>

#include "core/encoding.h"
#include "test_keys.h"

namespace ember::jose {
namespace {

namespace bj = boost::json;
using testing::kRfc7515RsaJwk;
using testing::kRfc7638Jwk;

TEST(JwkThumbprint, MatchesRfc7638Example) {
  auto key = Key::from_jwk_json(kRfc7638Jwk);
  ASSERT_TRUE(key) << to_string(key.error());
  EXPECT_EQ(key->thumbprint(), testing::kRfc7638Thumbprint);
  EXPECT_EQ(key->kid(), "2011-04-29");  // the publisher's kid is kept
  EXPECT_EQ(key->alg(), Alg::RS256);
  EXPECT_FALSE(key->is_private());
}

TEST(JwkThumbprint, IsTheDefaultKidOfGeneratedAndPemKeys) {
  const Key& k = testing::ec256_key();
  EXPECT_EQ(k.kid(), k.thumbprint());
  EXPECT_EQ(k.kid().size(), 43u);  // 32 octets, base64url
  auto pem = k.private_pem();
  ASSERT_TRUE(pem);
  auto back = Key::from_pem(*pem);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->kid(), k.thumbprint());
}

TEST(JwkParse, Rfc7515RsaPrivateKey) {
  auto key = Key::from_jwk_json(kRfc7515RsaJwk);
  ASSERT_TRUE(key) << to_string(key.error());
  EXPECT_EQ(key->type(), KeyType::RSA);
  EXPECT_EQ(key->bits(), 2048);
  EXPECT_TRUE(key->is_private());
  EXPECT_TRUE(key->kid().empty());
  EXPECT_EQ(key->public_jwk().at("n").as_string(), testing::kRfc7515RsaN);
}

TEST(JwkParse, Rfc7515EcKeys) {
  auto pub = Key::from_jwk_json(testing::rfc7515_ec_jwk(false));
  ASSERT_TRUE(pub) << to_string(pub.error());
  EXPECT_EQ(pub->type(), KeyType::EC);
  EXPECT_EQ(pub->curve(), Curve::P256);
  EXPECT_FALSE(pub->is_private());
  auto priv = Key::from_jwk_json(testing::rfc7515_ec_jwk(true));
  ASSERT_TRUE(priv) << to_string(priv.error());
  EXPECT_TRUE(priv->is_private());
  EXPECT_EQ(priv->thumbprint(), pub->thumbprint());
}

// Mutations of valid JWKs, each with the error it must produce.
struct BadJwk {
  const char* name;
  std::string json;
  Error want;
};

std::string with(std::string_view base, std::string_view member, std::string_view value) {
  auto o = bj::parse(base).as_object();
  if (value.empty()) {
    o.erase(member);
  } else {
    o[member] = bj::parse(value);
  }
  return bj::serialize(o);
}

class JwkRejects : public ::testing::TestWithParam<BadJwk> {};

TEST_P(JwkRejects, WithTheRightError) {
  auto key = Key::from_jwk_json(GetParam().json);
  ASSERT_FALSE(key) << GetParam().name;
  EXPECT_EQ(key.error(), GetParam().want) << GetParam().name << ": got " << to_string(key.error());
}

const std::string kEcPub = testing::rfc7515_ec_jwk(false);
const std::string kEcPriv = testing::rfc7515_ec_jwk(true);
const std::string kRsaPub = with(kRfc7638Jwk, "alg", "");
const std::string kRsaPriv(kRfc7515RsaJwk);
// y of the RFC key with its first octet changed: off the curve.
const std::string kOffCurveY = "\"y_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"";
// y of the RFC key spelled with non-zero unused bits in its last character (same octets).
const std::string kNonCanonicalY = "\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1\"";
// A 1024-bit modulus (128 octets of 0xC3...).
const std::string k1024N =
    "\"" + base64url_encode(std::string(127, '\xC3') + std::string(1, '\x01')) + "\"";

INSTANTIATE_TEST_SUITE_P(
    Table, JwkRejects,
    ::testing::Values(
        BadJwk{"oct refused", R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ"})",
               Error::UnsupportedKeyType},
        BadJwk{"OKP refused",
               R"({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})",
               Error::UnsupportedKeyType},
        BadJwk{"kty missing", with(kEcPub, "kty", ""), Error::InvalidKey},
        BadJwk{"kty not a string", with(kEcPub, "kty", "1"), Error::InvalidKey},
        BadJwk{"P-521 refused", with(kEcPub, "crv", "\"P-521\""), Error::UnsupportedKeyType},
        BadJwk{"secp256k1 refused", with(kEcPub, "crv", "\"secp256k1\""),
               Error::UnsupportedKeyType},
        BadJwk{"crv missing", with(kEcPub, "crv", ""), Error::InvalidKey},
        BadJwk{"x missing", with(kEcPub, "x", ""), Error::InvalidKey},
        BadJwk{"x short", with(kEcPub, "x", "\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVA\""),
               Error::InvalidKey},
        BadJwk{"x padded", with(kEcPub, "x", "\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU=\""),
               Error::InvalidKey},
        BadJwk{"x not base64url",
               with(kEcPub, "x", "\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRV+U\""),
               Error::InvalidKey},
        BadJwk{"P-256 coordinates on P-384", with(kEcPub, "crv", "\"P-384\""), Error::InvalidKey},
        BadJwk{"point off the curve", with(kEcPub, "y", kOffCurveY), Error::InvalidKey},
        BadJwk{"non-canonical base64url", with(kEcPub, "y", kNonCanonicalY), Error::InvalidKey},
        BadJwk{"EC d does not match",
               with(kEcPriv, "d", "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE\""),
               Error::InvalidKey},
        BadJwk{"EC d short", with(kEcPriv, "d", "\"AQ\""), Error::InvalidKey},
        BadJwk{"RSA n missing", with(kRsaPub, "n", ""), Error::InvalidKey},
        BadJwk{"RSA e missing", with(kRsaPub, "e", ""), Error::InvalidKey},
        BadJwk{"RSA e empty", with(kRsaPub, "e", "\"\""), Error::InvalidKey},
        BadJwk{"RSA e=3 (SP 800-56B)", with(kRsaPub, "e", "\"Aw\""), Error::InvalidKey},
        BadJwk{"RSA e even", with(kRsaPub, "e", "\"AQAC\""), Error::InvalidKey},
        BadJwk{"RSA e=2^16", with(kRsaPub, "e", "\"AQAA\""), Error::InvalidKey},
        BadJwk{"RSA n leading zero",
               with(kRsaPub, "n", "\"AA" + std::string(testing::kRfc7515RsaN.substr(2)) + "\""),
               Error::InvalidKey},
        BadJwk{"RSA 1024 bits", with(kRsaPub, "n", k1024N), Error::WeakKey},
        BadJwk{"RSA multi-prime oth", with(kRsaPriv, "oth", "[]"), Error::UnsupportedKeyType},
        BadJwk{"RSA CRT without d", with(kRsaPriv, "d", ""), Error::InvalidKey},
        BadJwk{"RSA partial CRT", with(kRsaPriv, "qi", ""), Error::InvalidKey},
        BadJwk{"RSA d does not match", with(kRsaPriv, "d", "\"AQAB\""), Error::InvalidKey},
        BadJwk{"use enc", with(kEcPub, "use", "\"enc\""), Error::KeyUseMismatch},
        BadJwk{"key_ops encrypt only", with(kEcPub, "key_ops", "[\"encrypt\"]"),
               Error::KeyUseMismatch},
        BadJwk{"key_ops not an array", with(kEcPub, "key_ops", "\"verify\""), Error::InvalidKey},
        BadJwk{"alg HS256 on RSA", with(kRsaPub, "alg", "\"HS256\""), Error::UnsupportedAlg},
        BadJwk{"alg RSA-OAEP", with(kRsaPub, "alg", "\"RSA-OAEP\""), Error::UnsupportedAlg},
        BadJwk{"alg ES256 on RSA", with(kRsaPub, "alg", "\"ES256\""), Error::KeyAlgMismatch},
        BadJwk{"alg ES384 on P-256", with(kEcPub, "alg", "\"ES384\""), Error::KeyAlgMismatch},
        BadJwk{"kid not a string", with(kEcPub, "kid", "7"), Error::InvalidKey},
        BadJwk{"kid too long", with(kEcPub, "kid", "\"" + std::string(300, 'k') + "\""),
               Error::InvalidKey},
        BadJwk{"duplicate kty", R"({"kty":"EC","kty":"RSA"})", Error::DuplicateMember},
        BadJwk{"not JSON", "{kty:EC}", Error::Malformed},
        BadJwk{"not an object", "[]", Error::Malformed}),
    [](const auto& info) {
      std::string n;
      for (char c : std::string(info.param.name))
        n += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      return n;
    });

TEST(JwkParse, ToleratesUnknownMembersAndSigUsage) {
  auto o = bj::parse(kEcPub).as_object();
  o["use"] = "sig";
  o["key_ops"] = bj::array{"verify"};
  o["x5c"] = bj::array{"MIIB..."};
  o["x5t#S256"] = "abc";
  o["ext"] = true;
  auto key = Key::from_jwk(o);
  ASSERT_TRUE(key) << to_string(key.error());
}

TEST(JwkParse, RsaPrivateWithDOnlyIsRefused) {
  // RFC 7518 §6.3.2 allows d alone, but OpenSSL's key-pair check needs the factors; keys we sign
  // with come from our own store as PKCS#8, so we refuse rather than sign with an unchecked key.
  auto o = bj::parse(kRsaPriv).as_object();
  for (auto m : {"p", "q", "dp", "dq", "qi"}) o.erase(m);
  EXPECT_EQ(Key::from_jwk(o).error(), Error::InvalidKey);
}

TEST(JwkExport, PublicJwkHasExactlyThePublicMembers) {
  Key k = testing::rsa_key();
  ASSERT_TRUE(k.pin_alg(Alg::RS256));
  auto jwk = k.public_jwk();
  std::vector<std::string> names;
  for (const auto& m : jwk) names.emplace_back(m.key());
  EXPECT_EQ(names, (std::vector<std::string>{"kty", "kid", "use", "alg", "n", "e"}));
  EXPECT_EQ(jwk.at("use"), "sig");
  EXPECT_EQ(jwk.at("alg"), "RS256");
  EXPECT_EQ(jwk.at("e"), "AQAB");

  auto ec = testing::ec384_key().public_jwk();
  EXPECT_EQ(ec.at("crv"), "P-384");
  EXPECT_EQ(ec.at("x").as_string().size(), 64u);  // 48 octets
  EXPECT_FALSE(ec.contains("d"));

  // Re-importing the public JWK gives the same key.
  for (const Key* key :
       {static_cast<const Key*>(&k), &testing::ec256_key(), &testing::ec384_key()}) {
    auto back = Key::from_jwk(key->public_jwk());
    ASSERT_TRUE(back) << to_string(back.error());
    EXPECT_EQ(back->thumbprint(), key->thumbprint());
    EXPECT_EQ(back->kid(), key->kid());
    EXPECT_FALSE(back->is_private());
  }
}

TEST(JwkExport, PemRoundTripKeepsThePrivateKey) {
  for (const Key* key : {&testing::rsa_key(), &testing::ec256_key(), &testing::ec384_key()}) {
    auto pem = key->private_pem();
    ASSERT_TRUE(pem);
    EXPECT_TRUE(pem->starts_with("-----BEGIN PRIVATE KEY-----")) << *pem;  // PKCS#8
    auto back = Key::from_pem(*pem);
    ASSERT_TRUE(back) << to_string(back.error());
    EXPECT_TRUE(back->is_private());
    EXPECT_EQ(back->thumbprint(), key->thumbprint());
    EXPECT_EQ(back->type(), key->type());
    EXPECT_EQ(back->curve(), key->curve());
  }
}

TEST(JwkExport, PublicPemAndPublicKey) {
  const Key& k = testing::ec256_key();
  auto pem = k.public_pem();
  ASSERT_TRUE(pem);
  EXPECT_TRUE(pem->starts_with("-----BEGIN PUBLIC KEY-----"));
  auto back = Key::from_pem(*pem);
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->is_private());
  EXPECT_EQ(back->thumbprint(), k.thumbprint());
  EXPECT_EQ(back->private_pem().error(), Error::NotPrivateKey);

  auto pub = k.public_key();
  ASSERT_TRUE(pub);
  EXPECT_FALSE(pub->is_private());
  EXPECT_EQ(pub->kid(), k.kid());
}

TEST(JwkPem, RejectsGarbageAndWeakKeys) {
  EXPECT_EQ(Key::from_pem("not a pem").error(), Error::InvalidKey);
  EXPECT_EQ(Key::from_pem("").error(), Error::InvalidKey);
  // A freshly generated 1024-bit RSA key in PKCS#8: too weak to import.
  EVP_PKEY* weak = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024});
  ASSERT_NE(weak, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio, weak, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  EVP_PKEY_free(weak);
  EXPECT_EQ(Key::from_pem(pem).error(), Error::WeakKey);
}

TEST(JwkGenerate, KeyTypesAndSizes) {
  EXPECT_EQ(testing::rsa_key().bits(), 2048);
  EXPECT_TRUE(testing::rsa_key().is_private());
  EXPECT_EQ(testing::ec256_key().curve(), Curve::P256);
  EXPECT_EQ(testing::ec384_key().curve(), Curve::P384);
  EXPECT_NE(testing::rsa_key().kid(), testing::rsa_key_b().kid());
  EXPECT_EQ(Key::generate_rsa(1024).error(), Error::WeakKey);
}

TEST(JwkFits, KtyCurveAndPin) {
  Key rsa = testing::rsa_key();
  for (Alg a : {Alg::RS256, Alg::RS384, Alg::RS512, Alg::PS256, Alg::PS384}) {
    EXPECT_TRUE(rsa.fits(a));
  }
  EXPECT_FALSE(rsa.fits(Alg::ES256));
  EXPECT_TRUE(testing::ec256_key().fits(Alg::ES256));
  EXPECT_FALSE(testing::ec256_key().fits(Alg::ES384));
  EXPECT_FALSE(testing::ec384_key().fits(Alg::ES256));
  ASSERT_TRUE(rsa.pin_alg(Alg::PS256));
  EXPECT_FALSE(rsa.fits(Alg::RS256));
  EXPECT_TRUE(rsa.fits(Alg::PS256));
  Key ec = testing::ec256_key();
  EXPECT_EQ(ec.pin_alg(Alg::ES384).error(), Error::KeyAlgMismatch);
}

TEST(JoseError, EveryValueHasAName) {
  for (int i = 0; i <= static_cast<int>(Error::SubjectMismatch); ++i) {
    EXPECT_NE(to_string(static_cast<Error>(i)), "unknown") << i;
  }
  EXPECT_EQ(to_string(Error::BadSignature), "bad_signature");
}

}  // namespace
}  // namespace ember::jose
