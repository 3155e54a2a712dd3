// JSON Patch (RFC 6902) over the exact-number DOM, for the FHIR patch interaction
// (R4 http.html#patch). The patched document must still be a valid resource of the same type and
// id; the REST layer checks that afterwards.
#pragma once
#include <boost/json.hpp>
#include <string>

#include "core/result.h"

namespace ember::fhir {

struct PatchError {
  bool test_failed = false;  // a `test` operation did not hold (→ 409/422), else malformed (→ 400)
  std::string message;
};

// Applies every operation of `patch` (a JSON array) to `doc`, or none (doc is left unchanged
// on failure).
[[nodiscard]] Result<void, PatchError> apply_json_patch(boost::json::value& doc,
                                                        const boost::json::value& patch);

}  // namespace ember::fhir
