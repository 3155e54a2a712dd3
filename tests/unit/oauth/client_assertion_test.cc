// private_key_jwt (RFC 7523 §3, SMART 2.2 client-confidential-asymmetric / backend-services):
// valid RS384 and ES384 assertions, inline and via jwks_uri; then one broken variant per rule,
// each of which must come back as invalid_client (checklist BSV-06/07).
#include "oauth/client_assertion.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <vector>

#include "core/encoding.h"

namespace ember::oauth {
namespace {

namespace bj = boost::json;
using jose::Alg;

constexpr std::string_view kClientId = "backend-1";
constexpr std::string_view kTokenUrl = "https://ember.example/oauth/token";
constexpr std::string_view kJwksUri = "https://client.example/.well-known/jwks.json";

const jose::Key& rsa_key() {
  static const jose::Key key = *jose::Key::generate_rsa();
  return key;
}
const jose::Key& ec_key() {
  static const jose::Key key = *jose::Key::generate_ec(jose::Curve::P384);
  return key;
}
// Not registered: an attacker's key.
const jose::Key& other_rsa_key() {
  static const jose::Key key = *jose::Key::generate_rsa();
  return key;
}

std::string jwks_of(std::initializer_list<const jose::Key*> keys) {
  jose::KeySet set;
  for (const jose::Key* k : keys) set.add(*k->public_key());
  return bj::serialize(set.to_public_json());
}

// A scripted jwks_uri that counts requests; the served set can change (key rotation).
struct FakeJwksUri {
  std::string body = jwks_of({&rsa_key(), &ec_key()});
  std::vector<std::string> urls;
  http::FetchFunction function() {
    return
        [this](const http::ClientRequest& req) -> Result<http::ClientResponse, http::ClientError> {
          urls.push_back(req.url);
          http::ClientResponse r;
          r.status = 200;
          r.body = body;
          r.headers.set(http::bhttp::field::cache_control, "max-age=300");
          return r;
        };
  }
};

struct Replay {
  std::set<std::string> seen;
  std::vector<std::pair<std::string, std::int64_t>> calls;
  JtiReplayCheck function() {
    return [this](const std::string& key, std::int64_t until_ms) -> Result<bool, std::string> {
      calls.emplace_back(key, until_ms);
      return seen.insert(key).second;
    };
  }
};

// What to sign: tests start from a valid assertion and break one thing.
struct Spec {
  const jose::Key* key = &rsa_key();
  Alg alg = Alg::RS384;
  jose::SignOptions options;  // typ "JWT", kid included
  bj::object claims;
};

class ClientAssertionTest : public ::testing::Test {
 public:  // the case table's lambdas build tokens through the fixture
  ManualClock clock;
  FakeJwksUri jwks_uri;
  Replay replay;
  JwksSourcePtr source = JwksSource::create(clock, {}, jwks_uri.function());
  AssertionOptions options{std::string(kTokenUrl), *source, replay.function(), clock};
  int next_jti = 0;

  std::int64_t now() const { return clock.now_s(); }

  store::ClientRecord inline_client() const {
    store::ClientRecord c;
    c.client_id = std::string(kClientId);
    c.type = store::ClientType::Backend;
    c.jwks = jwks_of({&rsa_key(), &ec_key()});
    return c;
  }
  store::ClientRecord uri_client() const {
    store::ClientRecord c = inline_client();
    c.jwks.clear();
    c.jwks_uri = std::string(kJwksUri);
    return c;
  }

