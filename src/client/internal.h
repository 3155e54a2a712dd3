// Helpers shared by the client library's sources (not installed): HTTP plumbing, OAuth error
// bodies, form encoding and the token endpoint's requests.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/client/credentials.h"
#include "ember/client/error.h"
#include "ember/client/http.h"
#include "ember/client/json.h"
#include "ember/client/tokens.h"

namespace ember::client::detail {

using Params = std::vector<std::pair<std::string, std::string>>;

// Bounds on what the library accepts from servers.
inline constexpr std::size_t kMaxTokenResponseBytes = 64 * 1024;

// "a=1&b=x%20y" (application/x-www-form-urlencoded / query string).
std::string encode_form(const Params& params);
// Strips trailing slashes.
std::string trim_slashes(std::string url);
// Sends through services.transport (InvalidArgument when it is unset).
[[nodiscard]] Result<HttpResponse> send(const Services& services, const HttpRequest& request);
// The error for a non-successful response: OAuthError when the body is an RFC 6749 §5.2 error
// object, HttpStatus otherwise. `what` names the step for the message.
Error response_error(const HttpResponse& response, std::string_view what);
// The body of a 2xx JSON response (object), or the response's error.
[[nodiscard]] Result<Json> json_object_response(const HttpResponse& response,
                                                std::string_view what);

// A token endpoint request (RFC 6749 §4.1.3, §6, §4.4) with the client's authentication.
// Parses the RFC 6749 §5.1 response; `now` stamps expires_at.
struct TokenResponse {
  TokenSet tokens;
  Json raw;
};
[[nodiscard]] Result<TokenResponse> token_request(const Services& services,
                                                  const ClientCredentials& credentials,
                                                  const std::string& token_endpoint,
                                                  Params params);
// Applies a token response's fields over `tokens` (refresh responses may omit some).
void merge_tokens(TokenSet& tokens, const TokenSet& fresh);

// RFC 7009 revocation of one token with a type hint. A client assertion's aud is the token
// endpoint (`assertion_audience`), the URL servers accept assertions for (RFC 7523 §3).
[[nodiscard]] Result<void> revoke_token(const Services& services,
                                        const ClientCredentials& credentials,
                                        const std::string& revocation_endpoint,
                                        const std::string& assertion_audience,
                                        const std::string& token, std::string_view hint);

// The payload of a JWS as JSON, without verification (for tokens verified earlier).
Json unverified_claims(std::string_view jws);

}  // namespace ember::client::detail
