#include "oauth/verified_tokens.h"

#include <gtest/gtest.h>

namespace ember::oauth {
namespace {

std::shared_ptr<const VerifiedToken> entry(std::int64_t exp_s, std::string jti) {
  auto e = std::make_shared<VerifiedToken>();
  e->exp_s = exp_s;
  e->jti = std::move(jti);
  e->policy = fhir::open_policy();
  return e;
}

TEST(VerifiedTokens, KnownUntilExpiryThenForgotten) {
  VerifiedTokens cache;
  EXPECT_EQ(cache.find("t1", 100), nullptr);
  cache.put("t1", entry(200, "j1"), 100);
  auto hit = cache.find("t1", 199);
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->jti, "j1");
  EXPECT_EQ(cache.find("t1", 200), nullptr);   // exp is exclusive, as in the full check
  EXPECT_EQ(cache.find("t1x", 150), nullptr);  // exact token text only
}

TEST(VerifiedTokens, BoundedExpiredEntriesGoFirst) {
  VerifiedTokens cache(3);
  cache.put("old", entry(50, "a"), 10);
  cache.put("b", entry(500, "b"), 10);
  cache.put("c", entry(500, "c"), 10);
  cache.put("d", entry(500, "d"), 100);  // full: the expired "old" makes room
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_NE(cache.find("b", 100), nullptr);
  EXPECT_NE(cache.find("d", 100), nullptr);
  cache.put("e", entry(500, "e"), 100);  // full of live entries: start over
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_NE(cache.find("e", 100), nullptr);
}

TEST(VerifiedTokens, SizeZeroRemembersNothing) {
  VerifiedTokens cache(0);  // --token-cache 0
  cache.put("t1", entry(500, "j1"), 10);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.find("t1", 20), nullptr);
}

}  // namespace
}  // namespace ember::oauth
