// SMART App Launch discovery (SMART 2.2 conformance): the authorization server's endpoints and
// capabilities for a FHIR base URL, from `{base}/.well-known/smart-configuration`, or — for
// servers that predate it — from the CapabilityStatement's `oauth-uris` security extension at
// `{base}/metadata`. The issuer and jwks_uri (needed to validate id_tokens) come from the
// smart-configuration, else from `{issuer}/.well-known/openid-configuration` when fetched.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "ember/client/error.h"
#include "ember/client/http.h"
#include "ember/client/json.h"

namespace ember::client {

struct SmartConfiguration {
  std::string fhir_base;  // the base URL discovery ran against (no trailing slash)
  std::string issuer;     // may be empty when only the CapabilityStatement was available
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string revocation_endpoint;  // RFC 7009; empty when not advertised
  std::string introspection_endpoint;
  std::string registration_endpoint;
  std::string management_endpoint;
  std::string userinfo_endpoint;
  std::string jwks_uri;  // the server's id_token signing keys; may be empty
  std::vector<std::string> capabilities;
  std::vector<std::string> scopes_supported;
  std::vector<std::string> grant_types_supported;
  std::vector<std::string> code_challenge_methods_supported;
  std::vector<std::string> token_endpoint_auth_methods_supported;
  std::vector<std::string> token_endpoint_auth_signing_alg_values_supported;
  // "smart-configuration" or "capability-statement": where the endpoints came from.
  std::string source;
  // The document as received.
  Json document;

  bool has_capability(std::string_view name) const;
};

// Parses a smart-configuration document. InvalidResponse without token_endpoint (and without
// authorization_endpoint unless the server advertises only client_credentials).
[[nodiscard]] Result<SmartConfiguration> parse_smart_configuration(std::string_view fhir_base,
                                                                   std::string_view json);
// Reads the oauth-uris extension (authorize, token, revoke, register, manage, introspect) of a
// CapabilityStatement's rest[].security (SMART 1.0 "conformance" discovery).
[[nodiscard]] Result<SmartConfiguration> parse_capability_statement(std::string_view fhir_base,
                                                                    std::string_view json);

// Discovery for a FHIR base URL: smart-configuration first; when it is absent (any non-200 or
// a body that is not a configuration) the CapabilityStatement. A Transport error on the first
// request is returned as is (no point asking the same host again).
[[nodiscard]] Result<SmartConfiguration> discover(std::string_view fhir_base,
                                                  const Services& services);

// Fills issuer and jwks_uri from `{issuer}/.well-known/openid-configuration` when they are
// missing (issuer defaults to the FHIR base for the lookup). A no-op when jwks_uri is known.
[[nodiscard]] Result<void> complete_openid_configuration(SmartConfiguration& config,
                                                         const Services& services);

}  // namespace ember::client
