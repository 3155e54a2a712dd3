// Internal to src/jose: base64url as RFC 7515 §2 defines it for JOSE — unpadded, the URL-safe
// alphabet only, and canonical (unused low bits of the last character zero), so one value has
// exactly one encoding and a token cannot be re-spelled without breaking it.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace ember::jose {

std::optional<std::string> base64url_decode_strict(std::string_view s);

}  // namespace ember::jose
