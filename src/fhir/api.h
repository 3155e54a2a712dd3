// Entry points of the FHIR R4 REST API module: the handler mounted at /fhir and the writer that
// ingests resources (validation, id/meta stamping, indexing) for the seeder and the REST layer.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "audit/sink.h"
#include "core/clock.h"
#include "core/random.h"
#include "fhir/policy.h"
#include "http/types.h"
#include "seed/seed.h"
#include "store/store.h"

namespace ember::fhir {

struct FhirOptions {
  // Public FHIR base URL without a trailing slash, e.g. http://127.0.0.1:8080/fhir. Every
  // absolute URL in responses (Location, Bundle links, fullUrl) is built from it.
  std::string base_url;
  std::size_t default_page_size = 20;
  std::size_t max_page_size = 1000;
  std::size_t max_bundle_entries = 1000;
  // Decides each request's access policy; empty = an open server (everything allowed).
  Authorizer authorizer;
  // OAuth endpoint URLs announced in the CapabilityStatement (empty = none).
  std::string authorize_url, token_url, revoke_url, introspect_url, register_url, manage_url;
  // The audit trail: one AuditEvent per FHIR interaction (audit/); nullptr = none.
  audit::Sink* audit = nullptr;
};

// Types only the server writes (AuditEvent: the audit trail): the REST API reads and searches
// them but refuses create, update, patch and delete with 405, whatever the token grants.
bool is_read_only_type(std::string_view type);

// Types a wildcard resource scope (`user/*.rs`) does not reach: AuditEvent, whose entries
// describe other people's activity, is granted only by a scope naming it (user/AuditEvent.rs,
// system/AuditEvent.rs, patient/AuditEvent.rs for the patient's own trail).
bool outside_wildcard_scopes(std::string_view type);

// Handles every request whose path starts with /fhir (the path prefix of base_url).
http::Handler make_fhir_handler(store::ResourceStore& store, const Clock& clock, Random& random,
                                FhirOptions options);

// A seed::Sink that validates, stamps and indexes each resource and writes in batches of
// `batch_size` (one store transaction per batch). Call flush() before destruction.
class SeedWriter : public seed::Sink {
 public:
  virtual void flush() = 0;
};
std::unique_ptr<SeedWriter> make_seed_writer(store::ResourceStore& store, const Clock& clock,
                                             std::size_t batch_size = 500);

}  // namespace ember::fhir
