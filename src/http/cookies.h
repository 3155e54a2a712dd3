// Cookies (RFC 6265): reading the Cookie header and writing Set-Cookie with the attributes
// Ember always wants (HttpOnly, SameSite, Path, Secure on TLS).
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "http/types.h"

namespace ember::http {

// The value of cookie `name` in the request's Cookie header(s), if present.
std::optional<std::string> get_cookie(const Request& req, std::string_view name);

struct CookieOptions {
  bool secure = false;
  std::string same_site = "Lax";
  std::string path = "/";
  long max_age_s = -1;  // -1 = session cookie; 0 = delete
};

// The Set-Cookie header value (HttpOnly always).
std::string cookie_header(std::string_view name, std::string_view value, const CookieOptions& opt);

void set_cookie(Response& res, std::string_view name, std::string_view value,
                const CookieOptions& opt);

}  // namespace ember::http
