// Encryption at rest of the signing keys' private halves (issue: several instances share one
// database, which must not hold usable private keys in the clear). The operator gives a secret
// (--key-encryption-key / EMBER_KEY_ENCRYPTION_KEY, ≥ 32 characters, e.g. `openssl rand
// -base64 32`); an AES-256-GCM key is derived from it with HKDF-SHA-256. A sealed key is text:
//   "ember-sealed:v1:" base64url(nonce[12] ‖ ciphertext ‖ tag[16])
// with the key id as associated data, so a sealed row cannot be moved to another kid.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"

namespace ember::oauth {

inline constexpr std::string_view kSealedPrefix = "ember-sealed:v1:";
inline constexpr std::size_t kMinKeyEncryptionSecret = 32;

class KeyEncryption {
 public:
  // Derives the key; an error when the secret is shorter than kMinKeyEncryptionSecret.
  static Result<KeyEncryption, std::string> from_secret(std::string_view secret);

  std::string seal(std::string_view plaintext, std::string_view kid, Random& random) const;
  // The plaintext, or an error naming why (not sealed, corrupt, wrong secret, other kid).
  Result<std::string, std::string> open(std::string_view sealed, std::string_view kid) const;

 private:
  std::array<std::uint8_t, 32> key_{};
};

inline bool is_sealed(std::string_view stored) {
  return stored.starts_with(kSealedPrefix);
}

}  // namespace ember::oauth
