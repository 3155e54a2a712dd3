// Token introspection (RFC 7662 with the SMART 2.2 token-introspection additions): callers are
// confidential clients (any client authentication but none) or bearers of a backend-services
// access token; an inactive, expired, revoked, malformed or unknown token is exactly
// {"active": false}; an active one carries the RFC 7662 members and its SMART context.
#include <boost/json.hpp>

#include "http/headers.h"
#include "http/responses.h"
#include "oauth/auth_internal.h"

namespace ember::oauth {

namespace bj = boost::json;

http::Response AuthServerImpl::introspect(const http::Request& req) {
  if (req.method() != bhttp::verb::post) {
    auto res = error_response(req, {Errc::InvalidRequest, "use POST"});
    res.result(bhttp::status::method_not_allowed);
    return res;
  }
  auto form = form_body(req);
  if (!form) return error_response(req, form.error());

  // Who is asking (RFC 7662 §2.1: the endpoint requires authorization).
  // A Bearer header with a token: a backend service's access token; anything else goes through
  // client authentication (which refuses other schemes and empty tokens as invalid_client).
  auto presented = http::bearer_token(req);
  if (presented && !presented->empty()) {
    auto caller = inspect_token(*presented, false);
    auto client = caller && !caller->refresh && caller->active ? find_client(caller->client_id)
                                                               : std::nullopt;
    if (!client || client->type != store::ClientType::Backend) {
      auto res = error_response(req, {Errc::InvalidToken,
                                      "introspection needs a backend-services access token"});
      res.set(bhttp::field::www_authenticate, "Bearer realm=\"ember\", error=\"invalid_token\"");
      return res;
    }
  } else {
    auto caller = authenticate(req, *form);
    if (!caller) return error_response(req, caller.error());
    if (caller->method == "none") {
      return error_response(req, {Errc::InvalidClient, "introspection needs a confidential client"});
    }
  }

  auto token = param(*form, "token");
  if (!token) return error_response(req, {Errc::InvalidRequest, "token is required"});
  auto hint = param(*form, "token_type_hint").value_or("");
  auto info = inspect_token(*token, hint == "refresh_token");
  bj::object o;
  if (!info || !info->active) {
    o["active"] = false;
  } else {
    o["active"] = true;
    o["scope"] = info->scope;
    o["client_id"] = info->client_id;
    o["exp"] = info->exp;
    if (info->iat) o["iat"] = info->iat;
    o["sub"] = info->sub;
    o["iss"] = opt_.issuer();
    o["aud"] = opt_.fhir_base();
    o["token_type"] = info->refresh ? "refresh_token" : "Bearer";
    if (!info->patient.empty()) o["patient"] = info->patient;
    if (!info->encounter.empty()) o["encounter"] = info->encounter;
    if (!info->fhir_user.empty()) o["fhirUser"] = opt_.fhir_base() + "/" + info->fhir_user;
  }
  auto res = http::json_response(req, bhttp::status::ok, bj::serialize(o));
  http::no_store(res);
  return res;
}

}  // namespace ember::oauth
