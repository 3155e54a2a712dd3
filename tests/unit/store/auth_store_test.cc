#include "store/auth_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "backends.h"

namespace ember::store {
namespace {

// Every test runs on SQLite and on PostgreSQL (tests/unit/store/backends.h).
class AuthStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    EMBER_REQUIRE_DATABASE(db_);
    auto s = open_auth_store(StoreOptions{db_.url()});
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override { store_.reset(); }
  // The database's URL: a second store opened on it is another instance sharing the state.
  const std::string& url() const { return db_.url(); }

  static ClientRecord client(std::string id) {
    ClientRecord c;
    c.client_id = std::move(id);
    c.name = "Growth Chart";
    c.type = ClientType::ConfidentialAsymmetric;
    c.secret_hash = "$argon2id$v=19$x";
    c.redirect_uris = {"https://app.example/cb", "https://app.example/cb2?x=1"};
    c.launch_url = "https://app.example/launch";
    c.allowed_scopes = "launch openid patient/*.rs";
    c.jwks = R"({"keys":[]})";
    c.jwks_uri = "https://app.example/jwks";
    c.allowed_origins = {"https://app.example", "http://localhost:3000"};
    c.created_ms = 1700000000123;
    return c;
  }

  static CodeRecord code(std::string hash) {
    return CodeRecord{std::move(hash),
                      "grant-1",
                      "app",
                      "https://app.example/cb",
                      "challenge",
                      "alice",
                      "openid patient/*.rs",
                      "pat-1",
                      "enc-1",
                      "Patient/pat-1",
                      "nonce-1",
                      "sess-1",
                      false,
                      "https://ehr/style.json",
                      1700000000,
                      5000};
  }

  static RefreshRecord refresh(std::string hash, std::int64_t expires_ms = 9000) {
    RefreshRecord r;
    r.token_hash = std::move(hash);
    r.grant_id = "grant-1";
    r.client_id = "app";
    r.username = "alice";
    r.scope = "offline_access patient/*.rs";
    r.patient_id = "pat-1";
    r.encounter_id = "enc-1";
    r.fhir_user = "Patient/pat-1";
    r.session_hash = "sess-1";
    r.need_patient_banner = false;
    r.smart_style_url = "https://ehr/style.json";
    r.auth_time_s = 1700000000;
    r.expires_ms = expires_ms;
    return r;
  }

  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<AuthStore> store_;
};

void expect_eq(const ClientRecord& a, const ClientRecord& b) {
  EXPECT_EQ(a.client_id, b.client_id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.secret_hash, b.secret_hash);
  EXPECT_EQ(a.redirect_uris, b.redirect_uris);
  EXPECT_EQ(a.launch_url, b.launch_url);
  EXPECT_EQ(a.allowed_scopes, b.allowed_scopes);
  EXPECT_EQ(a.jwks, b.jwks);
  EXPECT_EQ(a.jwks_uri, b.jwks_uri);
  EXPECT_EQ(a.allowed_origins, b.allowed_origins);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.auto_approve, b.auto_approve);
}

void expect_eq(const CodeRecord& a, const CodeRecord& b) {
  EXPECT_EQ(a.code_hash, b.code_hash);
  EXPECT_EQ(a.grant_id, b.grant_id);
  EXPECT_EQ(a.client_id, b.client_id);
  EXPECT_EQ(a.redirect_uri, b.redirect_uri);
  EXPECT_EQ(a.code_challenge, b.code_challenge);
  EXPECT_EQ(a.username, b.username);
  EXPECT_EQ(a.scope, b.scope);
  EXPECT_EQ(a.patient_id, b.patient_id);
  EXPECT_EQ(a.encounter_id, b.encounter_id);
  EXPECT_EQ(a.fhir_user, b.fhir_user);
  EXPECT_EQ(a.nonce, b.nonce);
  EXPECT_EQ(a.session_hash, b.session_hash);
  EXPECT_EQ(a.need_patient_banner, b.need_patient_banner);
  EXPECT_EQ(a.smart_style_url, b.smart_style_url);
  EXPECT_EQ(a.auth_time_s, b.auth_time_s);
  EXPECT_EQ(a.expires_ms, b.expires_ms);
  EXPECT_EQ(a.fhir_context, b.fhir_context);
  EXPECT_EQ(a.intent, b.intent);
  EXPECT_EQ(a.simulate, b.simulate);
}

