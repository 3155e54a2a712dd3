#include <gtest/gtest.h>

#include "seed_test_support.h"

namespace ember::seed {
namespace {

using testing::run;

TEST(SeedDeterminism, SameOptionsGiveByteIdenticalOutput) {
  const auto a = run(40, 7);
  const auto b = run(40, 7);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].type, b[i].type) << i;
    ASSERT_EQ(a[i].id, b[i].id) << i;
    ASSERT_EQ(a[i].json, b[i].json) << i;
  }
}

TEST(SeedDeterminism, DifferentSeedGivesDifferentData) {
  const auto a = run(20, 1);
  const auto b = run(20, 2);
  std::string all_a, all_b;
  for (const auto& p : a) all_a += p.json;
  for (const auto& p : b) all_b += p.json;
  EXPECT_NE(all_a, all_b);
}

TEST(SeedDeterminism, PatientsDoNotDependOnHowManyFollow) {
  // Each patient draws from its own stream, so a bigger run starts with the smaller one.
  const auto small = run(5, 3);
  const auto big = run(12, 3);
  ASSERT_LT(small.size(), big.size());
  for (std::size_t i = 0; i < small.size(); ++i) {
    ASSERT_EQ(small[i].json, big[i].json) << i;
  }
}

}  // namespace
}  // namespace ember::seed
