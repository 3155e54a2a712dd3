// The access-policy hook every FHIR interaction passes through. The REST layer asks the policy
// whether an interaction on a type is allowed at all, and adds the policy's constraints (e.g. the
// Patient compartment, granular category filters) as AND clauses to every query it runs, so a
// constrained token never sees a resource outside them — in reads, searches and includes alike.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "fhir/outcome.h"
#include "http/types.h"
#include "store/query.h"

namespace ember::fhir {

// FHIR interactions and the SMART letter each maps to (c, r, u, d, s).
enum class Interaction {
  Read, VRead, Update, Patch, Delete, Create,
  SearchType, HistoryInstance, HistoryType, HistorySystem, Capabilities, Batch,
};

constexpr char interaction_letter(Interaction i) {
  switch (i) {
    case Interaction::Create: return 'c';
    case Interaction::Read:
    case Interaction::VRead:
    case Interaction::HistoryInstance: return 'r';  // SMART 2.2: r = read, vread, history
    case Interaction::Update:
    case Interaction::Patch: return 'u';
    case Interaction::Delete: return 'd';
    default: return 's';
  }
}

// Who a policy was granted to (the access token's sub, client_id, fhirUser and patient), for the
// audit trail; empty strings when unknown (the open policy).
struct Principal {
  std::string subject;
  std::string client_id;
  std::string fhir_user;   // e.g. "Practitioner/dr-smith"
  std::string patient_id;  // the launch/token patient context
};

class AccessPolicy {
 public:
  virtual ~AccessPolicy() = default;
  // The token's identity (audit/), kept with the cached policy so reading it costs nothing.
  virtual const Principal& principal() const {
    static const Principal kNobody;
    return kNobody;
  }
  // Whether the interaction on `type` is permitted at all (403 when not).
  virtual Result<void, FhirError> allow(Interaction interaction, std::string_view type) const = 0;
  // Clauses that every resource of `type` touched by `interaction` must satisfy (scopes with the
  // interaction's letter decide; e.g. the Patient compartment, granular filters); empty = none.
  virtual std::vector<store::Clause> constraints(Interaction interaction,
                                                 std::string_view type) const = 0;
  // A resource readable by id whatever the scopes say (the signed-in user's own fhirUser
  // resource, SMART 2.2 / OIDC: fhirUser must be readable with the same token).
  virtual bool always_readable(std::string_view /*type*/, std::string_view /*id*/) const {
    return false;
  }
  // Whether whole-system interactions (system history, batch) are unrestricted for this caller.
  virtual bool unrestricted() const = 0;
};

// Decides the policy of one request (e.g. from its bearer token); an error answers the request.
using Authorizer =
    std::function<Result<std::shared_ptr<const AccessPolicy>, FhirError>(const http::Request&)>;

// The policy of an open server: everything allowed, no constraints.
std::shared_ptr<const AccessPolicy> open_policy();

}  // namespace ember::fhir
