#include "client/internal.h"

#include "core/encoding.h"
#include "http/url.h"

namespace ember::client::detail {

std::string encode_form(const Params& params) {
  http::QueryParams q;
  q.reserve(params.size());
  for (const auto& [n, v] : params) q.push_back({n, v});
  return http::encode_query(q);
}

std::string trim_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

Result<HttpResponse> send(const Services& services, const HttpRequest& request) {
  if (!services.transport) return failure(ErrorKind::InvalidArgument, "no HTTP transport");
  return services.transport(request);
}

Error response_error(const HttpResponse& response, std::string_view what) {
  Error e;
  e.http_status = response.status;
  if (auto body = Json::parse(response.body); body && body->is_object()) {
    if (auto code = (*body)["error"].string()) {
      e.kind = ErrorKind::OAuthError;
      e.error = *code;
      e.error_description = (*body)["error_description"].string_or();
      e.message = std::string(what) + ": " + *code;
      return e;
    }
  }
  e.kind = ErrorKind::HttpStatus;
  e.reason = "http_" + std::to_string(response.status);
  e.message = std::string(what) + ": HTTP " + std::to_string(response.status);
  return e;
}

Result<Json> json_object_response(const HttpResponse& response, std::string_view what) {
  if (response.status < 200 || response.status > 299) return failure(response_error(response, what));
  auto body = Json::parse(response.body);
  if (!body || !body->is_object()) {
    return failure(ErrorKind::InvalidResponse, std::string(what) + ": the body is not a JSON object",
                   "not_json");
  }
  return *body;
}

namespace {

Result<TokenSet> parse_token_response(const Json& body, const Services& services) {
  TokenSet t;
  auto access = body["access_token"].string();
  if (!access || access->empty()) {
    return failure(ErrorKind::InvalidResponse, "token response without access_token",
                   "missing_access_token");
  }
  t.access_token = *access;
  t.token_type = body["token_type"].string_or("Bearer");
  // RFC 6749 §7.1 / SMART: the type is "Bearer" (compared case-insensitively).
  std::string lower;
  for (char c : t.token_type) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower != "bearer") {
    return failure(ErrorKind::InvalidResponse, "token_type is not Bearer", "token_type");
  }
  t.refresh_token = body["refresh_token"].string_or();
  t.id_token = body["id_token"].string_or();
  if (auto seconds = body["expires_in"].integer(); seconds && *seconds > 0) {
    t.expires_at = services.now() + std::chrono::seconds(*seconds);
  } else if (auto d = body["expires_in"].number(); d && *d > 0) {
    t.expires_at = services.now() + std::chrono::seconds(static_cast<std::int64_t>(*d));
  }
  auto& c = t.context;
  c.scope = body["scope"].string_or();
  c.patient = body["patient"].string_or();
  c.encounter = body["encounter"].string_or();
  c.fhir_user = body["fhirUser"].string_or();
  c.intent = body["intent"].string_or();
  c.smart_style_url = body["smart_style_url"].string_or();
  c.tenant = body["tenant"].string_or();
  c.need_patient_banner = body["need_patient_banner"].boolean().value_or(false);
  if (!body["fhirContext"].is_null()) c.fhir_context = body["fhirContext"];
  return t;
}

}  // namespace

Result<TokenResponse> token_request(const Services& services, const ClientCredentials& credentials,
                                    const std::string& token_endpoint, Params params) {
  if (token_endpoint.empty()) {
    return failure(ErrorKind::InvalidResponse, "the server advertises no token_endpoint");
  }
  HttpRequest req;
  req.method = "POST";
  req.url = token_endpoint;
  req.content_type = "application/x-www-form-urlencoded";
  req.headers.emplace_back("Accept", "application/json");
  std::string form = encode_form(params);
  if (auto ok = authenticate_request(credentials, token_endpoint, services, req, form); !ok) {
    return failure(ok.error());
  }
  req.body = std::move(form);
  auto res = send(services, req);
  if (!res) return failure(res.error());
  auto body = json_object_response(*res, "token request");
  if (!body) return failure(body.error());
  auto tokens = parse_token_response(*body, services);
  if (!tokens) return failure(tokens.error());
  return TokenResponse{std::move(*tokens), *body};
}

void merge_tokens(TokenSet& tokens, const TokenSet& fresh) {
  tokens.access_token = fresh.access_token;
  tokens.token_type = fresh.token_type;
  tokens.expires_at = fresh.expires_at;
  if (!fresh.refresh_token.empty()) tokens.refresh_token = fresh.refresh_token;
  if (!fresh.id_token.empty()) tokens.id_token = fresh.id_token;
  auto& c = tokens.context;
  const auto& f = fresh.context;
  if (!f.scope.empty()) c.scope = f.scope;
  if (!f.patient.empty()) c.patient = f.patient;
  if (!f.encounter.empty()) c.encounter = f.encounter;
  if (!f.fhir_user.empty()) c.fhir_user = f.fhir_user;
  if (!f.intent.empty()) c.intent = f.intent;
  if (!f.smart_style_url.empty()) c.smart_style_url = f.smart_style_url;
  if (!f.tenant.empty()) c.tenant = f.tenant;
  if (!f.fhir_context.is_null()) c.fhir_context = f.fhir_context;
}

Result<void> revoke_token(const Services& services, const ClientCredentials& credentials,
                          const std::string& revocation_endpoint,
                          const std::string& assertion_audience, const std::string& token,
                          std::string_view hint) {
  HttpRequest req;
  req.method = "POST";
  req.url = revocation_endpoint;
  req.content_type = "application/x-www-form-urlencoded";
  std::string form = encode_form({{"token", token}, {"token_type_hint", std::string(hint)}});
  if (auto ok = authenticate_request(credentials, assertion_audience, services, req, form); !ok) {
    return failure(ok.error());
  }
  req.body = std::move(form);
  auto res = send(services, req);
  if (!res) return failure(res.error());
  // RFC 7009 §2.2: 200 whether or not the token was valid.
  if (res->status != 200) return failure(response_error(*res, "revocation"));
  return {};
}

Json unverified_claims(std::string_view jws) {
  const auto first = jws.find('.');
  if (first == std::string_view::npos) return Json();
  const auto second = jws.find('.', first + 1);
  if (second == std::string_view::npos) return Json();
  auto payload = base64url_decode(jws.substr(first + 1, second - first - 1));
  if (!payload) return Json();
  auto claims = Json::parse(*payload);
  return claims ? *claims : Json();
}

}  // namespace ember::client::detail
