// FHIR errors as values and their one wire form: an OperationOutcome with the HTTP status the
// R4 RESTful API prescribes (http.html#2.21.0.4: 400 bad syntax, 404 unknown, 410 deleted, 405,
// 409/412 version conflicts, 422 invalid resource, 401/403 for access).
#pragma once
#include <string>
#include <string_view>

#include "http/types.h"

namespace ember::fhir {

struct FhirError {
  int status = 400;
  // OperationOutcome.issue.code (R4 valueset issue-type), e.g. "invalid", "not-found".
  std::string code = "invalid";
  std::string diagnostics;  // safe to show to the client
  std::string expression;   // optional FHIRPath of the offending element
  std::string severity = "error";
  std::string www_authenticate;  // RFC 6750 §3 challenge for 401/403 from the bearer check
};

FhirError bad_request(std::string diagnostics);
FhirError not_found(std::string diagnostics);
FhirError gone(std::string diagnostics);
FhirError unprocessable(std::string diagnostics, std::string expression = {});
FhirError not_supported(std::string diagnostics, int status = 400);
FhirError conflict(int status, std::string diagnostics);
FhirError forbidden(std::string diagnostics);

std::string outcome_json(const FhirError& e);
// An information-level OperationOutcome (for Prefer: return=OperationOutcome on success).
std::string info_outcome_json(std::string_view diagnostics);

}  // namespace ember::fhir
