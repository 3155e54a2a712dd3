#include "http/headers.h"

#include <cctype>
#include <charconv>

#include "core/text.h"

namespace ember::http {

namespace {

bool is_tchar(char c) {  // RFC 9110 §5.6.2 token characters
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return kExtra.find(c) != std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

// Splits on `sep` outside double quotes.
std::vector<std::string_view> split_unquoted(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '"') quoted = !quoted;
    if (quoted && s[i] == '\\') ++i;
    if (!quoted && s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::optional<std::string> unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < v.size(); ++i) {
      if (v[i] == '\\' && i + 2 < v.size()) ++i;
      out += v[i];
    }
    return out;
  }
  if (!is_token(v)) return std::nullopt;
  return std::string(v);
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string_view> MediaType::param(std::string_view name) const {
  for (const auto& [k, v] : params) {
    if (iequals(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

bool MediaType::matches(std::string_view t, std::string_view st) const {
  if (type == "*") return true;
  if (!iequals(type, t)) return false;
  return subtype == "*" || iequals(subtype, st);
}

std::optional<MediaType> parse_media_type(std::string_view value) {
  auto parts = split_unquoted(value, ';');
  std::string_view essence = trim_ows(parts.front());
  auto slash = essence.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view t = essence.substr(0, slash), st = essence.substr(slash + 1);
  if (!is_token(t) || !is_token(st)) return std::nullopt;
  MediaType mt;
  mt.type = lower(t);
  mt.subtype = lower(st);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::string_view p = trim_ows(parts[i]);
    if (p.empty()) continue;
    auto eq = p.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    std::string_view name = trim_ows(p.substr(0, eq));
    if (!is_token(name)) return std::nullopt;
    auto v = unquote(trim_ows(p.substr(eq + 1)));
    if (!v) return std::nullopt;
    std::string lname = lower(name);
    if (lname == "q") {
      double q = 1.0;
      auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), q);
      if (ec != std::errc() || ptr != v->data() + v->size() || q < 0 || q > 1) return std::nullopt;
      mt.q = q;
      continue;
    }
    mt.params.emplace_back(std::move(lname), std::move(*v));
  }
  return mt;
}

std::vector<MediaType> parse_accept(std::string_view value) {
  std::vector<MediaType> out;
  for (std::string_view member : split_unquoted(value, ',')) {
    member = trim_ows(member);
    if (member.empty()) continue;
    if (auto mt = parse_media_type(member)) out.push_back(std::move(*mt));
  }
  return out;
}

std::optional<std::string> bearer_token(const Request& req) {
  auto it = req.find(bhttp::field::authorization);
  if (it == req.end()) return std::nullopt;
  std::string_view v(it->value().data(), it->value().size());
  if (v.size() < 7 || !iequals(v.substr(0, 7), "Bearer ")) return std::string();
  return std::string(trim_ows(v.substr(7)));
}

}  // namespace ember::http
