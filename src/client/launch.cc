// The authorization code flow from the app's side (SMART 2.2 app-launch; RFC 6749 §4.1 with
// RFC 7636 PKCE S256; RFC 8252 loopback redirect for native apps), EHR launch, and SMART
// Backend Services (client_credentials + RFC 7523 assertion).
#include "ember/client/launch.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "client/internal.h"
#include "core/encoding.h"
#include "ember/client/id_token.h"
#include "ember/client/pkce.h"

extern char** environ;

namespace ember::client {

struct PendingAuthorization::Impl {
  AppConfig config;
  SmartConfiguration configuration;
  std::string url;
  std::string redirect_uri;
  std::string state;
  std::string nonce;
  std::string verifier;
  bool used = false;
};

namespace {

bool scope_has(std::string_view scopes, std::string_view wanted) {
  std::istringstream in{std::string(scopes)};
  for (std::string s; in >> s;) {
    if (s == wanted) return true;
  }
  return false;
}

// OIDC Core §3.1.3.7 against the server's keys; fills fhir_user from the verified claims.
Result<void> check_id_token(const AppConfig& config, SmartConfiguration& configuration,
                            const std::string& nonce, TokenSet& tokens) {
  if (tokens.id_token.empty()) {
    return failure(ErrorKind::InvalidResponse,
                   "openid was granted but the token response has no id_token", "missing_id_token");
  }
  const Services& services = config.services;
  if (auto ok = complete_openid_configuration(configuration, services); !ok) {
    return failure(ok.error());
  }
  if (configuration.issuer.empty()) {
    return failure(ErrorKind::InvalidResponse, "the server advertises no issuer to check the "
                   "id_token against", "missing_issuer");
  }
  HttpRequest req;
  req.url = configuration.jwks_uri;
  req.headers.emplace_back("Accept", "application/json");
  auto res = detail::send(services, req);
  if (!res) return failure(res.error());
  if (res->status != 200) return failure(detail::response_error(*res, "jwks"));
  IdTokenCheck check;
  check.issuer = configuration.issuer;
  check.client_id = config.credentials.client_id;
  check.nonce = nonce;
  check.now = services.now();
  check.leeway = config.id_token_leeway;
  auto claims = validate_id_token(tokens.id_token, res->body, check);
  if (!claims) return failure(claims.error());
  // SMART 2.2: fhirUser in the id_token (SMART 1.0 servers used "profile").
  std::string fhir_user = (*claims)["fhirUser"].string_or((*claims)["profile"].string_or());
  if (!fhir_user.empty()) tokens.context.fhir_user = std::move(fhir_user);
  return {};
}

SessionState make_state(const AppConfig& config, const SmartConfiguration& c, TokenSet tokens,
                        bool backend) {
  SessionState s;
  s.fhir_base = c.fhir_base;
  s.issuer = c.issuer;
  s.token_endpoint = c.token_endpoint;
  s.revocation_endpoint = c.revocation_endpoint;
  s.credentials = config.credentials;
  s.requested_scope = config.scope;
  s.backend = backend;
  s.tokens = std::move(tokens);
  return s;
}

Result<Session> start_session(const AppConfig& config, SessionState state) {
  Session session(std::move(state), config.services, config.store);
  session.set_refresh_margin(config.refresh_margin);
  if (config.store) {
    if (auto saved = config.store->save(session.state()); !saved) return failure(saved.error());
  }
  return session;
}

}  // namespace

PendingAuthorization::PendingAuthorization(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PendingAuthorization::PendingAuthorization(PendingAuthorization&&) noexcept = default;
PendingAuthorization& PendingAuthorization::operator=(PendingAuthorization&&) noexcept = default;
PendingAuthorization::~PendingAuthorization() = default;

const std::string& PendingAuthorization::authorize_url() const { return impl_->url; }
const std::string& PendingAuthorization::redirect_uri() const { return impl_->redirect_uri; }
const std::string& PendingAuthorization::state() const { return impl_->state; }
const std::string& PendingAuthorization::nonce() const { return impl_->nonce; }
const std::string& PendingAuthorization::code_verifier() const { return impl_->verifier; }
const SmartConfiguration& PendingAuthorization::configuration() const {
  return impl_->configuration;
}

Result<Session> PendingAuthorization::complete(std::string_view code, std::string_view state) {
  Impl& p = *impl_;
  // RFC 6749 §10.12: the response must carry the state this client generated.
  if (!constant_time_equals(state, p.state)) {
    return failure(ErrorKind::StateMismatch,
                   "the redirect's state is not the one this client sent", "state_mismatch");
  }
  if (code.empty()) return failure(ErrorKind::InvalidResponse, "the redirect has no code", "no_code");
  if (p.used) return failure(ErrorKind::InvalidArgument, "this authorization was already completed");
  p.used = true;
  auto res = detail::token_request(p.config.services, p.config.credentials,
                                   p.configuration.token_endpoint,
                                   {{"grant_type", "authorization_code"},
                                    {"code", std::string(code)},
                                    {"redirect_uri", p.redirect_uri},
                                    {"code_verifier", p.verifier}});
  if (!res) return failure(res.error());
  TokenSet tokens = std::move(res->tokens);
  // RFC 6749 §5.1: an omitted scope means the requested one was granted.
  if (tokens.context.scope.empty()) tokens.context.scope = p.config.scope;
  if (scope_has(tokens.context.scope, "openid") || !tokens.id_token.empty()) {
    if (auto ok = check_id_token(p.config, p.configuration, p.nonce, tokens); !ok) {
      return failure(ok.error());
    }
  }
  return start_session(p.config, make_state(p.config, p.configuration, std::move(tokens), false));
}

Result<Session> PendingAuthorization::complete(const CallbackParams& params) {
  if (!constant_time_equals(params.state, impl_->state)) {
    return failure(ErrorKind::StateMismatch,
                   "the redirect's state is not the one this client sent", "state_mismatch");
  }
  if (!params.error.empty()) {
    Error e;
    e.kind = ErrorKind::OAuthError;
    e.error = params.error;
    e.error_description = params.error_description;
    e.message = "the authorization server refused: " + params.error;
    return failure(std::move(e));
  }
  return complete(params.code, params.state);
}

Result<PendingAuthorization> begin_authorization(const AppConfig& config, std::string redirect_uri,
                                                 std::string launch) {
  if (config.credentials.client_id.empty()) {
    return failure(ErrorKind::InvalidArgument, "no client_id");
  }
  if (redirect_uri.empty()) return failure(ErrorKind::InvalidArgument, "no redirect_uri");
  if (!config.services.random || !config.services.now) {
    return failure(ErrorKind::InvalidArgument, "Services need a clock and a random source");
  }
  auto configuration = discover(config.fhir_base, config.services);
  if (!configuration) return failure(configuration.error());
  if (configuration->authorization_endpoint.empty()) {
    return failure(ErrorKind::InvalidResponse, "the server advertises no authorization_endpoint",
                   "missing_authorization_endpoint");
  }
  auto impl = std::make_unique<PendingAuthorization::Impl>();
  impl->config = config;
  impl->configuration = std::move(*configuration);
  impl->redirect_uri = std::move(redirect_uri);
  impl->state = base64url_encode(config.services.random(32));
  impl->nonce = base64url_encode(config.services.random(32));
  const Pkce pkce = make_pkce(config.services.random);
  impl->verifier = pkce.verifier;

  detail::Params params = {{"response_type", "code"},
                           {"client_id", config.credentials.client_id},
                           {"redirect_uri", impl->redirect_uri},
                           {"scope", config.scope},
                           {"state", impl->state},
                           {"aud", impl->configuration.fhir_base},
                           {"nonce", impl->nonce},
                           {"code_challenge", pkce.challenge},
                           {"code_challenge_method", std::string(Pkce::method)}};
  if (!launch.empty()) params.emplace_back("launch", std::move(launch));
  const std::string& endpoint = impl->configuration.authorization_endpoint;
  impl->url = endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") +
              detail::encode_form(params);
  return PendingAuthorization(std::move(impl));
}

Result<PendingAuthorization> ehr_launch(AppConfig config, std::string_view iss,
                                        std::string_view launch, std::string redirect_uri) {
  if (iss.empty() || launch.empty()) {
    return failure(ErrorKind::InvalidArgument, "an EHR launch needs iss and launch");
  }
  config.fhir_base = std::string(iss);
  return begin_authorization(config, std::move(redirect_uri), std::string(launch));
}

Result<Session> standalone_launch(const AppConfig& config, const BrowserOpener& open_browser,
                                  const LoopbackOptions& options) {
  auto listener = LoopbackListener::open(options.port, options.path);
  if (!listener) return failure(listener.error());
  auto pending = begin_authorization(config, listener->redirect_uri());
  if (!pending) return failure(pending.error());
  if (open_browser) open_browser(pending->authorize_url(), pending->redirect_uri());
  auto params = listener->wait(options.timeout);
  if (!params) return failure(params.error());
  return pending->complete(*params);
}

bool open_system_browser(const std::string& url) {
  const char* path = std::getenv("PATH");
  std::string found;
  for (const char* name : {"xdg-open", "open"}) {
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':') && found.empty();) {
      const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) found = candidate;
    }
    if (!found.empty()) break;
  }
  if (found.empty()) return false;
  // No shell: the URL is one argv element. The helper's output must not mix with ours.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string arg0 = found;
  std::string arg1 = url;
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, found.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0;
}

Result<Session> backend_services(const AppConfig& config) {
  if (config.credentials.auth != ClientAuth::PrivateKeyJwt) {
    return failure(ErrorKind::InvalidArgument,
                   "backend services need a private key (private_key_jwt)");
  }
  auto configuration = discover(config.fhir_base, config.services);
  if (!configuration) return failure(configuration.error());
  detail::Params params = {{"grant_type", "client_credentials"}};
  if (!config.scope.empty()) params.emplace_back("scope", config.scope);
  auto res = detail::token_request(config.services, config.credentials,
                                   configuration->token_endpoint, std::move(params));
  if (!res) return failure(res.error());
  TokenSet tokens = std::move(res->tokens);
  if (tokens.context.scope.empty()) tokens.context.scope = config.scope;
  return start_session(config, make_state(config, *configuration, std::move(tokens), true));
}

}  // namespace ember::client
