// private_key_jwt client authentication (RFC 7523 §2.2 and §3; RFC 7521 §4.2): verifying the
// signed JWT a confidential-asymmetric or backend client sends as client_assertion (SMART 2.2
// client-confidential-asymmetric, backend-services; checklist BSV-06/07, CLI-05/06).
// The caller reads the unverified iss to look the client up, then verifies against its keys.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "jose/alg.h"
#include "jose/jwt.h"
#include "oauth/errors.h"
#include "oauth/jwks_fetcher.h"
#include "store/auth_store.h"

namespace ember::oauth {

// RFC 7523 §2.2 client_assertion_type.
inline constexpr std::string_view kJwtBearerAssertionType =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
// Every alg the JOSE library verifies: SMART requires RS384 and ES384; "none" and HS* are
// unrepresentable there, so no allow-list can admit them.
inline constexpr jose::AlgSet kClientAssertionAlgs = jose::AlgSet::all();
// Bounds the replay-cache key; real jtis are UUIDs or short random strings.
inline constexpr std::size_t kMaxJtiLength = 256;

// Records key until until_ms: true on first use, false on a replay, error when the store fails.
// Wired to AuthStore::use_assertion_jti.
using JtiReplayCheck =
    std::function<Result<bool, std::string>(const std::string& key, std::int64_t until_ms)>;

struct AssertionOptions {
  // The token endpoint's exact URL, as advertised in discovery: the only accepted aud.
  std::string token_endpoint;
  JwksSource& jwks;
  JtiReplayCheck replay;
  const Clock& clock;
  jose::AlgSet algs = kClientAssertionAlgs;
  std::chrono::seconds leeway = jose::kDefaultLeeway;
  // SMART backend-services: exp no more than five minutes in the future.
  std::chrono::seconds max_lifetime = jose::kClientAssertionMaxLifetime;
};

// The replay-cache key for a client's jti: "<client_id>|<jti>".
std::string assertion_replay_key(std::string_view client_id, std::string_view jti);

// The assertion's iss, read WITHOUT verification, so the caller can find the client whose keys
// verify it. InvalidClient when the token is not a JWS or iss is absent or not a string.
[[nodiscard]] Result<std::string, Error> assertion_client_id(std::string_view assertion);

// Full verification against `client` (whose client_id the caller looked up from iss):
//   header: alg allowed (never none/HS*), typ "JWT" when present, kid present, jku absent or
//           exactly the registered jwks_uri (never fetched on its own);
//   key:    the single registered key with that kid fitting alg; an unknown kid refreshes the
//           client's keys once (key rotation) before failing;
//   claims: iss = sub = client_id, aud = token_endpoint (string or array), exp present, not past
//           and at most max_lifetime ahead, iat/nbf sane, jti present and unseen until exp.
// Every failure is InvalidClient with a short reason safe to return; a replay-store failure is
// ServerError (the client did nothing wrong and must not be told its credentials are bad).
[[nodiscard]] Result<void, Error> verify_client_assertion(std::string_view assertion,
                                                          const store::ClientRecord& client,
                                                          const AssertionOptions& options);

}  // namespace ember::oauth
