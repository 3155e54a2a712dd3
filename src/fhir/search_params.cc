#include "fhir/search_params.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <iterator>

#include "fhir/search_path_datatype.h"

namespace ember::fhir {

namespace {

#include "fhir/compartment.inc"
#include "fhir/search_params.inc"

static_assert(std::size(kPaths) == kPathCount && std::size(kPathDatatypes) == kPathCount);

bool def_less(const SearchParamDef& a, const SearchParamDef& b) {
  return a.resource != b.resource ? a.resource < b.resource : a.code < b.code;
}

const SearchParamDef* find_in(std::span<const SearchParamDef> defs, std::string_view resource,
                              std::string_view code) {
  SearchParamDef key{resource, code, store::ParamType::Token, {}, {}};
  auto it = std::lower_bound(defs.begin(), defs.end(), key, def_less);
  if (it == defs.end() || it->resource != resource || it->code != code) return nullptr;
  return &*it;
}

const ResourceRange* find_resource(std::string_view type) {
  auto it = std::lower_bound(std::begin(kResources), std::end(kResources), type,
                             [](const ResourceRange& r, std::string_view t) { return r.type < t; });
  if (it == std::end(kResources) || it->type != type) return nullptr;
  return &*it;
}

}  // namespace

// FHIR R4 §3.1.1.2 (search parameters for all resources): _id, _lastUpdated, _tag, _profile,
// _security, _source, _text, _content, _query apply to every resource type.
const SearchParamDef* find_search_param(std::string_view resource, std::string_view code) {
  if (!find_resource(resource)) return nullptr;
  if (code.starts_with('_')) return find_in(kCommonParams, "Resource", code);
  return find_in(kParams, resource, code);
}

std::span<const SearchParamDef> search_params_for(std::string_view resource) {
  const ResourceRange* r = find_resource(resource);
  if (!r) return {};
  return std::span<const SearchParamDef>(kParams).subspan(r->first, r->count);
}

std::span<const std::string_view> resource_types() {
  return kResourceTypes;
}

bool is_resource_type(std::string_view type) {
  return find_resource(type) != nullptr;
}

std::span<const std::string_view> patient_compartment_params(std::string_view resource) {
  auto it =
      std::lower_bound(std::begin(kCompartment), std::end(kCompartment), resource,
                       [](const CompartmentEntry& e, std::string_view t) { return e.type < t; });
  if (it == std::end(kCompartment) || it->type != resource) return {};
  return it->params;
}

std::string_view path_datatype(const SearchPath& path) {
  // std::less gives a total order on pointers, so the range test is defined for any object.
  const SearchPath* p = &path;
  std::less<const SearchPath*> less;
  if (less(p, std::begin(kPaths)) || !less(p, std::end(kPaths))) return {};
  return kPathDatatypes[p - std::begin(kPaths)];
}

}  // namespace ember::fhir
