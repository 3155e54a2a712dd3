// Request-target and form parsing over Boost.URL: the decoded path plus the ordered query
// parameters (repeats kept, '+' read as a space), application/x-www-form-urlencoded bodies, and
// percent-encoding for building URLs. Invalid input is an error value; the caller answers 400.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ember::http {

struct QueryParam {
  std::string name;
  std::string value;
  bool operator==(const QueryParam&) const = default;
};
using QueryParams = std::vector<QueryParam>;

struct Target {
  std::string path;       // percent-decoded
  std::string raw_path;   // as received, without the query (safe to log)
  std::string raw_query;  // as received, without '?'; empty when absent
  bool has_query = false;
  QueryParams query;  // decoded, in order, repeats kept
};

enum class UrlErrc {
  InvalidTarget,    // not origin-form ("/p?q"), absolute-form or "*"; includes bad %-escapes
  InvalidEncoding,  // a form body with a bad %-escape or a character not allowed in a query
};

// RFC 9112 §3.2 request-target; origin-form, absolute-form (path and query are taken) or "*".
[[nodiscard]] Result<Target, UrlErrc> parse_target(std::string_view target);

// application/x-www-form-urlencoded (what HTML forms and OAuth token requests send).
[[nodiscard]] Result<QueryParams, UrlErrc> parse_form(std::string_view body);

// The value of the first parameter named `name`, if any.
std::optional<std::string_view> find_param(const QueryParams& params, std::string_view name);

// Percent-encodes everything but RFC 3986 unreserved characters (ALPHA DIGIT - . _ ~), so the
// result is safe in any URL component (path segment, query name or value).
std::string percent_encode(std::string_view s);

// "a=1&b=x%20y" from ordered parameters (each name and value percent_encode'd).
std::string encode_query(const QueryParams& params);

}  // namespace ember::http
