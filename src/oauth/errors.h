// OAuth 2.0 errors as values: one closed enum whose values map 1:1 to the `error` codes of
// RFC 6749 §4.1.2.1 / §5.2, RFC 6750 §3.1, RFC 7009 §2.2.1; and the single function that turns
// one into the JSON body and status of a token-endpoint response.
#pragma once
#include <string>
#include <string_view>

#include "http/types.h"

namespace ember::oauth {

enum class Errc {
  InvalidRequest,           // missing/duplicated/malformed parameter
  InvalidClient,            // client authentication failed (401)
  InvalidGrant,             // bad, expired, used or foreign code / refresh token; PKCE mismatch
  UnauthorizedClient,       // the client may not use this grant or flow
  UnsupportedGrantType,     // grant_type not supported
  UnsupportedResponseType,  // response_type other than code
  InvalidScope,             // unknown scope, or wider than granted
  AccessDenied,             // the user said no
  ServerError,              // unexpected failure (never details)
  TemporarilyUnavailable,   // the store is busy
  InvalidToken,             // RFC 6750: bearer token invalid, expired or revoked (401)
  InsufficientScope,        // RFC 6750: token lacks the scope (403)
  UnsupportedTokenType,     // RFC 7009 §2.2.1
};

struct Error {
  Errc code;
  std::string description;  // safe to show to the client
  bool basic_auth_used = false;  // invalid_client after HTTP Basic → WWW-Authenticate: Basic
};

std::string_view error_code(Errc e);
int error_status(Errc e);
// JSON body {"error":…, "error_description":…} with the status, no-store headers and, for
// invalid_client after Basic authentication, WWW-Authenticate (RFC 6749 §5.2).
http::Response error_response(const http::Request& req, const Error& e);

}  // namespace ember::oauth
