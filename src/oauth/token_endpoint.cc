// The token endpoint (authorization_code and refresh_token grants, RFC 6749 §4.1.3 / §6 with
// PKCE and SMART context), userinfo (OIDC Core §5.3), and the bearer-token check that turns an
// access token into the FHIR API's access policy (RFC 6750).
#include <boost/json.hpp>

#include "core/encoding.h"
#include "http/headers.h"
#include "http/responses.h"
#include "oauth/audit_hooks.h"
#include "oauth/auth_internal.h"
#include "oauth/passwords.h"
#include "oauth/pkce.h"
#include "smart/grant.h"
#include "smart/policy.h"

namespace ember::oauth {

namespace bj = boost::json;

namespace {

struct Grant {
  std::string grant_id;
  std::string client_id;
  std::string username;
  std::string scope;
  std::string patient_id;
  std::string encounter_id;
  std::string fhir_user;
  std::string nonce;
  std::string session_hash;
  bool need_patient_banner = true;
  std::string smart_style_url;
  std::int64_t auth_time_s = 0;
  std::string fhir_context;  // JSON array text, "" = none
  std::string intent;
  std::string simulate;  // sandbox failure simulation flags of the EHR launch
};

bool has_flag(std::string_view flags, std::string_view flag) {
  std::size_t pos = 0;
  while (pos <= flags.size()) {
    std::size_t end = flags.find(' ', pos);
    if (end == std::string_view::npos) end = flags.size();
    if (flags.substr(pos, end - pos) == flag) return true;
    pos = end + 1;
  }
  return false;
}

}  // namespace

bool AuthServerImpl::check_client_secret(const store::ClientRecord& c, const std::string& secret) {
  const std::string digest = sha256(secret);
  {
    std::lock_guard lock(secret_cache_mu_);
    auto it = secret_cache_.find(c.client_id);
    if (it != secret_cache_.end() && it->second.first == c.secret_hash) {
      return constant_time_equals(it->second.second, digest);
    }
  }
  if (!verify_password(secret, c.secret_hash)) return false;
  std::lock_guard lock(secret_cache_mu_);
  secret_cache_[c.client_id] = {c.secret_hash, digest};
  return true;
}

http::Response AuthServerImpl::token(const http::Request& req, const http::RequestContext& ctx) {
  if (req.method() != bhttp::verb::post) {
    auto res = error_response(req, {Errc::InvalidRequest, "use POST"});
    res.result(bhttp::status::method_not_allowed);
    res.set(bhttp::field::allow, "POST");
    return res;
  }
  auto form = form_body(req);
  if (!form) return error_response(req, form.error());
  auto grant_type = param(*form, "grant_type");
  if (!grant_type || grant_type->empty()) {
    return error_response(req, {Errc::InvalidRequest, "grant_type is required"});
  }
  if (*grant_type != "authorization_code" && *grant_type != "refresh_token" &&
      *grant_type != "client_credentials") {
    return error_response(req, {Errc::UnsupportedGrantType, "unsupported grant_type"});
  }
  auto client = authenticate(req, *form);
  // Rate limits, in one store statement: the authenticated client's counter (after
  // authentication, so nobody can spend another client's allowance by naming it) and the
  // address's (which also counts failed authentications). Over either: 429, nothing issued.
  const auto& rates = opt_.limits.rates;
  if (auto retry = rate_limiter_.check(
          {{client ? "t:c:" + client->client.client_id : std::string(), &rates.token_client},
           {ctx.remote_addr.empty() ? std::string() : "t:n:" + ctx.remote_addr,
            &rates.token_address}},
          "token")) {
    return too_many_requests(req, *retry);
  }
  if (!client) return error_response(req, client.error());
  const std::int64_t now_ms = clock_.now_ms();
  if (*grant_type == "client_credentials") return client_credentials(req, *form, *client);
  if (client->client.type == store::ClientType::Backend) {
    return error_response(req, {Errc::UnauthorizedClient,
                                "backend-services clients use the client_credentials grant"});
  }

  Grant g;
  std::string refresh_hash;  // the presented refresh token (refresh grant)
  store::RefreshRecord presented;
  if (*grant_type == "authorization_code") {
    auto code = param(*form, "code");
    if (!code || code->empty())
      return error_response(req, {Errc::InvalidRequest, "code is required"});
    auto consumed = auth_.consume_code(hash_token(*code));
    if (!consumed) return error_response(req, {Errc::TemporarilyUnavailable, "try again"});
    auto& [result, rec] = *consumed;
    if (result == store::ConsumeResult::NotFound) {
      return error_response(req, {Errc::InvalidGrant, "unknown authorization code"});
    }
    if (result == store::ConsumeResult::AlreadyUsed) {
      // RFC 6749 §4.1.2: a replayed code revokes every token issued from it.
      (void)auth_.revoke_grant(rec.grant_id, now_ms + opt_.refresh_token_ttl_s * 1000);
      return error_response(req, {Errc::InvalidGrant, "authorization code already used"});
    }
    if (rec.expires_ms <= now_ms)
      return error_response(req, {Errc::InvalidGrant, "authorization code expired"});
    if (rec.client_id != client->client.client_id) {
      return error_response(req, {Errc::InvalidGrant, "the code was issued to another client"});
    }
    if (rec.aud != opt_.fhir_base()) {
      return error_response(req, {Errc::InvalidGrant, "the code was issued for another server"});
    }
    auto redirect_uri = param(*form, "redirect_uri");
    if (!redirect_uri || *redirect_uri != rec.redirect_uri) {
      return error_response(
          req, {Errc::InvalidGrant, "redirect_uri does not match the authorization request"});
    }
    auto verifier = param(*form, "code_verifier");
    if (!verifier || verifier->empty()) {
      return error_response(req, {Errc::InvalidRequest, "code_verifier is required (PKCE)"});
    }
    if (!verify_s256(*verifier, rec.code_challenge)) {
      return error_response(
          req, {Errc::InvalidGrant, "code_verifier does not match the code_challenge"});
    }
    if (has_flag(rec.simulate, "token_invalid_client")) {
      // Sandbox: the app developer asked the launcher for a failing token request.
      return error_response(req, {Errc::InvalidClient, "simulated failure requested at launch"});
    }
    g = Grant{rec.grant_id,        rec.client_id,
              rec.username,        rec.scope,
              rec.patient_id,      rec.encounter_id,
              rec.fhir_user,       rec.nonce,
              rec.session_hash,    rec.need_patient_banner,
              rec.smart_style_url, rec.auth_time_s,
              rec.fhir_context,    rec.intent,
              rec.simulate};
  } else {
    auto rt = param(*form, "refresh_token");
    if (!rt || rt->empty())
      return error_response(req, {Errc::InvalidRequest, "refresh_token is required"});
    refresh_hash = hash_token(*rt);
    auto rec = auth_.get_refresh(refresh_hash);
    if (!rec) return error_response(req, {Errc::InvalidGrant, "unknown refresh token"});
    presented = *rec;
    if (rec->client_id != client->client.client_id) {
      return error_response(req,
                            {Errc::InvalidGrant, "the refresh token was issued to another client"});
    }
    if (rec->expires_ms <= now_ms)
      return error_response(req, {Errc::InvalidGrant, "refresh token expired"});
    if (rec->aud != opt_.fhir_base()) {
      return error_response(
          req, {Errc::InvalidGrant, "the refresh token was issued for another server"});
    }
    auto revoked = auth_.is_revoked(rec->grant_id, "");
    if (!revoked || *revoked)
      return error_response(req, {Errc::InvalidGrant, "refresh token revoked"});
    if (rec->used) {
      // Reuse of a rotated token: treat the grant as compromised (OAuth 2.1 §4.3.1).
      (void)auth_.revoke_grant(rec->grant_id, now_ms + opt_.refresh_token_ttl_s * 1000);
      return error_response(req, {Errc::InvalidGrant, "refresh token already used"});
    }
    if (!rec->session_hash.empty()) {  // online_access: dies with the session
      auto s = auth_.get_session(rec->session_hash);
      if (!s || s->expires_ms <= now_ms) {
        return error_response(
            req, {Errc::InvalidGrant, "the session of this online_access token ended"});
      }
    }
    std::string scope = rec->scope;
    if (auto requested = param(*form, "scope"); requested && !requested->empty()) {
      auto narrowed = smart::narrow(smart::parse_scopes(rec->scope).scopes, *requested);
      if (!narrowed) return error_response(req, {Errc::InvalidScope, narrowed.error().message});
      scope = narrowed->to_string();
    }
    g = Grant{rec->grant_id,
              rec->client_id,
              rec->username,
              scope,
              rec->patient_id,
              rec->encounter_id,
              rec->fhir_user,
              "",
              rec->session_hash,
              rec->need_patient_banner,
              rec->smart_style_url,
              rec->auth_time_s,
              rec->fhir_context,
              rec->intent,
              ""};
  }

  auto scopes = smart::parse_scopes(g.scope).scopes;
  const std::int64_t now_s = now_ms / 1000;
  const std::string fhir_user = scopes.fhir_user() || scopes.openid() ? g.fhir_user : "";
  const std::string jti = random_.token(16);
  bj::object claims{{"iss", opt_.issuer()},
                    {"sub", g.username},
                    {"aud", opt_.fhir_base()},
                    {"iat", now_s},
                    {"exp", now_s + opt_.access_token_ttl_s},
                    {"jti", jti},
                    {"client_id", g.client_id},
                    {"scope", g.scope},
                    {"gid", g.grant_id}};
  if (!g.patient_id.empty()) claims["patient"] = g.patient_id;
  if (!g.encounter_id.empty()) claims["encounter"] = g.encounter_id;
  if (!fhir_user.empty()) claims["fhirUser"] = fhir_user;
  auto access = keys_.sign_access_token(claims);
  if (!access) return error_response(req, {Errc::ServerError, ""});
  if (has_flag(g.simulate, "fhir_401")) {
    // Sandbox: the app developer asked for an access token the FHIR API refuses early.
    (void)auth_.revoke_jti(jti, now_ms + opt_.access_token_ttl_s * 1000);
  }

  bj::object body{{"access_token", *access},
                  {"token_type", "Bearer"},
                  {"expires_in", opt_.access_token_ttl_s},
                  {"scope", g.scope}};
  if (!g.patient_id.empty()) body["patient"] = g.patient_id;
  if (!g.encounter_id.empty()) body["encounter"] = g.encounter_id;
  body["need_patient_banner"] = g.need_patient_banner;
  if (!g.smart_style_url.empty()) body["smart_style_url"] = g.smart_style_url;
  if (!g.fhir_context.empty()) {
    boost::system::error_code ec;
    if (auto ctx = bj::parse(g.fhir_context, ec); !ec && ctx.is_array()) {
      body["fhirContext"] = std::move(ctx);
    }
  }
  if (!g.intent.empty()) body["intent"] = g.intent;

  if (scopes.openid() && *grant_type == "authorization_code") {
    bj::object id{{"iss", opt_.issuer()},
                  {"sub", g.username},
                  {"aud", g.client_id},
                  {"iat", now_s},
                  {"exp", now_s + opt_.access_token_ttl_s},
                  {"auth_time", g.auth_time_s}};
    if (!g.nonce.empty()) id["nonce"] = g.nonce;
    if (scopes.fhir_user() && !g.fhir_user.empty())
      id["fhirUser"] = opt_.fhir_base() + "/" + g.fhir_user;
    if (scopes.profile()) {
      if (auto u = auth_.get_user(g.username)) id["name"] = u->display;
    }
    auto id_token = keys_.sign_id_token(id);
    if (!id_token) return error_response(req, {Errc::ServerError, ""});
    body["id_token"] = *id_token;
  }

  if (scopes.offline_access() || scopes.online_access()) {
    std::string refresh = random_.token(32);
    store::RefreshRecord r;
    r.token_hash = hash_token(refresh);
    r.grant_id = g.grant_id;
    r.client_id = g.client_id;
    r.username = g.username;
    r.scope =
        *grant_type == "refresh_token" ? presented.scope : g.scope;  // the grant, not a narrowing
    r.patient_id = g.patient_id;
    r.encounter_id = g.encounter_id;
    r.fhir_user = g.fhir_user;
    r.session_hash = scopes.offline_access() ? "" : g.session_hash;
    r.need_patient_banner = g.need_patient_banner;
    r.smart_style_url = g.smart_style_url;
    r.auth_time_s = g.auth_time_s;
    r.expires_ms = now_ms + opt_.refresh_token_ttl_s * 1000;
    r.aud = opt_.fhir_base();
    r.fhir_context = g.fhir_context;
    r.intent = g.intent;
    if (*grant_type == "refresh_token") {
      auto rot = auth_.rotate_refresh(refresh_hash, r);
      if (!rot) return error_response(req, {Errc::TemporarilyUnavailable, "try again"});
      if (*rot != store::ConsumeResult::Ok) {
        (void)auth_.revoke_grant(g.grant_id, now_ms + opt_.refresh_token_ttl_s * 1000);
        return error_response(req, {Errc::InvalidGrant, "refresh token already used"});
      }
    } else if (auto put = auth_.put_refresh(r); !put) {
      return error_response(req, {Errc::TemporarilyUnavailable, "try again"});
    }
    body["refresh_token"] = refresh;
  }
  audit_token_issued(opt_.audit, {*grant_type == "refresh_token" ? audit::Kind::TokenRefresh
                                                                  : audit::Kind::TokenIssue,
                                  g.client_id, g.username, g.fhir_user, g.patient_id, jti,
                                  g.grant_id, g.scope});
  auto res = http::json_response(req, bhttp::status::ok, bj::serialize(body));
  http::no_store(res);
  return res;
}

// SMART backend services (client_credentials with a private_key_jwt assertion): `system/`
// scopes within what the client was registered for, a short-lived token, no refresh token.
http::Response AuthServerImpl::client_credentials(const http::Request& req,
                                                  const http::QueryParams& form,
                                                  const AuthenticatedClient& client) {
  if (client.client.type != store::ClientType::Backend || client.method != "private_key_jwt") {
    return error_response(req, {Errc::UnauthorizedClient,
                                "client_credentials needs a backend-services client "
                                "authenticating with private_key_jwt"});
  }
  auto requested = param(form, "scope").value_or("");
  auto allowed = smart::parse_scopes(client.client.allowed_scopes).scopes;
  auto parsed = requested.empty() ? Result<smart::ScopeSet, smart::ScopeError>(allowed)
                                  : smart::parse_scopes_strict(requested);
  if (!parsed) return error_response(req, {Errc::InvalidScope, parsed.error().message});
  smart::ScopeSet granted;
  for (const auto& s : parsed->all()) {
    if (s.kind != smart::ScopeKind::Resource || s.resource.context != smart::Context::System) {
      return error_response(req, {Errc::InvalidScope, "only system/ scopes: " + s.text});
    }
    if (!smart::covered_by(allowed, s)) {
      return error_response(req, {Errc::InvalidScope, "not allowed for this client: " + s.text});
    }
    granted.add(s);
  }
  if (granted.empty()) return error_response(req, {Errc::InvalidScope, "no scope"});
  const std::int64_t now_s = clock_.now_s();
  const std::string jti = random_.token(16);
  bj::object claims{{"iss", opt_.issuer()},
                    {"sub", client.client.client_id},
                    {"aud", opt_.fhir_base()},
                    {"iat", now_s},
                    {"exp", now_s + kBackendTokenTtlS},
                    {"jti", jti},
                    {"client_id", client.client.client_id},
                    {"scope", granted.to_string()}};
  auto access = keys_.sign_access_token(claims);
  if (!access) return error_response(req, {Errc::ServerError, ""});
  bj::object body{{"access_token", *access},
                  {"token_type", "Bearer"},
                  {"expires_in", kBackendTokenTtlS},
                  {"scope", granted.to_string()}};
  audit_token_issued(opt_.audit, {audit::Kind::TokenClientCredentials, client.client.client_id,
                                  "", "", "", jti, "", granted.to_string()});
  auto res = http::json_response(req, bhttp::status::ok, bj::serialize(body));
  http::no_store(res);
  return res;
}

Result<std::shared_ptr<const fhir::AccessPolicy>, fhir::FhirError> AuthServerImpl::authorize_fhir(
    const http::Request& req) {
  auto unauthorized = [](std::string diag, bool invalid_token) {
    fhir::FhirError e{401, "login", std::move(diag)};
    e.www_authenticate = invalid_token ? "Bearer realm=\"ember\", error=\"invalid_token\""
                                       : "Bearer realm=\"ember\"";
    return e;
  };
  auto token = http::bearer_token(req);
  if (!token) return fail(unauthorized("an access token is required", false));
  if (token->empty())
    return fail(unauthorized("the Authorization header must be a Bearer token", true));
  const std::int64_t now_s = clock_.now_s();
  auto verified = verified_tokens_.find(*token, now_s);
  if (!verified) {
    auto checked = verify_for_fhir(*token, now_s);
    if (!checked) return fail(unauthorized(checked.error(), true));
    verified = *checked;
    verified_tokens_.put(std::string(*token), verified, now_s);
  }
  // One query: the deny-list and whether the client still exists (RFC 7592 §2.3: a deleted
  // client's tokens die with it).
  auto status = auth_.token_status(verified->grant_id, verified->jti, verified->client_id);
  if (!status) {
    return fail(fhir::FhirError{503, "transient", "the token could not be checked; retry"});
  }
  if (status->revoked) return fail(unauthorized("the access token has been revoked", true));
  if (!status->client_exists) {
    return fail(unauthorized("the client of this access token no longer exists", true));
  }
  return verified->policy;
}

// Signature, expiry, audience and issuer of an access token presented to the FHIR API, and the
// policy its scopes grant; the error is the reason given to the client.
Result<std::shared_ptr<const VerifiedToken>, std::string> AuthServerImpl::verify_for_fhir(
    std::string_view token, std::int64_t now_s) {
  auto claims = keys_.verify_access_token(token);
  if (!claims) return fail(std::string("the access token is not valid"));
  const auto& c = *claims;
  auto str = [&](std::string_view k) -> std::string {
    const bj::value* v = c.if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  const bj::value* exp = c.if_contains("exp");
  if (!exp || !exp->is_number() || exp->to_number<std::int64_t>() <= now_s) {
    return fail(std::string("the access token has expired"));
  }
  if (str("aud") != opt_.fhir_base() || str("iss") != opt_.issuer()) {
    return fail(std::string("the access token was not issued for this server"));
  }
  smart::PolicyContext ctx;
  if (auto p = str("patient"); !p.empty()) ctx.patient_id = p;
  if (auto f = str("fhirUser"); !f.empty()) ctx.fhir_user = f;
  ctx.subject = str("sub");  // for the audit trail (fhir::Principal)
  ctx.client_id = str("client_id");
  auto entry = std::make_shared<VerifiedToken>();
  entry->exp_s = exp->to_number<std::int64_t>();
  entry->grant_id = str("gid");
  entry->jti = str("jti");
  entry->client_id = str("client_id");
  entry->policy = smart::make_policy(smart::parse_scopes(str("scope")).scopes, std::move(ctx));
  return std::shared_ptr<const VerifiedToken>(std::move(entry));
}

http::Response AuthServerImpl::userinfo(const http::Request& req) {
  auto fail_with = [&](Errc code, std::string desc) {
    auto res = error_response(req, {code, std::move(desc)});
    res.set(bhttp::field::www_authenticate,
            std::string("Bearer realm=\"ember\", error=\"") + std::string(error_code(code)) + "\"");
    return res;
  };
  auto token = http::bearer_token(req);
  if (!token || token->empty()) {
    auto res = error_response(req, {Errc::InvalidToken, "an access token is required"});
    res.set(bhttp::field::www_authenticate, "Bearer realm=\"ember\"");
    return res;
  }
  auto claims = keys_.verify_access_token(*token);
  if (!claims) return fail_with(Errc::InvalidToken, "the access token is not valid");
  auto str = [&](std::string_view k) -> std::string {
    const bj::value* v = claims->if_contains(k);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  const bj::value* exp = claims->if_contains("exp");
  if (!exp || !exp->is_number() || exp->to_number<std::int64_t>() <= clock_.now_s() ||
      str("iss") != opt_.issuer()) {
    return fail_with(Errc::InvalidToken, "the access token has expired");
  }
  auto revoked = auth_.is_revoked(str("gid"), str("jti"));
  if (!revoked || *revoked)
    return fail_with(Errc::InvalidToken, "the access token has been revoked");
  auto scopes = smart::parse_scopes(str("scope")).scopes;
  if (!scopes.openid())
    return fail_with(Errc::InsufficientScope, "userinfo needs the openid scope");
  bj::object o{{"sub", str("sub")}};
  if (auto f = str("fhirUser"); !f.empty() && scopes.fhir_user())
    o["fhirUser"] = opt_.fhir_base() + "/" + f;
  if (auto u = auth_.get_user(str("sub")); u && (scopes.profile() || scopes.fhir_user())) {
    o["name"] = u->display;
  }
  auto res = http::json_response(req, bhttp::status::ok, bj::serialize(o));
  http::no_store(res);
  return res;
}

}  // namespace ember::oauth
