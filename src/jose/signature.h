// The signature primitives under JWS (RFC 7518 §3.3-3.5): RSASSA-PKCS1-v1_5, RSASSA-PSS
// (salt = hash length, MGF1 with the same hash) and ECDSA, whose JWS form is R||S at the
// curve's full size (§3.4), converted from and to OpenSSL's DER ECDSA-Sig-Value.
#pragma once
#include <string>
#include <string_view>

#include "core/result.h"
#include "jose/alg.h"
#include "jose/error.h"
#include "jose/jwk.h"

namespace ember::jose {

// NotPrivateKey, KeyAlgMismatch, or CryptoFailure. PS* and ES* signatures draw randomness
// from OpenSSL's CSPRNG (nonces and salts are not ours to inject).
[[nodiscard]] Result<std::string, Error> create_signature(const Key& key, Alg alg,
                                                          std::string_view signing_input);
// KeyAlgMismatch or BadSignature (including a signature of the wrong length).
[[nodiscard]] Result<void, Error> check_signature(const Key& key, Alg alg,
                                                  std::string_view signing_input,
                                                  std::string_view signature);

}  // namespace ember::jose
