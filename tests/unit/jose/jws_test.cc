// Compact JWS: sign/verify round trips for every alg, tampering, and the refusals of a strict
// verifier (none, HMAC confusion, crit, b64, wrong key type, malformed input, size).
#include "jose/jws.h"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>

#include "core/encoding.h"
#include "jose/signature.h"
#include "test_keys.h"

namespace ember::jose {
namespace {

namespace bj = boost::json;

constexpr std::string_view kPayload = R"({"iss":"ember","n":1})";

// A token with a hand-written header, signed by `key` with `alg` (or with `signature` as given).
std::string forge(std::string_view header_json, std::string_view payload, const Key& key, Alg alg) {
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload);
  auto sig = create_signature(key, alg, input);
  EXPECT_TRUE(sig);
  return input + "." + base64url_encode(*sig);
}

std::string hmac_sha256_token(std::string_view header_json, std::string_view payload,
                              std::string_view secret) {
  std::string input = base64url_encode(header_json) + "." + base64url_encode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

class JwsRoundTrip : public ::testing::TestWithParam<Alg> {};

TEST_P(JwsRoundTrip, SignThenVerify) {
  const Alg alg = GetParam();
  const Key& key = testing::key_for(alg);
  auto token = sign_compact(key, alg, kPayload);
  ASSERT_TRUE(token) << to_string(token.error());

  auto by_key = verify_compact(*token, key, AlgSet{alg});
  ASSERT_TRUE(by_key) << to_string(by_key.error());
  EXPECT_EQ(by_key->payload, kPayload);
  EXPECT_EQ(by_key->alg, alg);
  EXPECT_EQ(by_key->kid, key.kid());
  EXPECT_EQ(by_key->header.at("typ"), "JWT");
  EXPECT_EQ(std::string_view(by_key->header.at("alg").as_string()), to_string(alg));

  // Verification needs only the public half, found through a JWKS.
  auto pub = key.public_key();
  ASSERT_TRUE(pub);
  KeySet set({*pub, testing::rsa_key_b()});
  auto by_set = verify_compact(*token, set, AlgSet::all());
  ASSERT_TRUE(by_set) << to_string(by_set.error());
  EXPECT_EQ(by_set->payload, kPayload);
}

TEST_P(JwsRoundTrip, TamperingFails) {
  const Alg alg = GetParam();
  const Key& key = testing::key_for(alg);
  auto token = sign_compact(key, alg, kPayload);
  ASSERT_TRUE(token);
  const auto dot1 = token->find('.');
  const auto dot2 = token->rfind('.');

  // Payload replaced by another well-formed payload.
  std::string other_payload = token->substr(0, dot1 + 1) +
                              base64url_encode(std::string_view(R"({"iss":"ember","n":2})")) +
                              token->substr(dot2);
  EXPECT_EQ(verify_compact(other_payload, key, AlgSet{alg}).error(), Error::BadSignature);

  // Header replaced: same alg and kid, different typ.
  bj::object h;
  h["alg"] = to_string(alg);
  h["kid"] = key.kid();
  h["typ"] = "at+jwt";
  std::string other_header = base64url_encode(bj::serialize(h)) + token->substr(dot1);
  EXPECT_EQ(verify_compact(other_header, key, AlgSet{alg}).error(), Error::BadSignature);

  // One signature bit flipped (in a character that carries 6 full bits).
  std::string flipped = *token;
  char& c = flipped[dot2 + 5];
  c = c == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify_compact(flipped, key, AlgSet{alg}).error(), Error::BadSignature);

  // Signature truncated, emptied, doubled.
  auto sig = base64url_decode(token->substr(dot2 + 1));
  ASSERT_TRUE(sig);
  std::string truncated = token->substr(0, dot2 + 1) +
                          base64url_encode(std::string_view(*sig).substr(0, sig->size() - 1));
  EXPECT_EQ(verify_compact(truncated, key, AlgSet{alg}).error(), Error::BadSignature);
  EXPECT_EQ(verify_compact(token->substr(0, dot2 + 1), key, AlgSet{alg}).error(),
            Error::BadSignature);
  EXPECT_EQ(verify_compact(*token + token->substr(dot2 + 1), key, AlgSet{alg}).error(),
            Error::BadSignature);
}

TEST_P(JwsRoundTrip, OtherKeyOfSameTypeFails) {
  const Alg alg = GetParam();
  const Key& other = key_type_for(alg) == KeyType::RSA ? testing::rsa_key_b()
                     : alg == Alg::ES256               ? *Key::generate_ec(Curve::P256)
                                                       : *Key::generate_ec(Curve::P384);
  auto token = sign_compact(testing::key_for(alg), alg, kPayload);
  ASSERT_TRUE(token);
  EXPECT_EQ(verify_compact(*token, other, AlgSet{alg}).error(), Error::BadSignature);
}

INSTANTIATE_TEST_SUITE_P(EveryAlg, JwsRoundTrip, ::testing::ValuesIn(kAllAlgs),
                         [](const auto& info) { return std::string(to_string(info.param)); });

TEST(JwsSign, HeaderOptions) {
  const Key& key = testing::ec256_key();
  SignOptions opt;
  opt.typ = "at+jwt";
  opt.extra_header["x-ember"] = "1";
  auto token = sign_compact(key, Alg::ES256, kPayload, opt);
  ASSERT_TRUE(token);
  auto jws = decode_unverified(*token);
  ASSERT_TRUE(jws);
  EXPECT_EQ(bj::serialize(jws->header),
            R"({"alg":"ES256","kid":")" + key.kid() + R"(","typ":"at+jwt","x-ember":"1"})");

  opt = {};
  opt.typ.clear();
  opt.include_kid = false;
  token = sign_compact(key, Alg::ES256, kPayload, opt);
  ASSERT_TRUE(token);
  EXPECT_EQ(bj::serialize(decode_unverified(*token)->header), R"({"alg":"ES256"})");

  for (auto reserved : {"alg", "kid", "typ", "crit", "b64"}) {
    opt = {};
    opt.extra_header[reserved] = "x";
    EXPECT_EQ(sign_compact(key, Alg::ES256, kPayload, opt).error(), Error::Malformed) << reserved;
  }
}

TEST(JwsSign, RefusesUnfitOrPublicKeys) {
  EXPECT_EQ(sign_compact(testing::ec256_key(), Alg::RS256, kPayload).error(),
            Error::KeyAlgMismatch);
  EXPECT_EQ(sign_compact(testing::ec256_key(), Alg::ES384, kPayload).error(),
            Error::KeyAlgMismatch);
  EXPECT_EQ(sign_compact(*testing::rsa_key().public_key(), Alg::RS256, kPayload).error(),
            Error::NotPrivateKey);
}

TEST(JwsVerify, AlgNoneIsRefused) {
  const std::string body = base64url_encode(kPayload);
  const KeySet set({testing::rsa_key()});
  for (std::string header : {std::string(R"({"alg":"none"})"),
                             R"({"alg":"none","kid":")" + testing::rsa_key().kid() + "\"}"}) {
    for (std::string sig : {"", "AAAA"}) {
      std::string token = base64url_encode(header) + "." + body + "." + sig;
      EXPECT_EQ(verify_compact(token, testing::rsa_key(), AlgSet::all()).error(), Error::AlgNone);
      EXPECT_EQ(verify_compact(token, set, AlgSet::all()).error(), Error::AlgNone);
      EXPECT_EQ(decode_unverified(token).error(), Error::AlgNone);
    }
  }
  // Other spellings are simply not algorithms we know.
  std::string token = base64url_encode(std::string_view(R"({"alg":"None"})")) + "." + body + ".";
  EXPECT_EQ(verify_compact(token, testing::rsa_key(), AlgSet::all()).error(),
            Error::UnsupportedAlg);
}

