#include "fhir/negotiation.h"

namespace ember::fhir {

bool is_json_media(const http::MediaType& m) {
  return m.type == "application" &&
         (m.subtype == "fhir+json" || m.subtype == "json" || m.subtype == "json+fhir");
}

bool format_ok(std::string_view f) {
  if (f == "json") return true;
  auto m = http::parse_media_type(f);
  return m && is_json_media(*m);
}

bool accept_ok(std::string_view accept) {
  if (accept.empty()) return true;
  auto list = http::parse_accept(accept);
  if (list.empty()) return true;  // unparseable Accept: be lenient and answer JSON
  for (const auto& m : list) {
    if (m.q <= 0) continue;
    if (m.matches("application", "fhir+json") || m.matches("application", "json") ||
        m.matches("application", "json+fhir")) {
      return true;
    }
  }
  return false;
}

std::vector<std::string> split_path(std::string_view p) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < p.size()) {
    std::size_t j = p.find('/', i);
    if (j == std::string_view::npos) j = p.size();
    if (j > i) out.emplace_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace ember::fhir
