// The authorization server's store (store/auth_store.h) written once over sql::Backend, for
// SQLite and PostgreSQL alike: column lists and record <-> row conversions, and the operations.
// Every read-modify-write is a conditional statement (UPDATE … WHERE used = 0, INSERT … ON
// CONFLICT DO NOTHING) whose changed-row count decides, so it is atomic on both databases and
// across instances sharing one.
#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <span>
#include <utility>

#include "store/op_timer.h"
#include "store/sql/stores.h"

namespace ember::store::sql {

namespace {

using Columns = std::span<const std::string_view>;

std::string join(Columns cols) {
  std::string out;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) out += ", ";
    out += cols[i];
  }
  return out;
}

std::string select_sql(std::string_view table, Columns cols) {
  return "SELECT " + join(cols) + " FROM " + std::string(table);
}

// INSERT … ON CONFLICT (key) DO UPDATE: replaces the listed columns only, so a column that is
// not in the record (codes.used) keeps its value when a row is put again.
std::string upsert_sql(std::string_view table, Columns cols, std::size_t key_cols) {
  std::string sql = "INSERT INTO " + std::string(table) + " (" + join(cols) + ") VALUES (";
  for (std::size_t i = 0; i < cols.size(); ++i) sql += i ? ", ?" : "?";
  sql += ") ON CONFLICT (" + join(cols.first(key_cols)) + ") DO UPDATE SET ";
  for (std::size_t i = key_cols; i < cols.size(); ++i) {
    if (i > key_cols) sql += ", ";
    sql += std::string(cols[i]) + " = excluded." + std::string(cols[i]);
  }
  return sql;
}

StoreError corrupt(std::string_view what) {
  return StoreError{StoreErrc::Internal, "corrupt auth store row: " + std::string(what)};
}

std::string to_json_array(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& s : items) a.emplace_back(s);
  return boost::json::serialize(a);
}

StoreResult<std::vector<std::string>> from_json_array(const std::string& text,
                                                      std::string_view what) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return fail(corrupt(what));
  std::vector<std::string> out;
  for (const auto& e : v.get_array()) {
    if (!e.is_string()) return fail(corrupt(what));
    out.emplace_back(e.get_string());
  }
  return out;
}

// Enums are stored by name, so reordering an enum cannot silently change stored rows.
std::string_view client_type_name(ClientType t) {
  switch (t) {
    case ClientType::Public:
      return "public";
    case ClientType::ConfidentialSymmetric:
      return "confidential-symmetric";
    case ClientType::ConfidentialAsymmetric:
      return "confidential-asymmetric";
    case ClientType::Backend:
      return "backend";
  }
  return "public";
}

StoreResult<ClientType> client_type_from(const std::string& s) {
  for (auto t : {ClientType::Public, ClientType::ConfidentialSymmetric,
                 ClientType::ConfidentialAsymmetric, ClientType::Backend}) {
    if (s == client_type_name(t)) return t;
  }
  return fail(corrupt("client type " + s));
}

std::string_view role_name(UserRole r) {
  return r == UserRole::Patient ? "patient" : "practitioner";
}

StoreResult<UserRole> role_from(const std::string& s) {
  if (s == "patient") return UserRole::Patient;
  if (s == "practitioner") return UserRole::Practitioner;
  return fail(corrupt("user role " + s));
}

std::int64_t flag(bool b) {
  return b ? 1 : 0;
}

// Column lists and the matching record <-> row conversions (same order).

constexpr std::array<std::string_view, 17> kClientCols = {
    "client_id",      "name",
    "type",           "secret_hash",
    "redirect_uris",  "launch_url",
    "allowed_scopes", "jwks",
    "jwks_uri",       "allowed_origins",
    "created_ms",     "auth_method",
    "grant_types",    "registration_token_hash",
    "logo_uri",       "contacts",
    "auto_approve"};

std::vector<Value> row_of(const ClientRecord& c) {
  return {c.client_id,
          c.name,
          std::string(client_type_name(c.type)),
          c.secret_hash,
          to_json_array(c.redirect_uris),
          c.launch_url,
          c.allowed_scopes,
          c.jwks,
          c.jwks_uri,
          to_json_array(c.allowed_origins),
          c.created_ms,
          c.auth_method,
          to_json_array(c.grant_types),
          c.registration_token_hash,
          c.logo_uri,
          to_json_array(c.contacts),
          flag(c.auto_approve)};
}

