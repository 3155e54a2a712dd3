#include "oauth/pkce.h"

#include "core/encoding.h"

namespace ember::oauth {

namespace {
bool is_b64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}
}  // namespace

bool is_valid_challenge(std::string_view c) {
  if (c.size() != 43) return false;
  for (char ch : c) {
    if (!is_b64url(ch)) return false;
  }
  return true;
}

bool is_valid_verifier(std::string_view v) {
  if (v.size() < 43 || v.size() > 128) return false;
  for (char ch : v) {
    if (!is_b64url(ch) && ch != '.' && ch != '~') return false;
  }
  return true;
}

bool verify_s256(std::string_view verifier, std::string_view challenge) {
  if (!is_valid_verifier(verifier)) return false;
  return constant_time_equals(base64url_encode(sha256(verifier)), challenge);
}

}  // namespace ember::oauth
