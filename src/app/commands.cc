#include "app/commands.h"

#include "app/admin_commands.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/apps_file.h"
#include "app/audit_setup.h"
#include "audit/request_scope.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/random.h"
#include "fhir/api.h"
#include "http/cors.h"
#include "http/responses.h"
#include "http/router.h"
#include "http/server.h"
#include "oauth/auth_server.h"
#include "oauth/signing_keys.h"
#include "portal/portal.h"
#include "proxy/proxy.h"
#include "sampleapp/sample_app.h"
#include "seed/seed.h"
#include "store/auth_store.h"
#include "store/store.h"

namespace ember::app {

namespace {

using StorePtr = std::unique_ptr<store::ResourceStore>;

// The file behind a SQLite store URL ("sqlite:PATH" or a plain path), if any.
std::optional<std::filesystem::path> sqlite_file(const std::string& url) {
  if (url == ":memory:" || url.find("://") != std::string::npos || url.starts_with("postgres")) {
    return std::nullopt;
  }
  std::string path = url.starts_with("sqlite:") ? url.substr(7) : url;
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) return std::nullopt;
  return std::filesystem::path(path);
}

std::optional<StorePtr> open_configured_store(const std::string& url) {
  if (auto file = sqlite_file(url)) {
    const auto dir = file->parent_path();
    std::error_code ec;
    if (!dir.empty()) std::filesystem::create_directories(dir, ec);
    if (ec) {
      std::cerr << "ember: cannot create " << dir.string() << ": " << ec.message() << "\n";
      return std::nullopt;
    }
  }
  auto opened = store::open_store(store::StoreOptions{url});
  if (!opened) {
    std::cerr << "ember: cannot open store " << url << ": " << opened.error().message << "\n";
    return std::nullopt;
  }
  return std::move(*opened);
}

// True when the store holds no Patient; nullopt (after a message) when it cannot be asked.
std::optional<bool> has_no_patients(store::ResourceStore& s) {
  store::Query q;
  q.resource_type = "Patient";
  q.count = 1;
  q.total = store::TotalMode::None;
  auto page = s.search(q);
  if (!page) {
    std::cerr << "ember: cannot query the store: " << page.error().message << "\n";
    return std::nullopt;
  }
  return page->resources.empty();
}

// Counts what passes through, for the progress line.
class CountingSink final : public seed::Sink {
 public:
  explicit CountingSink(seed::Sink& inner) : inner_(inner) {}
  void put(std::string_view type, std::string_view id, std::string json) override {
    ++count_;
    inner_.put(type, id, std::move(json));
  }
  std::size_t count() const { return count_; }

 private:
  seed::Sink& inner_;
  std::size_t count_ = 0;
};

// Progress on stderr: a live line on a terminal, otherwise a line every ~10%.
class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO) == 1) {}

  void update(int done, int total, std::size_t resources, double seconds) {
    if (!enabled_ || total <= 0) return;
    const double rate = seconds > 0 ? static_cast<double>(resources) / seconds : 0;
    if (tty_) {
      std::fprintf(stderr, "\rseeding: %d/%d patients, %zu resources, %.0f resources/s   ", done,
                   total, resources, rate);
      drawn_ = true;
    } else {
      const int decile = done * 10 / total;
      if (decile <= last_decile_) return;
      last_decile_ = decile;
      std::fprintf(stderr, "seeding: %d/%d patients, %zu resources, %.0f resources/s\n", done,
                   total, resources, rate);
    }
    std::fflush(stderr);
  }

  void finish() {
    if (drawn_) std::fputc('\n', stderr);
  }

 private:
  bool enabled_;
  bool tty_;
  bool drawn_ = false;
  int last_decile_ = -1;
};

struct SeedOutcome {
  seed::SeedStats stats;
  double seconds = 0;
  double rate() const { return seconds > 0 ? static_cast<double>(stats.resources) / seconds : 0; }
};

SeedOutcome seed_store(store::ResourceStore& s, const Clock& clock, const seed::SeedOptions& opt,
                       bool show_progress) {
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // Into an empty SQLite store the secondary indexes are built once at the end, not row by row
  // (store.h, begin_bulk_load; docs/performance.md, "Seeding").
  auto bulk = s.begin_bulk_load();
  if (!bulk) throw std::runtime_error("seed: " + bulk.error().message);
  auto writer = fhir::make_seed_writer(s, clock);
  CountingSink counting(*writer);
  ProgressLine progress(show_progress);
  SeedOutcome out;
  try {
    out.stats = seed::generate(opt, counting, [&](int done, int total) {
      progress.update(done, total, counting.count(), elapsed());
    });
    writer->flush();
  } catch (...) {
    // What was written stays; its indexes are rebuilt now (or, failing that, at the next open).
    if (*bulk) (void)s.end_bulk_load();
    throw;
  }
  if (*bulk) {
    // Rebuilds the indexes, then refreshes the planner's statistics.
    if (auto r = s.end_bulk_load(); !r) throw std::runtime_error("seed: " + r.error().message);
  } else {
    s.optimize();  // planner statistics for the data just loaded
  }
  out.seconds = elapsed();
  progress.update(opt.patients, opt.patients, counting.count(), out.seconds);
  progress.finish();
  return out;
}

