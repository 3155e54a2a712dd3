// Small string helpers for the page tests: the pages are plain HTML strings, so the tests look
// for exact fragments rather than parsing a DOM.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace ember::ehr::testing {

inline bool has(std::string_view html, std::string_view needle) {
  return html.find(needle) != std::string_view::npos;
}

inline std::size_t count(std::string_view html, std::string_view needle) {
  std::size_t n = 0;
  for (auto pos = html.find(needle); pos != std::string_view::npos;
       pos = html.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

// The page with every run of whitespace collapsed to one space, so tests can match fragments
// that the templates spread over several lines.
inline std::string squash(std::string_view html) {
  std::string out;
  bool in_space = false;
  for (const char c : html) {
    const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && in_space) continue;
    out += space ? ' ' : c;
    in_space = space;
  }
  return out;
}

// The whole start tag of the first <input …> whose attributes contain `attr`, or "" if none.
inline std::string input_with(std::string_view html, std::string_view attr) {
  for (auto pos = html.find("<input"); pos != std::string_view::npos;
       pos = html.find("<input", pos + 1)) {
    const auto end = html.find('>', pos);
    if (end == std::string_view::npos) break;
    const auto tag = html.substr(pos, end - pos + 1);
    if (has(tag, attr)) return std::string(tag);
  }
  return "";
}

}  // namespace ember::ehr::testing