void expect_eq(const RefreshRecord& a, const RefreshRecord& b) {
  EXPECT_EQ(a.token_hash, b.token_hash);
  EXPECT_EQ(a.grant_id, b.grant_id);
  EXPECT_EQ(a.client_id, b.client_id);
  EXPECT_EQ(a.username, b.username);
  EXPECT_EQ(a.scope, b.scope);
  EXPECT_EQ(a.patient_id, b.patient_id);
  EXPECT_EQ(a.encounter_id, b.encounter_id);
  EXPECT_EQ(a.fhir_user, b.fhir_user);
  EXPECT_EQ(a.session_hash, b.session_hash);
  EXPECT_EQ(a.need_patient_banner, b.need_patient_banner);
  EXPECT_EQ(a.smart_style_url, b.smart_style_url);
  EXPECT_EQ(a.auth_time_s, b.auth_time_s);
  EXPECT_EQ(a.expires_ms, b.expires_ms);
  EXPECT_EQ(a.used, b.used);
  EXPECT_EQ(a.fhir_context, b.fhir_context);
  EXPECT_EQ(a.intent, b.intent);
}

TEST_P(AuthStoreTest, ClientRoundTripUpsertListDelete) {
  auto missing = store_->get_client("app");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, StoreErrc::NotFound);

  ClientRecord c = client("app");
  ASSERT_TRUE(store_->put_client(c));
  auto got = store_->get_client("app");
  ASSERT_TRUE(got) << got.error().message;
  expect_eq(*got, c);

  c.name = "Renamed";
  c.type = ClientType::Public;
  c.secret_hash = "";
  c.redirect_uris = {};
  c.allowed_origins = {"https://only.example"};
  ASSERT_TRUE(store_->put_client(c));
  expect_eq(*store_->get_client("app"), c);

  ClientRecord other = client("another");
  other.type = ClientType::Backend;
  ASSERT_TRUE(store_->put_client(other));
  ClientRecord sym = client("sym");
  sym.type = ClientType::ConfidentialSymmetric;
  ASSERT_TRUE(store_->put_client(sym));
  auto all = store_->list_clients();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  expect_eq((*all)[0], other);
  expect_eq((*all)[1], c);
  expect_eq((*all)[2], sym);

  ASSERT_TRUE(store_->delete_client("app"));
  EXPECT_EQ(store_->get_client("app").error().code, StoreErrc::NotFound);
  EXPECT_TRUE(store_->delete_client("app"));  // idempotent
  EXPECT_EQ(store_->list_clients()->size(), 2u);
}

TEST_P(AuthStoreTest, UserRoundTripUpsertList) {
  EXPECT_EQ(store_->get_user("alice").error().code, StoreErrc::NotFound);
  UserRecord alice{"alice", "$argon2id$a", "Alice Smith", UserRole::Patient, "Patient/alice"};
  UserRecord smith{"dr-smith", "$argon2id$s", "Dr. Sarah Smith", UserRole::Practitioner,
                   "Practitioner/dr-smith"};
  ASSERT_TRUE(store_->put_user(smith));
  ASSERT_TRUE(store_->put_user(alice));
  auto got = store_->get_user("alice");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->username, "alice");
  EXPECT_EQ(got->password_hash, "$argon2id$a");
  EXPECT_EQ(got->display, "Alice Smith");
  EXPECT_EQ(got->role, UserRole::Patient);
  EXPECT_EQ(got->fhir_user, "Patient/alice");

  alice.display = "Alice Jones";
  ASSERT_TRUE(store_->put_user(alice));
  auto users = store_->list_users();
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].display, "Alice Jones");
  EXPECT_EQ((*users)[1].username, "dr-smith");
  EXPECT_EQ((*users)[1].role, UserRole::Practitioner);
  EXPECT_EQ((*users)[1].fhir_user, "Practitioner/dr-smith");
}

