// KeySet: JWKS parsing tolerance, serialization, and the (kid, alg) selection rule.
#include "jose/jwks.h"

#include <gtest/gtest.h>

#include "test_keys.h"

namespace ember::jose {
namespace {

namespace bj = boost::json;

bj::object jwk_with(const Key& k, std::string_view kid) {
  auto o = k.public_jwk();
  o["kid"] = kid;
  return o;
}

std::string jwks_of(std::initializer_list<bj::value> keys) {
  bj::object o;
  bj::array arr;
  for (const auto& k : keys) arr.push_back(k);
  o["keys"] = std::move(arr);
  return bj::serialize(o);
}

TEST(JwksParse, ToleratesUnknownMembersAndSkipsUnusableKeys) {
  auto rsa = jwk_with(testing::rsa_key(), "r1");
  rsa["key_ops"] = bj::array{"verify"};
  rsa["x5c"] = bj::array{"MIIC+DCCAeCgAwIBAgIJ..."};
  rsa["x5t"] = "dGhpcyBpcyBub3QgYSByZWFsIHRodW1icHJpbnQ";
  auto ec = jwk_with(testing::ec256_key(), "e1");
  ec["use"] = "sig";
  bj::object doc;
  doc["keys"] = bj::array{
      rsa,
      ec,
      bj::parse(R"({"kty":"oct","kid":"h","k":"c2VjcmV0"})"),
      bj::parse(
          R"({"kty":"OKP","crv":"Ed25519","kid":"ed","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"})"),
      bj::parse(R"({"kty":"EC","crv":"P-521","kid":"p521","x":"AQ","y":"AQ"})"),
      [] {
        auto enc = jwk_with(testing::rsa_key_b(), "enc1");
        enc["use"] = "enc";
        return bj::value(enc);
      }(),
  };
  doc["issuer"] = "https://example.org";  // unknown top-level member
  auto set = KeySet::parse(bj::serialize(doc));
  ASSERT_TRUE(set) << to_string(set.error());
  ASSERT_EQ(set->size(), 2u);
  EXPECT_EQ(set->keys()[0].kid(), "r1");
  EXPECT_EQ(set->keys()[1].kid(), "e1");
}

TEST(JwksParse, RefusesBrokenDocumentsAndBrokenKeys) {
  EXPECT_EQ(KeySet::parse("{}").error(), Error::Malformed);
  EXPECT_EQ(KeySet::parse(R"({"keys":{}})").error(), Error::Malformed);
  EXPECT_EQ(KeySet::parse(R"({"keys":["x"]})").error(), Error::Malformed);
  EXPECT_EQ(KeySet::parse(R"({"keys":[],"keys":[]})").error(), Error::DuplicateMember);
  EXPECT_EQ(KeySet::parse(R"({"keys":[{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}]})").error(),
            Error::InvalidKey);
  EXPECT_EQ(KeySet::parse(std::string(kMaxJwksBytes + 1, ' ')).error(), Error::TooLarge);
  EXPECT_TRUE(KeySet::parse(R"({"keys":[]})"));
}

TEST(JwksSerialize, PublicOnlyAndRoundTrips) {
  KeySet set({testing::rsa_key(), testing::ec256_key(), testing::ec384_key()});
  auto json = set.to_public_json();
  std::string text = bj::serialize(json);
  for (auto secret : {"\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\""}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret;
  }
  auto back = KeySet::parse(text);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(back->keys()[i].kid(), set.keys()[i].kid());
    EXPECT_EQ(back->keys()[i].thumbprint(), set.keys()[i].thumbprint());
  }
}

struct SelectCase {
  const char* name;
  std::optional<std::string> kid;
  Alg alg;
  std::optional<Error> want_error;
  std::string want_kid;  // when selection succeeds
};

class JwksSelect : public ::testing::TestWithParam<SelectCase> {};

// r1: RSA; e1: EC P-256; e3: EC P-384; dup: two RSA keys; mixed: one RSA and one EC P-256.
KeySet select_fixture() {
  auto set = KeySet::parse(jwks_of({
      jwk_with(testing::rsa_key(), "r1"),
      jwk_with(testing::ec256_key(), "e1"),
      jwk_with(testing::ec384_key(), "e3"),
      jwk_with(testing::rsa_key(), "dup"),
      jwk_with(testing::rsa_key_b(), "dup"),
      jwk_with(testing::rsa_key_b(), "mixed"),
      jwk_with(testing::ec256_key(), "mixed"),
  }));
  EXPECT_TRUE(set);
  return *set;
}

TEST_P(JwksSelect, Table) {
  static const KeySet set = select_fixture();
  const auto& c = GetParam();
  auto key = set.select(c.kid ? std::optional<std::string_view>(*c.kid) : std::nullopt, c.alg);
  if (c.want_error) {
    ASSERT_FALSE(key) << c.name;
    EXPECT_EQ(key.error(), *c.want_error) << c.name << ": got " << to_string(key.error());
  } else {
    ASSERT_TRUE(key) << c.name << ": " << to_string(key.error());
    EXPECT_EQ((*key)->kid(), c.want_kid);
    EXPECT_TRUE((*key)->fits(c.alg));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc7515, JwksSelect,
    ::testing::Values(
        SelectCase{"rsa_by_kid", "r1", Alg::RS256, {}, "r1"},
        SelectCase{"ps_on_rsa", "r1", Alg::PS384, {}, "r1"},
        SelectCase{"ec256_by_kid", "e1", Alg::ES256, {}, "e1"},
        SelectCase{"ec384_by_kid", "e3", Alg::ES384, {}, "e3"},
        SelectCase{"unknown_kid", "nope", Alg::RS256, Error::KeyNotFound, ""},
        SelectCase{"path_trick_kid", "../../etc/passwd", Alg::RS256, Error::KeyNotFound, ""},
        SelectCase{"kid_prefix_is_no_match", "r", Alg::RS256, Error::KeyNotFound, ""},
        SelectCase{"kid_case_matters", "R1", Alg::RS256, Error::KeyNotFound, ""},
        SelectCase{"empty_kid", "", Alg::RS256, Error::KeyNotFound, ""},
        SelectCase{"rsa_kid_ec_alg", "r1", Alg::ES256, Error::KeyAlgMismatch, ""},
        SelectCase{"ec_kid_rsa_alg", "e1", Alg::RS256, Error::KeyAlgMismatch, ""},
        SelectCase{"p256_kid_es384", "e1", Alg::ES384, Error::KeyAlgMismatch, ""},
        SelectCase{"p384_kid_es256", "e3", Alg::ES256, Error::KeyAlgMismatch, ""},
        SelectCase{"same_kid_twice", "dup", Alg::RS256, Error::KeyAmbiguous, ""},
        SelectCase{"same_kid_kty_decides", "mixed", Alg::ES256, {}, "mixed"},
        SelectCase{"no_kid_one_p384", std::nullopt, Alg::ES384, {}, "e3"},
        SelectCase{"no_kid_many_rsa", std::nullopt, Alg::RS256, Error::KeyAmbiguous, ""}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(JwksSelect, AlgPinIsHonoured) {
  auto jwk = jwk_with(testing::rsa_key(), "pinned");
  jwk["alg"] = "PS256";
  auto set = KeySet::parse(jwks_of({jwk}));
  ASSERT_TRUE(set);
  EXPECT_TRUE(set->select("pinned", Alg::PS256));
  EXPECT_EQ(set->select("pinned", Alg::RS256).error(), Error::KeyAlgMismatch);
}

TEST(JwksSelect, EmptySet) {
  KeySet set;
  EXPECT_EQ(set.select("x", Alg::RS256).error(), Error::KeyNotFound);
  EXPECT_EQ(set.select(std::nullopt, Alg::RS256).error(), Error::KeyNotFound);
}

}  // namespace
}  // namespace ember::jose
