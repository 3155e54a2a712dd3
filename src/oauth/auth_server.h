// The SMART authorization server: discovery documents, the authorization endpoint and its pages
// (sign-in, patient and encounter pickers, consent), the token endpoint (authorization_code and
// refresh_token grants), userinfo, JWKS, and the bearer-token check that gives each FHIR request
// its access policy. Routes are mounted on the application's router; see docs/architecture.md.
#pragma once
#include <memory>
#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "fhir/policy.h"
#include "http/router.h"
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

  std::string fhir_base() const { return base_url + "/fhir"; }
  std::string issuer() const { return base_url; }
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
};

// Demo accounts of the sandbox (password "demo"): created when missing.
void ensure_demo_users(store::AuthStore& auth, Random& random);

}  // namespace ember::oauth
