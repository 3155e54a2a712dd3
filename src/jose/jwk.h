// One signing key: RSA (≥ 2048 bits) or EC P-256/P-384, as an owned OpenSSL EVP_PKEY with its
// JWK identity (kid, optional alg pin). Imports and exports JWK (RFC 7517, RFC 7518 §6) and
// PKCS#8 PEM (for the key store), generates keys, and computes the RFC 7638 thumbprint.
// Symmetric ("oct") keys are refused outright: Ember never verifies MACs.
#pragma once
#include <openssl/types.h>

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "jose/alg.h"
#include "jose/error.h"

namespace ember::jose {

// RFC 7518 §3.3 / §3.5: "A key of size 2048 bits or larger MUST be used".
inline constexpr int kMinRsaBits = 2048;
// Bounds the cost of one verification with a key taken from a client's JWKS.
inline constexpr int kMaxRsaBits = 8192;
// Bounds what we store and compare as a key id.
inline constexpr std::size_t kMaxKidLength = 256;

class Key {
 public:
  // Parses one JWK object (RFC 7517 §4). RSA: n, e [, d [, p, q, dp, dq, qi]]; EC: crv, x, y
  // [, d]. Members outside the spec (x5c, key_ops, ...) are tolerated. A JWK without "kid"
  // keeps an empty kid: it is the publisher's identifier and we do not invent one.
  [[nodiscard]] static Result<Key, Error> from_jwk(const boost::json::object& jwk);
  [[nodiscard]] static Result<Key, Error> from_jwk_json(std::string_view text);
  // A PKCS#8 or traditional private key PEM, or a SubjectPublicKeyInfo PEM. Encrypted PEM is
  // refused (no passphrase prompt). kid defaults to the RFC 7638 thumbprint.
  [[nodiscard]] static Result<Key, Error> from_pem(std::string_view pem);
  // Fresh keys from OpenSSL's CSPRNG (key generation cannot take ember::Random: OpenSSL draws
  // its own entropy). kid is the RFC 7638 thumbprint.
  [[nodiscard]] static Result<Key, Error> generate_rsa(int bits = kMinRsaBits);
  [[nodiscard]] static Result<Key, Error> generate_ec(Curve crv);

  KeyType type() const { return type_; }
  // Set for EC keys only.
  std::optional<Curve> curve() const { return curve_; }
  int bits() const { return bits_; }
  bool is_private() const { return private_; }

  const std::string& kid() const { return kid_; }
  void set_kid(std::string kid) { kid_ = std::move(kid); }
  // The "alg" pin (RFC 7517 §4.4): when set, the key signs and verifies with that alg only.
  std::optional<Alg> alg() const { return alg_; }
  // KeyAlgMismatch if alg does not suit this key's type or curve.
  [[nodiscard]] Result<void, Error> pin_alg(Alg alg);
  // True if this key may be used with alg: kty (RSA for RS*/PS*, EC for ES*), curve (P-256 for
  // ES256, P-384 for ES384, RFC 7518 §3.4) and the alg pin all agree.
  bool fits(Alg alg) const;

  // RFC 7638 §3: base64url(SHA-256(canonical JSON of the required public members)).
  std::string thumbprint() const;
  // The public JWK: kty, kid (when set), use "sig", alg (when pinned), then n/e or crv/x/y.
  boost::json::object public_jwk() const;
  // PKCS#8 "PRIVATE KEY" PEM, unencrypted: for the key store, which protects it at rest.
  [[nodiscard]] Result<std::string, Error> private_pem() const;
  // SubjectPublicKeyInfo "PUBLIC KEY" PEM.
  [[nodiscard]] Result<std::string, Error> public_pem() const;
  // The same key without its private part (same kid and alg pin).
  [[nodiscard]] Result<Key, Error> public_key() const;

  // The OpenSSL handle, shared by copies of this Key; used read-only (safe across threads).
  EVP_PKEY* native() const { return pkey_.get(); }

 private:
  Key() = default;
  // Validates type, size and curve of an OpenSSL key and caches its public JWK members.
  static Result<Key, Error> adopt(EVP_PKEY* owned);
  static Result<Key, Error> adopt_generated(EVP_PKEY* owned);

  std::shared_ptr<EVP_PKEY> pkey_;
  KeyType type_ = KeyType::RSA;
  std::optional<Curve> curve_;
  int bits_ = 0;
  bool private_ = false;
  std::string kid_;
  std::optional<Alg> alg_;
  // base64url public members: n and e for RSA, x and y for EC.
  std::string pub1_;
  std::string pub2_;
};

}  // namespace ember::jose
