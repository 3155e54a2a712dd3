// id_token validation, OIDC Core §3.1.3.7: signature with the server's keys (steps 6-7), iss
// (step 2), aud (step 3), exp (step 9), iat sanity, nonce (step 11).
#include "ember/client/id_token.h"

#include "client/internal.h"
#include "core/clock.h"
#include "jose/jwt.h"

namespace ember::client {

namespace {

// A Clock fixed at the caller's `now`, so validation is a pure function of its inputs.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::chrono::system_clock::time_point t) : t_(t) {}
  std::chrono::system_clock::time_point now() const override { return t_; }

 private:
  std::chrono::system_clock::time_point t_;
};

}  // namespace

Result<Json> validate_id_token(std::string_view id_token, std::string_view jwks_json,
                               const IdTokenCheck& check) {
  auto keys = jose::KeySet::parse(jwks_json);
  if (!keys) {
    return failure(ErrorKind::IdTokenInvalid,
                   "the server's JWKS is unusable: " + std::string(jose::to_string(keys.error())),
                   "invalid_jwks");
  }
  jose::ClaimRules rules;
  rules.issuer = check.issuer;
  rules.audience = check.client_id;
  rules.require_exp = true;
  rules.require_iat = true;
  rules.leeway = check.leeway;
  rules.required = {"sub"};
  const FixedClock clock(check.now);
  auto jwt = jose::verify_jwt(id_token, *keys, jose::AlgSet::all(), rules, clock);
  if (!jwt) {
    const std::string reason(jose::to_string(jwt.error()));
    return failure(ErrorKind::IdTokenInvalid, "the id_token is not valid: " + reason, reason);
  }
  const auto nonce = jwt->claims.find("nonce");
  if (!check.nonce.empty() &&
      (nonce == jwt->claims.end() || !nonce->value().is_string() ||
       nonce->value().get_string() != check.nonce)) {
    return failure(ErrorKind::IdTokenInvalid,
                   "the id_token's nonce is not the one sent with the authorization request",
                   "nonce_mismatch");
  }
  return detail::unverified_claims(id_token);  // verified above
}

}  // namespace ember::client