StoreResult<ClientRecord> client_from(const Row& s) {
  ClientRecord c;
  c.client_id = s.text(0);
  c.name = s.text(1);
  auto type = client_type_from(s.text(2));
  if (!type) return fail(type.error());
  c.type = *type;
  c.secret_hash = s.text(3);
  auto uris = from_json_array(s.text(4), "clients.redirect_uris");
  if (!uris) return fail(uris.error());
  c.redirect_uris = std::move(*uris);
  c.launch_url = s.text(5);
  c.allowed_scopes = s.text(6);
  c.jwks = s.text(7);
  c.jwks_uri = s.text(8);
  auto origins = from_json_array(s.text(9), "clients.allowed_origins");
  if (!origins) return fail(origins.error());
  c.allowed_origins = std::move(*origins);
  c.created_ms = s.int64(10);
  c.auth_method = s.text(11);
  auto grants = from_json_array(s.text(12), "clients.grant_types");
  if (!grants) return fail(grants.error());
  c.grant_types = std::move(*grants);
  c.registration_token_hash = s.text(13);
  c.logo_uri = s.text(14);
  auto contacts = from_json_array(s.text(15), "clients.contacts");
  if (!contacts) return fail(contacts.error());
  c.contacts = std::move(*contacts);
  c.auto_approve = s.int64(16) != 0;
  return c;
}

constexpr std::array<std::string_view, 5> kUserCols = {"username", "password_hash", "display",
                                                       "role", "fhir_user"};

std::vector<Value> row_of(const UserRecord& u) {
  return {u.username, u.password_hash, u.display, std::string(role_name(u.role)), u.fhir_user};
}

StoreResult<UserRecord> user_from(const Row& s) {
  auto role = role_from(s.text(3));
  if (!role) return fail(role.error());
  return UserRecord{s.text(0), s.text(1), s.text(2), *role, s.text(4)};
}

constexpr std::array<std::string_view, 5> kSessionCols = {"id_hash", "username", "csrf",
                                                          "auth_time_s", "expires_ms"};

std::vector<Value> row_of(const SessionRecord& r) {
  return {r.id_hash, r.username, r.csrf, r.auth_time_s, r.expires_ms};
}

StoreResult<SessionRecord> session_from(const Row& s) {
  return SessionRecord{s.text(0), s.text(1), s.text(2), s.int64(3), s.int64(4)};
}

constexpr std::array<std::string_view, 12> kPendingCols = {
    "txn",    "client_id",  "redirect_uri", "scope",        "state",     "nonce", "code_challenge",
    "launch", "patient_id", "encounter_id", "session_hash", "expires_ms"};

std::vector<Value> row_of(const PendingAuthorization& p) {
  return {p.txn,        p.client_id,    p.redirect_uri,   p.scope,
          p.state,      p.nonce,        p.code_challenge, p.launch,
          p.patient_id, p.encounter_id, p.session_hash,   p.expires_ms};
}

StoreResult<PendingAuthorization> pending_from(const Row& s) {
  return PendingAuthorization{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),  s.text(5),
                              s.text(6), s.text(7), s.text(8), s.text(9), s.text(10), s.int64(11)};
}

// codes.used is not in the record: it is set only by consume_code.
constexpr std::array<std::string_view, 20> kCodeCols = {
    "code_hash",  "grant_id",     "client_id",           "redirect_uri",    "code_challenge",
    "username",   "scope",        "patient_id",          "encounter_id",    "fhir_user",
    "nonce",      "session_hash", "need_patient_banner", "smart_style_url", "auth_time_s",
    "expires_ms", "aud",          "fhir_context",        "intent",          "simulate"};

std::vector<Value> row_of(const CodeRecord& c) {
  return {c.code_hash,
          c.grant_id,
          c.client_id,
          c.redirect_uri,
          c.code_challenge,
          c.username,
          c.scope,
          c.patient_id,
          c.encounter_id,
          c.fhir_user,
          c.nonce,
          c.session_hash,
          flag(c.need_patient_banner),
          c.smart_style_url,
          c.auth_time_s,
          c.expires_ms,
          c.aud,
          c.fhir_context,
          c.intent,
          c.simulate};
}

StoreResult<CodeRecord> code_from(const Row& s) {
  CodeRecord c;
  c.code_hash = s.text(0);
  c.grant_id = s.text(1);
  c.client_id = s.text(2);
  c.redirect_uri = s.text(3);
  c.code_challenge = s.text(4);
  c.username = s.text(5);
  c.scope = s.text(6);
  c.patient_id = s.text(7);
  c.encounter_id = s.text(8);
  c.fhir_user = s.text(9);
  c.nonce = s.text(10);
  c.session_hash = s.text(11);
  c.need_patient_banner = s.int64(12) != 0;
  c.smart_style_url = s.text(13);
  c.auth_time_s = s.int64(14);
  c.expires_ms = s.int64(15);
  c.aud = s.text(16);
  c.fhir_context = s.text(17);
  c.intent = s.text(18);
  c.simulate = s.text(19);
  return c;
}

