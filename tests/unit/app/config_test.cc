#include "app/config.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

#include "config_harness.h"

namespace ember::app {
namespace {

using testing::Env;
using testing::env_of;
using testing::load;

class TempFile {
 public:
  explicit TempFile(const std::string& text) {
    path_ =
        std::filesystem::temp_directory_path() /
        ("ember-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(++n_) + ".toml");
    std::ofstream(path_) << text;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  static inline int n_ = 0;
  std::filesystem::path path_;
};

TEST(Config, Defaults) {
  auto c = load({});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->listen_host, "127.0.0.1");
  EXPECT_EQ(c->listen_port, 8080);
  EXPECT_EQ(c->base_url, "http://127.0.0.1:8080");
  EXPECT_FALSE(c->base_url_explicit);
  EXPECT_EQ(c->fhir_base_url(), "http://127.0.0.1:8080/fhir");
  EXPECT_EQ(c->store, "sqlite:var/ember.db");
  EXPECT_EQ(c->threads, 0u);
  EXPECT_EQ(c->max_header_bytes, 16u * 1024);
  EXPECT_EQ(c->max_body_bytes, 8u * 1024 * 1024);
  EXPECT_EQ(c->read_timeout_s, 30);
  EXPECT_EQ(c->idle_timeout_s, 60);
  EXPECT_TRUE(c->access_log);
  EXPECT_TRUE(c->seed_on_empty);
  EXPECT_EQ(c->sample_patients, 25);
  EXPECT_EQ(c->mode, Mode::Sandbox);
  EXPECT_FALSE(c->tls());
  EXPECT_EQ(c->token_cache, 4096);
}

TEST(Config, TokenCacheSizeFromFlagOrEnv) {
  auto flag = load({"--token-cache", "0"});
  ASSERT_TRUE(flag) << flag.error().message;
  EXPECT_EQ(flag->token_cache, 0);
  auto env = load({}, {{"EMBER_TOKEN_CACHE", "256"}});
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->token_cache, 256);
}

TEST(Config, PrecedenceFlagsOverEnvOverFileOverDefaults) {
  TempFile file(
      "listen = \"127.0.0.1:7000\"\n"
      "store = \"sqlite:/tmp/from-file.db\"\n"
      "threads = 3\n"
      "sample_patients = 7\n"
      "access_log = false\n");
  Env env = {{"EMBER_CONFIG", file.path()},
             {"EMBER_STORE", "sqlite:/tmp/from-env.db"},
             {"EMBER_THREADS", "5"}};
  auto c = load({"--threads", "9"}, env);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->threads, 9u);                        // flag beats env and file
  EXPECT_EQ(c->store, "sqlite:/tmp/from-env.db");   // env beats file
  EXPECT_EQ(c->listen, "127.0.0.1:7000");           // file beats default
  EXPECT_EQ(c->base_url, "http://127.0.0.1:7000");  // derived from the file's listen
  EXPECT_EQ(c->sample_patients, 7);
  EXPECT_FALSE(c->access_log);
  EXPECT_EQ(c->idle_timeout_s, 60);  // default
  EXPECT_EQ(c->config_file, file.path());
}

TEST(Config, ConfigFlagBeatsEnvAndIniSectionsWork) {
  TempFile ini("[serve]\nlisten=127.0.0.1:7100\nmode=sandbox\n");
  auto c = load({"--config", ini.path()}, {{"EMBER_CONFIG", "/nonexistent.toml"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen_port, 7100);
}

TEST(Config, BoolFlagsAndEnv) {
  auto c = load({"--no-seed-on-empty"}, {{"EMBER_ACCESS_LOG", "off"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->seed_on_empty);
  EXPECT_FALSE(c->access_log);
  c = load({"--access-log"}, {{"EMBER_ACCESS_LOG", "false"}});
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->access_log);
  EXPECT_FALSE(load({}, {{"EMBER_SEED_ON_EMPTY", "maybe"}}));
}

TEST(Config, BaseUrlExplicitIsValidatedAndTrimmed) {
  auto c = load({"--base-url", "https://ehr.example.org/"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->base_url, "https://ehr.example.org");
  EXPECT_TRUE(c->base_url_explicit);
  c = load({}, {{"EMBER_BASE_URL", "http://localhost:9000/ember//"}});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->base_url, "http://localhost:9000/ember");
  for (const char* bad : {"ftp://x.org", "example.org", "/relative", "http://", "http://u:p@x.org",
                          "http://x.org/?a=b", "http://x.org/#f", ""}) {
    auto r = load({"--base-url", bad});
    EXPECT_FALSE(r) << bad;
  }
}

TEST(Config, BaseUrlDerivation) {
  auto c = load({"--listen", "0.0.0.0:8443", "--tls-cert", "c.pem", "--tls-key", "k.pem"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->tls());
  EXPECT_EQ(c->base_url, "https://127.0.0.1:8443");
  c = load({"--listen", "[::]:8080"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->listen_host, "::");
  EXPECT_EQ(c->base_url, "http://[::1]:8080");
  c = load({"--listen", "localhost:0"});
  ASSERT_TRUE(c);
  EXPECT_EQ(derive_base_url(*c, 41234), "http://127.0.0.1:41234");
}

TEST(Config, RejectsBadValues) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--listen", "8080"},
           {"--listen", "example.org:80"},
           {"--listen", "127.0.0.1:70000"},
           {"--threads", "-1"},
           {"--threads", "two"},
           {"--max-body-bytes", "10"},
           {"--read-timeout", "0"},
           {"--token-cache", "-1"},
           {"--token-cache", "1000001"},
           {"--mode", "staging"},
           {"--tls-cert", "only-cert.pem"},
           {"--mode", "production"},  // http base URL
       }) {
    auto r = load(args);
    EXPECT_FALSE(r) << args[0] << " " << args[1];
  }
  auto r = load({}, {{"EMBER_THREADS", "x"}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("EMBER_THREADS"), std::string::npos) << r.error().message;
}

TEST(Config, ProductionNeedsHttpsAndDoesNotSeedByDefault) {
  auto c = load({"--mode", "production", "--base-url", "https://fhir.example.org"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->mode, Mode::Production);
  EXPECT_FALSE(c->seed_on_empty);
  c = load({"--mode", "production", "--base-url", "https://fhir.example.org", "--seed-on-empty"});
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->seed_on_empty);
}

TEST(Config, UpstreamFhirIsAValidatedBaseUrl) {
  auto c = load({});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->upstream_fhir, "");
  EXPECT_EQ(c->upstream_timeout_s, 30);
  c = load({"--upstream-fhir", "http://10.0.0.5:9090/fhir/", "--upstream-timeout", "2"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->upstream_fhir, "http://10.0.0.5:9090/fhir");
  EXPECT_EQ(c->upstream_timeout_s, 2);
  c = load({}, {{"EMBER_UPSTREAM_FHIR", "https://fhir.example.org/r4"}});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->upstream_fhir, "https://fhir.example.org/r4");
  for (const char* bad : {"fhir.example.org", "ftp://h/fhir", "http://h/fhir?x=1",
                          "http://h/fhir#f", "http://user:pw@h/fhir"}) {
    EXPECT_FALSE(load({"--upstream-fhir", bad})) << bad;
  }
  EXPECT_FALSE(load({"--upstream-timeout", "0"}));
  // Its own FHIR base would forward to itself forever.
  auto self = load({"--upstream-fhir", "http://127.0.0.1:8080/fhir"});
  ASSERT_FALSE(self);
  EXPECT_NE(self.error().message.find("own FHIR base"), std::string::npos);
}

TEST(Config, ConfigFileErrors) {
  EXPECT_FALSE(load({"--config", "/nonexistent/ember.toml"}));
  TempFile unknown("colour = \"blue\"\n");
  auto r = load({"--config", unknown.path()});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("colour"), std::string::npos);
}

TEST(Config, ServerOptionsCarryLimits) {
  auto c = load({"--max-header-bytes", "2048", "--read-timeout", "5", "--threads", "2"});
  ASSERT_TRUE(c) << c.error().message;
  auto o = c->server_options();
  EXPECT_EQ(o.max_header_bytes, 2048u);
  EXPECT_EQ(o.read_timeout, std::chrono::seconds(5));
  EXPECT_EQ(o.threads, 2u);
  EXPECT_EQ(o.address, "127.0.0.1");
  EXPECT_EQ(o.port, 8080);
}

}  // namespace
}  // namespace ember::app
