// Proxy mode (`ember serve --upstream-fhir URL`): Ember stays the authorization server and the
// FHIR endpoint apps see, and forwards FHIR requests to an upstream FHIR server after enforcing
// the access token's grant exactly as for the built-in store — interactions and types, the
// Patient compartment, granular scope filters — on what it sends and on what comes back.
// docs/architecture.md ("Proxy mode") describes the flows and what is refused.
#pragma once
#include <chrono>
#include <cstddef>
#include <string>

#include "fhir/capability.h"
#include "fhir/policy.h"
#include "http/client.h"
#include "http/types.h"

namespace ember::proxy {

// The largest upstream answer accepted (a page of 1000 resources plus includes fits).
inline constexpr std::size_t kMaxUpstreamBodyBytes = 64 * 1024 * 1024;
inline constexpr std::chrono::seconds kDefaultUpstreamTimeout{30};

struct ProxyOptions {
  // Ember's public FHIR base URL (no trailing slash), e.g. https://ember.example/fhir.
  std::string base_url;
  // The upstream FHIR base URL (no trailing slash), e.g. http://127.0.0.1:9090/fhir. Every URL
  // in answers that starts with it is rewritten to base_url.
  std::string upstream_url;
  // One deadline per upstream request, from connect to the last byte: past it the client gets
  // a 504 OperationOutcome. A refused connection fails at once (502).
  std::chrono::milliseconds timeout = kDefaultUpstreamTimeout;
  std::size_t max_body_bytes = kMaxUpstreamBodyBytes;
  // Decides each request's access policy; empty = everything allowed (--fhir-auth open).
  fhir::Authorizer authorizer;
  // Ember's OAuth endpoints, put into the upstream's CapabilityStatement (all empty = none).
  fhir::SecurityEndpoints security;
  // The transport (tests inject a fake); empty = http::fetch.
  http::FetchFunction fetch;
};

// Handles every request whose path starts with the path of base_url (mounted at /fhir).
http::Handler make_proxy_handler(ProxyOptions options);

}  // namespace ember::proxy