constexpr std::array<std::string_view, 11> kLaunchCols = {
    "launch_hash",     "client_id",    "username",  "patient_id",
    "encounter_id",    "fhir_context", "intent",    "need_patient_banner",
    "smart_style_url", "simulate",     "expires_ms"};

std::vector<Value> row_of(const LaunchRecord& l) {
  return {l.launch_hash,     l.client_id,    l.username,  l.patient_id,
          l.encounter_id,    l.fhir_context, l.intent,    flag(l.need_patient_banner),
          l.smart_style_url, l.simulate,     l.expires_ms};
}

StoreResult<LaunchRecord> launch_from(const Row& s) {
  LaunchRecord l;
  l.launch_hash = s.text(0);
  l.client_id = s.text(1);
  l.username = s.text(2);
  l.patient_id = s.text(3);
  l.encounter_id = s.text(4);
  l.fhir_context = s.text(5);
  l.intent = s.text(6);
  l.need_patient_banner = s.int64(7) != 0;
  l.smart_style_url = s.text(8);
  l.simulate = s.text(9);
  l.expires_ms = s.int64(10);
  return l;
}

constexpr std::array<std::string_view, 17> kRefreshCols = {
    "token_hash",      "grant_id",     "client_id",  "username",     "scope",
    "patient_id",      "encounter_id", "fhir_user",  "session_hash", "need_patient_banner",
    "smart_style_url", "auth_time_s",  "expires_ms", "used",         "aud",
    "fhir_context",    "intent"};

std::vector<Value> row_of(const RefreshRecord& r) {
  return {
      r.token_hash,      r.grant_id,     r.client_id,  r.username,     r.scope,
      r.patient_id,      r.encounter_id, r.fhir_user,  r.session_hash, flag(r.need_patient_banner),
      r.smart_style_url, r.auth_time_s,  r.expires_ms, flag(r.used),   r.aud,
      r.fhir_context,    r.intent};
}

StoreResult<RefreshRecord> refresh_from(const Row& s) {
  RefreshRecord r;
  r.token_hash = s.text(0);
  r.grant_id = s.text(1);
  r.client_id = s.text(2);
  r.username = s.text(3);
  r.scope = s.text(4);
  r.patient_id = s.text(5);
  r.encounter_id = s.text(6);
  r.fhir_user = s.text(7);
  r.session_hash = s.text(8);
  r.need_patient_banner = s.int64(9) != 0;
  r.smart_style_url = s.text(10);
  r.auth_time_s = s.int64(11);
  r.expires_ms = s.int64(12);
  r.used = s.int64(13) != 0;
  r.aud = s.text(14);
  r.fhir_context = s.text(15);
  r.intent = s.text(16);
  return r;
}

constexpr std::array<std::string_view, 3> kConsentCols = {"client_id", "username", "scope"};

std::vector<Value> row_of(const ConsentRecord& c) {
  return {c.client_id, c.username, c.scope};
}

StoreResult<ConsentRecord> consent_from(const Row& s) {
  return ConsentRecord{s.text(0), s.text(1), s.text(2)};
}

constexpr std::array<std::string_view, 5> kKeyCols = {"kid", "alg", "private_pem", "created_ms",
                                                      "retired_ms"};

std::vector<Value> row_of(const KeyRecord& k) {
  return {k.kid, k.alg, k.private_pem, k.created_ms, k.retired_ms};
}

StoreResult<KeyRecord> key_from(const Row& s) {
  return KeyRecord{s.text(0), s.text(1), s.text(2), s.int64(3), s.int64(4)};
}

// The SQL, built once from the column lists.
struct Sql {
  std::string put_client = upsert_sql("clients", kClientCols, 1);
  std::string get_client = select_sql("clients", kClientCols) + " WHERE client_id = ?";
  std::string list_clients = select_sql("clients", kClientCols) + " ORDER BY client_id";
  std::string put_user = upsert_sql("users", kUserCols, 1);
  std::string get_user = select_sql("users", kUserCols) + " WHERE username = ?";
  std::string list_users = select_sql("users", kUserCols) + " ORDER BY username";
  std::string put_session = upsert_sql("sessions", kSessionCols, 1);
  std::string get_session = select_sql("sessions", kSessionCols) + " WHERE id_hash = ?";
  std::string put_pending = upsert_sql("pending_authorizations", kPendingCols, 1);
  std::string get_pending = select_sql("pending_authorizations", kPendingCols) + " WHERE txn = ?";
  std::string put_launch = upsert_sql("launches", kLaunchCols, 1);
  std::string get_launch = select_sql("launches", kLaunchCols) + " WHERE launch_hash = ?";
  std::string put_code = upsert_sql("codes", kCodeCols, 1);
  std::string get_code = select_sql("codes", kCodeCols) + " WHERE code_hash = ?";
  std::string put_refresh = upsert_sql("refresh_tokens", kRefreshCols, 1);
  std::string get_refresh = select_sql("refresh_tokens", kRefreshCols) + " WHERE token_hash = ?";
  std::string put_consent = upsert_sql("consents", kConsentCols, 2);
  std::string get_consent =
      select_sql("consents", kConsentCols) + " WHERE client_id = ? AND username = ?";
  std::string put_key = upsert_sql("signing_keys", kKeyCols, 1);
  std::string list_keys = select_sql("signing_keys", kKeyCols) + " ORDER BY created_ms, kid";
};

