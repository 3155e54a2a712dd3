// Resource ingest: parse the received text keeping decimals exact, check that it is a FHIR R4
// resource of the expected type (structure rules of R4 json.html: no nulls, no empty objects,
// arrays or strings), and turn it into a store WriteOp whose render callback stamps id and
// meta (versionId, lastUpdated) on the version the store assigns.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "fhir/outcome.h"
#include "store/store.h"

namespace ember::fhir {

// True for a valid FHIR id: [A-Za-z0-9\-\.]{1,64} (R4 datatypes.html#id).
bool is_valid_id(std::string_view id);

// Parses and validates a resource body. `expected_type` empty = any known type.
[[nodiscard]] Result<boost::json::object, FhirError> parse_resource(std::string_view body,
                                                                    std::string_view expected_type);
// Validates an already parsed resource (e.g. from a Bundle entry or after a patch).
[[nodiscard]] Result<void, FhirError> validate_resource(const boost::json::value& v,
                                                        std::string_view expected_type);

// The write of `resource` as type/id; the id and meta in the text are set by the server.
store::WriteOp make_put(std::string type, std::string id, boost::json::object resource,
                        std::optional<std::int64_t> if_match = std::nullopt);
store::WriteOp make_delete(std::string type, std::string id,
                           std::optional<std::int64_t> if_match = std::nullopt);

}  // namespace ember::fhir
