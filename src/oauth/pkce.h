// PKCE (RFC 7636) with S256 only, as SMART 2.2 requires: the challenge format at the
// authorization endpoint and the verifier check at the token endpoint.
#pragma once
#include <string_view>

namespace ember::oauth {

// RFC 7636 §4.2: S256 challenges are 43 base64url characters (SHA-256, unpadded).
bool is_valid_challenge(std::string_view challenge);
// RFC 7636 §4.1: 43–128 characters of [A-Za-z0-9-._~].
bool is_valid_verifier(std::string_view verifier);
// RFC 7636 §4.6: BASE64URL(SHA256(verifier)) == challenge, compared in constant time.
bool verify_s256(std::string_view verifier, std::string_view challenge);

}  // namespace ember::oauth
