// The authorization server's implementation, split by concern: auth_server.cc (routes,
// discovery, sessions, page helpers), authorize_flow.cc (the authorization endpoint and its
// pages), token_endpoint.cc (token, userinfo, the FHIR bearer check). Internal to oauth/.
#pragma once
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "ehr/views.h"
#include "http/url.h"
#include "oauth/auth_server.h"
#include "oauth/authorize_request.h"
#include "oauth/client_auth.h"
#include "oauth/errors.h"
#include "oauth/jwks_fetcher.h"
#include "oauth/limiter.h"
#include "oauth/sessions.h"
#include "oauth/verified_tokens.h"
#include "smart/scopes.h"

namespace ember::oauth {

namespace bhttp = boost::beast::http;

// SMART backend services: access tokens live at most 300 s (checklist TOK-05).
inline constexpr std::int64_t kBackendTokenTtlS = 300;

// What the server knows of a token it issued (introspection, revocation).
struct TokenInfo {
  bool refresh = false;  // a refresh token (else an access token)
  bool active = false;   // unexpired, not revoked, not rotated away
  std::string client_id, grant_id, jti, scope, sub, patient, encounter, fhir_user;
  std::int64_t exp = 0, iat = 0;
};

// A picker or consent form post: its fields, the session that sent it (CSRF checked) and the
// pending authorization it continues (bound to that session, not expired).
struct FormStep {
  http::QueryParams form;
  Session session;
  store::PendingAuthorization pending;
};

class AuthServerImpl final : public AuthServer {
 public:
  AuthServerImpl(store::AuthStore& auth, store::ResourceStore& resources, SigningKeys& keys,
                 const Clock& clock, Random& random, AuthOptions options);
  void mount(http::Router& router) override;
  fhir::Authorizer authorizer() override;
  Sessions& sessions() override { return sessions_; }
  const AuthOptions& options() const override { return opt_; }
  Result<IssuedLaunch, std::string> create_launch(const LaunchRequest& request) override;

  // auth_server.cc
  http::Response smart_configuration(const http::Request& req);
  http::Response openid_configuration(const http::Request& req);
  http::Response jwks(const http::Request& req);
  http::Response style(const http::Request& req);
  http::Response stylesheet(const http::Request& req);
  http::Response page(const http::Request& req, int status, std::string html);
  http::Response error_page(const http::Request& req, int status, std::string title,
                            std::string message);
  http::Response redirect(const http::Request& req, const std::string& location);
  http::Response redirect_error(const http::Request& req, const RedirectError& e);
  std::optional<store::ClientRecord> find_client(const std::string& id);
  std::string hash_token(std::string_view token) const;

  // authorize_flow.cc
  http::Response authorize(const http::Request& req);
  http::Response advance(const http::Request& req, const std::string& txn,
                         std::vector<std::string> set_cookies = {});
  http::Response login(const http::Request& req, const http::RequestContext& ctx);
  http::Response choose_patient(const http::Request& req);
  http::Response choose_encounter(const http::Request& req);
  http::Response consent(const http::Request& req);
  // The checks every post after sign-in starts with; an error page when one fails.
  Result<FormStep, http::Response> form_step(const http::Request& req);
  http::Response issue_code(const http::Request& req, const store::PendingAuthorization& p,
                            const Session& session, const std::string& scope);

  // registration_endpoint.cc (RFC 7591 registration, RFC 7592 management)
  http::Response register_client(const http::Request& req, const http::RequestContext& ctx);
  // GET/PUT/DELETE /oauth/register/{id}
  http::Response manage_client(const http::Request& req, const http::RequestContext& ctx);
  // The registration rate limits: the address (from ctx) or the client id, when not empty.
  std::optional<std::int64_t> registration_limited(const http::RequestContext& ctx,
                                                   const std::string& client_id);

  // introspection.cc (RFC 7662) and revocation.cc (RFC 7009)
  http::Response introspect(const http::Request& req);
  http::Response revoke(const http::Request& req);
  // An access token (our signature) or a refresh token (by hash), else nullopt.
  std::optional<TokenInfo> inspect_token(const std::string& token, bool refresh_first);
  // Client authentication shared by the token, introspection and revocation endpoints.
  Result<AuthenticatedClient, Error> authenticate(const http::Request& req,
                                                  const http::QueryParams& form);
  // The form body of a POST, or an invalid_request error.
  Result<http::QueryParams, Error> form_body(const http::Request& req);

  // token_endpoint.cc
  http::Response token(const http::Request& req, const http::RequestContext& ctx);
  http::Response client_credentials(const http::Request& req, const http::QueryParams& form,
                                    const AuthenticatedClient& client);
  http::Response userinfo(const http::Request& req);
  Result<std::shared_ptr<const fhir::AccessPolicy>, fhir::FhirError> authorize_fhir(
      const http::Request& req);
  Result<std::shared_ptr<const VerifiedToken>, std::string> verify_for_fhir(std::string_view token,
                                                                            std::int64_t now_s);
  VerifiedTokens verified_tokens_;  // FHIR bearer tokens already verified (verified_tokens.h)

  // argon2id costs tens of milliseconds by design; a confidential client presenting the same
  // secret again is checked against a SHA-256 of the secret it last proved (DESIGN.md: "cache a
  // verified secret"), keyed by its stored hash so a new secret invalidates the entry.
  bool check_client_secret(const store::ClientRecord& c, const std::string& secret);
  std::mutex secret_cache_mu_;
  std::unordered_map<std::string, std::pair<std::string, std::string>> secret_cache_;

  JwksSourcePtr jwks_;  // client keys for private_key_jwt (inline or jwks_uri, cached)

  // launch.cc (EHR launch contexts)
  // The launch named by an authorization request, consumed (single use) and checked against
  // the client; the error to send back to the app otherwise.
  Result<store::LaunchRecord, Error> take_launch(const std::string& launch,
                                                 const std::string& client_id);

  store::AuthStore& auth_;
  store::ResourceStore& resources_;
  SigningKeys& keys_;
  const Clock& clock_;
  Random& random_;
  AuthOptions opt_;
  Sessions sessions_;
  RateLimiter rate_limiter_;                    // token and registration endpoints (limiter.h)
  const std::string smart_configuration_body_;  // rendered once (auth_server.cc)
  const std::string openid_configuration_body_;
};

std::optional<std::string> param(const http::QueryParams& params, std::string_view name);

}  // namespace ember::oauth
