// RFC 7591 dynamic client registration (POST /oauth/register) and RFC 7592 management of one
// registration (GET/PUT/DELETE /oauth/register/{client_id}, authorized by its registration access
// token). Metadata rules live in client_metadata.h; this file does credentials, HTTP and storage.
#include <boost/json.hpp>

#include "core/encoding.h"
#include "http/headers.h"
#include "http/responses.h"
#include "json/exact.h"
#include "oauth/audit_hooks.h"
#include "oauth/auth_internal.h"
#include "oauth/client_metadata.h"
#include "oauth/passwords.h"

namespace ember::oauth {

namespace bj = boost::json;

namespace {

constexpr std::string_view kClientUriPrefix = "/oauth/register/";
constexpr std::size_t kClientIdBytes = 16;      // 128 bits
constexpr std::size_t kClientSecretBytes = 32;  // 256 bits
constexpr std::size_t kRegistrationTokenBytes = 32;
constexpr std::size_t kMaxBearerLength = 512;

// The one place a RegistrationError becomes a response: 400 with the RFC 7591 §3.2.2 body.
http::Response registration_error(const http::Request& req, const RegistrationError& e) {
  bj::object o{{"error", registration_error_code(e.code)}, {"error_description", e.description}};
  auto res = http::json_response(req, bhttp::status::bad_request, bj::serialize(o));
  http::no_store(res);
  return res;
}

http::Response bad_metadata(const http::Request& req, std::string description) {
  return registration_error(req, {RegistrationErrc::InvalidClientMetadata, std::move(description)});
}

// RFC 6750 §3: 401 with a Bearer challenge; its error attribute only when a token was presented
// (§3.1). The same answer for a wrong token and an unknown client, so neither is revealed.
http::Response bearer_challenge(const http::Request& req, bool presented) {
  auto res =
      error_response(req, {Errc::InvalidToken, presented ? "the access token is not valid here"
                                                         : "a Bearer access token is required"});
  res.set(bhttp::field::www_authenticate,
          presented ? R"(Bearer realm="ember", error="invalid_token")" : R"(Bearer realm="ember")");
  return res;
}

http::Response store_failure(const http::Request& req, const store::StoreError& e) {
  if (e.code == store::StoreErrc::Unavailable) {
    return error_response(req, {Errc::TemporarilyUnavailable, "the store is busy; retry"});
  }
  return error_response(req, {Errc::ServerError, ""});
}

http::Response method_not_allowed(const http::Request& req, std::string_view allow) {
  auto res = error_response(req, {Errc::InvalidRequest, "method not allowed"});
  res.result(bhttp::status::method_not_allowed);
  res.set(bhttp::field::allow, allow);
  return res;
}

// RFC 6750 §2.1 `Authorization: Bearer <token>`; nullopt when absent or not a usable Bearer
// credential (another scheme, no token, longer than any token this server issues).
std::optional<std::string> usable_bearer(const http::Request& req) {
  auto token = http::bearer_token(req);
  if (!token || token->empty() || token->size() > kMaxBearerLength) return std::nullopt;
  return token;
}

// RFC 7591 §3.1 / RFC 7592 §2.2: the body is application/json (parameters such as charset allowed),
// bounded, and parses as JSON. Member rules are validate_client_metadata's.
Result<bj::value, RegistrationError> json_body(const http::Request& req) {
  auto ct = req.find(bhttp::field::content_type);
  auto media =
      ct == req.end()
          ? std::nullopt
          : http::parse_media_type(std::string_view(ct->value().data(), ct->value().size()));
  if (!media || !media->matches("application", "json")) {
    return fail(RegistrationError{RegistrationErrc::InvalidClientMetadata,
                                  "the request must have Content-Type application/json"});
  }
  if (req.body().size() > kMaxRegistrationBodyBytes) {
    return fail(RegistrationError{RegistrationErrc::InvalidClientMetadata,
                                  "the request body is too large"});
  }
  boost::system::error_code ec;
  bj::value v = bj::parse(req.body(), ec);
  if (ec) {
    return fail(RegistrationError{RegistrationErrc::InvalidClientMetadata,
                                  "the request body is not valid JSON"});
  }
  // A member named twice (Boost.JSON keeps the last) would let a proxy or the client read other
  // metadata than Ember registers: refused, as in FHIR bodies.
  json::ParseLimits strict;
  strict.unique_keys = true;
  if (!json::parse_exact(req.body(), strict)) {
    return fail(RegistrationError{RegistrationErrc::InvalidClientMetadata,
                                  "the request body names a member twice"});
  }
  return v;
}

// The client information response (RFC 7591 §3.2.1, RFC 7592 §3): the metadata plus the
// identifiers. `secret` is set only when one was just issued; the registration access token is
// the one just issued or presented (only its hash is stored).
http::Response client_information(const http::Request& req, bhttp::status status,
                                  const store::ClientRecord& c, const std::string& secret,
                                  const std::string& registration_token,
                                  const std::string& client_uri) {
  bj::object o = client_metadata_json(c);
  o["client_id"] = c.client_id;
  o["client_id_issued_at"] = c.created_ms / 1000;
  if (!secret.empty()) o["client_secret"] = secret;
  if (c.type == store::ClientType::ConfidentialSymmetric) o["client_secret_expires_at"] = 0;
  o["registration_access_token"] = registration_token;
  o["registration_client_uri"] = client_uri;
  auto res = http::json_response(req, status, bj::serialize(o));
  http::no_store(res);
  return res;
}

}  // namespace

// The registration rate limits: per client address (ctx given) or per client (id given).
std::optional<std::int64_t> AuthServerImpl::registration_limited(const http::RequestContext& ctx,
                                                                 const std::string& client_id) {
  const auto& rates = opt_.limits.rates;
  return rate_limiter_.check(
      {{ctx.remote_addr.empty() ? std::string() : "r:n:" + ctx.remote_addr,
        &rates.registration_address},
       {client_id.empty() ? std::string() : "r:c:" + client_id, &rates.registration_client}},
      "registration");
}

http::Response AuthServerImpl::register_client(const http::Request& req,
                                               const http::RequestContext& ctx) {
  if (req.method() != bhttp::verb::post) return method_not_allowed(req, "POST");
  if (auto retry = registration_limited(ctx, "")) return too_many_requests(req, *retry);
  // RFC 7591 §3: production registration needs an initial access token (`ember registration-token
  // create`); the sandbox is open.
  if (!opt_.sandbox) {
    auto token = usable_bearer(req);
    if (!token) return bearer_challenge(req, req.count(bhttp::field::authorization) > 0);
    auto ok = auth_.check_initial_access_token(hash_token(*token), clock_.now_ms());
    if (!ok) return store_failure(req, ok.error());
    if (!*ok) return bearer_challenge(req, true);
  }
  auto body = json_body(req);
  if (!body) return registration_error(req, body.error());
  auto client = validate_client_metadata(*body, MetadataPolicy{.sandbox = opt_.sandbox});
  if (!client) return registration_error(req, client.error());

  store::ClientRecord& c = *client;
  c.client_id = random_.token(kClientIdBytes);
  c.created_ms = clock_.now_ms();
  std::string secret;
  if (c.type == store::ClientType::ConfidentialSymmetric) {
    secret = random_.token(kClientSecretBytes);
    c.secret_hash = hash_password(secret, random_);
  }
  const std::string registration_token = random_.token(kRegistrationTokenBytes);
  c.registration_token_hash = hash_token(registration_token);
  if (auto put = auth_.put_client(c); !put) return store_failure(req, put.error());
  audit_client_change(opt_.audit, audit::Kind::ClientRegister, c.client_id);
  return client_information(
      req, bhttp::status::created, c, secret, registration_token,
      opt_.base_url + std::string(kClientUriPrefix) + http::percent_encode(c.client_id));
}

http::Response AuthServerImpl::manage_client(const http::Request& req,
                                             const http::RequestContext& ctx) {
  const auto method = req.method();
  if (method != bhttp::verb::get && method != bhttp::verb::put && method != bhttp::verb::delete_) {
    return method_not_allowed(req, "GET, PUT, DELETE");
  }
  if (auto retry = registration_limited(ctx, "")) return too_many_requests(req, *retry);
  auto target = http::parse_target(std::string_view(req.target().data(), req.target().size()));
  std::string id;
  if (target && target->path.starts_with(kClientUriPrefix)) {
    id = target->path.substr(kClientUriPrefix.size());
  }
  // RFC 7592 §2: every operation is authorized by the registration access token, compared in
  // constant time with the stored hash. Unknown clients get the same 401 as wrong tokens.
  auto token = usable_bearer(req);
  if (!token) return bearer_challenge(req, req.count(bhttp::field::authorization) > 0);
  const std::string presented_hash = hash_token(*token);
  if (id.empty() || id.find('/') != std::string::npos) return bearer_challenge(req, true);
  auto current = auth_.get_client(id);
  if (!current) {
    if (current.error().code == store::StoreErrc::NotFound) return bearer_challenge(req, true);
    return store_failure(req, current.error());
  }
  if (current->registration_token_hash.empty() ||
      !constant_time_equals(current->registration_token_hash, presented_hash)) {
    return bearer_challenge(req, true);
  }
  // Per client only once its registration access token is proven, so nobody can spend another
  // client's allowance by naming it.
  if (auto retry = registration_limited({}, id)) return too_many_requests(req, *retry);
  const std::string client_uri =
      opt_.base_url + std::string(kClientUriPrefix) + http::percent_encode(id);

  // RFC 7592 §2.1: read. The secret is never shown again.
  if (method == bhttp::verb::get) {
    return client_information(req, bhttp::status::ok, *current, "", *token, client_uri);
  }
  // RFC 7592 §2.3: delete. Its grants die with it: the token endpoint no longer knows the client.
  if (method == bhttp::verb::delete_) {
    if (auto del = auth_.delete_client(id); !del) return store_failure(req, del.error());
    audit_client_change(opt_.audit, audit::Kind::ClientDelete, id);
    http::Response res{bhttp::status::no_content, req.version()};
    res.keep_alive(req.keep_alive());
    http::no_store(res);
    res.prepare_payload();
    return res;
  }

  // RFC 7592 §2.2: update replaces the whole registration. client_id must be the current one; a
  // client_secret sent must be the current one (the client never chooses its secret).
  auto body = json_body(req);
  if (!body) return registration_error(req, body.error());
  const bj::object* obj = body->if_object();
  const bj::value* sent_id = obj ? obj->if_contains("client_id") : nullptr;
  if (sent_id == nullptr || !sent_id->is_string() || sent_id->get_string() != id) {
    return bad_metadata(req, "client_id must be present and match the registration");
  }
  if (const bj::value* sent_secret = obj->if_contains("client_secret");
      sent_secret != nullptr && !sent_secret->is_null()) {
    if (!sent_secret->is_string() || current->secret_hash.empty() ||
        !verify_password(std::string_view(sent_secret->get_string()), current->secret_hash)) {
      return bad_metadata(req, "client_secret does not match the current secret");
    }
  }
  auto updated = validate_client_metadata(*body, MetadataPolicy{.sandbox = opt_.sandbox});
  if (!updated) return registration_error(req, updated.error());

  store::ClientRecord& c = *updated;
  c.client_id = current->client_id;
  c.created_ms = current->created_ms;
  c.registration_token_hash = current->registration_token_hash;
  c.allowed_origins = current->allowed_origins;
  std::string new_secret;
  if (c.type == store::ClientType::ConfidentialSymmetric) {
    c.secret_hash = current->secret_hash;
    if (c.secret_hash.empty()) {  // became symmetric: RFC 7592 §2.2 lets the server issue one
      new_secret = random_.token(kClientSecretBytes);
      c.secret_hash = hash_password(new_secret, random_);
    }
  }
  if (auto put = auth_.put_client(c); !put) return store_failure(req, put.error());
  audit_client_change(opt_.audit, audit::Kind::ClientUpdate, c.client_id);
  return client_information(req, bhttp::status::ok, c, new_secret, *token, client_uri);
}

}  // namespace ember::oauth