TEST_P(AuthStoreTest, SessionRoundTripUpsertDelete) {
  EXPECT_EQ(store_->get_session("h").error().code, StoreErrc::NotFound);
  SessionRecord s{"h", "alice", "csrf-1", 1700000000, 123456};
  ASSERT_TRUE(store_->put_session(s));
  auto got = store_->get_session("h");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->id_hash, "h");
  EXPECT_EQ(got->username, "alice");
  EXPECT_EQ(got->csrf, "csrf-1");
  EXPECT_EQ(got->auth_time_s, 1700000000);
  EXPECT_EQ(got->expires_ms, 123456);
  s.csrf = "csrf-2";
  ASSERT_TRUE(store_->put_session(s));
  EXPECT_EQ(store_->get_session("h")->csrf, "csrf-2");
  ASSERT_TRUE(store_->delete_session("h"));
  EXPECT_EQ(store_->get_session("h").error().code, StoreErrc::NotFound);
  EXPECT_TRUE(store_->delete_session("h"));
}

TEST_P(AuthStoreTest, PendingRoundTripReplaceDelete) {
  EXPECT_EQ(store_->get_pending("t").error().code, StoreErrc::NotFound);
  PendingAuthorization p{"t",
                         "app",
                         "https://app.example/cb",
                         "launch openid",
                         "st",
                         "no",
                         "chal",
                         "launch-1",
                         "pat-1",
                         "enc-1",
                         "",
                         777};
  ASSERT_TRUE(store_->put_pending(p));
  auto got = store_->get_pending("t");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->txn, "t");
  EXPECT_EQ(got->client_id, "app");
  EXPECT_EQ(got->redirect_uri, "https://app.example/cb");
  EXPECT_EQ(got->scope, "launch openid");
  EXPECT_EQ(got->state, "st");
  EXPECT_EQ(got->nonce, "no");
  EXPECT_EQ(got->code_challenge, "chal");
  EXPECT_EQ(got->launch, "launch-1");
  EXPECT_EQ(got->patient_id, "pat-1");
  EXPECT_EQ(got->encounter_id, "enc-1");
  EXPECT_EQ(got->session_hash, "");
  EXPECT_EQ(got->expires_ms, 777);

  p.session_hash = "sess-1";
  p.patient_id = "";
  ASSERT_TRUE(store_->put_pending(p));
  got = store_->get_pending("t");
  EXPECT_EQ(got->session_hash, "sess-1");
  EXPECT_EQ(got->patient_id, "");
  ASSERT_TRUE(store_->delete_pending("t"));
  EXPECT_EQ(store_->get_pending("t").error().code, StoreErrc::NotFound);
}

TEST_P(AuthStoreTest, LaunchIsSingleUseAndStaysReadableAfterUse) {
  LaunchRecord l;
  l.launch_hash = "launch-hash";
  l.client_id = "app";
  l.username = "dr.smith";
  l.patient_id = "alice";
  l.encounter_id = "enc-1";
  l.fhir_context = R"([{"reference":"Observation/obs-1"}])";
  l.intent = "reconcile-medications";
  l.need_patient_banner = false;
  l.smart_style_url = "https://ehr/style.json";
  l.simulate = "fhir_401";
  l.expires_ms = 5000;
  ASSERT_TRUE(store_->put_launch(l));
  auto first = store_->consume_launch("launch-hash");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->first, ConsumeResult::Ok);
  EXPECT_EQ(first->second.client_id, "app");
  EXPECT_EQ(first->second.username, "dr.smith");
  EXPECT_EQ(first->second.encounter_id, "enc-1");
  EXPECT_EQ(first->second.fhir_context, l.fhir_context);
  EXPECT_EQ(first->second.intent, l.intent);
  EXPECT_FALSE(first->second.need_patient_banner);
  EXPECT_EQ(first->second.simulate, "fhir_401");
  EXPECT_EQ(store_->consume_launch("launch-hash")->first, ConsumeResult::AlreadyUsed);
  EXPECT_EQ(store_->consume_launch("other")->first, ConsumeResult::NotFound);
  auto again = store_->get_launch("launch-hash");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->patient_id, "alice");
  ASSERT_TRUE(store_->purge_expired(5000));
  EXPECT_EQ(store_->get_launch("launch-hash").error().code, StoreErrc::NotFound);
}

