// The proxy's edge towards the upstream server: what one request upstream looks like (the
// headers that are forwarded — an allowlist, so hop-by-hop headers, cookies and the client's
// bearer token never leave Ember), how a transport failure or a failing upstream becomes an
// OperationOutcome (502, or 504 for a timeout: never an HTML page, never a hang), and how a
// successful answer is relayed with its URLs rebased.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fhir/outcome.h"
#include "http/client.h"
#include "http/types.h"

namespace ember::proxy {

namespace bhttp = boost::beast::http;

// What the proxy answers, before it becomes an http::Response.
struct Reply {
  int status = 200;
  std::string body;  // JSON text; empty = no body
  std::vector<std::pair<std::string, std::string>> headers;
};

// The two FHIR bases, without trailing slashes.
struct Bases {
  std::string ember;     // what clients see, e.g. https://ember.example/fhir
  std::string upstream;  // where requests go, e.g. http://10.0.0.5:8080/fhir
};

// One upstream answer with its body parsed when it is JSON.
struct Answer {
  unsigned status = 0;
  bhttp::fields headers;
  bool has_body = false;
  std::optional<boost::json::value> json;  // nullopt: no body, or not JSON
};

// An OperationOutcome reply for an error (WWW-Authenticate kept for 401/403 challenges).
Reply error_reply(const fhir::FhirError& e);

// Request headers of the client passed upstream: Prefer only. Everything else is left out
// (Authorization, Cookie, Connection and the other hop-by-hop headers among them); the flows
// add Accept, Content-Type, If-Match and If-None-Exist themselves, after their checks.
// Conditional reads (If-None-Match, If-Modified-Since) are not forwarded: a 304 has no body to
// check, and would tell a constrained token that a resource it may not see has a version.
std::vector<std::pair<std::string, std::string>> forwarded_headers(const http::Request& req);

// A transport failure as the client sees it: 504 (issue code timeout) when the deadline passed,
// 502 (transient) when the upstream could not be reached or answered something that is not
// HTTP. The diagnostics do not name the upstream's address.
fhir::FhirError transport_failure(const http::ClientError& e);

// Parses the body of an upstream response.
Answer answer_of(http::ClientResponse res);

// The reply for an upstream answer that is not a success (status outside 200..299): a 4xx
// OperationOutcome is relayed (URLs rebased); a 4xx without one gets one with the same status;
// 401/407 (the upstream refusing Ember itself), redirects and 5xx become 502, except 503 (kept,
// with Retry-After) and 504.
Reply relay_failure(const Answer& a, const Bases& bases);

// A success relayed: status, the JSON body with upstream URLs rebased to Ember's, and the
// headers ETag, Last-Modified, Location, Content-Location, Link (rebased). A body that is not
// JSON is a 502.
Reply relay(Answer a, const Bases& bases);

// The version of an ETag header value (W/"3" or "3" → "3"), or nullopt.
std::optional<std::string> etag_version(std::string_view etag);

}  // namespace ember::proxy
