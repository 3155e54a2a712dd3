#include "store/postgres/migrations.h"

#include <string>

namespace ember::store::postgres {

namespace {

// What each version is for is said beside its SQLite twin (store/sqlite/migrations.cc).
// Differences from the SQLite DDL, on purpose:
// - Every text column is COLLATE "C": comparisons and ORDER BY follow byte order as in SQLite
//   (whatever the cluster's locale), and the btree indexes serve the range scans that prefix
//   searches compile to (norm >= ? AND norm < ?).
// - SQLite INTEGER → BIGINT, REAL → DOUBLE PRECISION; resources.pk is an identity column (the
//   rowid in SQLite); there is no WITHOUT ROWID.
// - resources_type is (type, pk): SQLite's index on (type) carries the rowid in order, which is
//   what lets an unfiltered search page in pk order without sorting.

constexpr std::string_view kV1 = R"sql(
CREATE TABLE resources (
  pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  type TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  version BIGINT NOT NULL,
  last_updated BIGINT NOT NULL,
  deleted BIGINT NOT NULL DEFAULT 0,
  UNIQUE (type, id)
);
CREATE INDEX resources_type_updated ON resources (type, last_updated);
CREATE TABLE resource_versions (
  pk BIGINT NOT NULL,
  version BIGINT NOT NULL,
  last_updated BIGINT NOT NULL,
  deleted BIGINT NOT NULL DEFAULT 0,
  json TEXT,
  PRIMARY KEY (pk, version)
);
CREATE INDEX resource_versions_updated ON resource_versions (last_updated);
CREATE TABLE idx_string (pk BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL,
                         param TEXT COLLATE "C" NOT NULL, norm TEXT COLLATE "C" NOT NULL,
                         exact TEXT COLLATE "C" NOT NULL);
CREATE INDEX idx_string_lookup ON idx_string (type, param, norm);
CREATE INDEX idx_string_pk ON idx_string (pk);
CREATE TABLE idx_token (pk BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL,
                        param TEXT COLLATE "C" NOT NULL, system TEXT COLLATE "C" NOT NULL,
                        code TEXT COLLATE "C" NOT NULL, text TEXT COLLATE "C" NOT NULL);
CREATE INDEX idx_token_lookup ON idx_token (type, param, code, system);
CREATE INDEX idx_token_pk ON idx_token (pk);
CREATE TABLE idx_ref (pk BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL,
                      param TEXT COLLATE "C" NOT NULL, target_type TEXT COLLATE "C" NOT NULL,
                      target_id TEXT COLLATE "C" NOT NULL, url TEXT COLLATE "C" NOT NULL);
CREATE INDEX idx_ref_lookup ON idx_ref (type, param, target_id, target_type);
CREATE INDEX idx_ref_pk ON idx_ref (pk);
CREATE TABLE idx_date (pk BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL,
                       param TEXT COLLATE "C" NOT NULL, lo BIGINT NOT NULL, hi BIGINT NOT NULL);
CREATE INDEX idx_date_lookup ON idx_date (type, param, lo);
CREATE INDEX idx_date_pk ON idx_date (pk);
CREATE TABLE idx_number (pk BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL,
                         param TEXT COLLATE "C" NOT NULL, value DOUBLE PRECISION NOT NULL,
                         system TEXT COLLATE "C" NOT NULL, code TEXT COLLATE "C" NOT NULL);
CREATE INDEX idx_number_lookup ON idx_number (type, param, value);
CREATE INDEX idx_number_pk ON idx_number (pk);
CREATE TABLE idx_uri (pk BIGINT NOT NULL, type TEXT COLLATE "C" NOT NULL,
                      param TEXT COLLATE "C" NOT NULL, value TEXT COLLATE "C" NOT NULL);
CREATE INDEX idx_uri_lookup ON idx_uri (type, param, value);
CREATE INDEX idx_uri_pk ON idx_uri (pk);
)sql";

constexpr std::string_view kV2 = R"sql(
CREATE INDEX resources_type ON resources (type, pk);
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

constexpr std::string_view kV3 = R"sql(
CREATE TABLE clients (
  client_id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  type TEXT COLLATE "C" NOT NULL,
  secret_hash TEXT COLLATE "C" NOT NULL,
  redirect_uris TEXT COLLATE "C" NOT NULL,
  launch_url TEXT COLLATE "C" NOT NULL,
  allowed_scopes TEXT COLLATE "C" NOT NULL,
  jwks TEXT COLLATE "C" NOT NULL,
  jwks_uri TEXT COLLATE "C" NOT NULL,
  allowed_origins TEXT COLLATE "C" NOT NULL,
  created_ms BIGINT NOT NULL
);
CREATE TABLE users (
  username TEXT COLLATE "C" PRIMARY KEY,
  password_hash TEXT COLLATE "C" NOT NULL,
  display TEXT COLLATE "C" NOT NULL,
  role TEXT COLLATE "C" NOT NULL,
  fhir_user TEXT COLLATE "C" NOT NULL
);
CREATE TABLE sessions (
  id_hash TEXT COLLATE "C" PRIMARY KEY,
  username TEXT COLLATE "C" NOT NULL,
  csrf TEXT COLLATE "C" NOT NULL,
  auth_time_s BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE INDEX sessions_expires ON sessions (expires_ms);
CREATE TABLE pending_authorizations (
  txn TEXT COLLATE "C" PRIMARY KEY,
  client_id TEXT COLLATE "C" NOT NULL,
  redirect_uri TEXT COLLATE "C" NOT NULL,
  scope TEXT COLLATE "C" NOT NULL,
  state TEXT COLLATE "C" NOT NULL,
  nonce TEXT COLLATE "C" NOT NULL,
  code_challenge TEXT COLLATE "C" NOT NULL,
  launch TEXT COLLATE "C" NOT NULL,
  patient_id TEXT COLLATE "C" NOT NULL,
  encounter_id TEXT COLLATE "C" NOT NULL,
  session_hash TEXT COLLATE "C" NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE INDEX pending_authorizations_expires ON pending_authorizations (expires_ms);
CREATE TABLE codes (
  code_hash TEXT COLLATE "C" PRIMARY KEY,
  grant_id TEXT COLLATE "C" NOT NULL,
  client_id TEXT COLLATE "C" NOT NULL,
  redirect_uri TEXT COLLATE "C" NOT NULL,
  code_challenge TEXT COLLATE "C" NOT NULL,
  username TEXT COLLATE "C" NOT NULL,
  scope TEXT COLLATE "C" NOT NULL,
  patient_id TEXT COLLATE "C" NOT NULL,
  encounter_id TEXT COLLATE "C" NOT NULL,
  fhir_user TEXT COLLATE "C" NOT NULL,
  nonce TEXT COLLATE "C" NOT NULL,
  session_hash TEXT COLLATE "C" NOT NULL,
  need_patient_banner BIGINT NOT NULL,
  smart_style_url TEXT COLLATE "C" NOT NULL,
  auth_time_s BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  used BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX codes_expires ON codes (expires_ms);
CREATE TABLE refresh_tokens (
  token_hash TEXT COLLATE "C" PRIMARY KEY,
  grant_id TEXT COLLATE "C" NOT NULL,
  client_id TEXT COLLATE "C" NOT NULL,
  username TEXT COLLATE "C" NOT NULL,
  scope TEXT COLLATE "C" NOT NULL,
  patient_id TEXT COLLATE "C" NOT NULL,
  encounter_id TEXT COLLATE "C" NOT NULL,
  fhir_user TEXT COLLATE "C" NOT NULL,
  session_hash TEXT COLLATE "C" NOT NULL,
  need_patient_banner BIGINT NOT NULL,
  smart_style_url TEXT COLLATE "C" NOT NULL,
  auth_time_s BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  used BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_ms);
CREATE TABLE revoked_grants (grant_id TEXT COLLATE "C" PRIMARY KEY, until_ms BIGINT NOT NULL);
CREATE INDEX revoked_grants_until ON revoked_grants (until_ms);
CREATE TABLE revoked_jtis (jti TEXT COLLATE "C" PRIMARY KEY, until_ms BIGINT NOT NULL);
CREATE INDEX revoked_jtis_until ON revoked_jtis (until_ms);
CREATE TABLE consents (
  client_id TEXT COLLATE "C" NOT NULL,
  username TEXT COLLATE "C" NOT NULL,
  scope TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (client_id, username)
);
CREATE TABLE signing_keys (
  kid TEXT COLLATE "C" PRIMARY KEY,
  alg TEXT COLLATE "C" NOT NULL,
  private_pem TEXT COLLATE "C" NOT NULL,
  created_ms BIGINT NOT NULL,
  retired_ms BIGINT NOT NULL
);
)sql";

constexpr std::string_view kV4 = R"sql(
ALTER TABLE clients ADD COLUMN auth_method TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN grant_types TEXT COLLATE "C" NOT NULL DEFAULT '[]';
ALTER TABLE clients ADD COLUMN registration_token_hash TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN logo_uri TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE clients ADD COLUMN contacts TEXT COLLATE "C" NOT NULL DEFAULT '[]';
CREATE TABLE assertion_jtis (key TEXT COLLATE "C" PRIMARY KEY, until_ms BIGINT NOT NULL);
CREATE INDEX assertion_jtis_until ON assertion_jtis (until_ms);
CREATE TABLE initial_access_tokens (token_hash TEXT COLLATE "C" PRIMARY KEY,
                                    expires_ms BIGINT NOT NULL);
)sql";

constexpr std::string_view kV5 = R"sql(
ALTER TABLE codes ADD COLUMN aud TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN aud TEXT COLLATE "C" NOT NULL DEFAULT '';
)sql";

constexpr std::string_view kV6 = R"sql(
CREATE TABLE launches (
  launch_hash TEXT COLLATE "C" PRIMARY KEY,
  client_id TEXT COLLATE "C" NOT NULL,
  username TEXT COLLATE "C" NOT NULL,
  patient_id TEXT COLLATE "C" NOT NULL,
  encounter_id TEXT COLLATE "C" NOT NULL,
  fhir_context TEXT COLLATE "C" NOT NULL,
  intent TEXT COLLATE "C" NOT NULL,
  need_patient_banner BIGINT NOT NULL,
  smart_style_url TEXT COLLATE "C" NOT NULL,
  simulate TEXT COLLATE "C" NOT NULL,
  expires_ms BIGINT NOT NULL,
  used BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX launches_expires ON launches (expires_ms);
ALTER TABLE clients ADD COLUMN auto_approve BIGINT NOT NULL DEFAULT 0;
ALTER TABLE codes ADD COLUMN fhir_context TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN intent TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE codes ADD COLUMN simulate TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN fhir_context TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE refresh_tokens ADD COLUMN intent TEXT COLLATE "C" NOT NULL DEFAULT '';
)sql";

constexpr std::string_view kV7 = R"sql(
CREATE TABLE sign_in_failures (
  key TEXT COLLATE "C" PRIMARY KEY,
  failures BIGINT NOT NULL,
  last_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_expires ON sign_in_failures (expires_ms);
CREATE TABLE rate_windows (
  key TEXT COLLATE "C" PRIMARY KEY,
  window_start_ms BIGINT NOT NULL,
  window_ms BIGINT NOT NULL,
  hits BIGINT NOT NULL,
  previous_hits BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL
);
CREATE INDEX rate_windows_expires ON rate_windows (expires_ms);
)sql";

// The descriptions are SQLite's, word for word (a test compares them).
// The versions stay in step with SQLite's. Bulk loads set no indexes aside on PostgreSQL
// (ResourceStore::begin_bulk_load), so this table stays empty here.
constexpr std::string_view kV8 = R"sql(
CREATE TABLE suspended_indexes (
  name TEXT PRIMARY KEY,
  sql TEXT NOT NULL
);
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

// pg_advisory_lock(kLockKey, hash of the schema): instances migrating the same schema wait for
// each other; other schemas (tests, tenants) do not.
constexpr int kLockKey = 0x656d6272;  // "embr"

StoreResult<int> current_version(Connection& db) {
  auto v = sql::query_int(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {},
                          "schema version");
  if (!v) return fail(v.error());
  return static_cast<int>(*v);
}

StoreResult<int> migrate_locked(Connection& db) {
  if (auto r = db.exec_script("CREATE TABLE IF NOT EXISTS schema_migrations ("
                              "version BIGINT PRIMARY KEY, description TEXT NOT NULL, "
                              "applied_at BIGINT NOT NULL "
                              "DEFAULT (EXTRACT(EPOCH FROM now())::BIGINT))",
                              "create schema_migrations");
      !r) {
    return fail(r.error());
  }
  auto current = current_version(db);
  if (!current) return fail(current.error());
  int latest = kMigrations[std::size(kMigrations) - 1].version;
  if (*current > latest) {
    return fail(StoreError{StoreErrc::Invalid,
                           "database schema version " + std::to_string(*current) +
                               " is newer than this binary (" + std::to_string(latest) + ")"});
  }
  for (const auto& m : kMigrations) {
    if (m.version <= *current) continue;
    if (auto r = db.exec_script("BEGIN", "begin migration"); !r) return fail(r.error());
    auto r = db.exec_script(std::string(m.sql), "migration " + std::to_string(m.version));
    if (r) {
      auto n = db.exec("INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
                       {static_cast<std::int64_t>(m.version), std::string(m.description)},
                       "record migration");
      if (!n) r = fail(n.error());
    }
    if (r) r = db.exec_script("COMMIT", "commit migration");
    if (!r) {
      (void)db.exec_script("ROLLBACK", "rollback migration");
      return fail(r.error());
    }
    *current = m.version;
  }
  return *current;
}

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

StoreResult<int> migrate(Connection& db) {
  const std::string key = std::to_string(kLockKey) + ", hashtext(COALESCE(current_schema(), ''))";
  if (auto r = db.exec_script("SELECT pg_advisory_lock(" + key + ")", "migration lock"); !r) {
    return fail(r.error());
  }
  auto v = migrate_locked(db);
  auto unlocked = db.exec_script("SELECT pg_advisory_unlock(" + key + ")", "migration unlock");
  if (!v) return v;
  if (!unlocked) return fail(unlocked.error());
  return v;
}

}  // namespace ember::store::postgres
