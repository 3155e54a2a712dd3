// OpenID Connect id_token validation (OIDC Core §3.1.3.7, as SMART 2.2 asks of apps that
// request `openid`): the JWS signature against the server's JWKS (RS256 and the other
// asymmetric algorithms; never "none" or HMAC), then iss, aud, exp and nonce.
#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "ember/client/error.h"
#include "ember/client/json.h"

namespace ember::client {

struct IdTokenCheck {
  std::string issuer;     // iss must equal this (the discovered issuer)
  std::string client_id;  // aud must equal or contain this
  std::string nonce;      // nonce must equal this (the one sent in the authorization request)
  std::chrono::system_clock::time_point now;
  std::chrono::seconds leeway{60};  // clock skew allowed for exp and iat
};

// The verified claims, or IdTokenInvalid with `reason` one of: "malformed", "bad_signature",
// "key_not_found", "unsupported_alg", "issuer_mismatch", "audience_mismatch", "expired",
// "missing_claim", "nonce_mismatch", "issued_in_future", "invalid_jwks" (and other jose names).
[[nodiscard]] Result<Json> validate_id_token(std::string_view id_token, std::string_view jwks_json,
                                             const IdTokenCheck& check);

}  // namespace ember::client
