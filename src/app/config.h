// Server configuration from four sources, highest precedence first: command-line flags, EMBER_*
// environment variables, a config file (TOML or INI, read with CLI11's parser; --config FILE or
// EMBER_CONFIG), built-in defaults. The public base URL is explicit or derived from --listen.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "audit/sink.h"
#include "core/result.h"
#include "http/server.h"
#include "oauth/limits.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace ember::app {

enum class Mode {
  Sandbox,     // demo accounts, seeding on first start, plain HTTP is fine
  Production,  // no sandbox conveniences; the base URL must be https
};

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string listen_host = "127.0.0.1";  // from `listen`; brackets removed for IPv6
  std::uint16_t listen_port = 8080;
  // Public base URL without a trailing slash; every absolute URL (iss, aud, discovery,
  // redirects, Location, Bundle links) is built from it.
  std::string base_url;
  // true: base_url was given (validated, trailing '/' stripped); false: validate() derives it from
  // listen (and `serve` re-derives it once a port 0 is bound).
  bool base_url_explicit = false;
  unsigned threads = 0;  // 0 = hardware concurrency
  std::string store = "sqlite:var/ember.db";
  std::string tls_cert;
  std::string tls_key;
  std::size_t max_header_bytes = http::kDefaultMaxHeaderBytes;
  std::size_t max_body_bytes = http::kDefaultMaxBodyBytes;
  int read_timeout_s = 30;
  int idle_timeout_s = 60;
  bool access_log = true;
  bool seed_on_empty = true;  // production mode: false unless set explicitly
  int sample_patients = 25;
  // The FHIR API without access tokens (sandbox only; every request acts with full access).
  bool fhir_auth_open = false;
  int launch_ttl_s = 300;   // EHR launch handles: single-use and short-lived
  // Access tokens the FHIR API remembers as verified (oauth/verified_tokens.h); 0 = none.
  int token_cache = 4096;
  std::string apps_file;    // "" = none; JSON file of apps registered at start (app/apps_file.h)
  // Proxy mode: the upstream FHIR base URL (validated, trailing '/' stripped) that /fhir requests
  // are forwarded to after the grant is enforced (src/proxy/); "" = the built-in store serves.
  std::string upstream_fhir;
  int upstream_timeout_s = 30;  // one deadline per upstream request (connect to last byte)
  // Seals the signing keys at rest (oauth/key_encryption.h); "" = keys stored in the clear.
  // Never logged.
  std::string key_encryption_key;
  Mode mode = Mode::Sandbox;
  // The audit trail (audit/): all = security events and every FHIR interaction, auth = security
  // events only (the default: `all` costs the FHIR read path ~30%, docs/performance.md), off =
  // none.
  audit::Level audit = audit::Level::Auth;
  std::string config_file;  // "" = none
  // Brute-force limits: sign-in back-off and lock, token and registration rate limits
  // (oauth/limits.h; --signin-*, --token-rate-*, --registration-rate-*).
  oauth::LimitOptions limits;
  // Peers whose X-Forwarded-For names the client address (addresses or CIDR blocks,
  // comma-separated); empty = the peer is the client.
  std::string trusted_proxies;

  bool tls() const { return !tls_cert.empty(); }
  std::string fhir_base_url() const { return base_url + "/fhir"; }
  http::ServerOptions server_options() const;
};

struct ConfigError {
  std::string message;  // for the person at the terminal: names the option and the source
};

// Returns the value of an environment variable, or nullopt when unset or empty.
using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
EnvLookup process_env();

// Option registration and resolution for one CLI11 subcommand. Bound to the CLI11 option
// storage, so it must stay where it is (not moved or copied) until resolve().
class ConfigSource {
 public:
  ConfigSource() = default;
  ConfigSource(const ConfigSource&) = delete;
  ConfigSource& operator=(const ConfigSource&) = delete;

  // Every option: --listen, --base-url, --threads, --store, --tls-cert, --tls-key,
  // --max-header-bytes, --max-body-bytes, --read-timeout, --idle-timeout, --[no-]access-log,
  // --[no-]seed-on-empty, --sample-patients, --mode, --fhir-auth, --launch-ttl, --apps,
  // --key-encryption-key, --upstream-fhir, --upstream-timeout, the limits (--signin-*,
  // --token-rate-*, --registration-rate-*), --trusted-proxy, --config.
  void add_options(CLI::App& cmd);
  // Only --store and --config (commands that use the store but serve nothing).
  void add_store_options(CLI::App& cmd);

  // After cmd.parse(): merges the sources and validates the result.
  [[nodiscard]] Result<Config, ConfigError> resolve(const EnvLookup& env = process_env()) const;

 private:
  void add(CLI::App& cmd, std::string_view key);
  std::map<std::string, std::string, std::less<>> strings_;
  std::map<std::string, bool, std::less<>> bools_;
  std::map<std::string, CLI::Option*, std::less<>> options_;
};

// Checks every field and fills the derived ones (listen_host/port, base_url). Called by
// resolve(); exposed for code that builds a Config by hand.
[[nodiscard]] Result<void, ConfigError> validate(Config& config);

// "http(s)://host:port" for the listen address; an unspecified address (0.0.0.0, ::) becomes
// loopback, since nobody can browse to it. `port` overrides the configured one (port 0 bound).
std::string derive_base_url(const Config& config, std::uint16_t port);

// An absolute http(s) URL with a host and no query/fragment/userinfo; returns it without
// trailing slashes.
[[nodiscard]] Result<std::string, ConfigError> normalize_base_url(std::string_view url);

}  // namespace ember::app