const Sql& sql() {
  static const Sql s;
  return s;
}

template <class T>
StoreResult<T> required(StoreResult<std::optional<T>> r, std::string what) {
  if (!r) return fail(r.error());
  if (!*r) return fail(StoreError{StoreErrc::NotFound, std::move(what)});
  return std::move(**r);
}

// "Revoke again" keeps the later expiry (CASE, not MAX(a, b): the two-argument form is SQLite's).
std::string revoke_sql(std::string_view table, std::string_view key) {
  const std::string t(table);
  return "INSERT INTO " + t + " (" + std::string(key) + ", until_ms) VALUES (?, ?) ON CONFLICT (" +
         std::string(key) + ") DO UPDATE SET until_ms = CASE WHEN " + t +
         ".until_ms > excluded.until_ms THEN " + t + ".until_ms ELSE excluded.until_ms END";
}

// The rate-window upsert for `n` keys (statement text cached per n; callers pass one or two).
std::string make_count_hits_sql(std::size_t n) {
  std::string q =
      "INSERT INTO rate_windows (key, window_start_ms, window_ms, hits, previous_hits, expires_ms) "
      "VALUES ";
  for (std::size_t i = 0; i < n; ++i) q += i ? ", (?, ?, ?, 1, 0, ?)" : "(?, ?, ?, 1, 0, ?)";
  const std::string same = "rate_windows.window_start_ms >= excluded.window_start_ms";
  q += " ON CONFLICT (key) DO UPDATE SET "
       "previous_hits = CASE WHEN " + same + " THEN rate_windows.previous_hits "
       "WHEN rate_windows.window_start_ms + excluded.window_ms = excluded.window_start_ms "
       "THEN rate_windows.hits ELSE 0 END, "
       "hits = CASE WHEN " + same + " THEN rate_windows.hits + 1 ELSE 1 END, "
       "window_start_ms = CASE WHEN " + same + " THEN rate_windows.window_start_ms "
       "ELSE excluded.window_start_ms END, "
       "window_ms = excluded.window_ms, "
       "expires_ms = CASE WHEN " + same + " THEN rate_windows.expires_ms "
       "ELSE excluded.expires_ms END "
       "RETURNING key, window_start_ms, hits, previous_hits";
  return q;
}

const std::string& count_hits_sql(std::size_t n) {
  static const std::array<std::string, 4> cached = {make_count_hits_sql(1), make_count_hits_sql(2),
                                                    make_count_hits_sql(3), make_count_hits_sql(4)};
  if (n >= 1 && n <= cached.size()) return cached[n - 1];
  thread_local std::string other;
  other = make_count_hits_sql(n);
  return other;
}

class SqlAuthStore final : public AuthStore {
 public:
  explicit SqlAuthStore(std::shared_ptr<Backend> backend) : backend_(std::move(backend)) {}

 private:
  // One statement, committed on its own.
  StoreResult<void> write(const std::string& sql, std::vector<Value> binds, std::string_view what) {
    return backend_->write([&](Db& db) -> StoreResult<void> {
      auto r = db.exec(sql, binds, what);
      if (!r) return fail(r.error());
      return {};
    });
  }

  template <class Read>
  StoreResult<std::optional<RowOf<Read>>> read_one(const std::string& sql,
                                                   const std::vector<Value>& binds,
                                                   std::string_view what, Read read) {
    return read_value<std::optional<RowOf<Read>>>(
        *backend_, [&](Db& db) { return query_one(db, sql, binds, what, read); });
  }

  template <class Read>
  StoreResult<std::vector<RowOf<Read>>> read_all(const std::string& sql, std::string_view what,
                                                 Read read) {
    return read_value<std::vector<RowOf<Read>>>(
        *backend_, [&](Db& db) { return query_all(db, sql, {}, what, read); });
  }

