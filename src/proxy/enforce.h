// The checks the proxy runs on what the upstream answers, with the built-in store's semantics:
// a resource is indexed (fhir/indexer) and the policy's constraint clauses evaluated against its
// index rows (fhir/access.h), so a resource outside the Patient compartment or a granular filter
// is recognised without a database. Searchset and history Bundles are filtered entry by entry.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/policy.h"
#include "store/query.h"

namespace ember::proxy {

// Whether `resource` (a parsed resource of `type`) satisfies every clause; true when none.
bool admits(std::string_view type, const boost::json::object& resource,
            const std::vector<store::Clause>& clauses);

// The resourceType of a JSON value if it is an object with a known FHIR resource type.
std::optional<std::string> resource_type_of(const boost::json::value& v);

// Drops from a searchset Bundle of a search on `type` every entry the policy would not have
// returned: matches must be `type` within constraints(SearchType, type); other resources
// (_include/_revinclude) must be of a type the policy allows searching and within that type's
// constraints (the built-in search leaves those out too); OperationOutcomes with search.mode
// "outcome" stay.
struct SearchsetCheck {
  std::size_t matches_dropped = 0;  // the Bundle's `total` counted these
  std::size_t others_dropped = 0;   // included resources and malformed entries
};
SearchsetCheck filter_searchset(boost::json::object& bundle, const fhir::AccessPolicy& policy,
                                const std::string& type);

// Drops from a history Bundle every entry whose resource is not `type` (when set) or not
// type/`id` (when set). Returns how many entries were dropped.
std::size_t filter_history(boost::json::object& bundle, const std::string& type,
                           const std::optional<std::string>& id);

// _elements (R4 search.html#elements) applied by Ember after its checks: the listed top-level
// elements plus resourceType, id and meta, tagged SUBSETTED; as the built-in search does.
void subset_elements(boost::json::object& resource, const std::vector<std::string>& keep);

}  // namespace ember::proxy