TEST_P(AuthStoreTest, ConsumeCodeOnceThenAlreadyUsedThenMissing) {
  CodeRecord c = code("code-hash");
  ASSERT_TRUE(store_->put_code(c));

  auto first = store_->consume_code("code-hash");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->first, ConsumeResult::Ok);
  expect_eq(first->second, c);

  auto second = store_->consume_code("code-hash");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->first, ConsumeResult::AlreadyUsed);
  expect_eq(second->second, c);  // so the caller can revoke its grant

  // Putting the same code again does not make it usable again.
  ASSERT_TRUE(store_->put_code(c));
  EXPECT_EQ(store_->consume_code("code-hash")->first, ConsumeResult::AlreadyUsed);

  auto missing = store_->consume_code("nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->first, ConsumeResult::NotFound);
}

// Half the threads go through a second store on the same database, as another instance would:
// the database (BEGIN IMMEDIATE on SQLite, the conditional UPDATE on PostgreSQL), not only an
// in-process mutex, must make the code single-use.
TEST_P(AuthStoreTest, ConsumeCodeIsSingleUseAcrossThreadsAndInstances) {
  auto other = open_auth_store(StoreOptions{url()});
  ASSERT_TRUE(other) << other.error().message;
  ASSERT_TRUE(store_->put_code(code("raced")));
  constexpr int kThreads = 8;
  std::atomic<int> ok{0};
  std::atomic<int> used{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    AuthStore& s = i % 2 ? **other : *store_;
    threads.emplace_back([&s, &ok, &used] {
      auto r = s.consume_code("raced");
      if (r && r->first == ConsumeResult::Ok) ++ok;
      if (r && r->first == ConsumeResult::AlreadyUsed) ++used;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(used.load(), kThreads - 1);
}

TEST_P(AuthStoreTest, RefreshRoundTripAndRotation) {
  EXPECT_EQ(store_->get_refresh("r1").error().code, StoreErrc::NotFound);
  RefreshRecord r1 = refresh("r1");
  ASSERT_TRUE(store_->put_refresh(r1));
  auto got = store_->get_refresh("r1");
  ASSERT_TRUE(got);
  expect_eq(*got, r1);

  RefreshRecord r2 = refresh("r2", 12000);
  r2.session_hash = "";
  ASSERT_EQ(*store_->rotate_refresh("r1", r2), ConsumeResult::Ok);
  r1.used = true;
  expect_eq(*store_->get_refresh("r1"), r1);
  expect_eq(*store_->get_refresh("r2"), r2);

  // Reuse of the rotated-away token: AlreadyUsed, and nothing is inserted.
  RefreshRecord r3 = refresh("r3");
  ASSERT_EQ(*store_->rotate_refresh("r1", r3), ConsumeResult::AlreadyUsed);
  EXPECT_EQ(store_->get_refresh("r3").error().code, StoreErrc::NotFound);

  ASSERT_EQ(*store_->rotate_refresh("missing", r3), ConsumeResult::NotFound);
  EXPECT_EQ(store_->get_refresh("r3").error().code, StoreErrc::NotFound);
}

TEST_P(AuthStoreTest, Revocation) {
  EXPECT_FALSE(*store_->is_revoked("g1", "j1"));
  EXPECT_FALSE(*store_->is_revoked("", ""));
  ASSERT_TRUE(store_->revoke_grant("g1", 1000));
  ASSERT_TRUE(store_->revoke_jti("j2", 1000));
  EXPECT_TRUE(*store_->is_revoked("g1", ""));
  EXPECT_TRUE(*store_->is_revoked("g1", "j1"));
  EXPECT_TRUE(*store_->is_revoked("", "j2"));
  EXPECT_TRUE(*store_->is_revoked("g9", "j2"));
  EXPECT_FALSE(*store_->is_revoked("g2", "j1"));
  EXPECT_FALSE(*store_->is_revoked("j2", "g1"));  // each id is looked up in its own table
  EXPECT_FALSE(*store_->is_revoked("", ""));
  EXPECT_EQ(store_->revoke_grant("", 1000).error().code, StoreErrc::Invalid);
  EXPECT_EQ(store_->revoke_jti("", 1000).error().code, StoreErrc::Invalid);
}

TEST_P(AuthStoreTest, TokenStatusAnswersRevocationAndClientInOneQuery) {
  ASSERT_TRUE(store_->put_client(client("app")));
  auto fine = store_->token_status("g1", "j1", "app");
  ASSERT_TRUE(fine) << fine.error().message;
  EXPECT_FALSE(fine->revoked);
  EXPECT_TRUE(fine->client_exists);
  ASSERT_TRUE(store_->revoke_grant("g1", 1000));
  EXPECT_TRUE(store_->token_status("g1", "j1", "app")->revoked);
  ASSERT_TRUE(store_->revoke_jti("j2", 1000));
  EXPECT_TRUE(store_->token_status("", "j2", "app")->revoked);
  EXPECT_FALSE(store_->token_status("g2", "j1", "app")->revoked);
  EXPECT_FALSE(store_->token_status("", "", "gone")->client_exists);
  ASSERT_TRUE(store_->delete_client("app"));
  EXPECT_FALSE(store_->token_status("g2", "j1", "app")->client_exists);
}

TEST_P(AuthStoreTest, ConsentGetMissingAndUpsert) {
  auto none = store_->get_consent("app", "alice");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store_->put_consent({"app", "alice", "patient/*.rs"}));
  ASSERT_TRUE(store_->put_consent({"app", "bob", "launch"}));
  ASSERT_TRUE(store_->put_consent({"app", "alice", "patient/*.rs offline_access"}));
  auto got = store_->get_consent("app", "alice");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->client_id, "app");
  EXPECT_EQ((*got)->username, "alice");
  EXPECT_EQ((*got)->scope, "patient/*.rs offline_access");
  EXPECT_EQ((**store_->get_consent("app", "bob")).scope, "launch");
  EXPECT_FALSE(store_->get_consent("other", "alice")->has_value());
}

TEST_P(AuthStoreTest, KeysListInCreationOrder) {
  ASSERT_TRUE(store_->list_keys()->empty());
  KeyRecord rsa{"k-rsa", "RS256", "-----BEGIN PRIVATE KEY-----\nB\n", 2000, 0};
  KeyRecord ec{"k-ec", "ES256", "-----BEGIN PRIVATE KEY-----\nA\n", 1000, 0};
  ASSERT_TRUE(store_->put_key(rsa));
  ASSERT_TRUE(store_->put_key(ec));
  ec.retired_ms = 5000;
  ASSERT_TRUE(store_->put_key(ec));
  auto keys = store_->list_keys();
  ASSERT_TRUE(keys);
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].kid, "k-ec");
  EXPECT_EQ((*keys)[0].alg, "ES256");
  EXPECT_EQ((*keys)[0].private_pem, ec.private_pem);
  EXPECT_EQ((*keys)[0].created_ms, 1000);
  EXPECT_EQ((*keys)[0].retired_ms, 5000);
  EXPECT_EQ((*keys)[1].kid, "k-rsa");
  EXPECT_EQ((*keys)[1].retired_ms, 0);
}

