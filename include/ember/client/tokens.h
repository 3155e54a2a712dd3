// Tokens and where they live. A SessionState is everything needed to keep using a grant after
// the process restarts: the server's endpoints, the client's credentials (a key file's path,
// not the key), the tokens and the launch context. A TokenStore keeps one SessionState: in
// memory, or in a JSON file created with mode 0600 — a file that group or others can read is
// refused (Storage, reason "unsafe_permissions") rather than trusted.
#pragma once
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/client/credentials.h"
#include "ember/client/error.h"
#include "ember/client/json.h"

namespace ember::client {

// The SMART launch context returned with the token (SMART 2.2 "launch context" and
// "token response"): whatever the server sent; empty strings when absent.
struct LaunchContext {
  std::string patient;    // Patient id (launch/patient)
  std::string encounter;  // Encounter id (launch/encounter)
  std::string fhir_user;  // e.g. "Patient/alice" or "Practitioner/dr-smith" (from the id_token)
  std::string intent;
  std::string smart_style_url;
  std::string tenant;
  bool need_patient_banner = false;
  Json fhir_context;    // the fhirContext array as sent, null when absent
  std::string scope;    // the granted scopes, space-separated

  // The granted scopes, split.
  std::vector<std::string> scopes() const;
  bool has_scope(std::string_view scope) const;
};

struct TokenSet {
  std::string access_token;
  std::string token_type = "Bearer";
  std::string refresh_token;  // empty when none was issued (no offline_access/online_access)
  std::string id_token;       // as received (validated when received)
  // When the access token expires (from expires_in); nullopt when the server did not say.
  std::optional<std::chrono::system_clock::time_point> expires_at;
  LaunchContext context;
};

struct SessionState {
  std::string fhir_base;
  std::string issuer;
  std::string token_endpoint;
  std::string revocation_endpoint;  // empty when the server advertises none
  ClientCredentials credentials;    // private_key_pem is saved only when key_file is empty
  std::string requested_scope;      // what was asked for (backend sessions ask again with it)
  bool backend = false;             // client_credentials grant: re-request instead of refresh
  TokenSet tokens;
};

// JSON form of a SessionState (contains secrets: store it like a password).
std::string to_json(const SessionState& state);
// Parses to_json's output; a key_file is read again to get the private key.
[[nodiscard]] Result<SessionState> session_state_from_json(std::string_view json);

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  // nullopt when nothing is stored.
  [[nodiscard]] virtual Result<std::optional<SessionState>> load() = 0;
  [[nodiscard]] virtual Result<void> save(const SessionState& state) = 0;
  // Forgets the stored state (deletes the file). Not an error when there was none.
  [[nodiscard]] virtual Result<void> clear() = 0;
};

std::shared_ptr<TokenStore> memory_token_store();
// A JSON file at `path`. save() creates missing parent directories (mode 0700) and writes a
// temporary file with mode 0600 that atomically replaces the old one; load() refuses a file
// whose mode grants any permission to group or others.
std::shared_ptr<TokenStore> file_token_store(std::string path);
// $XDG_CONFIG_HOME/ember-client/tokens.json, else $HOME/.config/ember-client/tokens.json.
std::string default_token_file();

}  // namespace ember::client
