// URL rewriting between the upstream's FHIR base and Ember's: responses carry the upstream's
// absolute URLs (Bundle fullUrl and links, absolute references, Location, Content-Location,
// Link), which must point at Ember so that every next request (a page link, a Location) comes
// back through Ember and is enforced again; request bodies carry Ember's, which the upstream
// must read as its own.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "http/url.h"

namespace ember::proxy {

// `url` with the base `from` replaced by `to` when it starts with `from` followed by the end,
// '/', '?' or '#' (so http://u/fhir does not match http://u/fhirx); nullopt otherwise.
std::optional<std::string> rebase_url(std::string_view url, std::string_view from,
                                      std::string_view to);

// Rebases every string value in `v` (recursively) that rebase_url accepts; returns how many.
std::size_t rebase_json(boost::json::value& v, std::string_view from, std::string_view to);

// A Link header (RFC 8288): each <URI-Reference> rebased, the rest kept as is.
std::string rebase_link_header(std::string_view value, std::string_view from, std::string_view to);

// `url` with one occurrence of each of `params` (decoded name and value) taken out of its
// query: the criteria Ember added upstream do not belong in the page links it hands back (it
// adds them again to every request). A URL without those parameters is returned unchanged.
std::string without_params(std::string_view url, const http::QueryParams& params);

}  // namespace ember::proxy