TEST_P(AuthStoreTest, PurgeExpiredDeletesOnlyExpiredRows) {
  ASSERT_TRUE(store_->put_session({"s-old", "alice", "c", 1, 100}));
  ASSERT_TRUE(store_->put_session({"s-new", "alice", "c", 1, 101}));
  PendingAuthorization p;
  p.txn = "p-old";
  p.expires_ms = 100;
  ASSERT_TRUE(store_->put_pending(p));
  p.txn = "p-new";
  p.expires_ms = 101;
  ASSERT_TRUE(store_->put_pending(p));
  CodeRecord c = code("c-old");
  c.expires_ms = 50;
  ASSERT_TRUE(store_->put_code(c));
  c.code_hash = "c-new";
  c.expires_ms = 200;
  ASSERT_TRUE(store_->put_code(c));
  ASSERT_TRUE(store_->put_refresh(refresh("r-old", 100)));
  ASSERT_TRUE(store_->put_refresh(refresh("r-new", 101)));
  ASSERT_TRUE(store_->revoke_grant("g-old", 100));
  ASSERT_TRUE(store_->revoke_grant("g-new", 101));
  ASSERT_TRUE(store_->revoke_jti("j-old", 100));
  ASSERT_TRUE(store_->revoke_jti("j-new", 101));
  ASSERT_TRUE(store_->put_client(client("app")));
  ASSERT_TRUE(store_->put_key({"k", "ES256", "pem", 1, 2}));
  ASSERT_TRUE(store_->put_consent({"app", "alice", "launch"}));

  ASSERT_TRUE(store_->purge_expired(100));

  EXPECT_EQ(store_->get_session("s-old").error().code, StoreErrc::NotFound);
  EXPECT_TRUE(store_->get_session("s-new"));
  EXPECT_EQ(store_->get_pending("p-old").error().code, StoreErrc::NotFound);
  EXPECT_TRUE(store_->get_pending("p-new"));
  EXPECT_EQ(store_->consume_code("c-old")->first, ConsumeResult::NotFound);
  EXPECT_EQ(store_->consume_code("c-new")->first, ConsumeResult::Ok);
  EXPECT_EQ(store_->get_refresh("r-old").error().code, StoreErrc::NotFound);
  EXPECT_TRUE(store_->get_refresh("r-new"));
  EXPECT_FALSE(*store_->is_revoked("g-old", "j-old"));
  EXPECT_TRUE(*store_->is_revoked("g-new", ""));
  EXPECT_TRUE(*store_->is_revoked("", "j-new"));
  // Clients, keys and consents do not expire.
  EXPECT_TRUE(store_->get_client("app"));
  EXPECT_EQ(store_->list_keys()->size(), 1u);
  EXPECT_TRUE(store_->get_consent("app", "alice")->has_value());
}

