// Small text helpers shared across modules (header-only: each is a few lines).
#pragma once
#include <string_view>

namespace ember {

// RFC 9110 §5.6.3 optional whitespace (SP / HTAB) removed from both ends.
constexpr std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// ASCII whitespace (SP, HTAB, LF, VT, FF, CR — what std::isspace means in the C locale) removed
// from both ends: for text typed into forms and files.
constexpr std::string_view trim_space(std::string_view s) {
  constexpr auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace ember
