// The CapabilityStatement served at /fhir/metadata: exactly the interactions, search
// parameters and formats this server implements (R4 capabilitystatement.html).
#pragma once
#include <cstdint>
#include <string>

namespace ember::fhir {

// The OAuth endpoints announced in rest.security (SMART `oauth-uris` extension); all empty =
// an open server without a security section.
struct SecurityEndpoints {
  std::string authorize, token, revoke, introspect, register_endpoint, manage;
};

std::string capability_statement_json(const std::string& base_url, std::int64_t now_ms,
                                      const SecurityEndpoints& security = {});

}  // namespace ember::fhir
