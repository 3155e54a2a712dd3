// The FHIR datatype that each generated SearchPath reaches (HumanName, CodeableConcept, dateTime
// ...), taken from the R4 StructureDefinitions by tools/gen-fhir-defs.mjs. The indexer needs it
// to read a JSON object the right way: an Identifier and a ContactPoint look alike.
#pragma once
#include <string_view>

#include "fhir/search_params.h"

namespace ember::fhir {

// Datatype code of the element `path` reaches, for a SearchPath obtained from
// find_search_param / search_params_for; "" for any other SearchPath object.
std::string_view path_datatype(const SearchPath& path);

}  // namespace ember::fhir