std::string fmt_seconds(double s) {
  return fmt::format("{:.2f}", s);
}

std::string html_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string landing_page(const std::string& base_url) {
  const std::string b = html_escape(base_url);
  auto link = [&](std::string_view path, std::string_view what) {
    return "<li><a href=\"" + b + std::string(path) + "\">" + b + std::string(path) + "</a> — " +
           std::string(what) + "</li>\n";
  };
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Ember</title>"
         "</head>\n<body><h1>Ember</h1><p>A SMART on FHIR R4 server (version " +
         std::string(kVersion) + ").</p>\n<ul>\n" +
         link("/ehr", "EHR simulator (sign in, open a chart, launch apps)") +
         link("/ehr/launcher", "launcher (sandbox)") +
         link("/apps/sample/launch.html", "sample SMART app (standalone launch)") +
         link("/fhir", "FHIR base URL") + link("/fhir/metadata", "CapabilityStatement") +
         link("/fhir/Patient", "patients (sample data)") +
         link("/fhir/Observation?patient=alice&amp;category=laboratory", "Alice's lab results") +
         link("/healthz", "health") + link("/metrics", "Prometheus metrics") +
         "</ul>\n</body></html>\n";
}

void add_operational_routes(http::Router& router, store::ResourceStore& s,
                            const std::string& base_url) {
  router.add(
      http::bhttp::verb::get, "/healthz",
      [&s](const http::Request& req, http::RequestContext&) {
        const bool ok = s.ping();
        auto res = http::json_response(
            req, ok ? http::bhttp::status::ok : http::bhttp::status::service_unavailable,
            ok ? R"({"status":"ok","store":"ok"})"
               : R"({"status":"unavailable","store":"unavailable"})");
        http::no_store(res);
        return res;
      },
      "healthz");
  router.add(
      http::bhttp::verb::get, "/metrics",
      [](const http::Request& req, http::RequestContext&) {
        auto res = http::make_response(req, http::bhttp::status::ok,
                                       "text/plain; version=0.0.4; charset=utf-8",
                                       metrics::Registry::global().render_prometheus());
        http::no_store(res);
        return res;
      },
      "metrics");
  // Browsers ask every page's origin for an icon; answer without content instead of a 404.
  router.add(
      http::bhttp::verb::get, "/favicon.ico",
      [](const http::Request& req, http::RequestContext&) {
        http::Response res{http::bhttp::status::no_content, req.version()};
        res.keep_alive(req.keep_alive());
        res.set(http::bhttp::field::cache_control, "public, max-age=86400");
        res.prepare_payload();
        return res;
      },
      "static");
  router.add(
      http::bhttp::verb::get, "/",
      [page = landing_page(base_url)](const http::Request& req, http::RequestContext&) {
        auto res = http::html_response(req, http::bhttp::status::ok, page);
        // Plain links only: no script, style or frame; never framed by another site.
        res.set("Content-Security-Policy",
                "default-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'");
        res.set("X-Content-Type-Options", "nosniff");
        return res;
      },
      "home");
}

void print_banner(const Config& cfg, const std::string& base_url, std::uint16_t port,
                  const store::ResourceStore& s) {
  const std::string fhir = base_url + "/fhir";
  std::cout << "ember " << kVersion << " listening on " << cfg.listen_host << ":" << port
            << (cfg.tls() ? " (TLS)" : "") << ", "
            << (cfg.mode == Mode::Sandbox ? "sandbox" : "production") << " mode, store "
            << s.describe() << "\n"
            << "  FHIR base:  " << fhir
            << (cfg.upstream_fhir.empty() ? "" : "  (proxy to " + cfg.upstream_fhir + ")") << "\n"
            << "  metadata:   " << fhir << "/metadata\n"
            << "  discovery:  " << fhir << "/.well-known/smart-configuration\n"
            << "  EHR:        " << base_url << "/ehr"
            << (cfg.mode == Mode::Sandbox ? "  (sign in as dr.smith or alice, password demo)" : "")
            << "\n"
            << "  sample app: " << base_url << "/apps/sample/launch.html\n"
            << "  health:     " << base_url << "/healthz\n"
            << "  metrics:    " << base_url << "/metrics\n"
            << "  try:\n"
            << "    curl -s " << fhir << "/Patient\n"
            << "    curl -s '" << fhir << "/Observation?patient=alice&category=laboratory'\n"
            << (cfg.fhir_auth_open
                    ? "  WARNING: --fhir-auth open: the FHIR API answers without access tokens\n"
                    : "  The FHIR API needs a SMART access token (see README.md); demo accounts\n"
                      "  dr.smith, alice (password demo) sign in at the authorization endpoint.\n")
            << "Stop with Ctrl-C." << std::endl;
}

