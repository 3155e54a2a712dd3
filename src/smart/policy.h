// Turns the scopes granted to an access token into the fhir::AccessPolicy every FHIR interaction
// passes through: which interaction letters on which types (SMART 2.2 scopes-and-launch-context,
// permission-v2), and the clauses that confine each query — the Patient compartment of the
// context patient for patient/ scopes, the `?param=value` filters of granular scopes.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "fhir/policy.h"
#include "smart/scopes.h"
#include "store/query.h"

namespace ember::smart {

struct PolicyContext {
  std::optional<std::string> patient_id;  // the launch/token `patient` context
  // "Practitioner/dr-smith": set only when the token carries fhirUser (then it was granted).
  std::optional<std::string> fhir_user;
  // The token's sub and client_id: who acts, for the audit trail (fhir::Principal).
  std::string subject;
  std::string client_id;
};

// The policy of a token whose granted scopes are `granted`.
std::shared_ptr<const fhir::AccessPolicy> make_policy(const ScopeSet& granted, PolicyContext ctx);

// The Patient compartment of `patient_id` for `type` (R4 CompartmentDefinition "patient"): one
// clause OR-ing the compartment's reference parameters; Patient itself by `_id`. Empty when the
// type is not in the compartment (Medication, Practitioner, Organization, Location …).
std::vector<store::Clause> compartment_clauses(std::string_view type,
                                               const std::string& patient_id);

// The SMART permission letter of an interaction (SMART 2.2 permission-v2: r = read, vread,
// history-instance; s = search, history-type/system; c; u = update, patch; d). Differs from
// fhir::interaction_letter only for HistoryInstance, which the IG files under `r`.
char scope_letter(fhir::Interaction in);

// The store clauses a granular scope's filters stand for on `type`: a strict FHIR search
// (unknown parameters are errors) in which every filter must become exactly one clause, so
// result parameters (_count, _sort, _include …) cannot slip in as no-ops. Error = reason.
[[nodiscard]] Result<std::vector<store::Clause>, std::string> filter_clauses(
    std::string_view type, const Filters& filters);
// Whether the server can enforce `s`: no filters, a wildcard type (checked per type when used),
// or filters that filter_clauses accepts.
bool enforceable(const ResourceScope& s);

}  // namespace ember::smart