  // Marks one single-use row (code, launch) used and returns it: the conditional UPDATE decides,
  // so two instances consuming the same row at once get one Ok and one AlreadyUsed.
  template <class Record, class Read>
  StoreResult<std::pair<ConsumeResult, Record>> consume_once(std::string_view table,
                                                             std::string_view key_col,
                                                             const std::string& select,
                                                             const std::string& key,
                                                             std::string_view what, Read read) {
    using Out = std::pair<ConsumeResult, Record>;
    const std::string mark = "UPDATE " + std::string(table) + " SET used = 1 WHERE " +
                             std::string(key_col) + " = ? AND used = 0";
    return transaction_value<Out>(*backend_, [&](Db& db) -> StoreResult<Out> {
      auto row = query_one(db, select, {key}, what, read);
      if (!row) return fail(row.error());
      if (!*row) return Out{ConsumeResult::NotFound, Record{}};
      auto changed = db.exec(mark, {key}, what);
      if (!changed) return fail(changed.error());
      return Out{*changed == 1 ? ConsumeResult::Ok : ConsumeResult::AlreadyUsed, std::move(**row)};
    });
  }

  StoreResult<bool> exists(const std::string& sql, const std::vector<Value>& binds,
                           std::string_view what) {
    return read_value<bool>(*backend_, [&](Db& db) -> StoreResult<bool> {
      auto n = query_int(db, sql, binds, what);
      if (!n) return fail(n.error());
      return *n > 0;
    });
  }

 public:
  // Clients.
  StoreResult<void> put_client(const ClientRecord& c) override {
    OpTimer t("auth_put_client");
    return write(sql().put_client, row_of(c), "put client");
  }
  StoreResult<ClientRecord> get_client(const std::string& client_id) override {
    OpTimer t("auth_get_client");
    return required(read_one(sql().get_client, {client_id}, "get client", client_from),
                    "client " + client_id);
  }
  StoreResult<std::vector<ClientRecord>> list_clients() override {
    OpTimer t("auth_list_clients");
    return read_all(sql().list_clients, "list clients", client_from);
  }
  StoreResult<void> delete_client(const std::string& client_id) override {
    OpTimer t("auth_delete_client");
    return write("DELETE FROM clients WHERE client_id = ?", {client_id}, "delete client");
  }

  // Users.
  StoreResult<void> put_user(const UserRecord& u) override {
    OpTimer t("auth_put_user");
    return write(sql().put_user, row_of(u), "put user");
  }
  StoreResult<UserRecord> get_user(const std::string& username) override {
    OpTimer t("auth_get_user");
    return required(read_one(sql().get_user, {username}, "get user", user_from),
                    "user " + username);
  }
  StoreResult<std::vector<UserRecord>> list_users() override {
    OpTimer t("auth_list_users");
    return read_all(sql().list_users, "list users", user_from);
  }

  // Sessions.
  StoreResult<void> put_session(const SessionRecord& s) override {
    OpTimer t("auth_put_session");
    return write(sql().put_session, row_of(s), "put session");
  }
  StoreResult<SessionRecord> get_session(const std::string& id_hash) override {
    OpTimer t("auth_get_session");
    return required(read_one(sql().get_session, {id_hash}, "get session", session_from), "session");
  }
  StoreResult<void> delete_session(const std::string& id_hash) override {
    OpTimer t("auth_delete_session");
    return write("DELETE FROM sessions WHERE id_hash = ?", {id_hash}, "delete session");
  }

  // Pending authorizations.
  StoreResult<void> put_pending(const PendingAuthorization& p) override {
    OpTimer t("auth_put_pending");
    return write(sql().put_pending, row_of(p), "put pending");
  }
  StoreResult<PendingAuthorization> get_pending(const std::string& txn) override {
    OpTimer t("auth_get_pending");
    return required(read_one(sql().get_pending, {txn}, "get pending", pending_from),
                    "pending authorization");
  }
  StoreResult<void> delete_pending(const std::string& txn) override {
    OpTimer t("auth_delete_pending");
    return write("DELETE FROM pending_authorizations WHERE txn = ?", {txn}, "delete pending");
  }

  // EHR launch contexts.
  StoreResult<void> put_launch(const LaunchRecord& l) override {
    OpTimer t("auth_put_launch");
    return write(sql().put_launch, row_of(l), "put launch");
  }
  StoreResult<std::pair<ConsumeResult, LaunchRecord>> consume_launch(
      const std::string& launch_hash) override {
    OpTimer t("auth_consume_launch");
    return consume_once<LaunchRecord>("launches", "launch_hash", sql().get_launch, launch_hash,
                                      "consume launch", launch_from);
  }
  StoreResult<LaunchRecord> get_launch(const std::string& launch_hash) override {
    OpTimer t("auth_get_launch");
    return required(read_one(sql().get_launch, {launch_hash}, "get launch", launch_from), "launch");
  }

