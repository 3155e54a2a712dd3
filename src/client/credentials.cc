// Client authentication at the token endpoint: none, client_secret_basic (RFC 6749 §2.3.1) and
// private_key_jwt (RFC 7523 §2.2, SMART 2.2 client-confidential-asymmetric).
#include "ember/client/credentials.h"

#include <chrono>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "client/internal.h"
#include "core/encoding.h"
#include "http/url.h"
#include "jose/jwk.h"
#include "jose/jwt.h"

namespace ember::client {

namespace {

jose::Alg jose_alg(SigningAlg alg) { return alg == SigningAlg::ES384 ? jose::Alg::ES384 : jose::Alg::RS384; }

Result<jose::Key> load_key(std::string_view pem, SigningAlg alg, std::string_view kid) {
  auto key = jose::Key::from_pem(pem);
  if (!key) {
    return failure(ErrorKind::InvalidArgument,
                   "not a usable private key PEM: " + std::string(jose::to_string(key.error())),
                   "invalid_key");
  }
  if (!key->is_private()) {
    return failure(ErrorKind::InvalidArgument, "the PEM holds a public key, not a private one",
                   "not_private_key");
  }
  if (!key->fits(jose_alg(alg))) {
    return failure(ErrorKind::InvalidArgument,
                   std::string("the key does not fit ") + std::string(to_string(alg)) +
                       " (RS384 needs RSA, ES384 needs EC P-384)",
                   "key_alg_mismatch");
  }
  if (!kid.empty()) key->set_kid(std::string(kid));
  return std::move(*key);
}

}  // namespace

std::string_view to_string(ClientAuth auth) {
  switch (auth) {
    case ClientAuth::None:
      return "none";
    case ClientAuth::ClientSecretBasic:
      return "client_secret_basic";
    case ClientAuth::PrivateKeyJwt:
      return "private_key_jwt";
  }
  return "none";
}

std::string_view to_string(SigningAlg alg) { return alg == SigningAlg::ES384 ? "ES384" : "RS384"; }

ClientCredentials ClientCredentials::public_client(std::string client_id) {
  ClientCredentials c;
  c.client_id = std::move(client_id);
  return c;
}

ClientCredentials ClientCredentials::with_secret(std::string client_id, std::string client_secret) {
  ClientCredentials c;
  c.client_id = std::move(client_id);
  c.auth = ClientAuth::ClientSecretBasic;
  c.client_secret = std::move(client_secret);
  return c;
}

Result<ClientCredentials> ClientCredentials::with_private_key(std::string client_id,
                                                              std::string private_key_pem,
                                                              SigningAlg alg, std::string kid) {
  auto key = load_key(private_key_pem, alg, kid);
  if (!key) return failure(key.error());
  ClientCredentials c;
  c.client_id = std::move(client_id);
  c.auth = ClientAuth::PrivateKeyJwt;
  c.private_key_pem = std::move(private_key_pem);
  c.alg = alg;
  c.kid = std::move(kid);
  return c;
}

Result<ClientCredentials> ClientCredentials::with_private_key_file(std::string client_id,
                                                                   const std::string& path,
                                                                   SigningAlg alg,
                                                                   std::string kid) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return failure(ErrorKind::InvalidArgument, "cannot read the key file " + path, "key_file");
  std::ostringstream text;
  text << in.rdbuf();
  auto c = with_private_key(std::move(client_id), text.str(), alg, std::move(kid));
  if (c) c->key_file = path;
  return c;
}

Result<std::string> key_thumbprint(std::string_view private_key_pem) {
  auto key = jose::Key::from_pem(private_key_pem);
  if (!key) return failure(ErrorKind::InvalidArgument, "not a usable key PEM", "invalid_key");
  return key->thumbprint();
}

Result<std::string> public_jwks(const ClientCredentials& credentials) {
  auto key = load_key(credentials.private_key_pem, credentials.alg, credentials.kid);
  if (!key) return failure(key.error());
  if (auto pinned = key->pin_alg(jose_alg(credentials.alg)); !pinned) {
    return failure(ErrorKind::InvalidArgument, "the key does not fit the algorithm");
  }
  boost::json::object jwks;
  jwks["keys"] = boost::json::array{key->public_jwk()};
  return boost::json::serialize(jwks);
}

Result<std::string> make_client_assertion(const ClientCredentials& credentials,
                                          std::string_view token_endpoint,
                                          const Services& services) {
  if (credentials.auth != ClientAuth::PrivateKeyJwt) {
    return failure(ErrorKind::InvalidArgument, "the client has no private key");
  }
  auto key = load_key(credentials.private_key_pem, credentials.alg, credentials.kid);
  if (!key) return failure(key.error());
  const auto iat =
      std::chrono::duration_cast<std::chrono::seconds>(services.now().time_since_epoch()).count();
  boost::json::object claims;
  claims["iss"] = credentials.client_id;
  claims["sub"] = credentials.client_id;
  claims["aud"] = token_endpoint;
  claims["jti"] = base64url_encode(services.random(24));
  claims["iat"] = iat;
  claims["exp"] = iat + kAssertionLifetime.count();
  auto jwt = jose::sign_jwt(*key, jose_alg(credentials.alg), claims);
  if (!jwt) {
    return failure(ErrorKind::InvalidArgument,
                   "cannot sign the client assertion: " + std::string(jose::to_string(jwt.error())));
  }
  return std::move(*jwt);
}

Result<void> authenticate_request(const ClientCredentials& credentials,
                                  std::string_view token_endpoint, const Services& services,
                                  HttpRequest& request, std::string& form) {
  if (credentials.client_id.empty()) return failure(ErrorKind::InvalidArgument, "no client_id");
  auto add = [&form](std::string_view name, std::string_view value) {
    if (!form.empty()) form += '&';
    form += http::percent_encode(name) + "=" + http::percent_encode(value);
  };
  switch (credentials.auth) {
    case ClientAuth::None:
      add("client_id", credentials.client_id);
      return {};
    case ClientAuth::ClientSecretBasic: {
      // RFC 6749 §2.3.1: both parts form-urlencoded before the Basic encoding.
      const std::string pair = http::percent_encode(credentials.client_id) + ":" +
                               http::percent_encode(credentials.client_secret);
      std::string b64 = base64url_encode(pair);
      // base64url → base64 with padding, as RFC 7617 uses.
      for (char& c : b64) c = c == '-' ? '+' : c == '_' ? '/' : c;
      while (b64.size() % 4 != 0) b64 += '=';
      request.headers.emplace_back("Authorization", "Basic " + b64);
      return {};
    }
    case ClientAuth::PrivateKeyJwt: {
      auto assertion = make_client_assertion(credentials, token_endpoint, services);
      if (!assertion) return failure(assertion.error());
      add("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
      add("client_assertion", *assertion);
      return {};
    }
  }
  return {};
}

}  // namespace ember::client
