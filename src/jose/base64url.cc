#include "jose/base64url.h"

#include "core/encoding.h"

namespace ember::jose {

namespace {

int value_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::optional<std::string> base64url_decode_strict(std::string_view s) {
  for (char c : s) {
    if (value_of(c) < 0) return std::nullopt;
  }
  // RFC 4648 §3.5: a final group of 2 characters carries 8 bits (4 unused), of 3 carries 16 (2).
  if (!s.empty()) {
    const int last = value_of(s.back());
    if (s.size() % 4 == 1) return std::nullopt;
    if (s.size() % 4 == 2 && (last & 0x0F) != 0) return std::nullopt;
    if (s.size() % 4 == 3 && (last & 0x03) != 0) return std::nullopt;
  }
  return base64url_decode(s);
}

}  // namespace ember::jose
