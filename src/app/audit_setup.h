// Wiring of the audit trail (audit/): the asynchronous writer that stores AuditEvents in the
// resource store (indexed like any FHIR resource, one transaction per batch; the builder's output
// is held to the FHIR validator by tests/unit/app/audit_setup_test.cc), and
// the route-level record of refused OAuth endpoint requests (token, revocation, registration),
// whose success paths have hooks of their own (oauth/audit_hooks.h).
#pragma once
#include <memory>
#include <string>

#include "app/config.h"
#include "audit/writer.h"
#include "core/clock.h"
#include "core/random.h"
#include "http/types.h"
#include "store/store.h"

namespace ember::app {

// The writer for --audit (nullptr when off). `base_url` names Ember in every AuditEvent.
std::unique_ptr<audit::Writer> make_audit_writer(audit::Level level, store::ResourceStore& store,
                                                 const Clock& clock, Random& random,
                                                 const std::string& base_url);

// After a request has been answered: a failure event when it was a refused token, revocation or
// registration request (4xx/5xx, including the limits' 429). Identifiers only: the client id
// from the form, the Basic credentials' user part or the registration URL, and the answer's
// `error` / `error_description`.
void audit_oauth_failure(audit::Sink* sink, const http::Request& req,
                         const http::RequestContext& ctx, const http::Response& res);

}  // namespace ember::app