TEST_P(AuthStoreTest, RevokeAgainKeepsLaterExpiry) {
  ASSERT_TRUE(store_->revoke_grant("g", 500));
  ASSERT_TRUE(store_->revoke_grant("g", 100));
  ASSERT_TRUE(store_->purge_expired(200));
  EXPECT_TRUE(*store_->is_revoked("g", ""));
}

TEST_P(AuthStoreTest, ReadsOnOtherThreadsSeeCommittedWrites) {
  ASSERT_TRUE(store_->put_user({"u", "h", "U", UserRole::Patient, "Patient/u"}));
  std::thread([&] {
    auto got = store_->get_user("u");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->display, "U");
  }).join();
  ASSERT_TRUE(store_->put_user({"u", "h", "U2", UserRole::Patient, "Patient/u"}));
  std::thread([&] { EXPECT_EQ(store_->get_user("u")->display, "U2"); }).join();
}

TEST_P(AuthStoreTest, SecondInstanceOnSameFileSharesState) {
  auto other = open_auth_store(StoreOptions{url()});  // plain path form
  ASSERT_TRUE(other) << other.error().message;
  ASSERT_TRUE(store_->put_code(code("shared")));
  EXPECT_EQ((*other)->consume_code("shared")->first, ConsumeResult::Ok);
  EXPECT_EQ(store_->consume_code("shared")->first, ConsumeResult::AlreadyUsed);
}

