#include "http/cookies.h"

namespace ember::http {

std::optional<std::string> get_cookie(const Request& req, std::string_view name) {
  for (auto it = req.find(bhttp::field::cookie); it != req.end() && it->name() == bhttp::field::cookie;
       ++it) {
    std::string_view h(it->value().data(), it->value().size());
    while (!h.empty()) {
      std::size_t semi = h.find(';');
      std::string_view pair = h.substr(0, semi);
      h = semi == std::string_view::npos ? std::string_view() : h.substr(semi + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos) continue;
      if (pair.substr(0, eq) == name) {
        std::string_view v = pair.substr(eq + 1);
        while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return std::string(v);
      }
    }
  }
  return std::nullopt;
}

std::string cookie_header(std::string_view name, std::string_view value,
                          const CookieOptions& opt) {
  std::string c(name);
  c += "=";
  c += value;
  c += "; Path=" + opt.path + "; HttpOnly; SameSite=" + opt.same_site;
  if (opt.secure) c += "; Secure";
  if (opt.max_age_s >= 0) c += "; Max-Age=" + std::to_string(opt.max_age_s);
  return c;
}

void set_cookie(Response& res, std::string_view name, std::string_view value,
                const CookieOptions& opt) {
  res.insert(bhttp::field::set_cookie, cookie_header(name, value, opt));
}

}  // namespace ember::http
