#include "fhir/outcome.h"

#include <boost/json.hpp>

namespace ember::fhir {

FhirError bad_request(std::string d) { return FhirError{400, "invalid", std::move(d)}; }
FhirError not_found(std::string d) { return FhirError{404, "not-found", std::move(d)}; }
FhirError gone(std::string d) { return FhirError{410, "deleted", std::move(d)}; }
FhirError unprocessable(std::string d, std::string expression) {
  return FhirError{422, "processing", std::move(d), std::move(expression)};
}
FhirError not_supported(std::string d, int status) {
  return FhirError{status, "not-supported", std::move(d)};
}
FhirError conflict(int status, std::string d) { return FhirError{status, "conflict", std::move(d)}; }
FhirError forbidden(std::string d) { return FhirError{403, "forbidden", std::move(d)}; }

std::string outcome_json(const FhirError& e) {
  boost::json::object issue{{"severity", e.severity}, {"code", e.code}};
  if (!e.diagnostics.empty()) issue["diagnostics"] = e.diagnostics;
  if (!e.expression.empty()) issue["expression"] = boost::json::array{e.expression.c_str()};
  boost::json::object oo{{"resourceType", "OperationOutcome"},
                         {"issue", boost::json::array{std::move(issue)}}};
  return boost::json::serialize(oo);
}

std::string info_outcome_json(std::string_view diagnostics) {
  FhirError e{200, "informational", std::string(diagnostics)};
  e.severity = "information";
  return outcome_json(e);
}

}  // namespace ember::fhir