  // Codes.
  StoreResult<void> put_code(const CodeRecord& c) override {
    OpTimer t("auth_put_code");
    return write(sql().put_code, row_of(c), "put code");
  }
  StoreResult<std::pair<ConsumeResult, CodeRecord>> consume_code(
      const std::string& code_hash) override {
    OpTimer t("auth_consume_code");
    return consume_once<CodeRecord>("codes", "code_hash", sql().get_code, code_hash, "consume code",
                                    code_from);
  }

  // Refresh tokens.
  StoreResult<void> put_refresh(const RefreshRecord& r) override {
    OpTimer t("auth_put_refresh");
    return write(sql().put_refresh, row_of(r), "put refresh token");
  }
  StoreResult<RefreshRecord> get_refresh(const std::string& token_hash) override {
    OpTimer t("auth_get_refresh");
    return required(read_one(sql().get_refresh, {token_hash}, "get refresh token", refresh_from),
                    "refresh token");
  }
  StoreResult<ConsumeResult> rotate_refresh(const std::string& token_hash,
                                            const RefreshRecord& next) override {
    OpTimer t("auth_rotate_refresh");
    return transaction_value<ConsumeResult>(*backend_, [&](Db& db) -> StoreResult<ConsumeResult> {
      auto changed = db.exec("UPDATE refresh_tokens SET used = 1 WHERE token_hash = ? AND used = 0",
                             {token_hash}, "rotate refresh token");
      if (!changed) return fail(changed.error());
      if (*changed == 0) {
        auto n = query_int(db, "SELECT COUNT(*) FROM refresh_tokens WHERE token_hash = ?",
                           {token_hash}, "rotate refresh token");
        if (!n) return fail(n.error());
        return *n == 0 ? ConsumeResult::NotFound : ConsumeResult::AlreadyUsed;
      }
      if (auto r = db.exec(sql().put_refresh, row_of(next), "rotate refresh token"); !r) {
        return fail(r.error());
      }
      return ConsumeResult::Ok;
    });
  }

  // Revocation. Revoking again keeps the later expiry.
  StoreResult<void> revoke_grant(const std::string& grant_id, std::int64_t until_ms) override {
    OpTimer t("auth_revoke_grant");
    if (grant_id.empty()) return fail(StoreError{StoreErrc::Invalid, "empty grant id"});
    static const std::string s = revoke_sql("revoked_grants", "grant_id");
    return write(s, {grant_id, until_ms}, "revoke grant");
  }
  StoreResult<void> revoke_jti(const std::string& jti, std::int64_t until_ms) override {
    OpTimer t("auth_revoke_jti");
    if (jti.empty()) return fail(StoreError{StoreErrc::Invalid, "empty jti"});
    static const std::string s = revoke_sql("revoked_jtis", "jti");
    return write(s, {jti, until_ms}, "revoke jti");
  }
  StoreResult<bool> is_revoked(const std::string& grant_id, const std::string& jti) override {
    OpTimer t("auth_is_revoked");
    if (grant_id.empty() && jti.empty()) return false;
    // Empty ids are never stored (revoke_* refuse them), so they simply match nothing.
    return exists(
        "SELECT (SELECT COUNT(*) FROM revoked_grants WHERE grant_id = ?) + "
        "(SELECT COUNT(*) FROM revoked_jtis WHERE jti = ?)",
        {grant_id, jti}, "is revoked");
  }

  StoreResult<TokenStatus> token_status(const std::string& grant_id, const std::string& jti,
                                        const std::string& client_id) override {
    OpTimer t("auth_token_status");
    return read_value<TokenStatus>(*backend_, [&](Db& db) -> StoreResult<TokenStatus> {
      std::optional<TokenStatus> out;
      auto r = db.query(
          "SELECT (SELECT COUNT(*) FROM revoked_grants WHERE grant_id = ?) + "
          "(SELECT COUNT(*) FROM revoked_jtis WHERE jti = ?), "
          "(SELECT COUNT(*) FROM clients WHERE client_id = ?)",
          {grant_id, jti, client_id}, "token status", [&](const Row& row) {
            out = TokenStatus{row.int64(0) > 0, row.int64(1) > 0};
            return false;
          });
      if (!r) return fail(r.error());
      if (!out) return fail(StoreError{StoreErrc::Internal, "token status: no row"});
      return *out;
    });
  }

