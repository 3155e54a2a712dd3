// How the app authenticates at the token endpoint (SMART 2.2 client types):
//   public              — client_id only (native apps; PKCE protects the code);
//   confidential symmetric  — client_secret_basic (RFC 6749 §2.3.1);
//   confidential asymmetric — private_key_jwt (RFC 7523 §2.2): a short-lived JWT signed with
//                             the app's RS384 or ES384 key, as SMART Backend Services requires.
#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "ember/client/error.h"
#include "ember/client/http.h"

namespace ember::client {

enum class ClientAuth { None, ClientSecretBasic, PrivateKeyJwt };
enum class SigningAlg { RS384, ES384 };

// "none", "client_secret_basic", "private_key_jwt" / "RS384", "ES384".
std::string_view to_string(ClientAuth auth);
std::string_view to_string(SigningAlg alg);

// Lifetime of a client assertion: SMART Backend Services allows at most five minutes.
inline constexpr std::chrono::seconds kAssertionLifetime{300};

struct ClientCredentials {
  std::string client_id;
  ClientAuth auth = ClientAuth::None;
  std::string client_secret;    // ClientSecretBasic
  std::string private_key_pem;  // PrivateKeyJwt: PKCS#8 or traditional PEM (RSA ≥ 2048, P-384)
  std::string key_file;         // where private_key_pem came from (kept for resuming sessions)
  std::string kid;  // PrivateKeyJwt: header kid; empty = the key's RFC 7638 JWK thumbprint
  SigningAlg alg = SigningAlg::RS384;

  static ClientCredentials public_client(std::string client_id);
  static ClientCredentials with_secret(std::string client_id, std::string client_secret);
  // Checks that the PEM is a private key that fits `alg` (RSA for RS384, P-384 for ES384).
  [[nodiscard]] static Result<ClientCredentials> with_private_key(std::string client_id,
                                                                  std::string private_key_pem,
                                                                  SigningAlg alg,
                                                                  std::string kid = {});
  // Reads the PEM from a file (InvalidArgument when unreadable), then as with_private_key.
  [[nodiscard]] static Result<ClientCredentials> with_private_key_file(std::string client_id,
                                                                       const std::string& path,
                                                                       SigningAlg alg,
                                                                       std::string kid = {});
};

// RFC 7523 client assertion for `token_endpoint`: header {alg, kid, typ:"JWT"}, claims iss = sub
// = client_id, aud = token_endpoint, jti (random), iat, exp = iat + kAssertionLifetime.
[[nodiscard]] Result<std::string> make_client_assertion(const ClientCredentials& credentials,
                                                        std::string_view token_endpoint,
                                                        const Services& services);

// The kid used for a PEM key: RFC 7638 thumbprint of its public JWK.
[[nodiscard]] Result<std::string> key_thumbprint(std::string_view private_key_pem);
// The public JWK Set ({"keys":[…]}, with kid and alg) to register for a private key: what an
// administrator pastes into the server's client registration.
[[nodiscard]] Result<std::string> public_jwks(const ClientCredentials& credentials);

// Adds the client authentication to a token-endpoint form: client_id for public clients, an
// Authorization: Basic header for ClientSecretBasic, client_assertion(_type) for PrivateKeyJwt.
// `form` is an application/x-www-form-urlencoded body being built.
[[nodiscard]] Result<void> authenticate_request(const ClientCredentials& credentials,
                                                std::string_view token_endpoint,
                                                const Services& services, HttpRequest& request,
                                                std::string& form);

}  // namespace ember::client
