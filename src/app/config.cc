#include "app/config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>

#include "http/client_address.h"

namespace ember::app {

namespace {

struct KeySpec {
  std::string_view key;  // flag name without "--", config-file key ('_' accepted for '-')
  std::string_view env;
  bool is_bool;
  std::string_view help;
};

constexpr std::array<KeySpec, 35> kKeys = {{
    {"listen", "EMBER_LISTEN", false, "address:port to listen on (port 0 = any free port)"},
    {"base-url", "EMBER_BASE_URL", false,
     "public base URL (default: derived from --listen); iss/aud/redirects use it"},
    {"threads", "EMBER_THREADS", false, "I/O threads (0 = number of cores)"},
    {"store", "EMBER_STORE", false, "store URL, e.g. sqlite:var/ember.db"},
    {"tls-cert", "EMBER_TLS_CERT", false, "TLS certificate chain (PEM); enables HTTPS"},
    {"tls-key", "EMBER_TLS_KEY", false, "TLS private key (PEM)"},
    {"max-header-bytes", "EMBER_MAX_HEADER_BYTES", false, "request header limit (431 beyond)"},
    {"max-body-bytes", "EMBER_MAX_BODY_BYTES", false, "request body limit (413 beyond)"},
    {"read-timeout", "EMBER_READ_TIMEOUT", false, "seconds allowed to send one request"},
    {"idle-timeout", "EMBER_IDLE_TIMEOUT", false, "seconds a keep-alive connection may idle"},
    {"access-log", "EMBER_ACCESS_LOG", true, "JSON access log on stdout"},
    {"seed-on-empty", "EMBER_SEED_ON_EMPTY", true, "seed sample data when the store is empty"},
    {"sample-patients", "EMBER_SAMPLE_PATIENTS", false, "patients to seed on first start"},
    {"mode", "EMBER_MODE", false, "sandbox or production"},
    {"fhir-auth", "EMBER_FHIR_AUTH", false,
     "required (SMART access tokens, the default) or open (sandbox only: no token needed)"},
    {"launch-ttl", "EMBER_LAUNCH_TTL", false,
     "seconds an EHR launch handle stays valid before the app uses it"},
    {"token-cache", "EMBER_TOKEN_CACHE", false,
     "access tokens the FHIR API keeps as verified (0 = verify every request)"},
    {"apps", "EMBER_APPS", false, "JSON file of apps (clients) registered or updated at start"},
    {"key-encryption-key", "EMBER_KEY_ENCRYPTION_KEY", false,
     "secret (>= 32 chars) sealing the signing keys at rest (prefer the environment variable)"},
    {"upstream-fhir", "EMBER_UPSTREAM_FHIR", false,
     "proxy mode: forward FHIR requests to this FHIR base URL after enforcing the grant"},
    {"upstream-timeout", "EMBER_UPSTREAM_TIMEOUT", false,
     "seconds one upstream FHIR request may take before the client gets a 504"},
    {"audit", "EMBER_AUDIT", false,
     "audit trail (FHIR AuditEvent): all, auth (security events only) or off"},
    // Brute-force limits (docs/configuration.md, "Limits"). Durations: 500ms, 30s, 15m, 1h.
    {"signin-account-delay-after", "EMBER_SIGNIN_ACCOUNT_DELAY_AFTER", false,
     "failed sign-ins of one account before each attempt waits a growing delay (0 = never)"},
    {"signin-account-lock-after", "EMBER_SIGNIN_ACCOUNT_LOCK_AFTER", false,
     "failed sign-ins of one account that lock it for signin-lock (0 = never)"},
    {"signin-address-delay-after", "EMBER_SIGNIN_ADDRESS_DELAY_AFTER", false,
     "failed sign-ins from one client address before delays start (0 = never)"},
    {"signin-address-lock-after", "EMBER_SIGNIN_ADDRESS_LOCK_AFTER", false,
     "failed sign-ins from one client address that lock it (0 = never)"},
    {"signin-delay", "EMBER_SIGNIN_DELAY", false,
     "the first delay, doubled with every further failure"},
    {"signin-max-delay", "EMBER_SIGNIN_MAX_DELAY", false, "the longest delay"},
    {"signin-lock", "EMBER_SIGNIN_LOCK", false, "how long a lock lasts"},
    {"signin-forget", "EMBER_SIGNIN_FORGET", false,
     "failures are forgotten this long after the last one (>= signin-lock)"},
    {"token-rate-client", "EMBER_TOKEN_RATE_CLIENT", false,
     "token requests per client, N/DURATION (e.g. 600/1m) or off"},
    {"token-rate-address", "EMBER_TOKEN_RATE_ADDRESS", false,
     "token requests per client address, N/DURATION or off"},
    {"registration-rate-address", "EMBER_REGISTRATION_RATE_ADDRESS", false,
     "registration requests per client address, N/DURATION or off"},
    {"registration-rate-client", "EMBER_REGISTRATION_RATE_CLIENT", false,
     "registration management requests per client, N/DURATION or off"},
    {"trusted-proxy", "EMBER_TRUSTED_PROXY", false,
     "addresses or CIDR blocks (comma-separated) whose X-Forwarded-For names the client"},
}};
constexpr std::string_view kConfigKey = "config";
constexpr std::string_view kConfigEnv = "EMBER_CONFIG";

constexpr unsigned kMaxThreads = 1024;
constexpr std::size_t kMinHeaderBytes = 1024, kMaxHeaderBytes = 1024 * 1024;
constexpr std::size_t kMinBodyBytes = 1024, kMaxBodyBytes = std::size_t{1} << 30;
constexpr int kMaxTimeoutSeconds = 3600;
constexpr int kMaxSamplePatients = 100000;

const KeySpec* find_key(std::string_view key) {
  for (const auto& k : kKeys) {
    if (k.key == key) return &k;
  }
  return nullptr;
}

ConfigError error(std::string message) {
  return ConfigError{std::move(message)};
}

template <class T>
std::optional<T> parse_number(std::string_view s) {
  T v{};
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(std::string_view s) {
  std::string v(s);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return std::nullopt;
}

constexpr std::int64_t kMaxLimitDurationMs = 7LL * 24 * 3600 * 1000;  // a week
constexpr std::int64_t kMaxLimitCount = 1'000'000'000;

// A duration: a whole number with a unit (ms, s, m, h), or seconds without one.
std::optional<std::int64_t> parse_duration_ms(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  auto n = parse_number<std::int64_t>(s.substr(0, digits));
  if (!n) return std::nullopt;
  const std::string_view unit = s.substr(digits);
  std::int64_t scale = 0;
  if (unit == "ms") {
    scale = 1;
  } else if (unit == "s" || unit.empty()) {
    scale = 1000;
  } else if (unit == "m") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  } else {
    return std::nullopt;
  }
  if (*n > kMaxLimitDurationMs / scale) return std::nullopt;
  return *n * scale;
}

// A rate limit: "N/DURATION" (N >= 1, DURATION > 0) or "off".
std::optional<oauth::RatePolicy> parse_rate(std::string_view s) {
  if (s == "off") return oauth::RatePolicy{.enabled = false};
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto n = parse_number<std::int64_t>(s.substr(0, slash));
  auto window = parse_duration_ms(s.substr(slash + 1));
  if (!n || *n < 1 || *n > kMaxLimitCount || !window || *window <= 0) return std::nullopt;
  return oauth::RatePolicy{.enabled = true, .limit = *n, .window_ms = *window};
}

using BadValue = std::function<Result<void, ConfigError>(std::string_view expected)>;

Result<void, ConfigError> apply_limit(Config& c, std::string_view key, const std::string& value,
                                      const BadValue& bad) {
  auto& sign_in = c.limits.sign_in;
  auto& rates = c.limits.rates;
  if (key.starts_with("signin-") && key.ends_with("-after")) {
    auto n = parse_number<std::int64_t>(value);
    if (!n || *n < 0 || *n > kMaxLimitCount) return bad("a count >= 0 (0 = never)");
    if (key == "signin-account-delay-after") sign_in.account.delay_after = *n;
    if (key == "signin-account-lock-after") sign_in.account.lock_after = *n;
    if (key == "signin-address-delay-after") sign_in.address.delay_after = *n;
    if (key == "signin-address-lock-after") sign_in.address.lock_after = *n;
    for (auto* p : {&sign_in.account, &sign_in.address}) {
      p->enabled = p->delay_after > 0 || p->lock_after > 0;
    }
    return {};
  }
  if (key.starts_with("signin-")) {
    auto ms = parse_duration_ms(value);
    if (!ms || *ms <= 0) return bad("a duration such as 500ms, 30s, 15m or 1h (at most a week)");
    for (auto* p : {&sign_in.account, &sign_in.address}) {
      if (key == "signin-delay") p->base_delay_ms = *ms;
      if (key == "signin-max-delay") p->max_delay_ms = *ms;
      if (key == "signin-lock") p->lock_ms = *ms;
      if (key == "signin-forget") p->forget_ms = *ms;
    }
    return {};
  }
  auto rate = parse_rate(value);
  if (!rate) return bad("N/DURATION (e.g. 600/1m) or off");
  if (key == "token-rate-client") rates.token_client = *rate;
  if (key == "token-rate-address") rates.token_address = *rate;
  if (key == "registration-rate-address") rates.registration_address = *rate;
  if (key == "registration-rate-client") rates.registration_client = *rate;
  return {};
}

struct Applied {
  bool base_url = false;
  bool seed_on_empty = false;
};

Result<void, ConfigError> apply(Config& c, Applied& applied, std::string_view key,
                                const std::string& value, const std::string& source) {
  auto bad = [&](std::string_view expected) {
    return fail(error("invalid value '" + value + "' for " + std::string(key) + " (from " + source +
                      "): expected " + std::string(expected)));
  };
  auto number = [&](auto& out, auto lo, auto hi,
                    std::string_view what) -> Result<void, ConfigError> {
    using T = std::remove_reference_t<decltype(out)>;
    auto v = parse_number<T>(value);
    if (!v || *v < static_cast<T>(lo) || *v > static_cast<T>(hi)) return bad(what);
    out = *v;
    return {};
  };
  if (key == "listen") {
    c.listen = value;
  } else if (key == "base-url") {
    c.base_url = value;
    applied.base_url = true;
  } else if (key == "threads") {
    return number(c.threads, 0u, kMaxThreads, "0..1024");
  } else if (key == "store") {
    if (value.empty()) return bad("a store URL");
    c.store = value;
  } else if (key == "tls-cert") {
    c.tls_cert = value;
  } else if (key == "tls-key") {
    c.tls_key = value;
  } else if (key == "max-header-bytes") {
    return number(c.max_header_bytes, kMinHeaderBytes, kMaxHeaderBytes, "1024..1048576 bytes");
  } else if (key == "max-body-bytes") {
    return number(c.max_body_bytes, kMinBodyBytes, kMaxBodyBytes, "1024..1073741824 bytes");
  } else if (key == "read-timeout") {
    return number(c.read_timeout_s, 1, kMaxTimeoutSeconds, "1..3600 seconds");
  } else if (key == "idle-timeout") {
    return number(c.idle_timeout_s, 1, kMaxTimeoutSeconds, "1..3600 seconds");
  } else if (key == "access-log" || key == "seed-on-empty") {
    auto b = parse_bool(value);
    if (!b) return bad("true or false");
    if (key == "access-log") {
      c.access_log = *b;
    } else {
      c.seed_on_empty = *b;
      applied.seed_on_empty = true;
    }
  } else if (key == "sample-patients") {
    return number(c.sample_patients, 0, kMaxSamplePatients, "0..100000");
  } else if (key == "launch-ttl") {
    return number(c.launch_ttl_s, 1, kMaxTimeoutSeconds, "1..3600");
  } else if (key == "token-cache") {
    return number(c.token_cache, 0, 1'000'000, "0..1000000");
  } else if (key == "apps") {
    c.apps_file = value;
  } else if (key == "upstream-fhir") {
    c.upstream_fhir = value;
  } else if (key == "upstream-timeout") {
    return number(c.upstream_timeout_s, 1, kMaxTimeoutSeconds, "1..3600 seconds");
  } else if (key == "key-encryption-key") {
    if (value.size() < 32)
      return fail(error("key-encryption-key (from " + source + ") must be at least 32 characters"));
    c.key_encryption_key = value;
  } else if (key == "audit") {
    if (value == "all") {
      c.audit = audit::Level::All;
    } else if (value == "auth") {
      c.audit = audit::Level::Auth;
    } else if (value == "off") {
      c.audit = audit::Level::Off;
    } else {
      return bad("all, auth or off");
    }
  } else if (key == "fhir-auth") {
    if (value == "required") {
      c.fhir_auth_open = false;
    } else if (value == "open") {
      c.fhir_auth_open = true;
    } else {
      return bad("required or open");
    }
  } else if (key.starts_with("signin-") || key.starts_with("token-rate-") ||
             key.starts_with("registration-rate-")) {
    return apply_limit(c, key, value, bad);
  } else if (key == "trusted-proxy") {
    c.trusted_proxies = value;
  } else if (key == "mode") {
    if (value == "sandbox") {
      c.mode = Mode::Sandbox;
    } else if (value == "production") {
      c.mode = Mode::Production;
    } else {
      return bad("sandbox or production");
    }
  }
  return {};
}

// Reads the config file into key → value, rejecting keys that are not options.
Result<std::map<std::string, std::string, std::less<>>, ConfigError> read_config_file(
    const std::string& path) {
  std::vector<CLI::ConfigItem> items;
  try {
    CLI::ConfigTOML format;  // also reads INI: [section] headers, key=value
    items = format.from_file(path);
  } catch (const std::exception& e) {
    return fail(error("cannot read config file " + path + ": " + e.what()));
  }
  std::map<std::string, std::string, std::less<>> values;
  for (const auto& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    if (!item.parents.empty() &&
        !(item.parents.size() == 1 && (item.parents[0] == "serve" || item.parents[0] == "ember"))) {
      return fail(error("config file " + path + ": unknown section for key '" + item.fullname() +
                        "' (use top level or [serve])"));
    }
    std::string key = item.name;
    std::replace(key.begin(), key.end(), '_', '-');
    if (!find_key(key)) return fail(error("config file " + path + ": unknown key '" + key + "'"));
    if (item.inputs.size() != 1) {
      return fail(error("config file " + path + ": key '" + key + "' needs exactly one value"));
    }
    values[key] = item.inputs.front();
  }
  return values;
}

Result<void, ConfigError> parse_listen(Config& c) {
  const std::string& l = c.listen;
  std::string host, port;
  if (!l.empty() && l.front() == '[') {
    auto close = l.find("]:");
    if (close == std::string::npos) return fail(error("listen '" + l + "': expected [ipv6]:port"));
    host = l.substr(1, close - 1);
    port = l.substr(close + 2);
  } else {
    auto colon = l.rfind(':');
    if (colon == std::string::npos || l.find(':') != colon) {
      return fail(error("listen '" + l + "': expected host:port (IPv6 as [addr]:port)"));
    }
    host = l.substr(0, colon);
    port = l.substr(colon + 1);
  }
  auto p = parse_number<unsigned>(port);
  if (!p || *p > 65535) return fail(error("listen '" + l + "': port must be 0..65535"));
  if (host != "localhost") {
    boost::system::error_code ec;
    boost::asio::ip::make_address(host, ec);
    if (ec) return fail(error("listen '" + l + "': host must be an IP address or localhost"));
  }
  c.listen_host = host == "localhost" ? "127.0.0.1" : host;
  c.listen_port = static_cast<std::uint16_t>(*p);
  return {};
}

}  // namespace

http::ServerOptions Config::server_options() const {
  http::ServerOptions o;
  o.address = listen_host;
  o.port = listen_port;
  o.threads = threads;
  o.max_header_bytes = max_header_bytes;
  o.max_body_bytes = max_body_bytes;
  o.read_timeout = std::chrono::seconds(read_timeout_s);
  o.idle_timeout = std::chrono::seconds(idle_timeout_s);
  o.tls_cert_file = tls_cert;
  o.tls_key_file = tls_key;
  o.access_log = access_log;
  if (auto t = http::parse_trusted_proxies(trusted_proxies)) o.trusted_proxies = std::move(*t);
  return o;
}

EnvLookup process_env() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr || *v == '\0') return std::nullopt;
    return std::string(v);
  };
}