  Spec valid(const jose::Key& key = rsa_key(), Alg alg = Alg::RS384) {
    Spec s;
    s.key = &key;
    s.alg = alg;
    s.claims = {{"iss", kClientId}, {"sub", kClientId},
                {"aud", kTokenUrl}, {"exp", now() + 240},
                {"iat", now()},     {"jti", "jti-" + std::to_string(++next_jti)}};
    return s;
  }
  static std::string sign(const Spec& s) {
    auto token = jose::sign_jwt(*s.key, s.alg, s.claims, s.options);
    EXPECT_TRUE(token) << jose::to_string(token.error());
    return token.value_or("");
  }
};

TEST_F(ClientAssertionTest, AcceptsRs384AndEs384WithInlineJwks) {
  for (auto [key, alg] : {std::pair{&rsa_key(), Alg::RS384}, std::pair{&ec_key(), Alg::ES384}}) {
    auto ok = verify_client_assertion(sign(valid(*key, alg)), inline_client(), options);
    EXPECT_TRUE(ok) << jose::to_string(alg) << ": " << ok.error().description;
  }
  EXPECT_TRUE(jwks_uri.urls.empty());
}

TEST_F(ClientAssertionTest, AcceptsOtherJoseAlgsAndAnAudienceArray) {
  Spec ps = valid(rsa_key(), Alg::PS384);
  ps.claims["aud"] = bj::array{"https://other.example", kTokenUrl};
  auto ok = verify_client_assertion(sign(ps), inline_client(), options);
  EXPECT_TRUE(ok) << ok.error().description;
  Spec no_typ = valid(ec_key(), Alg::ES384);
  no_typ.options.typ = "";
  ok = verify_client_assertion(sign(no_typ), inline_client(), options);
  EXPECT_TRUE(ok) << ok.error().description;
}

TEST_F(ClientAssertionTest, AcceptsKeysFromJwksUriAndCachesThem) {
  auto ok = verify_client_assertion(sign(valid()), uri_client(), options);
  ASSERT_TRUE(ok) << ok.error().description;
  ok = verify_client_assertion(sign(valid(ec_key(), Alg::ES384)), uri_client(), options);
  ASSERT_TRUE(ok) << ok.error().description;
  EXPECT_EQ(jwks_uri.urls, std::vector<std::string>{std::string(kJwksUri)});
}

TEST_F(ClientAssertionTest, JkuEqualToTheRegisteredJwksUriIsAccepted) {
  Spec s = valid();
  s.options.extra_header["jku"] = kJwksUri;
  auto ok = verify_client_assertion(sign(s), uri_client(), options);
  EXPECT_TRUE(ok) << ok.error().description;
}

TEST_F(ClientAssertionTest, RotatedKeyIsPickedUpByOneRefresh) {
  ASSERT_TRUE(verify_client_assertion(sign(valid()), uri_client(), options));
  jwks_uri.body = jwks_of({&other_rsa_key()});  // the client rotated to a new key
  clock.advance_ms(std::chrono::milliseconds(kJwksMinRefreshInterval).count());
  auto ok = verify_client_assertion(sign(valid(other_rsa_key())), uri_client(), options);
  EXPECT_TRUE(ok) << ok.error().description;
  EXPECT_EQ(jwks_uri.urls.size(), 2u);
}

TEST_F(ClientAssertionTest, UnknownKidRefreshesOnceThenFailsAndIsRateLimited) {
  ASSERT_TRUE(verify_client_assertion(sign(valid()), uri_client(), options));
  ASSERT_EQ(jwks_uri.urls.size(), 1u);
  clock.advance_ms(std::chrono::milliseconds(kJwksMinRefreshInterval).count());
  auto r = verify_client_assertion(sign(valid(other_rsa_key())), uri_client(), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::InvalidClient);
  EXPECT_EQ(r.error().description, "no registered key matches the client assertion kid");
  EXPECT_EQ(jwks_uri.urls.size(), 2u);  // the cached set, then one refresh
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(verify_client_assertion(sign(valid(other_rsa_key())), uri_client(), options));
  }
  EXPECT_EQ(jwks_uri.urls.size(), 2u);  // made-up kids do not make us hammer the client
}

TEST_F(ClientAssertionTest, RecordsJtiUntilExpiryPlusLeeway) {
  Spec s = valid();
  s.claims["jti"] = "abc-123";
  const std::int64_t exp = now() + 200;
  s.claims["exp"] = exp;
  ASSERT_TRUE(verify_client_assertion(sign(s), inline_client(), options));
  ASSERT_EQ(replay.calls.size(), 1u);
  EXPECT_EQ(replay.calls[0].first, "backend-1|abc-123");
  EXPECT_EQ(replay.calls[0].second, (exp + 60) * 1000);
  EXPECT_EQ(assertion_replay_key("c", "j"), "c|j");
}

TEST_F(ClientAssertionTest, ReplayedJtiIsRejected) {
  const std::string token = sign(valid());
  ASSERT_TRUE(verify_client_assertion(token, inline_client(), options));
  auto again = verify_client_assertion(token, inline_client(), options);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::InvalidClient);
  EXPECT_EQ(again.error().description, "client assertion jti has already been used");
}

