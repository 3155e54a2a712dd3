// Access checks shared by the FHIR REST layer (fhir/rest*.cc) and the upstream proxy (proxy/):
// the in-memory evaluation of a policy's constraint clauses against a resource's index rows, and
// the Patient-compartment rules of searches (SMART checklist API-06). One implementation, so a
// resource the built-in store would hide is hidden by the proxy too.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "store/index_entries.h"
#include "store/query.h"

namespace ember::fhir {

// Whether an indexed resource with this id satisfies all clauses (fhir/constraint_match.cc: the
// same semantics as the store's SQL).
bool index_matches(const std::string& id, const store::IndexEntries& ix,
                   const std::vector<store::Clause>& clauses);

// The patient a compartment constraint confines `type` to: a clause whose every predicate is a
// reference to the same Patient (or, for Patient itself, `_id`).
std::optional<std::string> confined_patient(const std::string& type,
                                            const std::vector<store::Clause>& constraints);

// A clause of the request that names only patients other than `pid` through the Patient
// compartment's parameters (e.g. Observation?patient=other), described for the message
// ("Patient/other"); such a search is refused, not answered empty.
std::optional<std::string> names_other_patient(const std::string& type,
                                               const std::vector<store::Clause>& request,
                                               const std::string& pid);

// Whether the request's clauses already imply `constraint`, a compartment clause (references to
// one Patient, any may match), so the store need not check it again for every row. It does when
// the request has a clause of exactly one plain reference to that same Patient on a parameter
// whose every path is also a path of one of the constraint's parameters: `Observation?patient=
// alice` (Observation.subject, Patient references only) implies `subject=Patient/alice`.
bool implied_by_request(const std::string& type, const store::Clause& constraint,
                        const std::vector<store::Clause>& request);

}  // namespace ember::fhir
