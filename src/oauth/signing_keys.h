// The server's signing keys: ES256 for access tokens (fast to sign and verify), RS256 for
// id_tokens (required by SMART/OIDC). Generated on first start and persisted in the auth store;
// `ember keys rotate` adds new keys and retires the old ones, which stay in the JWKS until every
// token they signed has expired. Every instance reloads the key set from the store periodically
// and whenever it meets an unknown kid, so rotation on one instance reaches all. With a key
// encryption key (oauth/key_encryption.h) the private halves are stored sealed, and keys found
// in the clear are sealed when the keys are opened.
#pragma once
#include <boost/json.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "oauth/key_encryption.h"
#include "store/auth_store.h"

namespace ember::oauth {

// Retired keys stay published this long (the longest token lifetime) after retirement.
inline constexpr std::int64_t kRetiredKeyGraceMs = 2 * 3600 * 1000;

class SigningKeys {
 public:
  virtual ~SigningKeys() = default;
  virtual Result<std::string, std::string> sign_access_token(const boost::json::object& claims) = 0;
  virtual Result<std::string, std::string> sign_id_token(const boost::json::object& claims) = 0;
  // Verifies an access token's signature (ES256, a current or retired key of ours) and returns
  // its claims; claim checks (exp, aud, iss) are the caller's.
  virtual Result<boost::json::object, std::string> verify_access_token(std::string_view jwt) = 0;
  virtual std::string jwks_json() = 0;
};

// How often an instance re-reads the key set from the store, so keys rotated through another
// instance (or `ember keys rotate`) are published and used everywhere within this time.
inline constexpr std::int64_t kKeyReloadMs = 5'000;

// Loads the keys (creating them if the store has none). kek: seal keys at rest (null = keys are
// stored in the clear; sealed keys in the store are then an error).
Result<std::unique_ptr<SigningKeys>, std::string> open_signing_keys(
    store::AuthStore& store, const Clock& clock, const KeyEncryption* kek = nullptr);
// Generates new keys and retires the current ones (for `ember keys rotate`).
Result<void, std::string> rotate_signing_keys(store::AuthStore& store, const Clock& clock,
                                              const KeyEncryption* kek = nullptr);

}  // namespace ember::oauth
