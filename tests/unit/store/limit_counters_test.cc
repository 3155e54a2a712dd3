// The brute-force limit counters of the auth store (sign-in failures, rate windows) on SQLite and
// PostgreSQL: atomic across instances sharing one database, expiring, purged.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "backends.h"
#include "store/auth_store.h"

namespace ember::store {
namespace {

class LimitCountersTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    EMBER_REQUIRE_DATABASE(db_);
    auto s = open_auth_store(StoreOptions{db_.url()});
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  std::unique_ptr<AuthStore> another_instance() {
    auto s = open_auth_store(StoreOptions{db_.url()});
    EXPECT_TRUE(s) << s.error().message;
    return s ? std::move(*s) : nullptr;
  }
  static const FailureCount* find(const std::vector<FailureCount>& v, const std::string& key) {
    for (const auto& c : v) {
      if (c.key == key) return &c;
    }
    return nullptr;
  }
  static const RateCount* find(const std::vector<RateCount>& v, const std::string& key) {
    for (const auto& c : v) {
      if (c.key == key) return &c;
    }
    return nullptr;
  }

  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<AuthStore> store_;
};

TEST_P(LimitCountersTest, FailuresCountExpireAndClear) {
  auto none = store_->get_failures({"a:x", "n:1.2.3.4"}, 1000);
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_TRUE(none->empty());

  auto one = store_->add_failure({"a:x", "n:1.2.3.4"}, 1000, 5000);
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_EQ(one->size(), 2u);
  EXPECT_EQ(find(*one, "a:x")->failures, 1);
  EXPECT_EQ(find(*one, "n:1.2.3.4")->last_ms, 1000);

  auto two = store_->add_failure({"a:x"}, 2000, 6000);
  ASSERT_TRUE(two);
  EXPECT_EQ(find(*two, "a:x")->failures, 2);

  auto seen = store_->get_failures({"a:x", "n:1.2.3.4", "a:other"}, 2500);
  ASSERT_TRUE(seen);
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ(find(*seen, "a:x")->failures, 2);
  EXPECT_EQ(find(*seen, "a:x")->last_ms, 2000);

  // Past its expiry a counter is not read, and the next failure starts it again at 1.
  seen = store_->get_failures({"n:1.2.3.4"}, 5000);
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->empty());
  auto again = store_->add_failure({"n:1.2.3.4"}, 5000, 9000);
  ASSERT_TRUE(again);
  EXPECT_EQ(find(*again, "n:1.2.3.4")->failures, 1);

  ASSERT_TRUE(store_->clear_failures("a:x"));
  seen = store_->get_failures({"a:x"}, 2500);
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->empty());
}

TEST_P(LimitCountersTest, ClaimIsACompareAndSet) {
  // No counter yet: the first claim creates it, a second one that saw "none" loses.
  FailureCount fresh{"a:y", 0, 0};
  EXPECT_TRUE(*store_->claim_attempt(fresh, 1000, 1000, 9000));
  EXPECT_FALSE(*store_->claim_attempt(fresh, 1000, 1000, 9000));
  auto seen = store_->get_failures({"a:y"}, 1000);
  ASSERT_TRUE(seen);
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].failures, 0);
  // Whoever saw the current state wins once; the stale state loses.
  FailureCount now = (*seen)[0];
  EXPECT_TRUE(*store_->claim_attempt(now, 2000, 2000, 9000));
  EXPECT_FALSE(*store_->claim_attempt(now, 2000, 2000, 9000));
  // A claim keeps the failures (only last_ms moves).
  ASSERT_TRUE(store_->add_failure({"a:y"}, 2100, 9000));
  seen = store_->get_failures({"a:y"}, 2100);
  ASSERT_TRUE(seen);
  EXPECT_TRUE(*store_->claim_attempt((*seen)[0], 3000, 3000, 9000));
  seen = store_->get_failures({"a:y"}, 3000);
  EXPECT_EQ((*seen)[0].failures, 1);
  EXPECT_EQ((*seen)[0].last_ms, 3000);
  // An expired counter can be claimed by anyone and starts again from zero.
  EXPECT_TRUE(*store_->claim_attempt(fresh, 9500, 9500, 20000));
  seen = store_->get_failures({"a:y"}, 9500);
  EXPECT_EQ((*seen)[0].failures, 0);
}

