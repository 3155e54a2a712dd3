// The brute-force rules of oauth/limits.h: back-off delays and locks, the sliding-window rate
// estimate and its Retry-After. Pure functions of counters and a time.
#include "oauth/limits.h"

#include <gtest/gtest.h>

namespace ember::oauth {
namespace {

TEST(Backoff, DelaysGrowThenLock) {
  BackoffPolicy p;  // 3 failures → 1 s, doubling to 60 s; 10 → 15 min lock
  struct Row {
    std::int64_t failures, wait_ms;
  };
  const Row table[] = {{0, 0},       {1, 0},       {2, 0},        {3, 1000},  {4, 2000},
                       {5, 4000},    {6, 8000},    {7, 16000},    {8, 32000}, {9, 60000},
                       {10, 900000}, {11, 900000}, {1000, 900000}};
  for (const auto& r : table) {
    EXPECT_EQ(backoff_wait_ms(p, r.failures), r.wait_ms) << r.failures << " failures";
  }
}

TEST(Backoff, CapsWithoutOverflowAndCanBeOff) {
  BackoffPolicy p{.delay_after = 1, .base_delay_ms = 500, .max_delay_ms = 7000, .lock_after = 0};
  EXPECT_EQ(backoff_wait_ms(p, 1), 500);
  EXPECT_EQ(backoff_wait_ms(p, 4), 4000);
  EXPECT_EQ(backoff_wait_ms(p, 5), 7000);
  EXPECT_EQ(backoff_wait_ms(p, 1'000'000'000), 7000);  // never locks, never overflows
  p.enabled = false;
  EXPECT_EQ(backoff_wait_ms(p, 50), 0);
  BackoffPolicy lock_only{.delay_after = 0, .lock_after = 2, .lock_ms = 3000};
  EXPECT_EQ(backoff_wait_ms(lock_only, 1), 0);
  EXPECT_EQ(backoff_wait_ms(lock_only, 2), 3000);
}

TEST(Backoff, AllowedAtAndClaims) {
  BackoffPolicy p;
  EXPECT_EQ(allowed_at_ms(p, {"k", 2, 5000}), 5000);  // no wait: as soon as it is not held
  EXPECT_EQ(allowed_at_ms(p, {"k", 4, 5000}), 7000);
  EXPECT_EQ(allowed_at_ms(p, {"k", 10, 5000}), 5000 + 900000);
  // Accounts are always serialized; addresses only once delayed.
  EXPECT_TRUE(must_claim(p, {"k", 0, 0}, true));
  EXPECT_FALSE(must_claim(p, {"k", 2, 0}, false));
  EXPECT_TRUE(must_claim(p, {"k", 3, 0}, false));
  p.enabled = false;
  EXPECT_FALSE(must_claim(p, {"k", 5, 0}, true));
}

TEST(Rate, WindowStart) {
  RatePolicy p{.limit = 10, .window_ms = 60000};
  EXPECT_EQ(window_start_ms(p, 0), 0);
  EXPECT_EQ(window_start_ms(p, 59999), 0);
  EXPECT_EQ(window_start_ms(p, 60000), 60000);
  EXPECT_EQ(window_start_ms(p, 1700000012345), 1700000012345 - 1700000012345 % 60000);
}

TEST(Rate, WithinTheLimitIsAllowed) {
  RatePolicy p{.limit = 10, .window_ms = 60000};
  EXPECT_TRUE(rate_verdict(p, {"k", 0, 10, 0}, 1000).allowed);
  EXPECT_FALSE(rate_verdict(p, {"k", 0, 11, 0}, 1000).allowed);
  // The previous window weighs by its overlap: 20 · (1 − 45/60) = 5, + 5 = 10 → allowed.
  EXPECT_TRUE(rate_verdict(p, {"k", 60000, 5, 20}, 105000).allowed);
  // 20 · (1 − 30/60) = 10, + 5 = 15 → refused.
  EXPECT_FALSE(rate_verdict(p, {"k", 60000, 5, 20}, 90000).allowed);
  p.enabled = false;
  EXPECT_TRUE(rate_verdict(p, {"k", 0, 1000, 1000}, 1).allowed);
}

TEST(Rate, RetryAfterIsWhenOneMoreRequestFits) {
  RatePolicy p{.limit = 10, .window_ms = 60000};
  // Over the limit in this window alone: wait for the next window and then until 11 hits of
  // the previous window have shrunk to leave room for one: 11 · (1 − e/60) + 1 ≤ 10 → e ≥ 10.9 s.
  auto v = rate_verdict(p, {"k", 0, 11, 0}, 30000);
  ASSERT_FALSE(v.allowed);
  EXPECT_NEAR(static_cast<double>(v.retry_after_ms), 30000 + 60000.0 * (1 - 9.0 / 11), 1.0);
  // Under the limit here, over with the previous window: wait in this window until
  // 20 · (1 − e/60) + 5 + 1 ≤ 10 → e ≥ 48 s; now e = 30 s → 18 s.
  v = rate_verdict(p, {"k", 60000, 5, 20}, 90000);
  ASSERT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after_ms, 18000);
  // At least a second, whatever the arithmetic says.
  v = rate_verdict(RatePolicy{.limit = 1, .window_ms = 100}, {"k", 0, 2, 0}, 99);
  ASSERT_FALSE(v.allowed);
  EXPECT_EQ(v.retry_after_ms, 1000);
  // Following the advice works: at the advised time one more request is allowed.
  v = rate_verdict(p, {"k", 60000, 5, 20}, 90000);
  EXPECT_TRUE(rate_verdict(p, {"k", 60000, 6, 20}, 90000 + v.retry_after_ms).allowed);
}

TEST(Rate, RetryAfterSeconds) {
  EXPECT_EQ(retry_after_seconds(0), 1);
  EXPECT_EQ(retry_after_seconds(1000), 1);
  EXPECT_EQ(retry_after_seconds(1001), 2);
  EXPECT_EQ(retry_after_seconds(900000), 900);
}

}  // namespace
}  // namespace ember::oauth
