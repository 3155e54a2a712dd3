#include "oauth/client_assertion.h"

#include <cmath>
#include <optional>

namespace ember::oauth {

namespace {

namespace bj = boost::json;

oauth::Error invalid(std::string reason) {
  return oauth::Error{Errc::InvalidClient, std::move(reason)};
}

// The first RFC 7523 §3 claim the (unverified) claims lack, for a precise message.
std::string_view first_missing_claim(const bj::object& claims) {
  for (std::string_view name : {"iss", "sub", "aud", "exp", "jti"}) {
    if (!claims.contains(name)) return name;
  }
  return "a required claim";
}

// A reason safe to return to the client: it names the rule broken, never key material.
std::string reason(jose::Error e, const bj::object& unverified_claims) {
  switch (e) {
    case jose::Error::TooLarge:
      return "client assertion is too large";
    case jose::Error::MissingAlg:
    case jose::Error::AlgNone:
    case jose::Error::HmacRefused:
    case jose::Error::UnsupportedAlg:
      return "client assertion alg is not allowed";
    case jose::Error::TypMismatch:
      return "client assertion typ must be JWT";
    case jose::Error::KeyNotFound:
      return "no registered key matches the client assertion kid";
    case jose::Error::KeyAmbiguous:
      return "several registered keys match the client assertion kid";
    case jose::Error::KeyAlgMismatch:
      return "the registered key for this kid does not fit the client assertion alg";
    case jose::Error::BadSignature:
    case jose::Error::CryptoFailure:
      return "client assertion signature is invalid";
    case jose::Error::MissingClaim:
      return "client assertion lacks " + std::string(first_missing_claim(unverified_claims));
    case jose::Error::InvalidClaim:
      return "client assertion has a malformed claim";
    case jose::Error::Expired:
      return "client assertion has expired";
    case jose::Error::NotYetValid:
      return "client assertion is not yet valid (nbf)";
    case jose::Error::IssuedInFuture:
      return "client assertion iat is in the future";
    case jose::Error::LifetimeTooLong:
      return "client assertion exp is more than 5 minutes ahead";
    case jose::Error::IssuerMismatch:
      return "client assertion iss must be the client_id";
    case jose::Error::SubjectMismatch:
      return "client assertion sub must be the client_id";
    case jose::Error::AudienceMismatch:
      return "client assertion aud must be the token endpoint URL";
    case jose::Error::InvalidKey:
    case jose::Error::WeakKey:
    case jose::Error::UnsupportedKeyType:
    case jose::Error::KeyUseMismatch:
    case jose::Error::NotPrivateKey:
      return "the client's registered key cannot verify this assertion";
    case jose::Error::Malformed:
    case jose::Error::DuplicateMember:
    case jose::Error::CritUnsupported:
    case jose::Error::UnencodedPayload:
      break;
  }
  return "client assertion is not a well-formed JWT";
}

// RFC 7523 §3 / SMART: the header rules checked before any key is looked up or fetched.
Result<void, oauth::Error> check_header(const jose::Jwt& jwt, const store::ClientRecord& client,
                                        const AssertionOptions& options,
                                        const jose::ClaimRules& rules) {
  if (!options.algs.contains(jwt.alg)) return fail(invalid("client assertion alg is not allowed"));
  if (auto ok = jose::check_typ(jwt.header, rules); !ok) {
    return fail(invalid(reason(ok.error(), jwt.claims)));
  }
  // SMART 2.2 backend-services: kid is REQUIRED in the assertion header.
  if (!jwt.kid || jwt.kid->empty()) return fail(invalid("client assertion header lacks kid"));
  if (jwt.kid->size() > jose::kMaxKidLength) {
    return fail(invalid("no registered key matches the client assertion kid"));
  }
  // A jku must name the registered JWKS URL exactly (BSV-07); we never fetch one on its word.
  if (auto it = jwt.header.find("jku"); it != jwt.header.end()) {
    if (!it->value().is_string() || client.jwks_uri.empty() ||
        it->value().get_string() != client.jwks_uri) {
      return fail(invalid("client assertion jku is not the client's registered jwks_uri"));
    }
  }
  return {};
}

// The single key for (kid, alg); an unknown kid re-reads the client's keys once, since the
// client may have rotated since we cached them (the source rate-limits the refetch).
Result<jose::Key, oauth::Error> select_key(const jose::Jwt& jwt, const store::ClientRecord& client,
                                           JwksSource& source) {
  auto keys = source.keys_for(client, /*refresh=*/false);
  if (!keys) return fail(invalid(keys.error()));
  auto key = keys->select(jwt.kid, jwt.alg);
  if (!key && key.error() == jose::Error::KeyNotFound) {
    if (auto fresh = source.keys_for(client, /*refresh=*/true)) {
      *keys = std::move(*fresh);
      key = keys->select(jwt.kid, jwt.alg);
    }
  }
  if (!key) return fail(invalid(reason(key.error(), jwt.claims)));
  return **key;
}

// exp as whole seconds; verify_jwt has already checked it is a NumericDate.
std::int64_t exp_seconds(const bj::object& claims) {
  const bj::value& v = claims.at("exp");
  return v.is_int64() ? v.get_int64() : static_cast<std::int64_t>(std::ceil(v.get_double()));
}

}  // namespace

std::string assertion_replay_key(std::string_view client_id, std::string_view jti) {
  std::string key(client_id);
  key += '|';
  key += jti;
  return key;
}

Result<std::string, oauth::Error> assertion_client_id(std::string_view assertion) {
  auto jwt = jose::decode_unverified_jwt(assertion);
  if (!jwt) return fail(invalid(reason(jwt.error(), {})));
  auto it = jwt->claims.find("iss");
  if (it == jwt->claims.end() || !it->value().is_string() || it->value().get_string().empty()) {
    return fail(invalid("client assertion lacks iss"));
  }
  return std::string(it->value().get_string());
}

Result<void, oauth::Error> verify_client_assertion(std::string_view assertion,
                                                   const store::ClientRecord& client,
                                                   const AssertionOptions& options) {
  jose::ClaimRules rules;
  rules.issuer = client.client_id;          // RFC 7523 §3 item 1
  rules.subject = client.client_id;         // §3 item 2: sub = client_id for client authentication
  rules.audience = options.token_endpoint;  // §3 item 3
  rules.require_exp = true;                 // §3 item 4
  rules.required = {"jti"};                 // §3 item 7, SMART: jti required
  rules.leeway = options.leeway;
  rules.max_lifetime = options.max_lifetime;
  rules.typ = "JWT";

  auto jwt = jose::decode_unverified_jwt(assertion);
  if (!jwt) return fail(invalid(reason(jwt.error(), {})));
  if (auto ok = check_header(*jwt, client, options, rules); !ok) return ok;
  auto key = select_key(*jwt, client, options.jwks);
  if (!key) return fail(key.error());

  auto verified = jose::verify_jwt(assertion, *key, options.algs, rules, options.clock);
  if (!verified) return fail(invalid(reason(verified.error(), jwt->claims)));

  const bj::value& jti = verified->claims.at("jti");
  if (!jti.is_string() || jti.get_string().empty() || jti.get_string().size() > kMaxJtiLength) {
    return fail(invalid("client assertion jti must be a non-empty string"));
  }
  // §3 item 7: remember the jti for as long as the assertion could still be accepted.
  const std::int64_t until_ms = (exp_seconds(verified->claims) + options.leeway.count()) * 1000;
  if (!options.replay) {
    return fail(oauth::Error{Errc::ServerError, "client assertion replay check unavailable"});
  }
  auto first_use = options.replay(
      assertion_replay_key(client.client_id, std::string_view(jti.get_string())), until_ms);
  if (!first_use) {
    return fail(oauth::Error{Errc::ServerError, "could not check the client assertion for replay"});
  }
  if (!*first_use) return fail(invalid("client assertion jti has already been used"));
  return {};
}

}  // namespace ember::oauth
