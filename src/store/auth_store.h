// Storage of the authorization server's state: registered clients, EHR users, browser sessions,
// pending authorizations, authorization codes, grants and refresh tokens, the revocation list,
// remembered consents and signing keys. Everything another instance must see lives here, so
// several Ember instances can share one database. Secrets (codes, refresh tokens, session ids,
// client secrets) are stored only as hashes; callers hash before calling.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"

namespace ember::store {

enum class ClientType { Public, ConfidentialSymmetric, ConfidentialAsymmetric, Backend };

struct ClientRecord {
  std::string client_id;
  std::string name;
  ClientType type = ClientType::Public;
  std::string secret_hash;  // argon2id encoded hash (symmetric clients), else ""
  std::vector<std::string> redirect_uris;  // exact match
  std::string launch_url;                  // EHR launch URL, "" if none
  std::string allowed_scopes;              // space-separated scopes the client may be granted
  std::string jwks;                        // inline JWKS JSON (asymmetric/backend), "" if none
  std::string jwks_uri;                    // registered JWKS URL, "" if none
  std::vector<std::string> allowed_origins;  // browser origins for CORS
  std::int64_t created_ms = 0;
  // Token endpoint authentication (RFC 7591 token_endpoint_auth_method): "" = by type.
  std::string auth_method;
  std::vector<std::string> grant_types;  // RFC 7591 grant_types; empty = by type
  std::string registration_token_hash;   // RFC 7592 registration access token (hashed), "" = none
  std::string logo_uri;
  std::vector<std::string> contacts;
  // Sandbox only: an EHR launch that names its user skips sign-in and consent for this app
  // (for CI). Refused at registration and ignored by the authorization flow in production mode.
  bool auto_approve = false;
};

enum class UserRole { Practitioner, Patient };

struct UserRecord {
  std::string username;
  std::string password_hash;  // argon2id encoded hash
  std::string display;        // e.g. "Dr. Sarah Smith"
  UserRole role = UserRole::Practitioner;
  std::string fhir_user;  // e.g. "Practitioner/dr-smith" or "Patient/alice"
};

struct SessionRecord {
  std::string id_hash;  // SHA-256 of the session cookie value, base64url
  std::string username;
  std::string csrf;  // per-session CSRF token (random; compared in constant time)
  std::int64_t auth_time_s = 0;
  std::int64_t expires_ms = 0;
};

// An authorization request between its pages (sign-in, picker, consent), keyed by an opaque id.
struct PendingAuthorization {
  std::string txn;  // random id carried in the forms
  std::string client_id;
  std::string redirect_uri;
  std::string scope;  // as requested
  std::string state;
  std::string nonce;
  std::string code_challenge;
  std::string launch;  // EHR launch handle, "" for standalone
  std::string patient_id;
  std::string encounter_id;
  std::string session_hash;  // the browser session it belongs to once signed in
  std::int64_t expires_ms = 0;
};

// An EHR launch context behind an opaque `launch` handle (SMART 2.2 app-launch "launch"): what
// the EHR had open when the user launched the app. Single-use, short-lived, bound to one client.
struct LaunchRecord {
  std::string launch_hash;  // SHA-256 of the handle, base64url
  std::string client_id;
  std::string username;  // the EHR user who launched ("" = whoever signs in)
  std::string patient_id;
  std::string encounter_id;
  std::string fhir_context;  // JSON array text of fhirContext objects, "" = none
  std::string intent;
  bool need_patient_banner = true;  // false when the app runs inside the EHR's frame
  std::string smart_style_url;
  // Sandbox failure simulation, space-separated flags: "token_invalid_client" (the token
  // request fails), "fhir_401" (the access token is refused by the FHIR API), "no_patient"
  // (no patient in context even when patient scopes are granted).
  std::string simulate;
  std::int64_t expires_ms = 0;
};

struct CodeRecord {
  std::string code_hash;
  std::string grant_id;  // tokens issued from this code belong to this grant
  std::string client_id;
  std::string redirect_uri;
  std::string code_challenge;
  std::string username;
  std::string scope;  // granted
  std::string patient_id;
  std::string encounter_id;
  std::string fhir_user;
  std::string nonce;
  std::string session_hash;
  bool need_patient_banner = true;
  std::string smart_style_url;
  std::int64_t auth_time_s = 0;
  std::int64_t expires_ms = 0;
  std::string aud;  // the FHIR base the authorization was for
  std::string fhir_context;  // EHR launch: JSON array text, "" = none
  std::string intent;
  std::string simulate;  // LaunchRecord::simulate of the launch it came from
};

struct RefreshRecord {
  std::string token_hash;
  std::string grant_id;  // the family: rotation keeps it, reuse revokes it
  std::string client_id;
  std::string username;
  std::string scope;
  std::string patient_id;
  std::string encounter_id;
  std::string fhir_user;
  std::string session_hash;  // online_access tokens die with this session; "" = offline
  bool need_patient_banner = true;
  std::string smart_style_url;
  std::int64_t auth_time_s = 0;
  std::int64_t expires_ms = 0;
  bool used = false;  // rotated away (a second use is reuse)
  std::string aud;    // the FHIR base the authorization was for
  std::string fhir_context;  // EHR launch: JSON array text, "" = none
  std::string intent;
};

struct ConsentRecord {
  std::string client_id;
  std::string username;
  std::string scope;  // what the user approved and asked to remember
};

struct KeyRecord {
  std::string kid;
  std::string alg;          // "ES256" (access tokens) or "RS256" (id_tokens)
  std::string private_pem;  // PKCS#8
  std::int64_t created_ms = 0;
  std::int64_t retired_ms = 0;  // 0 = active; retired keys stay published until expired tokens
};

enum class ConsumeResult { Ok, NotFound, AlreadyUsed };

// A sign-in failure counter (oauth/limits.h gives it meaning): failures since the counter was
// last cleared or expired, and when the last failure (or claimed attempt) happened.
struct FailureCount {
  std::string key;  // "a:<hash of the username>" or "n:<client address>"
  std::int64_t failures = 0;
  std::int64_t last_ms = 0;
};

// One request counted against a fixed window of a rate limit.
struct RateHit {
  std::string key;  // e.g. "token:c:<client_id>", "token:n:<address>"
  std::int64_t window_start_ms = 0;  // now rounded down to the window
  std::int64_t window_ms = 0;
};

// A counter after the hit: requests in the current window and in the window before it.
struct RateCount {
  std::string key;
  std::int64_t window_start_ms = 0;
  std::int64_t hits = 0;
  std::int64_t previous_hits = 0;
};

class AuthStore {
 public:
  virtual ~AuthStore() = default;

