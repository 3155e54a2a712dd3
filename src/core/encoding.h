// Byte encodings used across modules: base64url (RFC 4648 §5, unpadded), hex, SHA-256.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ember {

std::string base64url_encode(std::span<const std::uint8_t> bytes);
inline std::string base64url_encode(std::string_view s) {
  return base64url_encode(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}
// Accepts unpadded input (and tolerates trailing '='); nullopt on any other character.
std::optional<std::string> base64url_decode(std::string_view s);
std::optional<std::string> base64_decode(std::string_view s);
std::string hex_encode(std::span<const std::uint8_t> bytes);
// SHA-256 digest as raw bytes.
std::string sha256(std::string_view data);
// Comparison whose time does not depend on where the inputs differ.
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace ember