// How often expired authorization-server state is purged from the store.
constexpr std::chrono::minutes kPurgeInterval{5};

int serve(const Config& cfg) {
  auto opened = open_configured_store(cfg.store);
  if (!opened) return kExitFailure;
  store::ResourceStore& s = **opened;
  SystemClock clock;
  auto random = make_system_random();

  if (cfg.seed_on_empty && cfg.sample_patients > 0) {
    auto empty = has_no_patients(s);
    if (!empty) return kExitFailure;
    if (*empty) {
      seed::SeedOptions opt;
      opt.patients = cfg.sample_patients;
      const auto out = seed_store(s, clock, opt, /*show_progress=*/false);
      std::cout << "seeded " << out.stats.patients << " sample patients (" << out.stats.resources
                << " resources) in " << fmt_seconds(out.seconds) << " s" << std::endl;
    }
  }

  http::Router router;                // filled once the port (and so the base URL) is known
  audit::Sink* audit_sink = nullptr;  // likewise (the AuditEvents name the base URL)
  http::Server server(cfg.server_options(),
                      [&router, &audit_sink](const http::Request& req, http::RequestContext& ctx) {
                        audit::RequestScope scope(ctx);  // the connection facts for audit hooks
                        auto res = router(req, ctx);
                        app::audit_oauth_failure(audit_sink, req, ctx, res);
                        return res;
                      });
  auto port = server.listen();
  if (!port) {
    std::cerr << "ember: " << port.error().message << "\n";
    return kExitFailure;
  }
  const std::string base_url = cfg.base_url_explicit ? cfg.base_url : derive_base_url(cfg, *port);

  // The authorization server shares the database; its state is what several instances share.
  auto auth = store::open_auth_store(store::StoreOptions{cfg.store});
  if (!auth) {
    std::cerr << "ember: cannot open the auth store: " << auth.error().message << "\n";
    return kExitFailure;
  }
  if (cfg.mode == Mode::Sandbox) oauth::ensure_demo_users(**auth, *random);
  if (!cfg.apps_file.empty()) {
    auto loaded = load_apps_file(cfg.apps_file, **auth, *random, cfg.mode == Mode::Sandbox);
    if (!loaded) {
      std::cerr << "ember: " << loaded.error() << "\n";
      return kExitFailure;
    }
    std::cout << "registered " << *loaded << " apps from " << cfg.apps_file << std::endl;
  }
  std::optional<oauth::KeyEncryption> kek;
  if (!cfg.key_encryption_key.empty()) {
    auto k = oauth::KeyEncryption::from_secret(cfg.key_encryption_key);
    if (!k) {
      std::cerr << "ember: " << k.error() << "\n";
      return kExitFailure;
    }
    kek = *k;
  } else if (cfg.mode == Mode::Production) {
    std::cerr << "ember: warning: signing keys are stored in the clear; give "
                 "EMBER_KEY_ENCRYPTION_KEY to seal them\n";
  }
  auto keys = oauth::open_signing_keys(**auth, clock, kek ? &*kek : nullptr);
  if (!keys) {
    std::cerr << "ember: signing keys: " << keys.error() << "\n";
    return kExitFailure;
  }
  oauth::AuthOptions auth_options;
  auth_options.base_url = base_url;
  auth_options.sandbox = cfg.mode == Mode::Sandbox;
  auth_options.secure_cookies = base_url.starts_with("https://");
  auth_options.launch_ttl_s = cfg.launch_ttl_s;
  auth_options.verified_token_cache = static_cast<std::size_t>(cfg.token_cache);
  // The audit trail: written by one background thread, flushed when serve() returns (before the
  // store closes: it is declared after it).
  auto audit_writer = make_audit_writer(cfg.audit, s, clock, *random, base_url);
  audit_sink = audit_writer.get();
  auth_options.audit = audit_sink;
  auth_options.limits = cfg.limits;
  auto auth_server =
      oauth::AuthServer::create(**auth, s, **keys, clock, *random, std::move(auth_options));
  auth_server->mount(router);
  portal::Portal ehr_portal{
      *auth_server, **auth,  s,
      clock,        *random, portal::PortalOptions{cfg.mode == Mode::Sandbox, base_url}};
  portal::mount_portal(router, ehr_portal);
  sampleapp::ensure_sample_app(**auth, base_url, clock.now_ms());
  sampleapp::mount_sample_app(router);

  fhir::FhirOptions fhir_options;
  fhir_options.base_url = base_url + "/fhir";
  fhir_options.audit = audit_sink;
  if (!cfg.fhir_auth_open) {
    fhir_options.authorizer = auth_server->authorizer();
    fhir_options.authorize_url = base_url + "/oauth/authorize";
    fhir_options.token_url = base_url + "/oauth/token";
    fhir_options.revoke_url = base_url + "/oauth/revoke";
    fhir_options.introspect_url = base_url + "/oauth/introspect";
    fhir_options.register_url = base_url + "/oauth/register";
  }
  http::Handler fhir_handler;
  if (cfg.upstream_fhir.empty()) {
    fhir_handler = fhir::make_fhir_handler(s, clock, *random, fhir_options);
  } else {
    // Proxy mode: the same authorizer and OAuth endpoints, the data from the upstream server.
    proxy::ProxyOptions po;
    po.base_url = fhir_options.base_url;
    po.upstream_url = cfg.upstream_fhir;
    po.timeout = std::chrono::seconds(cfg.upstream_timeout_s);
    po.authorizer = fhir_options.authorizer;
    po.security = {fhir_options.authorize_url,  fhir_options.token_url,    fhir_options.revoke_url,
                   fhir_options.introspect_url, fhir_options.register_url, fhir_options.manage_url};
    fhir_handler = proxy::make_proxy_handler(std::move(po));
  }
  router.add_prefix(http::kAnyMethod, "/fhir", http::with_cors(std::move(fhir_handler)), "fhir");
  add_operational_routes(router, s, base_url);

  server.stop_on_signals();
  if (auto started = server.start(); !started) {
    std::cerr << "ember: " << started.error().message << "\n";
    return kExitFailure;
  }
  print_banner(cfg, base_url, *port, s);
  // Expired sessions, pending authorizations, codes, refresh tokens and deny-list entries are
  // deleted now and then (every instance does it; the deletes are idempotent).
  std::jthread purger([&auth, &clock](std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
      (void)(*auth)->purge_expired(clock.now_ms());
      std::unique_lock lock(mu);
      cv.wait_for(lock, stop, kPurgeInterval, [] { return false; });
    }
  });
  server.wait();
  std::cout << "ember stopped" << std::endl;
  return kExitOk;
}

}  // namespace