// The alg-confusion attack (RFC 8725 §2.1): an HS256 token MACed with bytes of the server's
// public key. A verifier that lets the header choose HMAC would accept it.
TEST(JwsVerify, Hs256MacedWithThePublicKeyIsRefused) {
  const Key& key = testing::rsa_key();
  const KeySet set({*key.public_key()});
  const std::string header = R"({"alg":"HS256","typ":"JWT","kid":")" + key.kid() + "\"}";
  auto n = base64url_decode(std::string_view(key.public_jwk().at("n").as_string()));
  ASSERT_TRUE(n);
  for (const std::string& secret : {*key.public_pem(), *n, bj::serialize(key.public_jwk()),
                                    std::string(key.public_jwk().at("n").as_string())}) {
    std::string token = hmac_sha256_token(header, kPayload, secret);
    EXPECT_EQ(verify_compact(token, key, AlgSet::all()).error(), Error::HmacRefused);
    EXPECT_EQ(verify_compact(token, set, AlgSet::all()).error(), Error::HmacRefused);
  }
  for (auto hs : {"HS384", "HS512"}) {
    std::string h = std::string(R"({"alg":")") + hs + "\"}";
    std::string token = hmac_sha256_token(h, kPayload, *key.public_pem());
    EXPECT_EQ(verify_compact(token, set, AlgSet::all()).error(), Error::HmacRefused);
  }
}