void ConfigSource::add(CLI::App& cmd, std::string_view key) {
  const std::string flag = "--" + std::string(key);
  if (key == kConfigKey) {
    options_[std::string(key)] = cmd.add_option(flag, strings_[std::string(key)],
                                                "config file (TOML or INI) [EMBER_CONFIG]");
    return;
  }
  const KeySpec* spec = find_key(key);
  const std::string help = std::string(spec->help) + " [" + std::string(spec->env) + "]";
  if (spec->is_bool) {
    options_[std::string(key)] =
        cmd.add_flag(flag + ",!--no-" + std::string(key), bools_[std::string(key)], help);
  } else {
    options_[std::string(key)] = cmd.add_option(flag, strings_[std::string(key)], help);
  }
}

void ConfigSource::add_options(CLI::App& cmd) {
  for (const auto& k : kKeys) add(cmd, k.key);
  add(cmd, kConfigKey);
}

void ConfigSource::add_store_options(CLI::App& cmd) {
  add(cmd, "store");
  add(cmd, kConfigKey);
}

Result<Config, ConfigError> ConfigSource::resolve(const EnvLookup& env) const {
  auto given = [&](std::string_view key) {
    auto it = options_.find(key);
    return it != options_.end() && it->second->count() > 0;
  };
  Config config;
  std::map<std::string, std::string, std::less<>> file;
  if (given(kConfigKey)) {
    config.config_file = strings_.find(kConfigKey)->second;
  } else if (auto v = env(kConfigEnv)) {
    config.config_file = *v;
  }
  if (!config.config_file.empty()) {
    auto r = read_config_file(config.config_file);
    if (!r) return fail(r.error());
    file = std::move(*r);
  }

  Applied applied;
  for (const auto& spec : kKeys) {
    std::string value, source;
    if (given(spec.key)) {
      value = spec.is_bool ? (bools_.find(spec.key)->second ? "true" : "false")
                           : strings_.find(spec.key)->second;
      source = "--" + std::string(spec.key);
    } else if (auto v = env(spec.env)) {
      value = *v;
      source = std::string(spec.env);
    } else if (auto it = file.find(spec.key); it != file.end()) {
      value = it->second;
      source = config.config_file;
    } else {
      continue;  // default
    }
    if (auto r = apply(config, applied, spec.key, value, source); !r) return fail(r.error());
  }
  config.base_url_explicit = applied.base_url;
  if (config.mode == Mode::Production && !applied.seed_on_empty) config.seed_on_empty = false;
  if (auto r = validate(config); !r) return fail(r.error());
  return config;
}

