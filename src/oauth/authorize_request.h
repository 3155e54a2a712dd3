// Validation of an authorization request (RFC 6749 §4.1.1 + RFC 7636 + SMART 2.2 app-launch):
// errors found before the client and its redirect URI are trusted are shown as a page and never
// redirected (RFC 6749 §4.1.2.1); later errors go back to the app with `error`, and `state`.
#pragma once
#include <optional>
#include <string>
#include <variant>

#include "http/url.h"
#include "oauth/errors.h"
#include "store/auth_store.h"

namespace ember::oauth {

// Shown to the person, HTTP 400, no redirect.
struct PageError {
  std::string title;
  std::string message;
};

// Sent back to the app's (verified) redirect URI.
struct RedirectError {
  std::string redirect_uri;
  std::string state;
  Error error;
};

struct AuthorizeRequest {
  store::ClientRecord client;
  std::string redirect_uri;
  std::string scope;
  std::string state;
  std::string nonce;
  std::string code_challenge;
  std::string launch;
};

using AuthorizeOutcome = std::variant<AuthorizeRequest, PageError, RedirectError>;

// `lookup` finds a registered client (nullopt = unknown). `fhir_base` is the only accepted `aud`.
AuthorizeOutcome validate_authorize_request(
    const http::QueryParams& params, const std::string& fhir_base,
    const std::function<std::optional<store::ClientRecord>(const std::string&)>& lookup);

// redirect_uri with code/error parameters appended (keeps an existing query, RFC 6749 §3.1.2).
// A presented redirect URI against a registered one: exact string match, except that a loopback
// IP redirect URI registered without a port (http://127.0.0.1/... or http://[::1]/...) accepts
// any port (RFC 8252 §7.3).
bool redirect_uri_matches(std::string_view registered, std::string_view presented);

std::string append_query(const std::string& uri, const http::QueryParams& params);

}  // namespace ember::oauth
