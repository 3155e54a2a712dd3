// Search-index extraction: evaluates every R4 search parameter of a resource's type over the
// resource and produces the rows the store keeps for searching (store/index_entries.h). Runs at
// write time; the search side (fhir/search_parser) normalizes values the same way.
#pragma once
#include <boost/json.hpp>
#include <string_view>

#include "store/index_entries.h"

namespace ember::fhir {

// Index rows of `resource` (a JSON object parsed with json::parse_exact) as type
// `resource_type`. _id and _lastUpdated are columns of the store, not rows; every other
// parameter with usable paths, including _tag, _profile, _security and _source, yields rows.
// Identical rows are emitted once. Unknown types and non-object values give no rows.
store::IndexEntries extract_index(std::string_view resource_type,
                                  const boost::json::object& resource);
store::IndexEntries extract_index(std::string_view resource_type,
                                  const boost::json::value& resource);

}  // namespace ember::fhir