std::string derive_base_url(const Config& config, std::uint16_t port) {
  std::string host = config.listen_host;
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(config.tls() ? "https" : "http") + "://" + host + ":" + std::to_string(port);
}

Result<std::string, ConfigError> normalize_base_url(std::string_view url) {
  auto bad = [&](std::string_view why) {
    return fail(error("base URL '" + std::string(url) + "': " + std::string(why)));
  };
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return bad("not an absolute URL (no fragment allowed)");
  if (u->scheme_id() != boost::urls::scheme::http && u->scheme_id() != boost::urls::scheme::https) {
    return bad("scheme must be http or https");
  }
  if (!u->has_authority() || u->encoded_host().empty()) return bad("a host is required");
  if (u->has_userinfo()) return bad("user info is not allowed");
  if (u->has_query()) return bad("a query is not allowed");
  // boostorg/url#755: "http://127.0.0.1.evil.example" parses as host 127.0.0.1 + a path.
  if (!u->encoded_path().empty() && u->encoded_path().front() != '/') return bad("malformed host");
  std::string out(url);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out;
}

Result<void, ConfigError> validate(Config& c) {
  if (auto r = parse_listen(c); !r) return r;
  if (c.threads > kMaxThreads) return fail(error("threads must be 0..1024"));
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return fail(error("TLS needs both --tls-cert and --tls-key"));
  }
  if (c.max_header_bytes < kMinHeaderBytes || c.max_header_bytes > kMaxHeaderBytes) {
    return fail(error("max-header-bytes must be 1024..1048576"));
  }
  if (c.max_body_bytes < kMinBodyBytes || c.max_body_bytes > kMaxBodyBytes) {
    return fail(error("max-body-bytes must be 1024..1073741824"));
  }
  if (c.read_timeout_s < 1 || c.read_timeout_s > kMaxTimeoutSeconds || c.idle_timeout_s < 1 ||
      c.idle_timeout_s > kMaxTimeoutSeconds) {
    return fail(error("timeouts must be 1..3600 seconds"));
  }
  if (c.sample_patients < 0 || c.sample_patients > kMaxSamplePatients) {
    return fail(error("sample-patients must be 0..100000"));
  }
  if (c.store.empty()) return fail(error("store URL must not be empty"));
  if (c.base_url_explicit) {
    auto r = normalize_base_url(c.base_url);
    if (!r) return fail(r.error());
    c.base_url = *r;
  } else {
    c.base_url = derive_base_url(c, c.listen_port);
  }
  if (c.mode == Mode::Production && c.key_encryption_key.empty() &&
      (c.store.starts_with("postgres://") || c.store.starts_with("postgresql://"))) {
    return fail(
        error("production mode on a shared PostgreSQL store needs key-encryption-key "
              "(EMBER_KEY_ENCRYPTION_KEY), so the database holds no usable private keys"));
  }
  if (c.upstream_timeout_s < 1 || c.upstream_timeout_s > kMaxTimeoutSeconds) {
    return fail(error("upstream-timeout must be 1..3600 seconds"));
  }
  if (!c.upstream_fhir.empty()) {
    auto r = normalize_base_url(c.upstream_fhir);
    if (!r) return fail(error("upstream-fhir: " + r.error().message));
    c.upstream_fhir = *r;
    // Forwarding to itself would recurse until every thread waits on itself.
    if (c.upstream_fhir == c.fhir_base_url()) {
      return fail(error("upstream-fhir '" + c.upstream_fhir + "' is this server's own FHIR base"));
    }
  }
  for (const auto* p : {&c.limits.sign_in.account, &c.limits.sign_in.address}) {
    if (p->forget_ms < p->lock_ms || p->forget_ms < p->max_delay_ms) {
      return fail(error("signin-forget must be at least signin-lock and signin-max-delay"));
    }
    if (p->base_delay_ms > p->max_delay_ms) {
      return fail(error("signin-delay must not exceed signin-max-delay"));
    }
  }
  if (!c.trusted_proxies.empty() && !http::parse_trusted_proxies(c.trusted_proxies)) {
    return fail(error("trusted-proxy '" + c.trusted_proxies +
                      "': expected IP addresses or CIDR blocks, comma-separated"));
  }
  if (c.mode == Mode::Production && c.fhir_auth_open) {
    return fail(error("fhir-auth=open is a sandbox convenience; production mode requires tokens"));
  }
  if (c.mode == Mode::Production && !c.base_url.starts_with("https://")) {
    return fail(error("production mode needs an https base URL (TLS here or at a proxy)"));
  }
  return {};
}

}  // namespace ember::app
