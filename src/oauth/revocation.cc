// Token revocation (RFC 7009). Revoking a refresh token revokes its grant: the whole rotation
// family and every access token issued under it (their `gid` is on the deny-list the FHIR API
// checks on every request). Revoking an access token puts its `jti` on the deny-list. Unknown,
// malformed or already revoked tokens answer 200; only the token's own client may revoke it.
#include "http/responses.h"
#include "oauth/audit_hooks.h"
#include "oauth/auth_internal.h"

namespace ember::oauth {

http::Response AuthServerImpl::revoke(const http::Request& req) {
  if (req.method() != bhttp::verb::post) {
    auto res = error_response(req, {Errc::InvalidRequest, "use POST"});
    res.result(bhttp::status::method_not_allowed);
    return res;
  }
  auto form = form_body(req);
  if (!form) return error_response(req, form.error());
  auto caller = authenticate(req, *form);
  if (!caller) return error_response(req, caller.error());
  auto token = param(*form, "token");
  if (!token) return error_response(req, {Errc::InvalidRequest, "token is required"});
  auto hint = param(*form, "token_type_hint").value_or("");
  if (!hint.empty() && hint != "access_token" && hint != "refresh_token") {
    return error_response(req, {Errc::UnsupportedTokenType, "unknown token_type_hint"});
  }
  auto ok = [&] {
    auto res = http::make_response(req, bhttp::status::ok, "", "");
    http::no_store(res);
    return res;
  };
  // The hint says where to look first, but both kinds are tried (RFC 7009 §2.1).
  auto info = inspect_token(*token, hint != "access_token");
  if (!info) return ok();
  if (info->client_id != caller->client.client_id) {
    return error_response(req, {Errc::UnauthorizedClient,
                                "the token was issued to another client"});
  }
  const std::int64_t until = std::max<std::int64_t>(info->exp * 1000, clock_.now_ms()) +
                             opt_.access_token_ttl_s * 1000;
  if (info->refresh) {
    if (!info->grant_id.empty()) {
      if (auto r = auth_.revoke_grant(info->grant_id, until); !r) {
        return error_response(req, {Errc::TemporarilyUnavailable, "try again"});
      }
    }
  } else if (!info->jti.empty()) {
    if (auto r = auth_.revoke_jti(info->jti, until); !r) {
      return error_response(req, {Errc::TemporarilyUnavailable, "try again"});
    }
  }
  audit_token_revoked(opt_.audit, info->client_id, info->sub, info->grant_id,
                      info->refresh ? "" : info->jti);
  return ok();
}

}  // namespace ember::oauth
