#include "ember/client/pkce.h"

#include "core/encoding.h"

namespace ember::client {

std::string pkce_s256(std::string_view verifier) { return base64url_encode(sha256(verifier)); }

Pkce make_pkce(const RandomFunction& random) {
  Pkce p;
  p.verifier = base64url_encode(random(32));  // RFC 7636 §7.1: 256 bits of entropy
  p.challenge = pkce_s256(p.verifier);
  return p;
}

}  // namespace ember::client
