// What Ember knows of a token it issued, for introspection and revocation: access tokens are
// recognised by our signature (then checked for expiry and revocation), refresh tokens by the
// hash of their value.
#include <boost/json.hpp>
#include <string_view>
#include <unordered_set>

#include "http/headers.h"
#include "oauth/auth_internal.h"
#include "oauth/client_assertion.h"
#include "oauth/passwords.h"

namespace ember::oauth {

namespace bj = boost::json;

std::optional<TokenInfo> AuthServerImpl::inspect_token(const std::string& token,
                                                       bool refresh_first) {
  const std::int64_t now_ms = clock_.now_ms();
  auto as_refresh = [&]() -> std::optional<TokenInfo> {
    if (token.empty() || token.size() > 512) return std::nullopt;
    auto rec = auth_.get_refresh(hash_token(token));
    if (!rec) return std::nullopt;
    TokenInfo t;
    t.refresh = true;
    t.client_id = rec->client_id;
    t.grant_id = rec->grant_id;
    t.scope = rec->scope;
    t.sub = rec->username;
    t.patient = rec->patient_id;
    t.encounter = rec->encounter_id;
    t.fhir_user = rec->fhir_user;
    t.exp = rec->expires_ms / 1000;
    auto revoked = auth_.is_revoked(rec->grant_id, "");
    t.active = !rec->used && rec->expires_ms > now_ms && rec->aud == opt_.fhir_base() && revoked &&
               !*revoked;
    if (t.active && !rec->session_hash.empty()) {  // online_access dies with the session
      auto s = auth_.get_session(rec->session_hash);
      t.active = s && s->expires_ms > now_ms;
    }
    return t;
  };
  auto as_access = [&]() -> std::optional<TokenInfo> {
    if (token.find('.') == std::string::npos) return std::nullopt;
    auto claims = keys_.verify_access_token(token);
    if (!claims) return std::nullopt;
    auto str = [&](std::string_view k) -> std::string {
      const bj::value* v = claims->if_contains(k);
      return v && v->is_string() ? std::string(v->get_string()) : std::string();
    };
    auto num = [&](std::string_view k) -> std::int64_t {
      const bj::value* v = claims->if_contains(k);
      return v && v->is_number() ? v->to_number<std::int64_t>() : 0;
    };
    TokenInfo t;
    t.client_id = str("client_id");
    t.grant_id = str("gid");
    t.jti = str("jti");
    t.scope = str("scope");
    t.sub = str("sub");
    t.patient = str("patient");
    t.encounter = str("encounter");
    t.fhir_user = str("fhirUser");
    t.exp = num("exp");
    t.iat = num("iat");
    auto revoked = auth_.is_revoked(t.grant_id, t.jti);
    t.active = t.exp > now_ms / 1000 && str("aud") == opt_.fhir_base() &&
               str("iss") == opt_.issuer() && revoked && !*revoked;
    return t;
  };
  auto found = refresh_first ? as_refresh() : as_access();
  if (!found) found = refresh_first ? as_access() : as_refresh();
  // A deleted client's tokens are dead everywhere (RFC 7592 §2.3).
  if (found && found->active && !find_client(found->client_id)) found->active = false;
  return found;
}

Result<http::QueryParams, Error> AuthServerImpl::form_body(const http::Request& req) {
  auto ct = req.find(bhttp::field::content_type);
  auto mt = ct == req.end() ? std::nullopt
                            : http::parse_media_type(
                                  std::string_view(ct->value().data(), ct->value().size()));
  if (!mt || mt->essence() != "application/x-www-form-urlencoded") {
    return fail(Error{Errc::InvalidRequest, "the body must be application/x-www-form-urlencoded"});
  }
  auto form = http::parse_form(std::string_view(req.body().data(), req.body().size()));
  if (!form) return fail(Error{Errc::InvalidRequest, "malformed form body"});
  // RFC 6749 §3.2 (and RFC 7009 / 7662 after it): a parameter MUST NOT be included more than
  // once; otherwise two readers of the same request (a proxy, Ember) could disagree.
  std::unordered_set<std::string_view> seen;
  for (const auto& p : *form) {
    if (!seen.insert(p.name).second) {
      return fail(Error{Errc::InvalidRequest, "the parameter '" + p.name + "' appears more than once"});
    }
  }
  return std::move(*form);
}

Result<AuthenticatedClient, Error> AuthServerImpl::authenticate(const http::Request& req,
                                                                const http::QueryParams& form) {
  return authenticate_client(
      req, form, [this](const std::string& id) { return find_client(id); },
      [this](const store::ClientRecord& c, const std::string& secret) {
        return check_client_secret(c, secret);
      },
      [this](std::string_view assertion, const store::ClientRecord& c) -> Result<void, Error> {
        AssertionOptions opt{opt_.base_url + "/oauth/token", *jwks_,
                             [this](const std::string& key, std::int64_t until_ms)
                                 -> Result<bool, std::string> {
                               auto r = auth_.use_assertion_jti(key, until_ms);
                               if (!r) return fail(r.error().message);
                               return *r;
                             },
                             clock_};
        return verify_client_assertion(assertion, c, opt);
      });
}

}  // namespace ember::oauth