  // Client-assertion replay cache: any recorded key is a replay until purge_expired drops it.
  StoreResult<bool> use_assertion_jti(const std::string& key, std::int64_t until_ms) override {
    OpTimer t("auth_use_assertion_jti");
    if (key.empty()) return fail(StoreError{StoreErrc::Invalid, "empty jti"});
    std::int64_t inserted = 0;
    auto r = backend_->write([&](Db& db) -> StoreResult<void> {
      auto n = db.exec(
          "INSERT INTO assertion_jtis (key, until_ms) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
          {key, until_ms}, "assertion jti");
      if (!n) return fail(n.error());
      inserted = *n;
      return {};
    });
    if (!r) return fail(r.error());
    return inserted == 1;
  }

  StoreResult<void> put_initial_access_token(const std::string& token_hash,
                                             std::int64_t expires_ms) override {
    OpTimer t("auth_put_initial_access_token");
    return write(
        "INSERT INTO initial_access_tokens (token_hash, expires_ms) VALUES (?, ?) "
        "ON CONFLICT (token_hash) DO UPDATE SET expires_ms = excluded.expires_ms",
        {token_hash, expires_ms}, "put initial access token");
  }
  StoreResult<bool> check_initial_access_token(const std::string& token_hash,
                                               std::int64_t now_ms) override {
    OpTimer t("auth_check_initial_access_token");
    return exists(
        "SELECT COUNT(*) FROM initial_access_tokens WHERE token_hash = ? AND expires_ms > ?",
        {token_hash, now_ms}, "check initial access token");
  }

  // Consents.
  StoreResult<void> put_consent(const ConsentRecord& c) override {
    OpTimer t("auth_put_consent");
    return write(sql().put_consent, row_of(c), "put consent");
  }
  StoreResult<std::optional<ConsentRecord>> get_consent(const std::string& client_id,
                                                        const std::string& username) override {
    OpTimer t("auth_get_consent");
    return read_one(sql().get_consent, {client_id, username}, "get consent", consent_from);
  }

  // Signing keys.
  StoreResult<void> put_key(const KeyRecord& k) override {
    OpTimer t("auth_put_key");
    return write(sql().put_key, row_of(k), "put key");
  }
  StoreResult<std::vector<KeyRecord>> list_keys() override {
    OpTimer t("auth_list_keys");
    return read_all(sql().list_keys, "list keys", key_from);
  }

  // Sign-in failure counters. Keys are few (an account and an address), so IN lists are built
  // with one placeholder each.
  StoreResult<std::vector<FailureCount>> get_failures(const std::vector<std::string>& keys,
                                                      std::int64_t now_ms) override {
    OpTimer t("auth_get_failures");
    if (keys.empty()) return std::vector<FailureCount>{};
    std::string q =
        "SELECT key, failures, last_ms FROM sign_in_failures WHERE expires_ms > ? AND key IN (";
    std::vector<Value> binds{now_ms};
    for (std::size_t i = 0; i < keys.size(); ++i) {
      q += i ? ", ?" : "?";
      binds.emplace_back(keys[i]);
    }
    q += ")";
    return read_value<std::vector<FailureCount>>(*backend_, [&](Db& db) {
      return query_all(db, q, binds, "get failures",
                       [](const Row& r) -> StoreResult<FailureCount> {
                         return FailureCount{r.text(0), r.int64(1), r.int64(2)};
                       });
    });
  }

  // Compare-and-set on last_ms: the upsert changes the row only when it is expired or still holds
  // what the caller saw, so one of two attempts that saw the same state wins.
  StoreResult<bool> claim_attempt(const FailureCount& seen, std::int64_t now_ms,
                                  std::int64_t hold_until_ms, std::int64_t expires_ms) override {
    OpTimer t("auth_claim_attempt");
    static const std::string q =
        "INSERT INTO sign_in_failures (key, failures, last_ms, expires_ms) VALUES (?, 0, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET last_ms = excluded.last_ms, "
        "failures = CASE WHEN sign_in_failures.expires_ms <= ? THEN 0 "
        "ELSE sign_in_failures.failures END, "
        "expires_ms = CASE WHEN sign_in_failures.expires_ms <= ? THEN excluded.expires_ms "
        "ELSE sign_in_failures.expires_ms END "
        "WHERE sign_in_failures.expires_ms <= ? OR sign_in_failures.last_ms = ?";
    // The new last_ms always differs from the one seen, so a second claim of it fails.
    const std::int64_t mark = std::max(hold_until_ms, seen.last_ms + 1);
    const std::int64_t seen_last = seen.failures == 0 && seen.last_ms == 0 ? -1 : seen.last_ms;
    std::int64_t changed = 0;
    auto r = backend_->write([&](Db& db) -> StoreResult<void> {
      auto n = db.exec(q, {seen.key, mark, expires_ms, now_ms, now_ms, now_ms, seen_last},
                       "claim sign-in attempt");
      if (!n) return fail(n.error());
      changed = *n;
      return {};
    });
    if (!r) return fail(r.error());
    return changed == 1;
  }

