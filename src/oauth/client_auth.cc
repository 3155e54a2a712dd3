#include "oauth/client_auth.h"

#include "core/encoding.h"
#include "oauth/client_assertion.h"

namespace ember::oauth {

namespace {

std::optional<std::string> form_value(const http::QueryParams& form, std::string_view name) {
  for (const auto& p : form) {
    if (p.name == name) return p.value;
  }
  return std::nullopt;
}

// RFC 6749 §2.3.1: client_id and client_secret are form-urlencoded before Basic encoding.
std::optional<std::string> form_decode(std::string_view s) {
  auto parsed = http::parse_form("x=" + std::string(s));
  if (!parsed || parsed->empty()) return std::nullopt;
  return (*parsed)[0].value;
}

}  // namespace

Result<AuthenticatedClient, Error> authenticate_client(const http::Request& req,
                                                       const http::QueryParams& form,
                                                       const ClientLookup& lookup,
                                                       const SecretCheck& check,
                                                       const AssertionCheck& assertion_check) {
  auto body_id = form_value(form, "client_id");
  auto body_secret = form_value(form, "client_secret");
  auto assertion_type = form_value(form, "client_assertion_type");
  auto assertion = form_value(form, "client_assertion");
  if (assertion_type || assertion) {
    // RFC 7523 §2.2 / SMART 2.2 client-confidential-asymmetric.
    if (!assertion_type || *assertion_type != kJwtBearerAssertionType) {
      return fail(Error{Errc::InvalidClient, "client_assertion_type must be " +
                                                 std::string(kJwtBearerAssertionType)});
    }
    if (!assertion || assertion->empty()) {
      return fail(Error{Errc::InvalidClient, "client_assertion is required"});
    }
    if (body_secret || req.find(http::bhttp::field::authorization) != req.end()) {
      return fail(Error{Errc::InvalidRequest, "use one client authentication method, not two"});
    }
    auto id = assertion_client_id(*assertion);
    if (!id) return fail(id.error());
    if (body_id && *body_id != *id) {
      return fail(Error{Errc::InvalidClient, "client_id differs from the assertion's issuer"});
    }
    auto client = lookup(*id);
    if (!client || (client->type != store::ClientType::ConfidentialAsymmetric &&
                    client->type != store::ClientType::Backend) ||
        !assertion_check) {
      return fail(Error{Errc::InvalidClient, "client authentication failed"});
    }
    if (auto ok = assertion_check(*assertion, *client); !ok) return fail(ok.error());
    return AuthenticatedClient{std::move(*client), "private_key_jwt"};
  }
  auto auth = req.find(http::bhttp::field::authorization);
  if (auth != req.end()) {
    std::string_view v(auth->value().data(), auth->value().size());
    if (v.size() < 6 || !(v.substr(0, 6) == "Basic " || v.substr(0, 6) == "basic ")) {
      return fail(Error{Errc::InvalidClient, "unsupported Authorization scheme", true});
    }
    auto decoded = base64_decode(v.substr(6));
    std::size_t colon = decoded ? decoded->find(':') : std::string::npos;
    if (!decoded || colon == std::string::npos) {
      return fail(Error{Errc::InvalidClient, "malformed Basic credentials", true});
    }
    auto id = form_decode(decoded->substr(0, colon));
    auto secret = form_decode(decoded->substr(colon + 1));
    if (!id || !secret) return fail(Error{Errc::InvalidClient, "malformed Basic credentials", true});
    if (body_id && *body_id != *id) {
      return fail(Error{Errc::InvalidRequest, "client_id differs from the authenticated client"});
    }
    if (body_secret) {
      return fail(Error{Errc::InvalidRequest, "use one client authentication method, not two"});
    }
    auto client = lookup(*id);
    if (!client || client->type != store::ClientType::ConfidentialSymmetric ||
        !check(*client, *secret)) {
      return fail(Error{Errc::InvalidClient, "client authentication failed", true});
    }
    return AuthenticatedClient{std::move(*client), "client_secret_basic"};
  }
  if (!body_id) return fail(Error{Errc::InvalidClient, "client_id is required"});
  auto client = lookup(*body_id);
  if (!client) return fail(Error{Errc::InvalidClient, "client authentication failed"});
  if (body_secret) {
    if (client->type != store::ClientType::ConfidentialSymmetric || !check(*client, *body_secret)) {
      return fail(Error{Errc::InvalidClient, "client authentication failed"});
    }
    return AuthenticatedClient{std::move(*client), "client_secret_post"};
  }
  if (client->type != store::ClientType::Public) {
    return fail(Error{Errc::InvalidClient, "this client must authenticate"});
  }
  return AuthenticatedClient{std::move(*client), "none"};
}

}  // namespace ember::oauth
