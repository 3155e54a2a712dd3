// The SMART App Launch flows from the app's side (SMART 2.2 app-launch, RFC 6749 §4.1,
// RFC 7636, RFC 8252 for native apps) and SMART Backend Services:
//   standalone_launch  — discovery, PKCE S256, random state and nonce, a loopback redirect
//                        listener, the browser (opened by the caller's callback), the code
//                        exchange and id_token validation, in one call;
//   begin_authorization / ehr_launch + PendingAuthorization::complete — the same in two steps
//                        for apps that own their redirect URI (web hosts, custom schemes);
//   backend_services   — client_credentials with a signed client assertion.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ember/client/credentials.h"
#include "ember/client/discovery.h"
#include "ember/client/error.h"
#include "ember/client/http.h"
#include "ember/client/loopback.h"
#include "ember/client/session.h"
#include "ember/client/tokens.h"

namespace ember::client {

struct AppConfig {
  std::string fhir_base;  // the FHIR server (standalone) — for an EHR launch, the `iss`
  ClientCredentials credentials;
  // Space-separated scopes, e.g. "openid fhirUser launch/patient offline_access patient/*.rs".
  // With "openid" an id_token is required and validated.
  std::string scope;
  Services services = Services::system();
  std::shared_ptr<TokenStore> store;  // where the session's tokens go; memory when null
  std::chrono::seconds id_token_leeway{60};
  std::chrono::seconds refresh_margin = kDefaultRefreshMargin;
};

// An authorization request sent to the browser, waiting for its response. Movable; keep it
// (e.g. keyed by state) until the redirect comes back.
class PendingAuthorization {
 public:
  PendingAuthorization(PendingAuthorization&&) noexcept;
  PendingAuthorization& operator=(PendingAuthorization&&) noexcept;
  ~PendingAuthorization();

  // The URL to open in the browser: authorization_endpoint?response_type=code&client_id&
  // redirect_uri&scope&state&aud&nonce&code_challenge&code_challenge_method=S256[&launch].
  const std::string& authorize_url() const;
  const std::string& redirect_uri() const;
  const std::string& state() const;
  const std::string& nonce() const;
  const std::string& code_verifier() const;
  const SmartConfiguration& configuration() const;

  // Checks `state` (StateMismatch), exchanges the code (RFC 6749 §4.1.3, with the PKCE
  // verifier), validates the id_token when openid was granted, and returns the session (its
  // state saved to the config's store).
  [[nodiscard]] Result<Session> complete(std::string_view code, std::string_view state);
  // The same from the redirect's parameters: an error redirect becomes OAuthError with the
  // server's error and error_description (after the state check).
  [[nodiscard]] Result<Session> complete(const CallbackParams& params);

 private:
  friend Result<PendingAuthorization> begin_authorization(const AppConfig&, std::string,
                                                          std::string);
  struct Impl;
  explicit PendingAuthorization(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Discovery for config.fhir_base, then an authorization request for `redirect_uri`, with
// `launch` when non-empty (EHR launch). No network traffic besides discovery.
[[nodiscard]] Result<PendingAuthorization> begin_authorization(const AppConfig& config,
                                                               std::string redirect_uri,
                                                               std::string launch = {});

// EHR launch (SMART 2.2 §"EHR launch"): the EHR opened the app with `iss` and `launch`. Uses
// `iss` as the FHIR base (and `aud`), ignoring config.fhir_base. The app must only follow
// issuers it trusts: check `iss` against an allow-list before calling this.
[[nodiscard]] Result<PendingAuthorization> ehr_launch(AppConfig config, std::string_view iss,
                                                      std::string_view launch,
                                                      std::string redirect_uri);

struct LoopbackOptions {
  std::uint16_t port = 0;  // 0 = ephemeral (RFC 8252 §7.3); fixed ports for servers that
                           // match loopback redirect URIs exactly
  std::string path = "/callback";
  std::chrono::seconds timeout{300};  // how long to wait for the browser
};

// Called with the authorize URL and the redirect URI being listened on, before waiting; it
// should open the system browser (see open_system_browser) or show the URL.
using BrowserOpener =
    std::function<void(const std::string& authorize_url, const std::string& redirect_uri)>;

// The standalone launch for a native app: listener on 127.0.0.1, begin_authorization with its
// redirect URI, `open_browser`, wait for the redirect (Timeout), complete.
[[nodiscard]] Result<Session> standalone_launch(const AppConfig& config,
                                                const BrowserOpener& open_browser,
                                                const LoopbackOptions& options = {});

// Opens `url` with xdg-open (or `open` on macOS) without a shell; false when neither exists or
// it fails to start.
bool open_system_browser(const std::string& url);

// SMART Backend Services: discovery, then a client_credentials token request with a
// private_key_jwt assertion (config.credentials must be PrivateKeyJwt) and config.scope
// (e.g. "system/Patient.rs"). The session asks again when the token expires.
[[nodiscard]] Result<Session> backend_services(const AppConfig& config);

}  // namespace ember::client
