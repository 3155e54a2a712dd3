// How the FHIR REST layer reads a request's format and path (R4 http.html#mime-type): the
// `_format` parameter and Accept header accept JSON forms only; paths split into segments.
// Shared by the built-in API (fhir/rest.cc) and proxy mode (proxy/handler.cc), which must agree.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "http/headers.h"

namespace ember::fhir {

// application/fhir+json, application/json or the R3 application/json+fhir.
bool is_json_media(const http::MediaType& m);
// `_format`: "json" or a JSON media type.
bool format_ok(std::string_view format);
// Accept: absent, unparseable (answered leniently with JSON) or naming a JSON form with q > 0.
bool accept_ok(std::string_view accept);
// "/Patient/1/_history" → {"Patient", "1", "_history"} (empty segments dropped).
std::vector<std::string> split_path(std::string_view path);

}  // namespace ember::fhir
