// Brute-force limits as pure rules over counters (no store, no clock: the time is a parameter):
// sign-in back-off (a growing delay after a few failures, then a temporary lock) and request
// rate limits (a sliding-window estimate over two fixed windows). oauth/limiter.h applies them
// to the counters kept in the auth store; docs/configuration.md lists the settings.
#pragma once
#include <cstdint>
#include <optional>
#include <span>

#include "store/auth_store.h"

namespace ember::oauth {

// Back-off for one kind of sign-in counter (per account, or per client address). After
// `delay_after` failures each further attempt must wait base_delay_ms, doubling with every
// failure up to max_delay_ms; after `lock_after` failures the counter is locked for lock_ms
// (even the right password is refused). Failures are forgotten forget_ms after the last one.
struct BackoffPolicy {
  bool enabled = true;
  std::int64_t delay_after = 3;
  std::int64_t base_delay_ms = 1000;
  std::int64_t max_delay_ms = 60'000;
  std::int64_t lock_after = 10;  // 0 = never lock
  std::int64_t lock_ms = 15 * 60'000;
  std::int64_t forget_ms = 60 * 60'000;
};

struct SignInLimits {
  BackoffPolicy account;
  // Per address a higher threshold: many people may share one (a clinic behind NAT).
  BackoffPolicy address{.delay_after = 20, .lock_after = 100};
};

// At most `limit` requests per `window_ms`, estimated over a sliding window.
struct RatePolicy {
  bool enabled = true;
  std::int64_t limit = 600;
  std::int64_t window_ms = 60'000;
};

struct RateLimits {
  RatePolicy token_client;                  // POST /oauth/token, per client
  RatePolicy token_address{.limit = 1200};  // POST /oauth/token, per address
  // POST /oauth/register and /oauth/register/{id}, per address; /oauth/register/{id} also per
  // client (counted once its registration access token is proven).
  RatePolicy registration_address{.limit = 60, .window_ms = 600'000};
  RatePolicy registration_client{.limit = 60, .window_ms = 600'000};
};

struct LimitOptions {
  SignInLimits sign_in;
  RateLimits rates;
};

// How long after its last failure a counter with `failures` failures makes attempts wait: 0
// below delay_after, the growing delay, or lock_ms once locked.
[[nodiscard]] std::int64_t backoff_wait_ms(const BackoffPolicy& p, std::int64_t failures);

// When the next attempt is allowed by one counter: its last failure plus the wait, or the end of
// the hold an attempt under way put on it (claim_attempt).
[[nodiscard]] std::int64_t allowed_at_ms(const BackoffPolicy& p, const store::FailureCount& c);

// How long a claimed attempt holds its counter (other attempts on it are refused meanwhile) unless
// it ends sooner: longer than a password check takes, short enough not to bother a double click.
inline constexpr std::int64_t kAttemptHoldMs = 2000;

// Whether an attempt must be serialized on this counter (claimed before the password check), so
// concurrent attempts cannot each get a guess: always for accounts with a counter, for addresses
// only once they are being delayed (people behind one address sign in at the same time).
[[nodiscard]] bool must_claim(const BackoffPolicy& p, const store::FailureCount& c, bool account);

// The start of the fixed window `now_ms` falls in.
[[nodiscard]] std::int64_t window_start_ms(const RatePolicy& p, std::int64_t now_ms);

// The verdict on a request already counted in `c`: allowed, or refused with the milliseconds
// until one more request would be allowed (at least 1000: Retry-After is in whole seconds).
struct RateVerdict {
  bool allowed = true;
  std::int64_t retry_after_ms = 0;
};
[[nodiscard]] RateVerdict rate_verdict(const RatePolicy& p, const store::RateCount& c,
                                       std::int64_t now_ms);

// Whole seconds for Retry-After, rounded up, at least 1.
[[nodiscard]] std::int64_t retry_after_seconds(std::int64_t ms);

}  // namespace ember::oauth
