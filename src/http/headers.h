// Header-value helpers: media types of Content-Type and Accept (RFC 9110 §8.3.1, §12.5.1) parsed
// into lower-cased type/subtype/parameters, so content negotiation compares like with like.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/types.h"

namespace ember::http {

struct MediaType {
  std::string type;     // lower case, e.g. "application"; "*" in Accept ranges
  std::string subtype;  // lower case, e.g. "fhir+json"
  std::vector<std::pair<std::string, std::string>> params;  // names lower case, values unquoted
  double q = 1.0;  // Accept weight (the "q" parameter is taken out of params)

  // Case-insensitive parameter lookup, e.g. param("charset").
  std::optional<std::string_view> param(std::string_view name) const;
  // "type/subtype" equality, case-insensitive; "*" in this media range matches anything.
  bool matches(std::string_view type, std::string_view subtype) const;
  std::string essence() const { return type + "/" + subtype; }
};

// One media type (Content-Type); nullopt when it is not "token/token *(; name=value)".
std::optional<MediaType> parse_media_type(std::string_view value);

// An Accept list in the order given; unparseable members are skipped, q=0 members kept.
std::vector<MediaType> parse_accept(std::string_view value);

// ASCII case-insensitive equality (header names, tokens).
bool iequals(std::string_view a, std::string_view b);

// RFC 6750 §2.1: the token of `Authorization: Bearer <token>` (scheme case-insensitive, spaces
// around the token ignored). nullopt without an Authorization header; "" when the header names
// another scheme or carries no token.
std::optional<std::string> bearer_token(const Request& req);

}  // namespace ember::http
