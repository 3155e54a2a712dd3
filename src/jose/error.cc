#include "jose/error.h"

namespace ember::jose {

std::string_view to_string(Error e) {
  switch (e) {
    case Error::TooLarge:
      return "too_large";
    case Error::Malformed:
      return "malformed";
    case Error::DuplicateMember:
      return "duplicate_member";
    case Error::MissingAlg:
      return "missing_alg";
    case Error::AlgNone:
      return "alg_none";
    case Error::HmacRefused:
      return "hmac_refused";
    case Error::UnsupportedAlg:
      return "unsupported_alg";
    case Error::CritUnsupported:
      return "crit_unsupported";
    case Error::UnencodedPayload:
      return "unencoded_payload";
    case Error::TypMismatch:
      return "typ_mismatch";
    case Error::InvalidKey:
      return "invalid_key";
    case Error::WeakKey:
      return "weak_key";
    case Error::UnsupportedKeyType:
      return "unsupported_key_type";
    case Error::KeyUseMismatch:
      return "key_use_mismatch";
    case Error::NotPrivateKey:
      return "not_private_key";
    case Error::KeyNotFound:
      return "key_not_found";
    case Error::KeyAmbiguous:
      return "key_ambiguous";
    case Error::KeyAlgMismatch:
      return "key_alg_mismatch";
    case Error::BadSignature:
      return "bad_signature";
    case Error::CryptoFailure:
      return "crypto_failure";
    case Error::InvalidClaim:
      return "invalid_claim";
    case Error::MissingClaim:
      return "missing_claim";
    case Error::Expired:
      return "expired";
    case Error::NotYetValid:
      return "not_yet_valid";
    case Error::IssuedInFuture:
      return "issued_in_future";
    case Error::LifetimeTooLong:
      return "lifetime_too_long";
    case Error::IssuerMismatch:
      return "issuer_mismatch";
    case Error::AudienceMismatch:
      return "audience_mismatch";
    case Error::SubjectMismatch:
      return "subject_mismatch";
  }
  return "unknown";
}

}  // namespace ember::jose