TEST(JwsVerify, AlgMustBeAllowedAndFitTheKey) {
  const Key& rsa = testing::rsa_key();
  auto token = sign_compact(rsa, Alg::RS256, kPayload);
  ASSERT_TRUE(token);
  EXPECT_EQ(verify_compact(*token, rsa, AlgSet{Alg::ES256, Alg::PS256}).error(),
            Error::UnsupportedAlg);
  EXPECT_EQ(verify_compact(*token, rsa, AlgSet{}).error(), Error::UnsupportedAlg);
  // The header claims ES256 but the key the caller holds is RSA.
  std::string es_header = R"({"alg":"ES256"})";
  std::string es = forge(es_header, kPayload, testing::ec256_key(), Alg::ES256);
  EXPECT_EQ(verify_compact(es, rsa, AlgSet::all()).error(), Error::KeyAlgMismatch);
  // ES384 header with a P-256 key.
  EXPECT_EQ(verify_compact(forge(R"({"alg":"ES384"})", kPayload, testing::ec384_key(), Alg::ES384),
                           testing::ec256_key(), AlgSet::all())
                .error(),
            Error::KeyAlgMismatch);
  // RS256 signature relabelled PS256: same key type, but the signature does not verify.
  std::string ps_header = base64url_encode(std::string_view(R"({"alg":"PS256"})"));
  std::string relabelled = ps_header + token->substr(token->find('.'));
  EXPECT_EQ(verify_compact(relabelled, rsa, AlgSet::all()).error(), Error::BadSignature);
  // A pinned key refuses other algs even of its own kty.
  Key pinned = rsa;
  ASSERT_TRUE(pinned.pin_alg(Alg::PS256));
  EXPECT_EQ(verify_compact(*token, pinned, AlgSet::all()).error(), Error::KeyAlgMismatch);
}

TEST(JwsVerify, EcSignatureMustBeRawRAndSOfTheCurveSize) {
  const Key& key = testing::ec256_key();
  const std::string input =
      base64url_encode(std::string_view(R"({"alg":"ES256"})")) + "." + base64url_encode(kPayload);
  auto sig = create_signature(key, Alg::ES256, input);
  ASSERT_TRUE(sig);
  ASSERT_EQ(sig->size(), 64u);
  EXPECT_TRUE(check_signature(key, Alg::ES256, input, *sig));
  for (std::size_t len : {0u, 1u, 63u, 65u, 96u, 128u}) {
    std::string wrong = sig->substr(0, std::min<std::size_t>(len, 64));
    wrong.resize(len, '\x01');
    EXPECT_EQ(check_signature(key, Alg::ES256, input, wrong).error(), Error::BadSignature) << len;
  }
  // The DER form that OpenSSL produces natively is not a JWS signature.
  unsigned char* der = nullptr;
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig->data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(sig->data()) + 32, 32, nullptr);
  ECDSA_SIG* es = ECDSA_SIG_new();
  ECDSA_SIG_set0(es, r, s);
  int der_len = i2d_ECDSA_SIG(es, &der);
  std::string der_sig(reinterpret_cast<char*>(der), static_cast<std::size_t>(der_len));
  OPENSSL_free(der);
  ECDSA_SIG_free(es);
  EXPECT_EQ(check_signature(key, Alg::ES256, input, der_sig).error(), Error::BadSignature);
  // All-zero R and S.
  EXPECT_EQ(check_signature(key, Alg::ES256, input, std::string(64, '\0')).error(),
            Error::BadSignature);

  const Key& p384 = testing::ec384_key();
  auto sig384 = create_signature(p384, Alg::ES384, input);
  ASSERT_TRUE(sig384);
  EXPECT_EQ(sig384->size(), 96u);
}

