#include "oauth/auth_server.h"

#include <boost/json.hpp>

#include "core/encoding.h"
#include "http/cookies.h"
#include "http/cors.h"
#include "http/responses.h"
#include "oauth/auth_internal.h"
#include "oauth/passwords.h"

namespace ember::oauth {

namespace bj = boost::json;

namespace {

// SMART 2.2 conformance: only what works is advertised (grow as features land).
constexpr const char* kCapabilities[] = {
    "launch-ehr",                    "launch-standalone",
    "authorize-post",                "client-public",
    "client-confidential-symmetric", "client-confidential-asymmetric",
    "sso-openid-connect",            "context-banner",
    "context-style",                 "context-ehr-patient",
    "context-ehr-encounter",         "context-standalone-patient",
    "context-standalone-encounter",  "permission-offline",
    "permission-online",             "permission-patient",
    "permission-user",               "permission-v1",
    "permission-v2"};

// The style document served at smart_style_url. Its URL carries a version: change both together.
constexpr std::string_view kStyleVersion = "v1";
constexpr std::string_view kStyleJson = R"json({
  "color_background": "#f6f7f9",
  "color_error": "#b3261e",
  "color_highlight": "#1f6feb",
  "color_modal_backdrop": "rgba(15, 23, 42, 0.45)",
  "color_success": "#1a7f37",
  "color_text": "#1f2328",
  "dim_border_radius": "8px",
  "dim_font_size": "15px",
  "dim_spacing_size": "16px",
  "font_family_body": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  "font_family_heading": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
})json";

std::string smart_configuration_body(const AuthOptions& opt);
std::string openid_configuration_body(const AuthOptions& opt);

}  // namespace

std::optional<std::string> param(const http::QueryParams& params, std::string_view name) {
  for (const auto& p : params) {
    if (p.name == name) return p.value;
  }
  return std::nullopt;
}

AuthServerImpl::AuthServerImpl(store::AuthStore& auth, store::ResourceStore& resources,
                               SigningKeys& keys, const Clock& clock, Random& random,
                               AuthOptions options)
    : verified_tokens_(options.verified_token_cache),  // declared before opt_
      auth_(auth),
      resources_(resources),
      keys_(keys),
      clock_(clock),
      random_(random),
      opt_(std::move(options)),
      sessions_(auth_, clock_, random_,
                {opt_.session_ttl_s, opt_.secure_cookies, opt_.limits.sign_in}),
      rate_limiter_(auth_, clock_),
      smart_configuration_body_(smart_configuration_body(opt_)),
      openid_configuration_body_(openid_configuration_body(opt_)) {
  JwksFetcherOptions fetch;
  fetch.allow_http_loopback = opt_.sandbox;  // https only outside the sandbox
  jwks_ = JwksSource::create(clock_, fetch);
}

std::unique_ptr<AuthServer> AuthServer::create(store::AuthStore& auth,
                                               store::ResourceStore& resources, SigningKeys& keys,
                                               const Clock& clock, Random& random,
                                               AuthOptions options) {
  return std::make_unique<AuthServerImpl>(auth, resources, keys, clock, random, std::move(options));
}

