// Browser sessions shared by the authorization pages (/oauth/authorize/...) and the EHR portal
// (/ehr/...): one cookie, one sign-in, one CSRF token per session. Session ids are random,
// stored only as hashes, renewed at every sign-in (no fixation) and ended at sign-out.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "http/types.h"
#include "oauth/limiter.h"
#include "store/auth_store.h"

namespace ember::oauth {

// A signed-in browser session (cookie value hashed in the store) and its user.
struct Session {
  store::SessionRecord record;
  store::UserRecord user;
};

struct SessionOptions {
  std::int64_t ttl_s = 12 * 3600;
  bool secure_cookies = false;
  SignInLimits limits;  // failure counters, delays and locks (oauth/limits.h)
};

enum class SignInError {
  BadCredentials,   // unknown account or wrong password (never says which)
  TooManyAttempts,  // refused by the failure limits before the password was looked at
  Unavailable,      // the store failed
};

struct SignInFailure {
  SignInError code;
  std::int64_t retry_after_s = 0;  // TooManyAttempts: when to try again
};

// The sign-in pages' message for TooManyAttempts: the same whether or not the account exists.
std::string too_many_sign_in_attempts(std::int64_t retry_after_s);

struct SignedIn {
  Session session;
  std::string set_cookie;  // the Set-Cookie header value carrying the new session id
};

class Sessions {
 public:
  Sessions(store::AuthStore& auth, const Clock& clock, Random& random, SessionOptions options);

  // The session named by the request's cookie, when it exists and has not expired.
  std::optional<Session> current(const http::Request& req) const;

  // Asks the failure limits first (per account and per client address, shared by both sign-in
  // forms; a refused attempt never reaches the password), checks the password (the same work
  // whether or not the account exists), ends the request's old session if any, and starts a
  // new one with a fresh id and CSRF token. `client_addr` is the request's client address.
  Result<SignedIn, SignInFailure> sign_in(const http::Request& req, const std::string& username,
                                          const std::string& password,
                                          std::string_view client_addr);

  // Ends the request's session; returns the Set-Cookie header value that clears the cookie.
  std::string sign_out(const http::Request& req);

  // The CSRF token for forms shown before sign-in (double-submit cookie); when new, appends its
  // Set-Cookie header value to `set_cookies`.
  std::string pre_session_csrf(const http::Request& req, std::vector<std::string>& set_cookies);

  // A form's CSRF token: the session's when signed in, else the pre-session cookie's.
  // Constant-time comparison.
  bool csrf_ok(const http::Request& req, const std::optional<Session>& session,
               const std::string& presented) const;

  // SHA-256, base64url: how session ids (and other bearer secrets) are stored.
  static std::string hash(std::string_view secret);

 private:
  store::AuthStore& auth_;
  const Clock& clock_;
  Random& random_;
  SessionOptions opt_;
  SignInLimiter limiter_;
};

}  // namespace ember::oauth
