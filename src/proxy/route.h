// Which FHIR interaction a request under the FHIR base is (R4 http.html), decided from its
// method and path alone, before anything is sent upstream: the same paths, 404s and 405s as the
// built-in handler (fhir/rest.cc), plus $operations, which the built-in store does not serve.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "fhir/negotiation.h"
#include "fhir/policy.h"
#include "http/types.h"

namespace ember::proxy {

namespace bhttp = boost::beast::http;

enum class Kind {
  Batch,            // POST [base]
  Metadata,         // GET [base]/metadata
  SystemHistory,    // GET [base]/_history
  Search,           // GET [base]/Type
  SearchPost,       // POST [base]/Type/_search
  Create,           // POST [base]/Type
  Read,             // GET [base]/Type/id
  Update,           // PUT [base]/Type/id
  Patch,            // PATCH [base]/Type/id
  Delete,           // DELETE [base]/Type/id
  TypeHistory,      // GET [base]/Type/_history
  InstanceHistory,  // GET [base]/Type/id/_history
  VRead,            // GET [base]/Type/id/_history/vid
  Operation,        // GET or POST [base]/$op, [base]/Type/$op, [base]/Type/id/$op
};

struct Route {
  Kind kind = Kind::Metadata;
  std::string type, id, vid;
  std::string operation;  // "$everything" …, for Kind::Operation
};

struct RouteError {
  int status = 404;
  std::string message;
  std::string allow;  // for 405: the Allow header
};

// Path segments: fhir::split_path (fhir/negotiation.h), shared with the built-in API.
using fhir::split_path;

// HEAD counts as GET. Segments are those after the FHIR base path.
[[nodiscard]] Result<Route, RouteError> classify(bhttp::verb method,
                                                 const std::vector<std::string>& segments);

// The interaction whose scope letter a route needs (Operation: Read for GET, Create for POST;
// callers treat operations separately).
fhir::Interaction interaction_of(const Route& r, bhttp::verb method);

}  // namespace ember::proxy
