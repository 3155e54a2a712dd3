// Search criteria pushed to the upstream server: a policy's constraint clauses (the Patient
// compartment, granular scope filters) written back as FHIR search parameters, so the upstream
// narrows a search the way the built-in store narrows its SQL and paging stays right. Every
// rendered parameter is verified by parsing it again (fhir::parse_search) and comparing with the
// clause, so a criterion is only pushed when it means exactly what the policy meant (or less).
#pragma once
#include <optional>
#include <string_view>
#include <vector>

#include "http/url.h"
#include "store/query.h"

namespace ember::proxy {

struct PushDown {
  http::QueryParams params;  // AND-ed to the client's own parameters upstream
  // true: every resource the upstream can return for `params` satisfies every constraint, so
  // its `total` and paging are trustworthy; false: some clause could not be expressed (numbers,
  // `:not` lists …) and only the check of each returned resource enforces it.
  bool complete = true;
};

// The upstream parameters standing for `constraints` on a search of `type`.
PushDown push_down(std::string_view type, const std::vector<store::Clause>& constraints);

// One clause as one search parameter, or nullopt when it cannot be expressed. A clause OR-ing
// several parameters (the Patient compartment: subject OR performer …) cannot be written as one
// FHIR search parameter; then one of them is used ("patient", else "subject", else the first
// that renders), which is narrower than the clause, never wider.
std::optional<http::QueryParam> render_clause(std::string_view type, const store::Clause& clause);

// FHIR search escaping of one value (R4 search.html#escaping: \ , | $).
std::string escape_search_value(std::string_view v);

}  // namespace ember::proxy
