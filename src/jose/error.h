// The closed set of outcomes of JOSE work (JWK import, JWS sign/verify, JWT claim checks), after
// google/jwt_verify_lib's Status: one flat enum, each value a distinct reason a caller may log
// or map to a protocol error (e.g. RFC 6749 invalid_client / RFC 6750 invalid_token).
#pragma once
#include <string_view>

namespace ember::jose {

enum class Error {
  // --- token shape (RFC 7515 §7.1, §5.2) ---
  TooLarge,         // Input exceeds kMaxTokenBytes / kMaxJwksBytes.
  Malformed,        // Not three base64url parts, padding, bad JSON, header/claims not an object.
  DuplicateMember,  // A JSON object repeats a member name (RFC 7515 §5.2 step 4: we reject).
  // --- algorithm and header (RFC 7515 §4.1, RFC 7518 §3.1) ---
  MissingAlg,        // Header has no "alg" string.
  AlgNone,           // "alg":"none" (RFC 7518 §3.6): unsecured JWS is never accepted.
  HmacRefused,       // HS256/384/512: we never verify MACs, so a public key is never a secret.
  UnsupportedAlg,    // alg unknown to us or not in the caller's allowed set.
  CritUnsupported,   // "crit" lists an extension we do not understand (RFC 7515 §4.1.11).
  UnencodedPayload,  // "b64":false (RFC 7797) is refused.
  TypMismatch,       // Header "typ" differs from what the caller requires (RFC 7515 §4.1.9).
  // --- keys (RFC 7517, RFC 7518 §6) ---
  InvalidKey,          // JWK/PEM fails validation (missing/ill-sized members, not on curve...).
  WeakKey,             // RSA modulus shorter than kMinRsaBits.
  UnsupportedKeyType,  // kty other than RSA/EC (oct is refused), or a curve other than P-256/384.
  KeyUseMismatch,      // "use" is not "sig", or "key_ops" allows neither sign nor verify.
  NotPrivateKey,       // Signing or private export asked of a public key.
  KeyNotFound,         // No key in the set has the token's kid (or none fits when kid absent).
  KeyAmbiguous,        // Several keys fit (kid, alg); RFC 7515 §4.1.4 gives no tie-break.
  KeyAlgMismatch,      // The key's kty/curve/alg pin does not fit the token's alg.
  // --- signature ---
  BadSignature,   // Signature does not verify, or has the wrong length for the alg.
  CryptoFailure,  // OpenSSL failed where it should not (allocation, provider); see logs.
  // --- claims (RFC 7519 §4.1) ---
  InvalidClaim,      // A registered claim has the wrong JSON type (e.g. "exp":"soon").
  MissingClaim,      // A claim the caller requires is absent.
  Expired,           // now ≥ exp + leeway (RFC 7519 §4.1.4).
  NotYetValid,       // now + leeway < nbf (RFC 7519 §4.1.5).
  IssuedInFuture,    // iat > now + leeway (RFC 7519 §4.1.6).
  LifetimeTooLong,   // exp - now exceeds the caller's maximum lifetime.
  IssuerMismatch,    // iss differs from the expected issuer (RFC 7519 §4.1.1).
  AudienceMismatch,  // aud neither equals nor contains the expected audience (RFC 7519 §4.1.3).
  SubjectMismatch,   // sub differs from the expected subject (RFC 7519 §4.1.2).
};

// A stable snake_case name for logs and metrics, e.g. "bad_signature".
std::string_view to_string(Error e);

}  // namespace ember::jose
