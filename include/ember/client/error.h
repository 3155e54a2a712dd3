// Errors as values for the SMART client library: every fallible call returns
// ember::client::Result<T> (a std::expected) whose error says which step failed (ErrorKind),
// carries the server's own words when it sent some (RFC 6749 §5.2 `error` and
// `error_description`, or a FHIR OperationOutcome's issues), and a message for people.
#pragma once
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ember::client {

// Which step failed. Closed set; `to_string` gives a stable snake_case name.
enum class ErrorKind {
  InvalidArgument,   // the caller's input is unusable (bad URL, missing client_id, bad key file)
  Transport,         // no HTTP response: DNS, connect, TLS, timeout, body too large
  HttpStatus,        // an unexpected HTTP status without an OAuth error body or OperationOutcome
  OAuthError,        // the server answered with an RFC 6749 error (`error`, `error_description`),
                     // at the token endpoint or in the authorization redirect (access_denied …)
  InvalidResponse,   // the server's answer is not what the spec prescribes (bad JSON, no
                     // access_token, discovery without token_endpoint, no id_token for openid …)
  IdTokenInvalid,    // the id_token failed validation; `reason` says which check
  StateMismatch,     // the redirect's `state` is not the one this client sent (RFC 6749 §10.12)
  Timeout,           // nobody came back to the loopback redirect listener in time
  FhirError,         // a FHIR interaction failed: `http_status` and the OperationOutcome `issues`
  NotAuthenticated,  // no tokens (never logged in, logged out, or the access token expired with
                     // no way to refresh it)
  Storage,           // the token file cannot be read or written, or has unsafe permissions
};

// "transport", "oauth_error", "id_token_invalid", ...
std::string_view to_string(ErrorKind kind);

// One OperationOutcome.issue (FHIR R4).
struct Issue {
  std::string severity;     // fatal | error | warning | information
  std::string code;         // issue-type code, e.g. "not-found", "forbidden", "invalid"
  std::string diagnostics;  // free text from the server
};

struct Error {
  ErrorKind kind = ErrorKind::InvalidResponse;
  // For OAuthError: the server's RFC 6749 `error` code (e.g. "invalid_grant", "access_denied")
  // and its optional `error_description`. Empty otherwise.
  std::string error;
  std::string error_description;
  // For errors detected on this side: a stable snake_case reason, e.g. "issuer_mismatch",
  // "bad_signature", "expired", "nonce_mismatch", "audience_mismatch" (IdTokenInvalid),
  // "timeout", "connect", "tls" (Transport), "unsafe_permissions" (Storage). May be empty.
  std::string reason;
  // The HTTP status of the response that failed, 0 when there was none.
  int http_status = 0;
  // For FhirError: the OperationOutcome's issues (empty when the body was not one).
  std::vector<Issue> issues;
  // A sentence for logs and people; never contains tokens or secrets.
  std::string message;

  // One line for a terminal: "error: <error> (<error_description>)" for OAuth errors,
  // "<kind>: <message>" with the issues' diagnostics otherwise.
  std::string describe() const;
};

template <class T>
using Result = std::expected<T, Error>;

// Shorthand for building an error value: `return client::failure(ErrorKind::Timeout, "...")`.
inline std::unexpected<Error> failure(ErrorKind kind, std::string message,
                                      std::string reason = {}) {
  Error e;
  e.kind = kind;
  e.message = std::move(message);
  e.reason = std::move(reason);
  return std::unexpected<Error>(std::move(e));
}
inline std::unexpected<Error> failure(Error e) { return std::unexpected<Error>(std::move(e)); }

}  // namespace ember::client