TEST_F(ClientAssertionTest, ReplayStoreFailureIsAServerError) {
  AssertionOptions broken = options;
  broken.replay = [](const std::string&, std::int64_t) -> Result<bool, std::string> {
    return fail(std::string("database is locked"));
  };
  auto r = verify_client_assertion(sign(valid()), inline_client(), broken);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::ServerError);
  EXPECT_EQ(r.error().description.find("database"), std::string::npos);
}

// --- hand-made tokens the JOSE library refuses to produce ---

std::string b64(std::string_view s) {
  return base64url_encode(s);
}

std::string unsigned_token(const bj::object& header, const bj::object& claims) {
  return b64(bj::serialize(header)) + "." + b64(bj::serialize(claims)) + ".";
}

// The classic alg-confusion attack: HS256 with the verifier's public key (PEM) as the secret.
std::string hmac_with_public_key(const jose::Key& key, const bj::object& claims) {
  const std::string pem = *key.public_pem();
  const std::string input =
      b64(bj::serialize(bj::object{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", key.kid()}})) + "." +
      b64(bj::serialize(claims));
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), pem.data(), static_cast<int>(pem.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + b64(std::string_view(reinterpret_cast<const char*>(mac), len));
}

TEST_F(ClientAssertionTest, EveryBrokenRuleIsInvalidClient) {
  struct Case {
    const char* name;
    std::function<std::string(ClientAssertionTest&)> token;
    std::string_view reason;  // substring of the description
  };
  auto with = [](std::function<void(Spec&)> change) {
    return [change](ClientAssertionTest& t) {
      Spec s = t.valid();
      change(s);
      return sign(s);
    };
  };
  const std::vector<Case> cases = {
      {"signed by an unregistered key under a registered kid", with([](Spec& s) {
         static jose::Key impostor = [] {
           jose::Key k = other_rsa_key();
           k.set_kid(rsa_key().kid());
           return k;
         }();
         s.key = &impostor;
       }),
       "signature is invalid"},
      {"expired", with([](Spec& s) { s.claims["exp"] = s.claims["iat"].as_int64() - 61; }),
       "has expired"},
      {"exp 10 minutes ahead",
       with([](Spec& s) { s.claims["exp"] = s.claims["iat"].as_int64() + 600; }),
       "more than 5 minutes ahead"},
      {"exp missing", with([](Spec& s) { s.claims.erase("exp"); }), "lacks exp"},
      {"exp not a number", with([](Spec& s) { s.claims["exp"] = "soon"; }), "malformed claim"},
      {"iat in the future",
       with([](Spec& s) { s.claims["iat"] = s.claims["iat"].as_int64() + 120; }),
       "iat is in the future"},
      {"nbf in the future",
       with([](Spec& s) { s.claims["nbf"] = s.claims["iat"].as_int64() + 120; }), "not yet valid"},
      {"wrong aud", with([](Spec& s) { s.claims["aud"] = "https://evil.example/oauth/token"; }),
       "aud must be the token endpoint"},
      {"aud with a trailing slash",
       with([](Spec& s) { s.claims["aud"] = std::string(kTokenUrl) + "/"; }),
       "aud must be the token endpoint"},
      {"aud array without the token URL",
       with([](Spec& s) { s.claims["aud"] = bj::array{"https://evil.example"}; }),
       "aud must be the token endpoint"},
      {"aud missing", with([](Spec& s) { s.claims.erase("aud"); }), "lacks aud"},
      {"sub differs from iss", with([](Spec& s) { s.claims["sub"] = "someone-else"; }),
       "sub must be the client_id"},
      {"iss and sub name another client", with([](Spec& s) {
         s.claims["iss"] = "other-client";
         s.claims["sub"] = "other-client";
       }),
       "iss must be the client_id"},
      {"iss missing", with([](Spec& s) { s.claims.erase("iss"); }), "lacks iss"},
      {"sub missing", with([](Spec& s) { s.claims.erase("sub"); }), "lacks sub"},
      {"jti missing", with([](Spec& s) { s.claims.erase("jti"); }), "lacks jti"},
      {"jti empty", with([](Spec& s) { s.claims["jti"] = ""; }), "jti must be a non-empty"},
      {"jti not a string", with([](Spec& s) { s.claims["jti"] = 42; }), "malformed claim"},
      {"jti too long", with([](Spec& s) { s.claims["jti"] = std::string(kMaxJtiLength + 1, 'j'); }),
       "jti must be a non-empty"},
      {"kid missing", with([](Spec& s) { s.options.include_kid = false; }), "lacks kid"},
      {"kid path trick", with([](Spec& s) {
         static jose::Key tricky = [] {
           jose::Key k = rsa_key();
           k.set_kid("../../x");
           return k;
         }();
         s.key = &tricky;
       }),
       "no registered key matches"},
      {"kid of the EC key with an RSA alg", with([](Spec& s) {
         static jose::Key mislabelled = [] {
           jose::Key k = rsa_key();
           k.set_kid(ec_key().kid());
           return k;
         }();
         s.key = &mislabelled;
       }),
       "does not fit"},
      {"foreign jku",
       with([](Spec& s) { s.options.extra_header["jku"] = "https://evil.example/jwks.json"; }),
       "jku is not the client's registered jwks_uri"},
      {"typ at+jwt", with([](Spec& s) { s.options.typ = "at+jwt"; }), "typ must be JWT"},
      {"alg none",
       [](ClientAssertionTest& t) {
         return unsigned_token({{"alg", "none"}, {"typ", "JWT"}, {"kid", rsa_key().kid()}},
                               t.valid().claims);
       },
       "alg is not allowed"},
      {"HS256 MACed with the public key",
       [](ClientAssertionTest& t) { return hmac_with_public_key(rsa_key(), t.valid().claims); },
       "alg is not allowed"},
      {"not a JWT", [](ClientAssertionTest&) { return std::string("not.a.jwt"); },
       "not a well-formed JWT"},
      {"empty", [](ClientAssertionTest&) { return std::string(); }, "not a well-formed JWT"},
  };
  for (const auto& c : cases) {
    const std::string token = c.token(*this);
    auto r = verify_client_assertion(token, inline_client(), options);
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().code, Errc::InvalidClient) << c.name;
    EXPECT_NE(r.error().description.find(c.reason), std::string::npos)
        << c.name << ": " << r.error().description;
  }
  EXPECT_TRUE(replay.calls.empty()) << "no jti may be recorded for a rejected assertion";
  EXPECT_TRUE(jwks_uri.urls.empty());
}

TEST_F(ClientAssertionTest, RestrictedAlgSetRefusesOthers) {
  AssertionOptions only_es384 = options;
  only_es384.algs = {Alg::ES384};
  auto r = verify_client_assertion(sign(valid()), inline_client(), only_es384);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().description, "client assertion alg is not allowed");
  EXPECT_TRUE(
      verify_client_assertion(sign(valid(ec_key(), Alg::ES384)), inline_client(), only_es384));
}

TEST_F(ClientAssertionTest, ForeignJkuIsNeverFetched) {
  Spec s = valid();
  s.options.extra_header["jku"] = "https://evil.example/jwks.json";
  auto r = verify_client_assertion(sign(s), uri_client(), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::InvalidClient);
  EXPECT_TRUE(jwks_uri.urls.empty());
}

TEST_F(ClientAssertionTest, ClientWithoutKeysOrUnreachableJwksUriFails) {
  store::ClientRecord no_keys = inline_client();
  no_keys.jwks.clear();
  auto r = verify_client_assertion(sign(valid()), no_keys, options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::InvalidClient);

  jwks_uri.body = "<html>";
  r = verify_client_assertion(sign(valid()), uri_client(), options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::InvalidClient);
  EXPECT_EQ(r.error().description.find("client.example"), std::string::npos);
}

TEST(AssertionClientId, ReadsIssWithoutVerifying) {
  auto key = *jose::Key::generate_ec(jose::Curve::P384);
  auto token = *jose::sign_jwt(key, Alg::ES384, {{"iss", "backend-1"}, {"sub", "backend-1"}});
  auto id = assertion_client_id(token);
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, "backend-1");

  for (const std::string& bad :
       {std::string("garbage"), *jose::sign_jwt(key, Alg::ES384, {{"sub", "x"}}),
        *jose::sign_jwt(key, Alg::ES384, {{"iss", 7}}),
        *jose::sign_jwt(key, Alg::ES384, {{"iss", ""}}),
        unsigned_token({{"alg", "none"}}, {{"iss", "backend-1"}})}) {
    auto r = assertion_client_id(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::InvalidClient);
  }
}

}  // namespace
}  // namespace ember::oauth
