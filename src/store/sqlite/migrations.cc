#include "store/sqlite/migrations.h"

#include <string>

namespace ember::store::sqlite {

namespace {

// Resources: one row per (type, id) for the current version; every version's JSON text lives in
// resource_versions (JSON NULL for a deletion). Index tables hold the search rows of the
// current version only, keyed by the resource's pk and carrying its type for selective indexes.
constexpr std::string_view kV1 = R"sql(
CREATE TABLE resources (
  pk INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  last_updated INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  UNIQUE (type, id)
);
CREATE INDEX resources_type_updated ON resources (type, last_updated);
CREATE TABLE resource_versions (
  pk INTEGER NOT NULL,
  version INTEGER NOT NULL,
  last_updated INTEGER NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  json TEXT,
  PRIMARY KEY (pk, version)
) WITHOUT ROWID;
CREATE INDEX resource_versions_updated ON resource_versions (last_updated);
CREATE TABLE idx_string (pk INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL,
                         norm TEXT NOT NULL, exact TEXT NOT NULL);
CREATE INDEX idx_string_lookup ON idx_string (type, param, norm);
CREATE INDEX idx_string_pk ON idx_string (pk);
CREATE TABLE idx_token (pk INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL,
                        system TEXT NOT NULL, code TEXT NOT NULL, text TEXT NOT NULL);
CREATE INDEX idx_token_lookup ON idx_token (type, param, code, system);
CREATE INDEX idx_token_pk ON idx_token (pk);
CREATE TABLE idx_ref (pk INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL,
                      target_type TEXT NOT NULL, target_id TEXT NOT NULL, url TEXT NOT NULL);
CREATE INDEX idx_ref_lookup ON idx_ref (type, param, target_id, target_type);
CREATE INDEX idx_ref_pk ON idx_ref (pk);
CREATE TABLE idx_date (pk INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL,
                       lo INTEGER NOT NULL, hi INTEGER NOT NULL);
CREATE INDEX idx_date_lookup ON idx_date (type, param, lo);
CREATE INDEX idx_date_pk ON idx_date (pk);
CREATE TABLE idx_number (pk INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL,
                         value REAL NOT NULL, system TEXT NOT NULL, code TEXT NOT NULL);
CREATE INDEX idx_number_lookup ON idx_number (type, param, value);
CREATE INDEX idx_number_pk ON idx_number (pk);
CREATE TABLE idx_uri (pk INTEGER NOT NULL, type TEXT NOT NULL, param TEXT NOT NULL,
                      value TEXT NOT NULL);
CREATE INDEX idx_uri_lookup ON idx_uri (type, param, value);
CREATE INDEX idx_uri_pk ON idx_uri (pk);
)sql";

// Resources of one type in pk order, so an unfiltered search pages without sorting them all;
// index rows by (pk, param), for the correlated EXISTS probes of search_sql.cc.
constexpr std::string_view kV2 = R"sql(
CREATE INDEX resources_type ON resources (type);
DROP INDEX idx_string_pk;
CREATE INDEX idx_string_pk ON idx_string (pk, param);
DROP INDEX idx_token_pk;
CREATE INDEX idx_token_pk ON idx_token (pk, param);
DROP INDEX idx_ref_pk;
CREATE INDEX idx_ref_pk ON idx_ref (pk, param);
DROP INDEX idx_date_pk;
CREATE INDEX idx_date_pk ON idx_date (pk, param);
DROP INDEX idx_number_pk;
CREATE INDEX idx_number_pk ON idx_number (pk, param);
DROP INDEX idx_uri_pk;
CREATE INDEX idx_uri_pk ON idx_uri (pk, param);
)sql";