  StoreResult<std::vector<FailureCount>> add_failure(const std::vector<std::string>& keys,
                                                     std::int64_t now_ms,
                                                     std::int64_t expires_ms) override {
    OpTimer t("auth_add_failure");
    if (keys.empty()) return std::vector<FailureCount>{};
    std::string q = "INSERT INTO sign_in_failures (key, failures, last_ms, expires_ms) VALUES ";
    std::vector<Value> binds;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      q += i ? ", (?, 1, ?, ?)" : "(?, 1, ?, ?)";
      binds.insert(binds.end(), {keys[i], now_ms, expires_ms});
    }
    q += " ON CONFLICT (key) DO UPDATE SET "
         "failures = CASE WHEN sign_in_failures.expires_ms <= excluded.last_ms THEN 1 "
         "ELSE sign_in_failures.failures + 1 END, "
         "last_ms = excluded.last_ms, expires_ms = excluded.expires_ms "
         "RETURNING key, failures, last_ms";
    std::vector<FailureCount> out;
    auto r = backend_->write([&](Db& db) -> StoreResult<void> {
      auto rows = query_all(db, q, binds, "add failure",
                            [](const Row& row) -> StoreResult<FailureCount> {
                              return FailureCount{row.text(0), row.int64(1), row.int64(2)};
                            });
      if (!rows) return fail(rows.error());
      out = std::move(*rows);
      return {};
    });
    if (!r) return fail(r.error());
    return out;
  }

  StoreResult<void> clear_failures(const std::string& key) override {
    OpTimer t("auth_clear_failures");
    return write("DELETE FROM sign_in_failures WHERE key = ?", {key}, "clear failures");
  }

  // One upsert for every key: the token endpoint's whole cost of rate limiting. A row whose
  // window is the one hit (or later: another instance's clock a little ahead) counts on; a row of
  // the window just before becomes previous_hits; an older one is forgotten.
  StoreResult<std::vector<RateCount>> count_hits(const std::vector<RateHit>& hits) override {
    OpTimer t("auth_count_hits");
    if (hits.empty()) return std::vector<RateCount>{};
    std::vector<Value> binds;
    for (const auto& h : hits) {
      binds.insert(binds.end(),
                   {h.key, h.window_start_ms, h.window_ms, h.window_start_ms + 2 * h.window_ms});
    }
    const std::string& q = count_hits_sql(hits.size());
    std::vector<RateCount> out;
    auto r = backend_->write([&](Db& db) -> StoreResult<void> {
      auto rows = query_all(db, q, binds, "count hits",
                            [](const Row& row) -> StoreResult<RateCount> {
                              return RateCount{row.text(0), row.int64(1), row.int64(2),
                                               row.int64(3)};
                            });
      if (!rows) return fail(rows.error());
      out = std::move(*rows);
      return {};
    });
    if (!r) return fail(r.error());
    return out;
  }

  StoreResult<void> purge_expired(std::int64_t now_ms) override {
    OpTimer t("auth_purge_expired");
    return backend_->transaction([&](Db& db) -> StoreResult<void> {
      for (const char* stmt :
           {"DELETE FROM sessions WHERE expires_ms <= ?",
            "DELETE FROM pending_authorizations WHERE expires_ms <= ?",
            "DELETE FROM launches WHERE expires_ms <= ?", "DELETE FROM codes WHERE expires_ms <= ?",
            "DELETE FROM refresh_tokens WHERE expires_ms <= ?",
            "DELETE FROM revoked_grants WHERE until_ms <= ?",
            "DELETE FROM revoked_jtis WHERE until_ms <= ?",
            "DELETE FROM assertion_jtis WHERE until_ms <= ?",
            "DELETE FROM initial_access_tokens WHERE expires_ms <= ?",
            "DELETE FROM sign_in_failures WHERE expires_ms <= ?",
            "DELETE FROM rate_windows WHERE expires_ms <= ?"}) {
        if (auto r = db.exec(stmt, {now_ms}, "purge expired"); !r) return fail(r.error());
      }
      return {};
    });
  }

 private:
  std::shared_ptr<Backend> backend_;
};

}  // namespace

std::unique_ptr<AuthStore> make_auth_store(std::shared_ptr<Backend> backend) {
  return std::make_unique<SqlAuthStore>(std::move(backend));
}

}  // namespace ember::store::sql
