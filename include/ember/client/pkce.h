// PKCE (RFC 7636) with the S256 method only, as SMART 2.2 requires of every app.
#pragma once
#include <string>
#include <string_view>

#include "ember/client/http.h"

namespace ember::client {

struct Pkce {
  std::string verifier;   // 43 characters of base64url (32 random bytes), RFC 7636 §4.1
  std::string challenge;  // BASE64URL(SHA256(verifier)), RFC 7636 §4.2
  static constexpr std::string_view method = "S256";
};

// A fresh verifier from `random` and its S256 challenge.
Pkce make_pkce(const RandomFunction& random);
// RFC 7636 §4.2: BASE64URL-ENCODE(SHA256(ASCII(verifier))).
std::string pkce_s256(std::string_view verifier);

}  // namespace ember::client
