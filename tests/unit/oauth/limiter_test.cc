// SignInLimiter and RateLimiter over a real (SQLite) auth store and a manual clock: delays, the
// lock that refuses even the right password, what a success clears, unknown accounts counted
// like known ones, concurrent attempts serialized, rate limits per key.
#include "oauth/limiter.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "core/clock.h"
#include "../support/temp_auth_store.h"
#include "store/auth_store.h"

namespace ember::oauth {
namespace {

class LimiterTest : public ember::test_support::TempAuthStoreTest {
 protected:
  // One attempt: refused (the seconds to wait), or let through and then failed or succeeded.
  std::int64_t attempt(SignInLimiter& l, const std::string& user, bool right,
                       const std::string& addr = "10.0.0.7") {
    auto a = l.begin(user, addr);
    if (!a) {
      EXPECT_FALSE(a.error().unavailable);
      return a.error().retry_after_s;
    }
    if (right) {
      l.succeeded(*a);
    } else {
      l.failed(*a);
    }
    return 0;
  }

  ManualClock clock_;
};

TEST_F(LimiterTest, DelaysThenLockEvenForTheRightPassword) {
  SignInLimiter l(*auth_, clock_, SignInLimits{});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt(l, "dr.smith", false), 0) << i;
  // Three failures: the next attempt waits 1 s, and is refused before that without counting.
  EXPECT_EQ(attempt(l, "dr.smith", true), 1);
  clock_.advance_ms(999);
  EXPECT_EQ(attempt(l, "dr.smith", true), 1);
  clock_.advance_ms(1);
  EXPECT_EQ(attempt(l, "dr.smith", false), 0);  // the 4th failure: now 2 s
  clock_.advance_ms(1500);
  EXPECT_EQ(attempt(l, "dr.smith", false), 1);
  // Keep failing at the allowed pace until the 10th failure locks the account.
  for (int failures = 4; failures < 10; ++failures) {
    clock_.advance_ms(backoff_wait_ms(BackoffPolicy{}, failures));
    EXPECT_EQ(attempt(l, "dr.smith", false), 0) << failures;
  }
  clock_.advance_ms(60'000);
  EXPECT_EQ(attempt(l, "dr.smith", true), 15 * 60 - 60);  // locked: the right password too
  clock_.advance_ms(14 * 60'000);
  EXPECT_EQ(attempt(l, "dr.smith", true), 0);  // the lock is over; success clears the account
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt(l, "dr.smith", false), 0) << i;
}

TEST_F(LimiterTest, UnknownAccountsAreCountedLikeKnownOnes) {
  SignInLimiter l(*auth_, clock_, SignInLimits{});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(attempt(l, "dr.smith", false), 0);
    EXPECT_EQ(attempt(l, "no-such-user", false), 0);
  }
  EXPECT_EQ(attempt(l, "dr.smith", false), attempt(l, "no-such-user", false));
  // The username is not stored in the clear.
  auto seen = auth_->get_failures({account_key("no-such-user")}, clock_.now_ms());
  ASSERT_TRUE(seen);
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].key.find("no-such-user"), std::string::npos);
}

TEST_F(LimiterTest, SuccessClearsTheAccountButNotTheAddress) {
  SignInLimits limits;
  limits.address.delay_after = 4;
  SignInLimiter l(*auth_, clock_, limits);
  EXPECT_EQ(attempt(l, "alice", false), 0);
  EXPECT_EQ(attempt(l, "alice", false), 0);
  EXPECT_EQ(attempt(l, "alice", true), 0);
  EXPECT_EQ(attempt(l, "alice", false), 0);
  EXPECT_EQ(attempt(l, "alice", false), 0);  // 2 for alice (cleared before), 4 for the address
  EXPECT_EQ(attempt(l, "bob", true), 1);     // another account, same address: delayed
  EXPECT_EQ(attempt(l, "bob", true, "10.0.0.8"), 0);  // another address: fine
}

TEST_F(LimiterTest, AddressThresholdAcrossAccounts) {
  SignInLimits limits;
  limits.address = BackoffPolicy{.delay_after = 5, .lock_after = 8, .lock_ms = 60'000};
  SignInLimiter l(*auth_, clock_, limits);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(attempt(l, "user" + std::to_string(i), false), 0);
  EXPECT_EQ(attempt(l, "fresh", true), 1);
  for (int i = 5; i < 8; ++i) {
    clock_.advance_ms(backoff_wait_ms(limits.address, i));
    EXPECT_EQ(attempt(l, "user" + std::to_string(i), false), 0) << i;
  }
  EXPECT_EQ(attempt(l, "fresh", true), 60);
}

TEST_F(LimiterTest, ConcurrentAttemptsOnOneAccountGetOneGuess) {
  SignInLimiter l(*auth_, clock_, SignInLimits{});
  auto first = l.begin("dr.smith", "10.0.0.1");
  ASSERT_TRUE(first);
  auto second = l.begin("dr.smith", "10.0.0.2");  // the first one holds the account
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().retry_after_s, kAttemptHoldMs / 1000);
  l.failed(*first);
  EXPECT_TRUE(l.begin("dr.smith", "10.0.0.2"));
}

TEST_F(LimiterTest, LimitsOff) {
  SignInLimits limits;
  limits.account.enabled = false;
  limits.address.enabled = false;
  SignInLimiter l(*auth_, clock_, limits);
  for (int i = 0; i < 30; ++i) EXPECT_EQ(attempt(l, "dr.smith", false), 0);
}

TEST_F(LimiterTest, RateLimitPerKey) {
  RateLimiter r(*auth_, clock_);
  RatePolicy client{.limit = 3, .window_ms = 60'000};
  RatePolicy address{.limit = 100, .window_ms = 60'000};
  clock_.set_ms(1'700'000'040'000);  // 40 s into a window
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(r.check({{"t:c:a", &client}, {"t:n:1", &address}}, "token")) << i;
  }
  auto retry = r.check({{"t:c:a", &client}, {"t:n:1", &address}}, "token");
  ASSERT_TRUE(retry);
  EXPECT_GE(*retry, 20);  // not before the next window
  EXPECT_FALSE(r.check({{"t:c:b", &client}, {"t:n:1", &address}}, "token"));  // another client
  EXPECT_FALSE(r.check({{"", &client}, {"t:n:1", &address}}, "token"));       // empty keys skipped
  RatePolicy off{.enabled = false};
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(r.check({{"t:c:a", &off}}, "token"));
}

}  // namespace
}  // namespace ember::oauth
