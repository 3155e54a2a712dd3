// Response builders for handlers: status, content type and body, with version and keep-alive
// taken from the request, so every handler answers the same way.
#pragma once
#include <string>
#include <string_view>

#include "http/types.h"

namespace ember::http {

inline constexpr std::string_view kJsonType = "application/json";
inline constexpr std::string_view kTextType = "text/plain; charset=utf-8";
inline constexpr std::string_view kHtmlType = "text/html; charset=utf-8";

// Sets Content-Type (unless empty), the body and its Content-Length.
Response make_response(const Request& req, bhttp::status status, std::string_view content_type,
                       std::string body);
Response json_response(const Request& req, bhttp::status status, std::string body);
Response text_response(const Request& req, bhttp::status status, std::string body);
Response html_response(const Request& req, bhttp::status status, std::string body);

// {"error":"<code>"} with the given status (code is a fixed identifier, not user input).
Response json_error(const Request& req, bhttp::status status, std::string_view code);

// 303 See Other to `location` (after a form POST, RFC 9110 §15.4.4), sent with no-store and
// Referrer-Policy: no-referrer so the URL being left (which may carry codes or tokens) is neither
// cached nor leaked to the next page.
Response see_other(const Request& req, const std::string& location);

// Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1 for token responses; any
// response carrying secrets or personal data).
void no_store(Response& resp);

}  // namespace ember::http