// The authorization server's state (store/auth_store.h). Secrets are stored only as hashes.
// Lists of URIs and origins are JSON arrays of strings. Each table whose rows expire has an index
// on its expiry column for purge_expired; every other lookup is by primary key.
constexpr std::string_view kV3 = R"sql(
CREATE TABLE clients (
  client_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  redirect_uris TEXT NOT NULL,
  launch_url TEXT NOT NULL,
  allowed_scopes TEXT NOT NULL,
  jwks TEXT NOT NULL,
  jwks_uri TEXT NOT NULL,
  allowed_origins TEXT NOT NULL,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE users (
  username TEXT PRIMARY KEY,
  password_hash TEXT NOT NULL,
  display TEXT NOT NULL,
  role TEXT NOT NULL,
  fhir_user TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  csrf TEXT NOT NULL,
  auth_time_s INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_expires ON sessions (expires_ms);
CREATE TABLE pending_authorizations (
  txn TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  scope TEXT NOT NULL,
  state TEXT NOT NULL,
  nonce TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  launch TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  encounter_id TEXT NOT NULL,
  session_hash TEXT NOT NULL,
  expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX pending_authorizations_expires ON pending_authorizations (expires_ms);
CREATE TABLE codes (
  code_hash TEXT PRIMARY KEY,
  grant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  username TEXT NOT NULL,
  scope TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  encounter_id TEXT NOT NULL,
  fhir_user TEXT NOT NULL,
  nonce TEXT NOT NULL,
  session_hash TEXT NOT NULL,
  need_patient_banner INTEGER NOT NULL,
  smart_style_url TEXT NOT NULL,
  auth_time_s INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX codes_expires ON codes (expires_ms);
CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  grant_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  username TEXT NOT NULL,
  scope TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  encounter_id TEXT NOT NULL,
  fhir_user TEXT NOT NULL,
  session_hash TEXT NOT NULL,
  need_patient_banner INTEGER NOT NULL,
  smart_style_url TEXT NOT NULL,
  auth_time_s INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_ms);
CREATE TABLE revoked_grants (grant_id TEXT PRIMARY KEY, until_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX revoked_grants_until ON revoked_grants (until_ms);
CREATE TABLE revoked_jtis (jti TEXT PRIMARY KEY, until_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX revoked_jtis_until ON revoked_jtis (until_ms);
CREATE TABLE consents (
  client_id TEXT NOT NULL,
  username TEXT NOT NULL,
  scope TEXT NOT NULL,
  PRIMARY KEY (client_id, username)
) WITHOUT ROWID;
CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  alg TEXT NOT NULL,
  private_pem TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  retired_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// RFC 7591/7592 client metadata, the RFC 7523 jti replay cache, registration access control.
constexpr std::string_view kV4 = R"sql(
ALTER TABLE clients ADD COLUMN auth_method TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN grant_types TEXT NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN registration_token_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN logo_uri TEXT NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN contacts TEXT NOT NULL DEFAULT '[]';
CREATE TABLE assertion_jtis (key TEXT PRIMARY KEY, until_ms INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX assertion_jtis_until ON assertion_jtis (until_ms);
CREATE TABLE initial_access_tokens (token_hash TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL)
  WITHOUT ROWID;
)sql";

// The audience (FHIR base) of each code and refresh token (SMART 2.2: codes and tokens are
// bound to the aud of their authorization; instances with other base URLs must refuse them).
constexpr std::string_view kV5 = R"sql(
ALTER TABLE codes ADD COLUMN aud TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN aud TEXT NOT NULL DEFAULT '';
)sql";

// EHR launch contexts behind opaque launch handles; the launch context that codes and refresh
// tokens carry on (fhirContext, intent); sandbox auto-approve and failure simulation.
constexpr std::string_view kV6 = R"sql(
CREATE TABLE launches (
  launch_hash TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  username TEXT NOT NULL,
  patient_id TEXT NOT NULL,
  encounter_id TEXT NOT NULL,
  fhir_context TEXT NOT NULL,
  intent TEXT NOT NULL,
  need_patient_banner INTEGER NOT NULL,
  smart_style_url TEXT NOT NULL,
  simulate TEXT NOT NULL,
  expires_ms INTEGER NOT NULL,
  used INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX launches_expires ON launches (expires_ms);
ALTER TABLE clients ADD COLUMN auto_approve INTEGER NOT NULL DEFAULT 0;
ALTER TABLE codes ADD COLUMN fhir_context TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN intent TEXT NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN simulate TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN fhir_context TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN intent TEXT NOT NULL DEFAULT '';
)sql";

// Brute-force limits (oauth/limits.h): sign-in failure counters per account and per client address,
// and request counters per fixed window (with the previous window's count, for the sliding
// estimate) per client and per address. Shared by every instance on the database; rows expire.
constexpr std::string_view kV7 = R"sql(
CREATE TABLE sign_in_failures (
  key TEXT PRIMARY KEY,
  failures INTEGER NOT NULL,
  last_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sign_in_failures_expires ON sign_in_failures (expires_ms);
CREATE TABLE rate_windows (
  key TEXT PRIMARY KEY,
  window_start_ms INTEGER NOT NULL,
  window_ms INTEGER NOT NULL,
  hits INTEGER NOT NULL,
  previous_hits INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_windows_expires ON rate_windows (expires_ms);
)sql";

// Secondary indexes of the resource tables set aside during a bulk load into an empty store
// (ResourceStore::begin_bulk_load), with the DDL that rebuilds them; empty otherwise.
constexpr std::string_view kV8 = R"sql(
CREATE TABLE suspended_indexes (
  name TEXT PRIMARY KEY,
  sql TEXT NOT NULL
) WITHOUT ROWID;
)sql";

constexpr Migration kMigrations[] = {
    {1, "resources, versions and search index tables", kV1},
    {2, "resources by type in pk order; index rows by (pk, param)", kV2},
    {3, "authorization server: clients, users, sessions, codes, tokens, revocations, keys", kV3},
    {4, "client registration metadata, assertion replay cache, initial access tokens", kV4},
    {5, "codes and refresh tokens bound to the FHIR base they were issued for", kV5},
    {6, "EHR launch contexts, fhirContext and intent on codes and tokens, auto-approve", kV6},
    {7, "sign-in failure counters and request rate windows", kV7},
    {8, "secondary indexes suspended by a bulk load", kV8},
};

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

StoreResult<int> migrate(Connection& db) {
  if (auto r = db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                       "version INTEGER PRIMARY KEY, description TEXT NOT NULL, "
                       "applied_at INTEGER NOT NULL DEFAULT (strftime('%s','now')))");
      !r) {
    return fail(r.error());
  }
  int current = 0;
  {
    auto st = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!st) return fail(st.error());
    if ((*st)->step() == SQLITE_ROW) current = static_cast<int>((*st)->int64(0));
  }
  int latest = kMigrations[std::size(kMigrations) - 1].version;
  if (current > latest) {
    return fail(StoreError{StoreErrc::Invalid,
                           "database schema version " + std::to_string(current) +
                               " is newer than this binary (" + std::to_string(latest) + ")"});
  }
  for (const auto& m : kMigrations) {
    if (m.version <= current) continue;
    if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return fail(r.error());
    {
      // Another connection (or process) may have migrated while we waited for the lock.
      auto st = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
      if (!st) {
        (void)db.exec("ROLLBACK");
        return fail(st.error());
      }
      if ((*st)->step() == SQLITE_ROW) current = static_cast<int>((*st)->int64(0));
    }
    if (m.version <= current) {
      (void)db.exec("COMMIT");
      continue;
    }
    auto r = db.exec(std::string(m.sql));
    if (r) {
      auto st = db.prepare("INSERT INTO schema_migrations (version, description) VALUES (?, ?)");
      if (!st) {
        r = fail(st.error());
      } else {
        (*st)->bind(1, static_cast<std::int64_t>(m.version));
        (*st)->bind(2, m.description);
        if ((*st)->step() != SQLITE_DONE) r = fail(db.error("record migration"));
      }
    }
    if (!r) {
      (void)db.exec("ROLLBACK");
      return fail(r.error());
    }
    if (auto c = db.exec("COMMIT"); !c) return fail(c.error());
    current = m.version;
  }
  return current;
}

}  // namespace ember::store::sqlite
