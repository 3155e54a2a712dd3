// The CapabilityStatement served at /fhir/metadata: exactly the interactions, search
// parameters and formats this server implements (R4 capabilitystatement.html).
#pragma once
#include <cstdint>
#include <string>

namespace ember::fhir {

std::string capability_statement_json(const std::string& base_url, std::int64_t now_ms);

}  // namespace ember::fhir