void AuthServerImpl::mount(http::Router& r) {
  auto bind = [this](http::Response (AuthServerImpl::*fn)(const http::Request&)) {
    return [this, fn](const http::Request& req, http::RequestContext&) { return (this->*fn)(req); };
  };
  // Handlers that count the client address against the brute-force limits get the context.
  auto bind_ctx = [this](http::Response (AuthServerImpl::*fn)(const http::Request&,
                                                              const http::RequestContext&)) {
    return [this, fn](const http::Request& req, http::RequestContext& ctx) {
      return (this->*fn)(req, ctx);
    };
  };
  using V = bhttp::verb;
  r.add(V::get, "/fhir/.well-known/smart-configuration",
        http::with_cors(bind(&AuthServerImpl::smart_configuration)), "smart_configuration");
  r.add(V::options, "/fhir/.well-known/smart-configuration",
        http::with_cors(bind(&AuthServerImpl::smart_configuration)), "smart_configuration");
  r.add(V::get, "/.well-known/openid-configuration",
        http::with_cors(bind(&AuthServerImpl::openid_configuration)), "openid_configuration");
  r.add(V::options, "/.well-known/openid-configuration",
        http::with_cors(bind(&AuthServerImpl::openid_configuration)), "openid_configuration");
  r.add(V::get, "/oauth/jwks", http::with_cors(bind(&AuthServerImpl::jwks)), "jwks");
  r.add(V::options, "/oauth/jwks", http::with_cors(bind(&AuthServerImpl::jwks)), "jwks");
  r.add(V::get, "/oauth/authorize", bind(&AuthServerImpl::authorize), "authorize");
  r.add(V::post, "/oauth/authorize", bind(&AuthServerImpl::authorize), "authorize");
  r.add(
      V::get, "/oauth/authorize/continue",
      [this](const http::Request& req, http::RequestContext&) {
        auto t = http::parse_target(std::string_view(req.target().data(), req.target().size()));
        std::string txn = t ? param(t->query, "txn").value_or("") : "";
        return advance(req, txn);
      },
      "authorize");
  r.add(V::post, "/oauth/authorize/login", bind_ctx(&AuthServerImpl::login), "authorize_login");
  r.add(V::post, "/oauth/authorize/patient", bind(&AuthServerImpl::choose_patient),
        "authorize_patient");
  r.add(V::post, "/oauth/authorize/encounter", bind(&AuthServerImpl::choose_encounter),
        "authorize_encounter");
  r.add(V::post, "/oauth/authorize/consent", bind(&AuthServerImpl::consent), "authorize_consent");
  r.add(V::post, "/oauth/token", http::with_cors(bind_ctx(&AuthServerImpl::token)), "token");
  r.add(V::options, "/oauth/token", http::with_cors(bind_ctx(&AuthServerImpl::token)), "token");
  r.add(std::nullopt, "/oauth/userinfo", http::with_cors(bind(&AuthServerImpl::userinfo)),
        "userinfo");
  r.add(V::post, "/oauth/introspect", http::with_cors(bind(&AuthServerImpl::introspect)),
        "introspect");
  r.add(V::options, "/oauth/introspect", http::with_cors(bind(&AuthServerImpl::introspect)),
        "introspect");
  r.add(V::post, "/oauth/revoke", http::with_cors(bind(&AuthServerImpl::revoke)), "revoke");
  r.add(V::options, "/oauth/revoke", http::with_cors(bind(&AuthServerImpl::revoke)), "revoke");
  r.add(V::post, "/oauth/register", http::with_cors(bind_ctx(&AuthServerImpl::register_client)),
        "register");
  r.add(V::options, "/oauth/register", http::with_cors(bind_ctx(&AuthServerImpl::register_client)),
        "register");
  r.add_prefix(http::kAnyMethod, "/oauth/register/",
               http::with_cors(bind_ctx(&AuthServerImpl::manage_client)), "register_manage");
  r.add(V::get, "/ehr/smart-style/" + std::string(kStyleVersion) + ".json",
        http::with_cors(bind(&AuthServerImpl::style)), "smart_style");
  r.add(V::get, "/ehr/static/ember.css", bind(&AuthServerImpl::stylesheet), "static");
}

fhir::Authorizer AuthServerImpl::authorizer() {
  return [this](const http::Request& req) { return authorize_fhir(req); };
}

namespace {

// The discovery documents depend on the options alone, so they are rendered once, when the
// server is built (they are requested on every launch, and building the JSON per request cost
// half again the CPU of /healthz: docs/performance.md).
std::string smart_configuration_body(const AuthOptions& opt) {
  const std::string b = opt.base_url;
  bj::array caps;
  for (const char* c : kCapabilities) caps.push_back(bj::string(c));
  bj::object o{
      {"issuer", opt.issuer()},
      {"jwks_uri", b + "/oauth/jwks"},
      {"authorization_endpoint", b + "/oauth/authorize"},
      {"token_endpoint", b + "/oauth/token"},
      {"userinfo_endpoint", b + "/oauth/userinfo"},
      {"introspection_endpoint", b + "/oauth/introspect"},
      {"revocation_endpoint", b + "/oauth/revoke"},
      {"registration_endpoint", b + "/oauth/register"},
      {"grant_types_supported",
       bj::array{"authorization_code", "refresh_token", "client_credentials"}},
      {"token_endpoint_auth_methods_supported",
       bj::array{"none", "client_secret_basic", "client_secret_post", "private_key_jwt"}},
      {"token_endpoint_auth_signing_alg_values_supported",
       bj::array{"RS384", "ES384", "RS256", "ES256", "PS256", "PS384", "RS512"}},
      {"scopes_supported",
       bj::array{"openid", "fhirUser", "profile", "launch", "launch/patient", "launch/encounter",
                 "offline_access", "online_access", "patient/*.cruds", "user/*.cruds",
                 "system/*.cruds", "patient/*.read", "patient/*.write", "user/*.read",
                 "user/*.write", "system/*.read", "system/*.write"}},
      {"response_types_supported", bj::array{"code"}},
      {"code_challenge_methods_supported", bj::array{"S256"}},
      {"capabilities", std::move(caps)},
  };
  return bj::serialize(o);
}

std::string openid_configuration_body(const AuthOptions& opt) {
  const std::string b = opt.base_url;
  bj::object o{
      {"issuer", opt.issuer()},
      {"authorization_endpoint", b + "/oauth/authorize"},
      {"token_endpoint", b + "/oauth/token"},
      {"userinfo_endpoint", b + "/oauth/userinfo"},
      {"jwks_uri", b + "/oauth/jwks"},
      {"introspection_endpoint", b + "/oauth/introspect"},
      {"revocation_endpoint", b + "/oauth/revoke"},
      {"registration_endpoint", b + "/oauth/register"},
      {"response_types_supported", bj::array{"code"}},
      {"response_modes_supported", bj::array{"query"}},
      {"grant_types_supported",
       bj::array{"authorization_code", "refresh_token", "client_credentials"}},
      {"subject_types_supported", bj::array{"public"}},
      {"id_token_signing_alg_values_supported", bj::array{"RS256"}},
      {"token_endpoint_auth_methods_supported",
       bj::array{"none", "client_secret_basic", "client_secret_post", "private_key_jwt"}},
      {"token_endpoint_auth_signing_alg_values_supported",
       bj::array{"RS384", "ES384", "RS256", "ES256", "PS256", "PS384", "RS512"}},
      {"scopes_supported", bj::array{"openid", "fhirUser", "profile", "offline_access"}},
      {"claims_supported",
       bj::array{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "fhirUser", "name"}},
      {"code_challenge_methods_supported", bj::array{"S256"}},
      {"request_parameter_supported", false},
      {"claims_parameter_supported", false},
  };
  return bj::serialize(o);
}

http::Response discovery_response(const http::Request& req, const std::string& body) {
  auto res = http::json_response(req, bhttp::status::ok, body);
  res.set(bhttp::field::cache_control, "public, max-age=300");
  return res;
}

}  // namespace