int run_serve(const Config& config) {
  try {
    return serve(config);
  } catch (const std::exception& e) {  // the edge: report, never crash with a trace
    std::cerr << "ember: " << e.what() << "\n";
    return kExitFailure;
  }
}

int run_seed(const Config& config, const SeedCommandOptions& options) {
  try {
    auto opened = open_configured_store(config.store);
    if (!opened) return kExitFailure;
    SystemClock clock;
    seed::SeedOptions opt;
    opt.patients = options.patients;
    opt.seed = options.seed;
    const auto out = seed_store(**opened, clock, opt, /*show_progress=*/true);
    std::cout << "seeded " << out.stats.resources << " resources for " << out.stats.patients
              << " patients (seed " << options.seed << ") into " << (*opened)->describe() << " in "
              << fmt_seconds(out.seconds) << " s, " << static_cast<long>(out.rate())
              << " resources/s" << std::endl;
    return kExitOk;
  } catch (const std::exception& e) {
    std::cerr << "ember seed: " << e.what() << "\n";
    return kExitFailure;
  }
}

int run_cli(int argc, char** argv) {
  CLI::App app{"Ember: a SMART on FHIR R4 server and EHR sandbox", "ember"};
  app.set_version_flag("--version", std::string(kVersion));
  app.require_subcommand(1);

  auto* serve_cmd = app.add_subcommand("serve", "run the server (FHIR API, health, metrics)");
  ConfigSource serve_config;
  serve_config.add_options(*serve_cmd);

  auto* seed_cmd = app.add_subcommand("seed", "generate synthetic sample data into the store");
  ConfigSource seed_config;
  seed_config.add_store_options(*seed_cmd);
  int patients = -1;
  SeedCommandOptions seed_options;
  seed_cmd->add_option("--patients", patients, "sample patients (default: sample-patients, 25)")
      ->check(CLI::Range(0, 100000));
  seed_cmd->add_option("--seed", seed_options.seed, "random seed: the same seed, the same data");

  auto run_admin = add_admin_commands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (int rc = run_admin("sqlite:var/ember.db"); rc >= 0) return rc;

  ConfigSource& source = serve_cmd->parsed() ? serve_config : seed_config;
  auto config = source.resolve();
  if (!config) {
    std::cerr << "ember: " << config.error().message << "\n";
    return kExitUsage;
  }
  if (serve_cmd->parsed()) return run_serve(*config);
  seed_options.patients = patients >= 0 ? patients : config->sample_patients;
  return run_seed(*config, seed_options);
}

}  // namespace ember::app
