// A Session is an authorized grant in use: it hands out a valid access token (refreshing it
// shortly before expiry, or asking again for backend-services sessions), exposes the launch
// context, saves every new token to its TokenStore and revokes the tokens on logout.
// Sessions come from standalone_launch, PendingAuthorization::complete, backend_services or
// Session::resume. A Session is movable; access_token, refresh, logout, state and the FHIR
// calls may be made from several threads (one lock serializes renewals). context() returns a
// reference that a concurrent refresh may update: copy it if other threads refresh.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "ember/client/error.h"
#include "ember/client/http.h"
#include "ember/client/json.h"
#include "ember/client/fhir.h"
#include "ember/client/tokens.h"

namespace ember::client {

class FhirClient;

// Refresh this long before the access token expires.
inline constexpr std::chrono::seconds kDefaultRefreshMargin{60};

class Session {
 public:
  // A session over `state`, saved to `store` on every change (memory_token_store() when null).
  Session(SessionState state, Services services, std::shared_ptr<TokenStore> store = nullptr);
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();

  // The session saved in `store`; NotAuthenticated when the store is empty.
  [[nodiscard]] static Result<Session> resume(std::shared_ptr<TokenStore> store,
                                              Services services);

  // A valid access token: refreshed first when it expires within the refresh margin (with the
  // refresh token, or a new client_credentials request for backend sessions). NotAuthenticated
  // when it has expired and cannot be renewed.
  [[nodiscard]] Result<std::string> access_token();
  // Refreshes now (RFC 6749 §6). The new refresh token, when sent, replaces the old one; the
  // launch context is kept for fields the refresh response does not repeat.
  [[nodiscard]] Result<void> refresh();
  // Revokes the refresh token, then the access token (RFC 7009) when the server advertises a
  // revocation_endpoint, then clears the token store. The store is cleared even when revocation
  // fails; the first revocation error is returned.
  [[nodiscard]] Result<void> logout();

  void set_refresh_margin(std::chrono::seconds margin);

  const LaunchContext& context() const;
  const std::string& patient() const { return context().patient; }
  const std::string& encounter() const { return context().encounter; }
  const std::string& fhir_user() const { return context().fhir_user; }
  std::vector<std::string> scopes() const { return context().scopes(); }
  // The id_token's claims (validated when the token was received); null when none.
  Json id_token_claims() const;

  const std::string& fhir_base() const;
  // A copy of the current state (tokens included).
  SessionState state() const;
  const Services& services() const;

  // A FHIR helper bound to this session (which must outlive it).
  FhirClient fhir();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ember::client
