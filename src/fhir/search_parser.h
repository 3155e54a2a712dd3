// Turns the decoded query parameters of a FHIR R4 type-level search into a store::Query plus the
// result-shaping options (_include, _summary, _elements …) and the canonical list of parameters
// actually applied, for the Bundle self link. Pure: no I/O; every rejection is a SearchError
// value that the REST layer maps to an OperationOutcome (FHIR R4 search.html#errors).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/query.h"

namespace ember::fhir {

// One _include or _revinclude value: `source_type:param[:target_type]` (R4 search.html#include).
struct IncludeSpec {
  std::string source_type;
  std::string param;
  std::string target_type;  // "" = any target
  bool iterate = false;     // `:iterate` (or its R3 name `:recurse`)
};

// _summary (R4 search.html#summary). None = not requested.
enum class Summary { None, True, Text, Data, Count, False };

struct SearchLimits {
  std::size_t default_count = 20;  // page size when _count is absent
  std::size_t max_count = 1000;    // larger _count values are clamped to this
  bool strict = false;             // `Prefer: handling=strict`: unknown parameters are errors
};

// What the parser hands to the planner. Value conventions beyond store/query.h:
//   Token     : code "" with a system = any code in that system (`system|`).
//   Number    : lo/hi is the half-open range [lo, hi) implied by the value's precision.
//   Quantity  : system nullopt and/or code "" = not constrained.
//   Reference : url is set only for absolute references; a `:Type` modifier becomes target_type.
struct ParsedSearch {
  store::Query query;
  std::vector<IncludeSpec> includes, revincludes;
  std::vector<std::string> elements;  // _elements, in request order, without duplicates
  Summary summary = Summary::None;
  // The parameters actually applied, in canonical order and form (search parameters sorted by
  // name, repeats in request order; then _include, _revinclude, _sort, _elements, _summary,
  // _total, _count, _offset), for the Bundle self link (R4 search.html#errors: the self link
  // shows what was used). Values are still FHIR-escaped but not URL-encoded.
  std::vector<std::pair<std::string, std::string>> applied;
  // Unknown or unsupported parameters skipped in lenient mode, by name as received.
  std::vector<std::string> ignored;
};

struct SearchError {
  enum class Code {
    Invalid,       // malformed value, unknown parameter (strict), modifier not valid for the type
    NotSupported,  // a valid FHIR feature Ember does not implement (composite, chains, `*` …)
  } code;
  std::string param;    // the parameter name as received, e.g. "birthdate:exact"
  std::string message;  // safe to show to the client
};

// Parses `params` (URL-decoded, in request order, repeats kept) of a search on `resource_type`.
// Comma-separated values are OR-ed into one clause, repeated parameters AND-ed (R4
// search.html#combining). Bad values are errors in both modes; unknown parameters are errors
// only when limits.strict.
[[nodiscard]] Result<ParsedSearch, SearchError> parse_search(
    std::string_view resource_type, const std::vector<std::pair<std::string, std::string>>& params,
    const SearchLimits& limits);

}  // namespace ember::fhir