http::Response AuthServerImpl::smart_configuration(const http::Request& req) {
  return discovery_response(req, smart_configuration_body_);
}

http::Response AuthServerImpl::openid_configuration(const http::Request& req) {
  return discovery_response(req, openid_configuration_body_);
}

http::Response AuthServerImpl::jwks(const http::Request& req) {
  auto res = http::json_response(req, bhttp::status::ok, keys_.jwks_json());
  res.set(bhttp::field::cache_control, "public, max-age=60");
  return res;
}

http::Response AuthServerImpl::style(const http::Request& req) {
  auto res = http::json_response(req, bhttp::status::ok, std::string(kStyleJson));
  res.set(bhttp::field::cache_control, "public, max-age=86400");
  return res;
}

http::Response AuthServerImpl::stylesheet(const http::Request& req) {
  auto res = http::make_response(req, bhttp::status::ok, "text/css; charset=utf-8",
                                 std::string(ehr::stylesheet()));
  res.set(bhttp::field::cache_control, "public, max-age=3600");
  return res;
}

http::Response AuthServerImpl::page(const http::Request& req, int status, std::string html) {
  auto res = http::html_response(req, static_cast<bhttp::status>(status), std::move(html));
  res.set("Content-Security-Policy", ehr::content_security_policy());
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  http::no_store(res);
  return res;
}

http::Response AuthServerImpl::error_page(const http::Request& req, int status, std::string title,
                                          std::string message) {
  return page(req, status, ehr::render_error({status, std::move(title), std::move(message)}));
}

http::Response AuthServerImpl::redirect(const http::Request& req, const std::string& location) {
  return http::see_other(req, location);
}

http::Response AuthServerImpl::redirect_error(const http::Request& req, const RedirectError& e) {
  http::QueryParams q{{"error", std::string(error_code(e.error.code))}};
  if (!e.error.description.empty()) q.push_back({"error_description", e.error.description});
  if (!e.state.empty()) q.push_back({"state", e.state});
  return redirect(req, append_query(e.redirect_uri, q));
}

std::string AuthServerImpl::hash_token(std::string_view token) const {
  return Sessions::hash(token);
}

std::optional<store::ClientRecord> AuthServerImpl::find_client(const std::string& id) {
  auto c = auth_.get_client(id);
  if (!c) return std::nullopt;
  return std::move(*c);
}

namespace {
struct Demo {
  const char* username;
  const char* display;
  const char* role_label;
  store::UserRole role;
  const char* fhir_user;
};
constexpr Demo kDemo[] = {
    {"dr.smith", "Dr. Sarah Smith", "practitioner", store::UserRole::Practitioner,
     "Practitioner/dr-smith"},
    {"dr.jones", "Dr. Alan Jones", "practitioner", store::UserRole::Practitioner,
     "Practitioner/dr-jones"},
    {"nurse.lee", "Kim Lee, RN", "practitioner", store::UserRole::Practitioner,
     "Practitioner/nurse-lee"},
    {"alice", "Alice Carter", "patient", store::UserRole::Patient, "Patient/alice"},
};
}  // namespace

void ensure_demo_users(store::AuthStore& auth, Random& random) {
  for (const auto& d : kDemo) {
    if (auth.get_user(d.username)) continue;
    store::UserRecord u;
    u.username = d.username;
    u.display = d.display;
    u.role = d.role;
    u.fhir_user = d.fhir_user;
    u.password_hash = hash_password("demo", random);
    (void)auth.put_user(u);
  }
}

std::vector<ehr::DemoAccount> demo_accounts() {
  std::vector<ehr::DemoAccount> out;
  for (const auto& d : kDemo) {
    out.push_back({d.username, std::string(d.display) + " (" + d.role_label + ")"});
  }
  return out;
}

}  // namespace ember::oauth
