// Token files: created 0600 (directories 0700), refused when group/others can read them,
// round-tripped through JSON; the default location follows XDG.
#include "ember/client/tokens.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "jose/jwk.h"

namespace ember::client {
namespace {

namespace fs = std::filesystem;

class TokenFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("ember-client-tokens-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    path = (dir / "nested" / "tokens.json").string();
  }
  void TearDown() override { fs::remove_all(dir); }

  static SessionState sample() {
    SessionState s;
    s.fhir_base = "https://ehr.example/fhir";
    s.issuer = "https://ehr.example";
    s.token_endpoint = "https://ehr.example/token";
    s.revocation_endpoint = "https://ehr.example/revoke";
    s.credentials = ClientCredentials::with_secret("app", "s3cret");
    s.requested_scope = "openid patient/*.rs";
    s.tokens.access_token = "at";
    s.tokens.refresh_token = "rt";
    s.tokens.id_token = "a.b.c";
    s.tokens.expires_at = std::chrono::system_clock::time_point(std::chrono::seconds(1700003600));
    s.tokens.context.patient = "alice";
    s.tokens.context.fhir_user = "Patient/alice";
    s.tokens.context.scope = "openid patient/*.rs";
    s.tokens.context.need_patient_banner = true;
    s.tokens.context.fhir_context = *Json::parse(R"([{"reference":"Encounter/e1"}])");
    return s;
  }

  static unsigned mode_of(const std::string& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 0777;
  }

  fs::path dir;
  std::string path;
};

TEST_F(TokenFileTest, SavesWithMode0600AndLoadsBack) {
  ::umask(022);
  auto store = file_token_store(path);
  ASSERT_TRUE(store->save(sample()));
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(mode_of((dir / "nested").string()), 0700u);
  auto loaded = store->load();
  ASSERT_TRUE(loaded) << loaded.error().describe();
  ASSERT_TRUE(*loaded);
  const SessionState& s = **loaded;
  EXPECT_EQ(s.fhir_base, "https://ehr.example/fhir");
  EXPECT_EQ(s.revocation_endpoint, "https://ehr.example/revoke");
  EXPECT_EQ(s.credentials.auth, ClientAuth::ClientSecretBasic);
  EXPECT_EQ(s.credentials.client_secret, "s3cret");
  EXPECT_EQ(s.tokens.refresh_token, "rt");
  EXPECT_EQ(s.tokens.expires_at, sample().tokens.expires_at);
  EXPECT_EQ(s.tokens.context.patient, "alice");
  EXPECT_EQ(s.tokens.context.fhir_user, "Patient/alice");
  EXPECT_TRUE(s.tokens.context.need_patient_banner);
  EXPECT_EQ(s.tokens.context.fhir_context[0]["reference"].string_or(), "Encounter/e1");
  EXPECT_EQ(s.requested_scope, "openid patient/*.rs");
}

TEST_F(TokenFileTest, RefusesAFileOthersCanRead) {
  auto store = file_token_store(path);
  ASSERT_TRUE(store->save(sample()));
  for (unsigned mode : {0644u, 0640u, 0604u, 0660u}) {
    ::chmod(path.c_str(), mode);
    auto loaded = store->load();
    ASSERT_FALSE(loaded) << std::oct << mode;
    EXPECT_EQ(loaded.error().kind, ErrorKind::Storage);
    EXPECT_EQ(loaded.error().reason, "unsafe_permissions");
  }
  ::chmod(path.c_str(), 0600);
  EXPECT_TRUE(store->load());
}

TEST_F(TokenFileTest, SaveRepairsTheModeOfAnOverwrittenFile) {
  auto store = file_token_store(path);
  ASSERT_TRUE(store->save(sample()));
  ::chmod(path.c_str(), 0644);
  ASSERT_TRUE(store->save(sample()));
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST_F(TokenFileTest, MissingFileIsEmptyAndClearDeletes) {
  auto store = file_token_store(path);
  auto none = store->load();
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  ASSERT_TRUE(store->save(sample()));
  ASSERT_TRUE(store->clear());
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(store->clear());  // idempotent
}

TEST_F(TokenFileTest, GarbageIsAStorageError) {
  fs::create_directories(fs::path(path).parent_path());
  { std::ofstream(path) << "not json"; }
  ::chmod(path.c_str(), 0600);
  auto loaded = file_token_store(path)->load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, ErrorKind::Storage);
}

TEST_F(TokenFileTest, PrivateKeyClientsStoreTheKeyFilePathNotTheKey) {
  auto key = jose::Key::generate_ec(jose::Curve::P384);
  ASSERT_TRUE(key);
  fs::create_directories(dir);
  const std::string key_file = (dir / "key.pem").string();
  { std::ofstream(key_file) << *key->private_pem(); }
  auto creds = ClientCredentials::with_private_key_file("app", key_file, SigningAlg::ES384);
  ASSERT_TRUE(creds) << creds.error().describe();
  SessionState s = sample();
  s.credentials = *creds;
  const std::string text = to_json(s);
  EXPECT_EQ(text.find("PRIVATE KEY"), std::string::npos);
  EXPECT_NE(text.find(key_file), std::string::npos);
  auto back = session_state_from_json(text);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(back->credentials.auth, ClientAuth::PrivateKeyJwt);
  EXPECT_EQ(back->credentials.alg, SigningAlg::ES384);
  EXPECT_EQ(back->credentials.private_key_pem, creds->private_key_pem);
}

TEST(TokenFileLocation, FollowsXdgConfigHome) {
  const char* old_xdg = std::getenv("XDG_CONFIG_HOME");
  const std::string saved = old_xdg ? old_xdg : "";
  ::setenv("XDG_CONFIG_HOME", "/tmp/xdg", 1);
  EXPECT_EQ(default_token_file(), "/tmp/xdg/ember-client/tokens.json");
  ::unsetenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (home) {
    EXPECT_EQ(default_token_file(), std::string(home) + "/.config/ember-client/tokens.json");
  }
  if (old_xdg) ::setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
}

TEST(LaunchContextScopes, SplitsAndFinds) {
  LaunchContext c;
  c.scope = "openid  fhirUser patient/*.rs";
  EXPECT_EQ(c.scopes(), (std::vector<std::string>{"openid", "fhirUser", "patient/*.rs"}));
  EXPECT_TRUE(c.has_scope("fhirUser"));
  EXPECT_FALSE(c.has_scope("patient"));
}

}  // namespace
}  // namespace ember::client
