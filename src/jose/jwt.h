// JWT (RFC 7519) on top of compact JWS: sign a claims object, and verify a token — signature
// first, then header "typ", then the registered claims against caller rules and an injected
// Clock. Claims are never looked at as trusted before the signature has verified.
#pragma once
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "jose/alg.h"
#include "jose/error.h"
#include "jose/jwk.h"
#include "jose/jwks.h"
#include "jose/jws.h"

namespace ember::jose {

// Allowance for clock skew between issuer and verifier (RFC 7519 §4.1.4 "some small leeway").
inline constexpr std::chrono::seconds kDefaultLeeway{60};
// RFC 7523 client assertions: SMART Backend Services caps exp at five minutes ahead.
inline constexpr std::chrono::seconds kClientAssertionMaxLifetime{300};

struct ClaimRules {
  // Expected values; unset means "not checked" (the claim's type is still checked if present).
  std::optional<std::string> issuer;    // iss equals (RFC 7519 §4.1.1)
  std::optional<std::string> audience;  // aud equals, or is an array containing it (§4.1.3)
  std::optional<std::string> subject;   // sub equals (§4.1.2)
  bool require_exp = true;
  bool require_iat = false;
  // Further claims that must be present, e.g. {"jti"} for replay protection.
  std::vector<std::string> required;
  std::chrono::seconds leeway = kDefaultLeeway;
  // When set: exp - now ≤ max_lifetime + leeway (and exp becomes required).
  std::optional<std::chrono::seconds> max_lifetime;
  // Header "typ": when set, a present typ must equal it, compared case-insensitively and with
  // an optional "application/" prefix (RFC 7515 §4.1.9); require_typ also refuses a missing typ.
  std::optional<std::string> typ;
  bool require_typ = false;
};

struct Jwt {
  boost::json::object header;
  boost::json::object claims;
  Alg alg = Alg::RS256;
  std::optional<std::string> kid;
};

// Signs the serialized claims as the JWS payload.
[[nodiscard]] Result<std::string, Error> sign_jwt(const Key& key, Alg alg,
                                                  const boost::json::object& claims,
                                                  const SignOptions& options = {});

// Header and claims without verification, for choosing keys (e.g. a client assertion's iss).
[[nodiscard]] Result<Jwt, Error> decode_unverified_jwt(std::string_view token);

// Signature (see verify_compact), then check_typ, then validate_claims.
[[nodiscard]] Result<Jwt, Error> verify_jwt(std::string_view token, const KeySet& keys,
                                            AlgSet allowed, const ClaimRules& rules,
                                            const Clock& clock);
[[nodiscard]] Result<Jwt, Error> verify_jwt(std::string_view token, const Key& key, AlgSet allowed,
                                            const ClaimRules& rules, const Clock& clock);

// The rules' typ requirement against a JOSE header.
[[nodiscard]] Result<void, Error> check_typ(const boost::json::object& header,
                                            const ClaimRules& rules);
// RFC 7519 §4.1 registered claims. Time claims are NumericDate (§2): integer or fractional
// seconds; anything else is InvalidClaim.
[[nodiscard]] Result<void, Error> validate_claims(const boost::json::object& claims,
                                                  const ClaimRules& rules, const Clock& clock);

}  // namespace ember::jose
