// Fuzz target: private_key_jwt client assertions (oauth/client_assertion.h, RFC 7523) with fixed
// keys, a fixed clock, an in-memory replay cache and a fake jwks_uri (no network). Input is a
// compact token, or a JSON object ("{...") that is signed as the claims with the client's EC key
// (kid ec-1) so the claim rules are reached. Each input is checked against two registrations of
// the client: inline JWKS and jwks_uri. Properties: failures are invalid_client (the replay
// store never fails here); an accepted assertion really satisfies RFC 7523 §3 (iss = sub =
// client_id, aud = token endpoint, exp in range, jti present) and is refused when replayed.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "core/clock.h"
#include "fixed_keys.h"
#include "fuzz_check.h"
#include "jose/jwks.h"
#include "jose/jwt.h"
#include "oauth/client_assertion.h"
#include "oauth/jwks_fetcher.h"

using namespace ember;
namespace bj = boost::json;

namespace {

constexpr std::string_view kClientId = "backend-1";
constexpr std::string_view kTokenUrl = "https://ember.example/oauth/token";
constexpr std::string_view kJwksUri = "https://client.example/jwks.json";

struct Fixture {
  jose::Key ec = *jose::Key::from_jwk_json(fuzz::kEcPrivateJwk);
  jose::KeySet pub{{*jose::Key::from_jwk_json(fuzz::kRsaPrivateJwk)->public_key(),
                    *ec.public_key()}};
  std::string jwks = bj::serialize(pub.to_public_json());
  ManualClock clock{fuzz::kNowMs};
  store::ClientRecord inline_client, uri_client;
  Fixture() {
    inline_client.client_id = uri_client.client_id = std::string(kClientId);
    inline_client.type = uri_client.type = store::ClientType::Backend;
    inline_client.jwks = jwks;
    uri_client.jwks_uri = std::string(kJwksUri);
  }
};

const Fixture& fx() {
  static const Fixture f;
  return f;
}

bool is(const bj::value* v, std::string_view s) {
  return v && v->is_string() && std::string_view(v->get_string()) == s;
}

// Whether accepted claims really meet RFC 7523 §3 as Ember applies it.
void check_accepted(std::string_view assertion) {
  const auto& f = fx();
  auto jwt = jose::decode_unverified_jwt(assertion);
  FUZZ_CHECK(jwt);
  const bj::object& c = jwt->claims;
  FUZZ_CHECK(is(c.if_contains("iss"), kClientId));
  FUZZ_CHECK(is(c.if_contains("sub"), kClientId));
  FUZZ_CHECK(c.contains("jti") && c.at("jti").is_string());
  const bj::value* aud = c.if_contains("aud");
  FUZZ_CHECK(aud);
  bool aud_ok = is(aud, kTokenUrl);
  if (aud->is_array()) {
    for (const auto& a : aud->get_array()) aud_ok = aud_ok || is(&a, kTokenUrl);
  }
  FUZZ_CHECK(aud_ok);
  const bj::value* exp = c.if_contains("exp");
  FUZZ_CHECK(exp && exp->is_number());
  const double now_s = static_cast<double>(f.clock.now_s());
  const double e = exp->to_number<double>();
  FUZZ_CHECK(e + static_cast<double>(jose::kDefaultLeeway.count()) > now_s);
  FUZZ_CHECK(e <= now_s + static_cast<double>((jose::kClientAssertionMaxLifetime +
                                               jose::kDefaultLeeway).count()));
}

void verify(std::string_view assertion) {
  const auto& f = fx();
  (void)oauth::assertion_client_id(assertion);
  int fetches = 0;
  http::FetchFunction fetch = [&](const http::ClientRequest& req)
      -> Result<http::ClientResponse, http::ClientError> {
    ++fetches;
    if (req.url != kJwksUri) return fail(http::ClientError{http::ClientErrc::Resolve, "no"});
    http::ClientResponse r;
    r.status = 200;
    r.body = f.jwks;
    r.headers.set(http::bhttp::field::cache_control, "max-age=300");
    return r;
  };
  auto source = oauth::JwksSource::create(f.clock, {}, fetch);
  std::set<std::string> seen;
  oauth::JtiReplayCheck replay = [&](const std::string& key, std::int64_t) -> Result<bool, std::string> {
    return seen.insert(key).second;
  };
  oauth::AssertionOptions opt{std::string(kTokenUrl), *source, replay, f.clock};
  for (const store::ClientRecord* client : {&f.inline_client, &f.uri_client}) {
    seen.clear();
    auto ok = oauth::verify_client_assertion(assertion, *client, opt);
    if (!ok) {
      FUZZ_CHECK(ok.error().code == oauth::Errc::InvalidClient);
      continue;
    }
    check_accepted(assertion);
    auto again = oauth::verify_client_assertion(assertion, *client, opt);  // a replay
    FUZZ_CHECK(!again && again.error().code == oauth::Errc::InvalidClient);
  }
  FUZZ_CHECK(fetches <= 2);  // one fetch, plus at most one refresh for an unknown kid
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = fuzz::as_view(data, size);
  if (!in.empty() && in.front() == '{') {
    if (in.size() > jose::kMaxTokenBytes / 2) return 0;
    boost::system::error_code ec;
    bj::value v = bj::parse(in, ec);
    if (ec || !v.is_object()) return 0;
    // Boost.JSON reads an overflowing number (1e999) as ±inf and writes it back as "Infinity",
    // which is not JSON: such claims cannot be signed by anyone, so they are not a case here.
    if (bj::parse(bj::serialize(v), ec); ec) return 0;
    auto token = jose::sign_jwt(fx().ec, jose::Alg::ES256, v.get_object());
    FUZZ_CHECK(token);
    verify(*token);
  } else {
    verify(in);
  }
  return 0;
}