  // Clients.
  virtual StoreResult<void> put_client(const ClientRecord& c) = 0;
  virtual StoreResult<ClientRecord> get_client(const std::string& client_id) = 0;
  virtual StoreResult<std::vector<ClientRecord>> list_clients() = 0;
  virtual StoreResult<void> delete_client(const std::string& client_id) = 0;

  // Users.
  virtual StoreResult<void> put_user(const UserRecord& u) = 0;
  virtual StoreResult<UserRecord> get_user(const std::string& username) = 0;
  virtual StoreResult<std::vector<UserRecord>> list_users() = 0;

  // Browser sessions.
  virtual StoreResult<void> put_session(const SessionRecord& s) = 0;
  virtual StoreResult<SessionRecord> get_session(const std::string& id_hash) = 0;
  virtual StoreResult<void> delete_session(const std::string& id_hash) = 0;

  // Pending authorizations (replaced whole on update).
  virtual StoreResult<void> put_pending(const PendingAuthorization& p) = 0;
  virtual StoreResult<PendingAuthorization> get_pending(const std::string& txn) = 0;
  virtual StoreResult<void> delete_pending(const std::string& txn) = 0;

  // EHR launch contexts: consume marks the launch used atomically and returns it; a second
  // consume answers AlreadyUsed. get_launch reads one whether used or not (the authorization
  // that consumed it reads its context again when it issues the code).
  virtual StoreResult<void> put_launch(const LaunchRecord& l) = 0;
  virtual StoreResult<std::pair<ConsumeResult, LaunchRecord>> consume_launch(
      const std::string& launch_hash) = 0;
  virtual StoreResult<LaunchRecord> get_launch(const std::string& launch_hash) = 0;

  // Authorization codes: consume marks the code used atomically and returns it; a second
  // consume answers AlreadyUsed (and still returns the record, so its grant can be revoked).
  virtual StoreResult<void> put_code(const CodeRecord& c) = 0;
  virtual StoreResult<std::pair<ConsumeResult, CodeRecord>> consume_code(
      const std::string& code_hash) = 0;

