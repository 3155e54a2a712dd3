#include "store/sqlite/auth_store.h"

#include <array>
#include <boost/json.hpp>
#include <chrono>
#include <mutex>
#include <span>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "core/metrics.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/shared.h"

namespace ember::store::sqlite {

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
    "client_id",      "name",        "type",        "secret_hash",
    "redirect_uris",  "launch_url",  "allowed_scopes", "jwks",
    "jwks_uri",       "allowed_origins", "created_ms", "auth_method",
    "grant_types",    "registration_token_hash", "logo_uri", "contacts",
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

StoreResult<ClientRecord> client_from(const Statement& s) {
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

StoreResult<UserRecord> user_from(const Statement& s) {
  auto role = role_from(s.text(3));
  if (!role) return fail(role.error());
  return UserRecord{s.text(0), s.text(1), s.text(2), *role, s.text(4)};
}

constexpr std::array<std::string_view, 5> kSessionCols = {"id_hash", "username", "csrf",
                                                          "auth_time_s", "expires_ms"};

std::vector<Value> row_of(const SessionRecord& r) {
  return {r.id_hash, r.username, r.csrf, r.auth_time_s, r.expires_ms};
}

StoreResult<SessionRecord> session_from(const Statement& s) {
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

StoreResult<PendingAuthorization> pending_from(const Statement& s) {
  return PendingAuthorization{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),  s.text(5),
                              s.text(6), s.text(7), s.text(8), s.text(9), s.text(10), s.int64(11)};
}

// codes.used is not in the record: it is set only by consume_code.
constexpr std::array<std::string_view, 20> kCodeCols = {
    "code_hash",           "grant_id",        "client_id",   "redirect_uri",
    "code_challenge",      "username",        "scope",       "patient_id",
    "encounter_id",        "fhir_user",       "nonce",       "session_hash",
    "need_patient_banner", "smart_style_url", "auth_time_s", "expires_ms",
    "aud",                 "fhir_context",    "intent",      "simulate"};

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

StoreResult<CodeRecord> code_from(const Statement& s) {
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
    "launch_hash", "client_id",           "username",        "patient_id",
    "encounter_id", "fhir_context",       "intent",          "need_patient_banner",
    "smart_style_url", "simulate",        "expires_ms"};

std::vector<Value> row_of(const LaunchRecord& l) {
  return {l.launch_hash,  l.client_id,    l.username, l.patient_id,
          l.encounter_id, l.fhir_context, l.intent,   flag(l.need_patient_banner),
          l.smart_style_url, l.simulate,  l.expires_ms};
}

StoreResult<LaunchRecord> launch_from(const Statement& s) {
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
      r.smart_style_url, r.auth_time_s,  r.expires_ms, flag(r.used), r.aud,
      r.fhir_context,    r.intent};
}

StoreResult<RefreshRecord> refresh_from(const Statement& s) {
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

StoreResult<ConsentRecord> consent_from(const Statement& s) {
  return ConsentRecord{s.text(0), s.text(1), s.text(2)};
}

constexpr std::array<std::string_view, 5> kKeyCols = {"kid", "alg", "private_pem", "created_ms",
                                                      "retired_ms"};

std::vector<Value> row_of(const KeyRecord& k) {
  return {k.kid, k.alg, k.private_pem, k.created_ms, k.retired_ms};
}

StoreResult<KeyRecord> key_from(const Statement& s) {
  return KeyRecord{s.text(0), s.text(1), s.text(2), s.int64(3), s.int64(4)};
}

// Statement helpers.

StoreResult<void> execute(Connection& db, const std::string& sql, const std::vector<Value>& binds,
                          std::string_view what) {
  auto st = db.prepare(sql);
  if (!st) return fail(st.error());
  (*st)->bind_all(binds);
  if ((*st)->step() != SQLITE_DONE) return fail(db.error(what));
  return {};
}

// The record type a row reader produces (Read: const Statement& -> StoreResult<T>).
template <class Read>
using RowOf = typename std::invoke_result_t<Read, const Statement&>::value_type;

template <class Read>
StoreResult<std::optional<RowOf<Read>>> query_one(Connection& db, const std::string& sql,
                                                  const std::vector<Value>& binds,
                                                  std::string_view what, Read read) {
  auto st = db.prepare(sql);
  if (!st) return fail(st.error());
  (*st)->bind_all(binds);
  int rc = (*st)->step();
  if (rc == SQLITE_DONE) return std::nullopt;
  if (rc != SQLITE_ROW) return fail(db.error(what));
  auto row = read(**st);
  if (!row) return fail(row.error());
  return std::move(*row);
}

template <class Read>
StoreResult<std::vector<RowOf<Read>>> query_all(Connection& db, const std::string& sql,
                                                std::string_view what, Read read) {
  auto st = db.prepare(sql);
  if (!st) return fail(st.error());
  std::vector<RowOf<Read>> out;
  for (;;) {
    int rc = (*st)->step();
    if (rc == SQLITE_DONE) return out;
    if (rc != SQLITE_ROW) return fail(db.error(what));
    auto row = read(**st);
    if (!row) return fail(row.error());
    out.push_back(std::move(*row));
  }
}

template <class T>
StoreResult<T> required(StoreResult<std::optional<T>> r, std::string what) {
  if (!r) return fail(r.error());
  if (!*r) return fail(StoreError{StoreErrc::NotFound, std::move(what)});
  return std::move(**r);
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
  // `used` follows the record's columns (see consume_launch).
  std::string get_launch =
      "SELECT " + join(kLaunchCols) + ", used FROM launches WHERE launch_hash = ?";
  std::string put_code = upsert_sql("codes", kCodeCols, 1);
  // `used` follows the record's columns (see consume_code).
  std::string get_code = "SELECT " + join(kCodeCols) + ", used FROM codes WHERE code_hash = ?";
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

class SqliteAuthStore final : public AuthStore {
 public:
  SqliteAuthStore(std::string path, std::unique_ptr<Connection> writer)
      : path_(std::move(path)), in_memory_(path_ == ":memory:"), writer_(std::move(writer)) {}

  // The helpers come before the overrides: g++ must see their deduced return types first.
 private:
  StoreResult<void> write(const std::string& sql, const std::vector<Value>& binds,
                          std::string_view what) {
    std::lock_guard lock(write_mu_);
    return execute(*writer_, sql, binds, what);
  }

  template <class Read>
  StoreResult<std::optional<RowOf<Read>>> read_one(const std::string& sql,
                                                   const std::vector<Value>& binds,
                                                   std::string_view what, Read read) {
    return with_reader([&](Connection& db) { return query_one(db, sql, binds, what, read); });
  }

  // Runs fn inside BEGIN IMMEDIATE … COMMIT on the writer: the write lock is taken before the
  // first read, so a read-modify-write cannot interleave with another instance's.
  template <class Fn>
  auto in_transaction(Fn fn) -> decltype(fn(std::declval<Connection&>())) {
    std::lock_guard lock(write_mu_);
    Connection& db = *writer_;
    if (auto r = db.exec("BEGIN IMMEDIATE"); !r) {
      return fail(StoreError{StoreErrc::Unavailable, r.error().message});
    }
    auto r = fn(db);
    if (!r) {
      (void)db.exec("ROLLBACK");
      return r;
    }
    if (auto c = db.exec("COMMIT"); !c) {
      (void)db.exec("ROLLBACK");
      return fail(c.error());
    }
    return r;
  }

  // Runs fn on this thread's read-only connection (or the writer for in-memory databases).
  template <class Fn>
  auto with_reader(Fn fn) -> decltype(fn(std::declval<Connection&>())) {
    if (in_memory_) {
      std::lock_guard lock(write_mu_);
      return fn(*writer_);
    }
    auto db = reader();
    if (!db) return fail(db.error());
    return fn(**db);
  }

  // The store owns its readers (unlike a thread_local cache) so they close with it.
  StoreResult<Connection*> reader() {
    std::lock_guard lock(readers_mu_);
    auto& slot = readers_[std::this_thread::get_id()];
    if (!slot) {
      auto c = Connection::open(path_, /*read_only=*/true);
      if (!c) return fail(c.error());
      (void)(*c)->exec("PRAGMA query_only = 1");
      slot = std::move(*c);
    }
    return slot.get();
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
    return with_reader([&](Connection& db) {
      return query_all(db, sql().list_clients, "list clients", client_from);
    });
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
    return with_reader(
        [&](Connection& db) { return query_all(db, sql().list_users, "list users", user_from); });
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

  // Codes.
  // EHR launch contexts.
  StoreResult<void> put_launch(const LaunchRecord& l) override {
    OpTimer t("auth_put_launch");
    return write(sql().put_launch, row_of(l), "put launch");
  }
  StoreResult<std::pair<ConsumeResult, LaunchRecord>> consume_launch(
      const std::string& launch_hash) override {
    OpTimer t("auth_consume_launch");
    using Out = std::pair<ConsumeResult, LaunchRecord>;
    return in_transaction([&](Connection& db) -> StoreResult<Out> {
      auto row = query_one(
          db, sql().get_launch, {launch_hash}, "consume launch",
          [](const Statement& s) -> StoreResult<std::pair<bool, LaunchRecord>> {
            auto l = launch_from(s);
            if (!l) return fail(l.error());
            return std::pair{s.int64(static_cast<int>(kLaunchCols.size())) != 0, std::move(*l)};
          });
      if (!row) return fail(row.error());
      if (!*row) return Out{ConsumeResult::NotFound, LaunchRecord{}};
      auto& [used, record] = **row;
      if (used) return Out{ConsumeResult::AlreadyUsed, std::move(record)};
      if (auto r = execute(db, "UPDATE launches SET used = 1 WHERE launch_hash = ?",
                           {launch_hash}, "consume launch");
          !r) {
        return fail(r.error());
      }
      return Out{ConsumeResult::Ok, std::move(record)};
    });
  }
  StoreResult<LaunchRecord> get_launch(const std::string& launch_hash) override {
    OpTimer t("auth_get_launch");
    return required(read_one(sql().get_launch, {launch_hash}, "get launch", launch_from),
                    "launch");
  }

  StoreResult<void> put_code(const CodeRecord& c) override {
    OpTimer t("auth_put_code");
    return write(sql().put_code, row_of(c), "put code");
  }
  StoreResult<std::pair<ConsumeResult, CodeRecord>> consume_code(
      const std::string& code_hash) override {
    OpTimer t("auth_consume_code");
    using Out = std::pair<ConsumeResult, CodeRecord>;
    return in_transaction([&](Connection& db) -> StoreResult<Out> {
      auto row = query_one(
          db, sql().get_code, {code_hash}, "consume code",
          [](const Statement& s) -> StoreResult<std::pair<bool, CodeRecord>> {
            auto c = code_from(s);
            if (!c) return fail(c.error());
            return std::pair{s.int64(static_cast<int>(kCodeCols.size())) != 0, std::move(*c)};
          });
      if (!row) return fail(row.error());
      if (!*row) return Out{ConsumeResult::NotFound, CodeRecord{}};
      auto& [used, record] = **row;
      if (used) return Out{ConsumeResult::AlreadyUsed, std::move(record)};
      if (auto r = execute(db, "UPDATE codes SET used = 1 WHERE code_hash = ?", {code_hash},
                           "consume code");
          !r) {
        return fail(r.error());
      }
      return Out{ConsumeResult::Ok, std::move(record)};
    });
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
    return in_transaction([&](Connection& db) -> StoreResult<ConsumeResult> {
      auto used =
          query_one(db, "SELECT used FROM refresh_tokens WHERE token_hash = ?", {token_hash},
                    "rotate refresh token",
                    [](const Statement& s) -> StoreResult<bool> { return s.int64(0) != 0; });
      if (!used) return fail(used.error());
      if (!*used) return ConsumeResult::NotFound;
      if (**used) return ConsumeResult::AlreadyUsed;
      if (auto r = execute(db, "UPDATE refresh_tokens SET used = 1 WHERE token_hash = ?",
                           {token_hash}, "rotate refresh token");
          !r) {
        return fail(r.error());
      }
      if (auto r = execute(db, sql().put_refresh, row_of(next), "rotate refresh token"); !r) {
        return fail(r.error());
      }
      return ConsumeResult::Ok;
    });
  }

  // Revocation. Revoking again keeps the later expiry.
  StoreResult<void> revoke_grant(const std::string& grant_id, std::int64_t until_ms) override {
    OpTimer t("auth_revoke_grant");
    if (grant_id.empty()) return fail(StoreError{StoreErrc::Invalid, "empty grant id"});
    return write(
        "INSERT INTO revoked_grants (grant_id, until_ms) VALUES (?, ?) ON CONFLICT (grant_id) "
        "DO UPDATE SET until_ms = MAX(until_ms, excluded.until_ms)",
        {grant_id, until_ms}, "revoke grant");
  }
  StoreResult<void> revoke_jti(const std::string& jti, std::int64_t until_ms) override {
    OpTimer t("auth_revoke_jti");
    if (jti.empty()) return fail(StoreError{StoreErrc::Invalid, "empty jti"});
    return write(
        "INSERT INTO revoked_jtis (jti, until_ms) VALUES (?, ?) ON CONFLICT (jti) "
        "DO UPDATE SET until_ms = MAX(until_ms, excluded.until_ms)",
        {jti, until_ms}, "revoke jti");
  }
  StoreResult<bool> is_revoked(const std::string& grant_id, const std::string& jti) override {
    OpTimer t("auth_is_revoked");
    if (grant_id.empty() && jti.empty()) return false;
    auto r = read_one(
        "SELECT EXISTS (SELECT 1 FROM revoked_grants WHERE grant_id = ?1 AND ?1 <> '') OR "
        "EXISTS (SELECT 1 FROM revoked_jtis WHERE jti = ?2 AND ?2 <> '')",
        {grant_id, jti}, "is revoked",
        [](const Statement& s) -> StoreResult<bool> { return s.int64(0) != 0; });
    if (!r) return fail(r.error());
    return r->value_or(false);
  }

  // Client-assertion replay cache: any recorded key is a replay until purge_expired drops it.
  StoreResult<bool> use_assertion_jti(const std::string& key, std::int64_t until_ms) override {
    OpTimer t("auth_use_assertion_jti");
    if (key.empty()) return fail(StoreError{StoreErrc::Invalid, "empty jti"});
    return in_transaction([&](Connection& db) -> StoreResult<bool> {
      auto seen = query_one(db, "SELECT until_ms FROM assertion_jtis WHERE key = ?", {key},
                            "assertion jti", [](const Statement& s) -> StoreResult<std::int64_t> {
                              return s.int64(0);
                            });
      if (!seen) return fail(seen.error());
      if (*seen) return false;
      if (auto r = execute(db, "INSERT INTO assertion_jtis (key, until_ms) VALUES (?, ?)",
                           {key, until_ms}, "assertion jti");
          !r) {
        return fail(r.error());
      }
      return true;
    });
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
    auto r = read_one(
        "SELECT EXISTS (SELECT 1 FROM initial_access_tokens WHERE token_hash = ? AND "
        "expires_ms > ?)",
        {token_hash, now_ms}, "check initial access token",
        [](const Statement& s) -> StoreResult<bool> { return s.int64(0) != 0; });
    if (!r) return fail(r.error());
    return r->value_or(false);
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
    return with_reader(
        [&](Connection& db) { return query_all(db, sql().list_keys, "list keys", key_from); });
  }

  StoreResult<void> purge_expired(std::int64_t now_ms) override {
    OpTimer t("auth_purge_expired");
    return in_transaction([&](Connection& db) -> StoreResult<void> {
      for (const char* stmt : {"DELETE FROM sessions WHERE expires_ms <= ?",
                               "DELETE FROM pending_authorizations WHERE expires_ms <= ?",
                               "DELETE FROM launches WHERE expires_ms <= ?",
                               "DELETE FROM codes WHERE expires_ms <= ?",
                               "DELETE FROM refresh_tokens WHERE expires_ms <= ?",
                               "DELETE FROM revoked_grants WHERE until_ms <= ?",
                               "DELETE FROM revoked_jtis WHERE until_ms <= ?",
                               "DELETE FROM assertion_jtis WHERE until_ms <= ?",
                               "DELETE FROM initial_access_tokens WHERE expires_ms <= ?"}) {
        if (auto r = execute(db, stmt, {now_ms}, "purge expired"); !r) return r;
      }
      return {};
    });
  }

 private:
  std::string path_;
  bool in_memory_;
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mu_;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> readers_;
};

}  // namespace

StoreResult<std::unique_ptr<AuthStore>> open_sqlite_auth_store(const std::string& path) {
  auto writer = open_writer(path);
  if (!writer) return fail(writer.error());
  return std::unique_ptr<AuthStore>(std::make_unique<SqliteAuthStore>(path, std::move(*writer)));
}

}  // namespace ember::store::sqlite

namespace ember::store {

// The same URL forms as open_store (sqlite_store.cc).
StoreResult<std::unique_ptr<AuthStore>> open_auth_store(const StoreOptions& options) {
  auto path = sqlite::sqlite_path(options.url);
  if (!path) return fail(path.error());
  return sqlite::open_sqlite_auth_store(*path);
}

}  // namespace ember::store