TEST_P(LimitCountersTest, ConcurrentClaimsFromTwoInstancesHaveOneWinner) {
  auto other = another_instance();
  ASSERT_TRUE(other);
  ASSERT_TRUE(store_->add_failure({"a:z"}, 1000, 100000));
  auto seen = store_->get_failures({"a:z"}, 1000);
  ASSERT_TRUE(seen);
  const FailureCount state = (*seen)[0];
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    AuthStore* s = i % 2 ? other.get() : store_.get();
    threads.emplace_back([&, s] {
      auto r = s->claim_attempt(state, 2000, 2000, 100000);
      if (r && *r) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST_P(LimitCountersTest, RateWindowsCountAndRoll) {
  auto r = store_->count_hits({{"t:c:app", 60000, 60000}, {"t:n:1.2.3.4", 0, 600000}});
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(find(*r, "t:c:app")->hits, 1);
  EXPECT_EQ(find(*r, "t:c:app")->window_start_ms, 60000);
  for (int i = 0; i < 4; ++i) r = store_->count_hits({{"t:c:app", 60000, 60000}});
  ASSERT_TRUE(r);
  EXPECT_EQ(find(*r, "t:c:app")->hits, 5);
  EXPECT_EQ(find(*r, "t:c:app")->previous_hits, 0);
  // The next window keeps this one as the previous; one further on forgets both.
  r = store_->count_hits({{"t:c:app", 120000, 60000}});
  ASSERT_TRUE(r);
  EXPECT_EQ(find(*r, "t:c:app")->hits, 1);
  EXPECT_EQ(find(*r, "t:c:app")->previous_hits, 5);
  EXPECT_EQ(find(*r, "t:c:app")->window_start_ms, 120000);
  r = store_->count_hits({{"t:c:app", 240000, 60000}});
  ASSERT_TRUE(r);
  EXPECT_EQ(find(*r, "t:c:app")->hits, 1);
  EXPECT_EQ(find(*r, "t:c:app")->previous_hits, 0);
  // A hit stamped with an earlier window (another instance's clock behind) counts in the
  // current one.
  r = store_->count_hits({{"t:c:app", 180000, 60000}});
  ASSERT_TRUE(r);
  EXPECT_EQ(find(*r, "t:c:app")->hits, 2);
  EXPECT_EQ(find(*r, "t:c:app")->window_start_ms, 240000);
}

TEST_P(LimitCountersTest, ConcurrentHitsFromTwoInstancesAreAllCounted) {
  auto other = another_instance();
  ASSERT_TRUE(other);
  constexpr int kThreads = 4, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kThreads; ++i) {
    AuthStore* s = i % 2 ? other.get() : store_.get();
    threads.emplace_back([&, s] {
      for (int k = 0; k < kEach; ++k) {
        if (!s->count_hits({{"t:c:busy", 0, 60000}, {"t:n:10.0.0.1", 0, 60000}})) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto r = store_->count_hits({{"t:c:busy", 0, 60000}, {"t:n:10.0.0.1", 0, 60000}});
  ASSERT_TRUE(r);
  EXPECT_EQ(find(*r, "t:c:busy")->hits, kThreads * kEach + 1);
  EXPECT_EQ(find(*r, "t:n:10.0.0.1")->hits, kThreads * kEach + 1);
}

TEST_P(LimitCountersTest, PurgeDropsExpiredCounters) {
  ASSERT_TRUE(store_->add_failure({"a:old"}, 1000, 2000));
  ASSERT_TRUE(store_->add_failure({"a:new"}, 1000, 9000));
  ASSERT_TRUE(store_->count_hits({{"t:c:old", 0, 1000}}));  // expires at 2000
  ASSERT_TRUE(store_->purge_expired(5000));
  // Purged: a claim that saw nothing wins again (the row is gone, not merely expired).
  EXPECT_TRUE(*store_->claim_attempt({"a:old", 0, 0}, 5000, 5000, 9000));
  EXPECT_FALSE(*store_->claim_attempt({"a:new", 0, 0}, 5000, 5000, 9000));
  auto r = store_->count_hits({{"t:c:old", 0, 1000}});
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].hits, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, LimitCountersTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ember::store
