// The SMART authorization server: discovery documents, the authorization endpoint and its pages
// (sign-in, patient and encounter pickers, consent), the token endpoint (authorization_code and
// refresh_token grants), userinfo, JWKS, and the bearer-token check that gives each FHIR request
// its access policy. Routes are mounted on the application's router; see docs/architecture.md.
#pragma once
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "audit/sink.h"
#include "ehr/views.h"
#include "fhir/policy.h"
#include "http/router.h"
#include "oauth/limits.h"
#include "oauth/sessions.h"
#include "oauth/signing_keys.h"
#include "store/auth_store.h"
#include "store/store.h"

namespace ember::oauth {

struct AuthOptions {
  std::string base_url;  // e.g. http://127.0.0.1:8080 (no trailing slash)
  bool sandbox = true;   // demo accounts on the sign-in page
  bool secure_cookies = false;
  std::int64_t code_ttl_s = 60;
  std::int64_t access_token_ttl_s = 3600;
  std::int64_t refresh_token_ttl_s = 90LL * 24 * 3600;  // ONC: ≥ 3 months for patient apps
  std::int64_t session_ttl_s = 12 * 3600;
  std::int64_t pending_ttl_s = 15 * 60;
  std::int64_t launch_ttl_s = 5 * 60;  // EHR launch handles: short-lived and single-use
  std::size_t verified_token_cache = 4096;  // tokens the FHIR side keeps verified; 0 = none
  LimitOptions limits;  // sign-in back-off and lock, token and registration rate limits
  audit::Sink* audit = nullptr;  // the audit trail (oauth/audit_hooks.h); nullptr = none

  std::string fhir_base() const { return base_url + "/fhir"; }
  std::string issuer() const { return base_url; }
};

// What the EHR had open when its user launched an app (SMART 2.2 EHR launch).
struct LaunchRequest {
  std::string client_id;
  std::string username;      // the EHR user launching; "" = whoever signs in (launcher only)
  std::string patient_id;    // "" = no patient open (the app's authorization may ask for one)
  std::string encounter_id;  // "" = none; must belong to the patient
  std::string fhir_context;  // "" or a JSON array of fhirContext objects (SMART 2.2)
  std::string intent;
  bool embedded = true;  // shown in the EHR's frame under its banner → need_patient_banner false
  // Sandbox only: failures an app developer asked for (LaunchRecord::simulate flags).
  bool simulate_token_failure = false;  // the token request answers invalid_client
  bool simulate_fhir_401 = false;       // the access token is refused by the FHIR API
  bool simulate_no_patient = false;     // no patient in context, even with patient scopes
  std::string launch_url;  // overrides the client's registered launch URL (launcher only)
};

struct IssuedLaunch {
  std::string launch;  // the opaque handle
  std::string iss;     // the FHIR base URL
  std::string url;     // launch URL + ?iss=…&launch=…
};

class AuthServer {
 public:
  static std::unique_ptr<AuthServer> create(store::AuthStore& auth, store::ResourceStore& resources,
                                            SigningKeys& keys, const Clock& clock, Random& random,
                                            AuthOptions options);
  virtual ~AuthServer() = default;
  // Adds every authorization-server route to `router`.
  virtual void mount(http::Router& router) = 0;
  // The bearer-token check for the FHIR API.
  virtual fhir::Authorizer authorizer() = 0;
  // Browser sessions (shared with the EHR portal).
  virtual Sessions& sessions() = 0;
  virtual const AuthOptions& options() const = 0;
  // Stores a launch context behind a new random handle (single-use, launch_ttl_s, bound to the
  // client) and builds the app's launch URL. Errors are plain sentences for the person.
  virtual Result<IssuedLaunch, std::string> create_launch(const LaunchRequest& request) = 0;
};

// Demo accounts of the sandbox (password "demo"): created when missing.
void ensure_demo_users(store::AuthStore& auth, Random& random);
// The same accounts as the sign-in pages list them in the sandbox ("Dr. Sarah Smith (practitioner)").
std::vector<ehr::DemoAccount> demo_accounts();

}  // namespace ember::oauth