TEST(JwsVerify, CritAndB64AreRefused) {
  const Key& key = testing::ec256_key();
  struct Case {
    std::string header;
    Error want;
  };
  const Case cases[] = {
      {R"({"alg":"ES256","crit":["exp"],"exp":1})", Error::CritUnsupported},
      {R"({"alg":"ES256","crit":["b64"],"b64":false})", Error::CritUnsupported},
      {R"({"alg":"ES256","crit":["http://example.invalid/ext"]})", Error::CritUnsupported},
      {R"({"alg":"ES256","crit":[]})", Error::Malformed},
      {R"({"alg":"ES256","crit":"exp"})", Error::Malformed},
      {R"({"alg":"ES256","crit":[1]})", Error::Malformed},
      {R"({"alg":"ES256","b64":false})", Error::UnencodedPayload},
      {R"({"alg":"ES256","b64":"false"})", Error::Malformed},
  };
  for (const auto& c : cases) {
    std::string token = forge(c.header, kPayload, key, Alg::ES256);
    EXPECT_EQ(verify_compact(token, key, AlgSet::all()).error(), c.want) << c.header;
    EXPECT_EQ(decode_unverified(token).error(), c.want) << c.header;
  }
  EXPECT_TRUE(verify_compact(forge(R"({"alg":"ES256","b64":true})", kPayload, key, Alg::ES256), key,
                             AlgSet::all()));
}

TEST(JwsVerify, EmbeddedKeysAreIgnored) {
  // A token carrying its own jwk/jku must still verify against the caller's key only.
  const Key& attacker = testing::ec384_key();
  bj::object h;
  h["alg"] = "ES384";
  h["jwk"] = attacker.public_jwk();
  h["jku"] = "https://attacker.invalid/jwks";
  std::string token = forge(bj::serialize(h), kPayload, attacker, Alg::ES384);
  const KeySet trusted({testing::ec256_key(), testing::rsa_key()});
  EXPECT_EQ(verify_compact(token, trusted, AlgSet::all()).error(), Error::KeyNotFound);
}

TEST(JwsParse, MalformedInputs) {
  const Key& key = testing::ec256_key();
  auto good = sign_compact(key, Alg::ES256, kPayload);
  ASSERT_TRUE(good);
  const auto dot1 = good->find('.');
  const std::string h = good->substr(0, dot1);
  const std::string rest = good->substr(dot1);
  struct Case {
    const char* name;
    std::string token;
    Error want;
  };
  const Case cases[] = {
      {"empty", "", Error::Malformed},
      {"two parts", h + "." + base64url_encode(kPayload), Error::Malformed},
      {"four parts", *good + ".x", Error::Malformed},
      {"five parts (JWE)", *good + ".a.b", Error::Malformed},
      {"padded header", h + "=" + rest, Error::Malformed},
      {"base64 not url", h + "+" + rest, Error::Malformed},
      {"base64url length 4k+1",
       base64url_encode(std::string_view(R"({"alg":"ES256"})")) + "A" + rest, Error::Malformed},
      {"whitespace", " " + *good, Error::Malformed},
      {"empty header", rest, Error::Malformed},
      {"header not JSON", base64url_encode(std::string_view("{alg:ES256}")) + rest,
       Error::Malformed},
      {"header an array", base64url_encode(std::string_view(R"(["ES256"])")) + rest,
       Error::Malformed},
      {"header trailing data", base64url_encode(std::string_view(R"({"alg":"ES256"} x)")) + rest,
       Error::Malformed},
      {"header duplicate alg",
       base64url_encode(std::string_view(R"({"alg":"ES256","alg":"none"})")) + rest,
       Error::DuplicateMember},
      {"alg missing", base64url_encode(std::string_view(R"({"typ":"JWT"})")) + rest,
       Error::MissingAlg},
      {"alg not a string", base64url_encode(std::string_view(R"({"alg":256})")) + rest,
       Error::Malformed},
      {"alg unknown", base64url_encode(std::string_view(R"({"alg":"ES512"})")) + rest,
       Error::UnsupportedAlg},
      {"alg EdDSA", base64url_encode(std::string_view(R"({"alg":"EdDSA"})")) + rest,
       Error::UnsupportedAlg},
      {"kid not a string", base64url_encode(std::string_view(R"({"alg":"ES256","kid":1})")) + rest,
       Error::Malformed},
      {"typ not a string", base64url_encode(std::string_view(R"({"alg":"ES256","typ":{}})")) + rest,
       Error::Malformed},
      {"invalid UTF-8",
       base64url_encode(std::string_view("{\"alg\":\"ES256\",\"x\":\"\xff\"}")) + rest,
       Error::Malformed},
      {"too large", std::string(kMaxTokenBytes + 1, 'A'), Error::TooLarge},
  };
  for (const auto& c : cases) {
    auto r = verify_compact(c.token, key, AlgSet::all());
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error(), c.want) << c.name << ": got " << to_string(r.error());
  }
}

