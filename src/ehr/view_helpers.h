// Helpers shared by the EHR page views (views.cc, chart_views.cc, registry_views.cc).
#pragma once
#include <kainjow/mustache.hpp>

#include <string>
#include <string_view>

namespace ember::ehr {

// Percent-encodes everything but RFC 3986 unreserved characters, for ids placed in URL paths
// (client ids come from anywhere: the CLI, files, RFC 7591), as http::percent_encode does.
inline std::string url_component(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    }
  }
  return out;
}

// Sets `key` and a `has_<key>` flag: an empty string is truthy in mustache, so sections test
// the flag instead.
inline void set_text(kainjow::mustache::data& d, const std::string& key, const std::string& value) {
  d.set(key, value);
  d.set("has_" + key, !value.empty());
}

}  // namespace ember::ehr