TEST_P(AuthStoreTest, OpensBeforeTheResourceStore) {
  // SetUp opened the auth store on a fresh database; the resource store comes second.
  auto resources = open_store(StoreOptions{url()});
  ASSERT_TRUE(resources) << resources.error().message;
  EXPECT_TRUE((*resources)->ping());
  ASSERT_TRUE(store_->put_user({"u", "h", "U", UserRole::Patient, "Patient/u"}));
  EXPECT_TRUE(store_->get_user("u"));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthStoreTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

ClientRecord client_for_open_test() {
  ClientRecord c;
  c.client_id = "app";
  c.name = "App";
  return c;
}

int schema_version(const std::string& path) {
  auto db = sqlite::Connection::open(path, /*read_only=*/true);
  if (!db) return -1;
  auto st = (*db)->prepare("SELECT MAX(version) FROM schema_migrations");
  if (!st || (*st)->step() != SQLITE_ROW) return -1;
  return static_cast<int>((*st)->int64(0));
}

TEST(AuthStoreSqlite, OpensBeforeAndAfterTheResourceStore) {
  testing::TestDatabase first("sqlite"), second("sqlite");
  const std::string a = (first.dir() / "t.db").string(), b = (second.dir() / "t.db").string();
  auto auth_a = open_auth_store(StoreOptions{"sqlite:" + a});
  ASSERT_TRUE(auth_a) << auth_a.error().message;
  auto resources_a = open_store(StoreOptions{a});
  ASSERT_TRUE(resources_a) << resources_a.error().message;
  EXPECT_EQ(schema_version(a), sqlite::migrations().back().version);

  auto resources_b = open_store(StoreOptions{b});
  ASSERT_TRUE(resources_b) << resources_b.error().message;
  auto auth_b = open_auth_store(StoreOptions{"sqlite:" + b});
  ASSERT_TRUE(auth_b) << auth_b.error().message;
  EXPECT_EQ(schema_version(b), sqlite::migrations().back().version);
  EXPECT_GE(sqlite::migrations().back().version, 3);
  ASSERT_TRUE((*auth_b)->put_client(client_for_open_test()));
  EXPECT_TRUE((*auth_b)->get_client("app"));
  EXPECT_TRUE((*resources_b)->ping());
}

TEST(AuthStoreOpen, InMemoryAndBadUrls) {
  auto mem = open_auth_store(StoreOptions{":memory:"});
  ASSERT_TRUE(mem) << mem.error().message;
  ASSERT_TRUE((*mem)->put_consent({"app", "alice", "launch"}));
  EXPECT_EQ((**(*mem)->get_consent("app", "alice")).scope, "launch");
  EXPECT_EQ(open_auth_store(StoreOptions{""}).error().code, StoreErrc::Invalid);
  EXPECT_EQ(open_auth_store(StoreOptions{"mysql://db/ember"}).error().code, StoreErrc::Invalid);
  // A PostgreSQL server that is not there: Unavailable, not a crash or a hang.
  auto down = open_auth_store(StoreOptions{"postgresql://127.0.0.1:1/ember?connect_timeout=2"});
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, StoreErrc::Unavailable);
}

}  // namespace
}  // namespace ember::store

namespace ember::store {
namespace {

TEST_P(AuthStoreTest, RegistrationMetadataReplayCacheAndInitialTokens) {
  auto* st = &store_;
  ClientRecord c;
  c.client_id = "dyn";
  c.name = "Dynamic";
  c.auth_method = "private_key_jwt";
  c.grant_types = {"authorization_code", "refresh_token"};
  c.registration_token_hash = "h";
  c.logo_uri = "https://app.example/logo.png";
  c.contacts = {"dev@app.example"};
  ASSERT_TRUE((*st)->put_client(c));
  auto back = (*st)->get_client("dyn");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->auth_method, "private_key_jwt");
  EXPECT_EQ(back->grant_types, c.grant_types);
  EXPECT_EQ(back->registration_token_hash, "h");
  EXPECT_EQ(back->logo_uri, c.logo_uri);
  EXPECT_EQ(back->contacts, c.contacts);

  EXPECT_TRUE(*(*st)->use_assertion_jti("client|jti-1", 5000));
  EXPECT_FALSE(*(*st)->use_assertion_jti("client|jti-1", 5000));
  EXPECT_TRUE(*(*st)->use_assertion_jti("client|jti-2", 5000));
  ASSERT_TRUE((*st)->purge_expired(6000));
  EXPECT_TRUE(*(*st)->use_assertion_jti("client|jti-1", 9000));

  ASSERT_TRUE((*st)->put_initial_access_token("iat", 1000));
  EXPECT_TRUE(*(*st)->check_initial_access_token("iat", 999));
  EXPECT_FALSE(*(*st)->check_initial_access_token("iat", 1000));
  EXPECT_FALSE(*(*st)->check_initial_access_token("other", 0));
}

}  // namespace
}  // namespace ember::store