TEST(JwsParse, NonCanonicalSignatureSpellingIsMalformed) {
  // 64 signature octets take 86 characters; the last one carries 4 unused bits, which must be
  // zero, so the same signature cannot be re-spelled into a second valid token.
  const Key& key = testing::ec256_key();
  auto token = sign_compact(key, Alg::ES256, kPayload);
  ASSERT_TRUE(token);
  ASSERT_EQ(token->size() - token->rfind('.') - 1, 86u);
  std::string respelled = *token;
  const char last = respelled.back();
  respelled.back() = last == 'z' ? '0' : static_cast<char>(last + 1);
  EXPECT_EQ(verify_compact(respelled, key, AlgSet::all()).error(), Error::Malformed);
}

TEST(JwsParse, SizeLimitIsInclusive) {
  const Key& key = testing::ec256_key();
  // Grow the payload until the token is exactly kMaxTokenBytes long.
  std::string payload(kMaxTokenBytes, 'p');
  auto token = sign_compact(key, Alg::ES256, payload);
  ASSERT_TRUE(token);
  const std::size_t over = token->size() - kMaxTokenBytes;
  payload.resize(payload.size() - (over * 3 + 3) / 4);
  while (true) {
    token = sign_compact(key, Alg::ES256, payload);
    ASSERT_TRUE(token);
    if (token->size() <= kMaxTokenBytes) break;
    payload.pop_back();
  }
  EXPECT_TRUE(verify_compact(*token, key, AlgSet::all()));
  EXPECT_EQ(verify_compact(*token + std::string(kMaxTokenBytes + 1 - token->size(), 'A'), key,
                           AlgSet::all())
                .error(),
            Error::TooLarge);
}

TEST(JwsDecodeUnverified, ExposesHeaderAndPayloadForKeySelection) {
  auto token = sign_compact(testing::rsa_key(), Alg::PS256, kPayload);
  ASSERT_TRUE(token);
  auto jws = decode_unverified(*token);
  ASSERT_TRUE(jws);
  EXPECT_EQ(jws->alg, Alg::PS256);
  EXPECT_EQ(jws->kid, testing::rsa_key().kid());
  EXPECT_EQ(jws->payload, kPayload);
}

}  // namespace
}  // namespace ember::jose
