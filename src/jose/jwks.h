// A JWK Set (RFC 7517 §5): the keys a verifier trusts — Ember's own signing keys, or a
// client's keys for private_key_jwt — and the one rule for picking the key for a token.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "jose/alg.h"
#include "jose/error.h"
#include "jose/jwk.h"

namespace ember::jose {

// Bounds on a JWK Set taken from a client (registration document or jwks_uri).
inline constexpr std::size_t kMaxJwksBytes = 256 * 1024;
inline constexpr std::size_t kMaxJwksKeys = 64;

class KeySet {
 public:
  KeySet() = default;
  explicit KeySet(std::vector<Key> keys) : keys_(std::move(keys)) {}

  // Parses {"keys":[...]} (RFC 7517 §5). Unknown members anywhere are tolerated. A key we
  // could never use is skipped, as §5 asks: unknown or symmetric kty, unsupported curve, "use"
  // other than "sig", an alg outside our set, RSA below kMinRsaBits. A key of a type we do
  // support that fails validation (bad coordinates, not on the curve...) refuses the whole set.
  [[nodiscard]] static Result<KeySet, Error> parse(std::string_view json);
  [[nodiscard]] static Result<KeySet, Error> from_json(const boost::json::object& jwks);

  void add(Key key) { keys_.push_back(std::move(key)); }
  const std::vector<Key>& keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }
  std::size_t size() const { return keys_.size(); }

  // {"keys":[public JWK, ...]}: what /oauth/jwks serves. Never contains private members.
  boost::json::object to_public_json() const;

  // The key for a token's (kid, alg), RFC 7515 §4.1.4 and §6: exactly one key whose kid equals
  // the token's and that fits alg (kty, curve, alg pin). With no kid in the token, exactly one
  // key must fit alg. KeyNotFound when no kid matches (or, without kid, nothing fits);
  // KeyAlgMismatch when the kid matches only keys that do not fit; KeyAmbiguous when several fit.
  // kid is compared as an opaque string, never used as a path or URL.
  [[nodiscard]] Result<const Key*, Error> select(std::optional<std::string_view> kid,
                                                 Alg alg) const;

 private:
  std::vector<Key> keys_;
};

}  // namespace ember::jose
