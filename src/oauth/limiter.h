// The brute-force limits applied to the counters in the auth store (so every instance sharing
// the database counts together): SignInLimiter for both sign-in forms (the authorization pages
// and the EHR portal, through Sessions::sign_in), RateLimiter for the token and registration
// endpoints, and the 429 answer those endpoints give. The rules themselves are oauth/limits.h.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "http/types.h"
#include "oauth/limits.h"
#include "store/auth_store.h"

namespace ember::oauth {

// An attempt let through: the counters it will count on.
struct SignInAttempt {
  std::string account_key;  // "" = the account limit is off
  std::string address_key;  // "" = the address limit is off or the address unknown
};

struct SignInRefusal {
  bool unavailable = false;        // the store failed (not a limit)
  std::int64_t retry_after_s = 0;  // when the next attempt may be made
};

class SignInLimiter {
 public:
  SignInLimiter(store::AuthStore& auth, const Clock& clock, SignInLimits limits);

  // Before the password is checked: refuses (without looking at the password) while the account
  // or the address must wait or is locked; otherwise claims the attempt, so concurrent attempts
  // on the same account get one guess between them. Unknown usernames are counted like known
  // ones: the answer never tells whether an account exists.
  Result<SignInAttempt, SignInRefusal> begin(std::string_view username, std::string_view address);
  // The password was wrong (or the account unknown): one failure on each counter.
  void failed(const SignInAttempt& attempt);
  // Signed in: the account's counter is cleared (the address's is not: one good account must not
  // wash an address's failures away).
  void succeeded(const SignInAttempt& attempt);

  const SignInLimits& limits() const { return limits_; }

 private:
  store::AuthStore& auth_;
  const Clock& clock_;
  SignInLimits limits_;
};

// One counter a request is counted on.
struct RateKey {
  std::string key;
  const RatePolicy* policy;
};

class RateLimiter {
 public:
  RateLimiter(store::AuthStore& auth, const Clock& clock) : auth_(auth), clock_(clock) {}
  // Counts the request on every enabled key in one store statement; the seconds to wait when
  // any is over its limit, else nullopt. `metric` names the limit in ember_limit_refusals_total.
  // A store failure lets the request through (the limits protect; they must not become the
  // outage).
  std::optional<std::int64_t> check(std::initializer_list<RateKey> keys, std::string_view metric);

 private:
  store::AuthStore& auth_;
  const Clock& clock_;
};

// 429 Too Many Requests with Retry-After, Cache-Control: no-store and an OAuth-style JSON body,
// {"error":"temporarily_unavailable","error_description":…} (RFC 6749 §5.2 has no code for rate
// limits; temporarily_unavailable is the closest registered one, and RFC 6585 §4 gives the status).
http::Response too_many_requests(const http::Request& req, std::int64_t retry_after_s);

// Counter keys: usernames are stored hashed (people type passwords into the username field).
std::string account_key(std::string_view username);
std::string address_key(std::string_view prefix, std::string_view address);

}  // namespace ember::oauth
