// Generated request ids: 16 lowercase hex digits, never repeated within a process, and a start
// that decides the whole sequence (so two processes with random starts share nothing).
#include "http/request_id.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace ember::http {
namespace {

TEST(RequestIds, SixteenLowercaseHexDigitsThatAreAcceptedBack) {
  RequestIds ids(42);
  for (int i = 0; i < 100; ++i) {
    const std::string id = ids.next();
    ASSERT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    EXPECT_TRUE(is_acceptable_request_id(id));
  }
}

TEST(RequestIds, DistinctAcrossThreadsAndNotSequentialLooking) {
  RequestIds ids(0);
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (auto& out : got) {
    threads.emplace_back([&ids, &out] {
      for (int i = 0; i < 20000; ++i) out.push_back(ids.next());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& v : got) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 80000u);
  // Consecutive counters are mixed: the first two ids differ in many digits.
  RequestIds a(7);
  const std::string x = a.next(), y = a.next();
  int differ = 0;
  for (std::size_t i = 0; i < 16; ++i) differ += x[i] != y[i];
  EXPECT_GE(differ, 8) << x << " " << y;
}

TEST(RequestIds, TheStartDecidesTheSequence) {
  RequestIds a(123), b(123), c(124);
  EXPECT_EQ(a.next(), b.next());
  EXPECT_NE(RequestIds(123).next(), c.next());
}

}  // namespace
}  // namespace ember::http