  // Refresh tokens: rotate marks `token_hash` used and inserts `next` in one transaction;
  // AlreadyUsed when it was used before (reuse: the caller revokes the grant).
  virtual StoreResult<void> put_refresh(const RefreshRecord& r) = 0;
  virtual StoreResult<RefreshRecord> get_refresh(const std::string& token_hash) = 0;
  virtual StoreResult<ConsumeResult> rotate_refresh(const std::string& token_hash,
                                                    const RefreshRecord& next) = 0;

  // Revocation: a revoked grant kills its refresh tokens and every access token carrying its
  // grant id; a revoked jti kills one access token. Entries expire with the tokens they cover.
  virtual StoreResult<void> revoke_grant(const std::string& grant_id, std::int64_t until_ms) = 0;
  virtual StoreResult<void> revoke_jti(const std::string& jti, std::int64_t until_ms) = 0;
  virtual StoreResult<bool> is_revoked(const std::string& grant_id, const std::string& jti) = 0;
  // What the FHIR API asks on every request, in one query: whether the token is revoked (as
  // is_revoked) and whether its client is still registered (a deleted client's tokens die).
  struct TokenStatus {
    bool revoked = false;
    bool client_exists = false;
  };
  virtual StoreResult<TokenStatus> token_status(const std::string& grant_id, const std::string& jti,
                                                const std::string& client_id) = 0;

  // Client-assertion replay cache (RFC 7523 §3 `jti`): records `key` until `until_ms` and
  // answers true, or answers false when it was already recorded (a replay).
  virtual StoreResult<bool> use_assertion_jti(const std::string& key, std::int64_t until_ms) = 0;

  // Initial access tokens for dynamic registration in production mode (hashed).
  virtual StoreResult<void> put_initial_access_token(const std::string& token_hash,
                                                     std::int64_t expires_ms) = 0;
  virtual StoreResult<bool> check_initial_access_token(const std::string& token_hash,
                                                       std::int64_t now_ms) = 0;

  // Remembered consents.
  virtual StoreResult<void> put_consent(const ConsentRecord& c) = 0;
  virtual StoreResult<std::optional<ConsentRecord>> get_consent(const std::string& client_id,
                                                                const std::string& username) = 0;

  // Signing keys.
  virtual StoreResult<void> put_key(const KeyRecord& k) = 0;
  virtual StoreResult<std::vector<KeyRecord>> list_keys() = 0;

  // Sign-in failure counters (the limiter in oauth/limiter.h). get_failures reads the unexpired
  // counters among `keys`. claim_attempt starts an attempt on a counter: it moves last_ms to
  // `hold_until_ms` (or seen.last_ms + 1 if that is later) only if the counter still holds
  // seen.last_ms or has expired (a new counter, with no failures, is created when there is
  // none), so of two attempts that saw the same state one wins (true) and the other loses
  // (false), and attempts that read the counter while it is held see the hold. add_failure counts
  // one failure on each key (a counter past its expiry starts again at 1), sets last_ms to
  // `now_ms` and the expiry, and returns the new counts. clear_failures forgets a counter.
  virtual StoreResult<std::vector<FailureCount>> get_failures(const std::vector<std::string>& keys,
                                                              std::int64_t now_ms) = 0;
  virtual StoreResult<bool> claim_attempt(const FailureCount& seen, std::int64_t now_ms,
                                          std::int64_t hold_until_ms, std::int64_t expires_ms) = 0;
  virtual StoreResult<std::vector<FailureCount>> add_failure(const std::vector<std::string>& keys,
                                                             std::int64_t now_ms,
                                                             std::int64_t expires_ms) = 0;
  virtual StoreResult<void> clear_failures(const std::string& key) = 0;

  // Rate limits: counts one request on each hit's counter in ONE statement (an atomic upsert, so
  // instances sharing the database count together) and returns every counter after it. A hit
  // for a later window starts it at 1 and keeps the window before as previous_hits.
  virtual StoreResult<std::vector<RateCount>> count_hits(const std::vector<RateHit>& hits) = 0;

  // Deletes expired sessions, pending authorizations, launches, codes, refresh tokens,
  // revocations and limit counters.
  virtual StoreResult<void> purge_expired(std::int64_t now_ms) = 0;
};

// The auth store sharing the database of a resource store opened by open_store (same URL).
StoreResult<std::unique_ptr<AuthStore>> open_auth_store(const StoreOptions& options);

}  // namespace ember::store
