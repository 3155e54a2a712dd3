// A small FHIR R4 REST helper over a Session: every request carries a fresh access token and
// `Accept: application/fhir+json`; a non-2xx answer is a FhirError with the HTTP status and the
// OperationOutcome's issues. Searches follow Bundle.link[relation=next] up to a page bound, and
// never send the token to a URL outside the session's FHIR base.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/client/error.h"
#include "ember/client/json.h"

namespace ember::client {

class Session;

// Search parameters, in order, repeats allowed: {{"patient","alice"},{"category","laboratory"}}.
using SearchParams = std::vector<std::pair<std::string, std::string>>;

// Most pages a search follows by default (each page is one request).
inline constexpr std::size_t kDefaultMaxPages = 50;

class FhirClient {
 public:
  explicit FhirClient(Session& session) : session_(&session) {}

  // GET {base}/{type}/{id}.
  [[nodiscard]] Result<Json> read(std::string_view type, std::string_view id);
  // GET of a path relative to the FHIR base ("Patient/alice", "Observation?patient=alice",
  // "/metadata") or of an absolute URL under the base.
  [[nodiscard]] Result<Json> get(std::string_view path);

  // A search ("Observation" or a relative URL with a query, "Observation?patient=alice", plus
  // `params`) returning each Bundle page, following next links up to `max_pages` (more pages
  // than that: the first max_pages are returned and the rest ignored).
  [[nodiscard]] Result<std::vector<Json>> search_pages(std::string_view type_or_url,
                                                       const SearchParams& params = {},
                                                       std::size_t max_pages = kDefaultMaxPages);
  // The same merged into one Bundle: type "searchset", `total` from the first page when it has
  // one, every page's entries in order, and no paging links.
  [[nodiscard]] Result<Json> search(std::string_view type_or_url, const SearchParams& params = {},
                                    std::size_t max_pages = kDefaultMaxPages);

  // POST {base}/{type} with the resource (JSON text); the created resource (or the server's
  // body; an empty object when the server sent none).
  [[nodiscard]] Result<Json> create(std::string_view type, std::string_view resource_json);
  // PUT {base}/{type}/{id}.
  [[nodiscard]] Result<Json> update(std::string_view type, std::string_view id,
                                    std::string_view resource_json);
  // DELETE {base}/{type}/{id}.
  [[nodiscard]] Result<void> remove(std::string_view type, std::string_view id);

 private:
  Session* session_;
};

}  // namespace ember::client
