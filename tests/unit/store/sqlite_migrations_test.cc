// SQLite's schema migrations (PostgreSQL's twin is checked in pg_backend_test.cc).
#include "store/sqlite/migrations.h"

#include <gtest/gtest.h>

namespace ember::store {
namespace {

TEST(SqliteMigrations, RunOnceAndRecordVersion) {
  auto db = sqlite::Connection::open(":memory:", false);
  ASSERT_TRUE(db);
  auto v = sqlite::migrate(**db);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, sqlite::migrations().back().version);
  auto again = sqlite::migrate(**db);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *v);
  ASSERT_TRUE(
      (*db)->exec("INSERT INTO schema_migrations (version, description) VALUES (999, 'x')"));
  auto newer = sqlite::migrate(**db);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, StoreErrc::Invalid);
}

}  // namespace
}  // namespace ember::store
