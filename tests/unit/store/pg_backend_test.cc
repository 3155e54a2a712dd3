// The PostgreSQL backend against the EMBER_TEST_PG cluster: the pool, transactions, recovery
// from lost connections, and migrations (locked, idempotent, refusing newer schemas).
#include "store/postgres/backend.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "backends.h"
#include "store/postgres/migrations.h"
#include "store/sqlite/migrations.h"

namespace ember::store::postgres {
namespace {

class PgBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EMBER_REQUIRE_DATABASE(db_);
    auto b = open_backend(db_.url());
    ASSERT_TRUE(b) << b.error().message;
    backend_ = std::move(*b);
  }

  StoreResult<std::int64_t> int_of(const std::string& sql) {
    return sql::read_value<std::int64_t>(
        *backend_, [&](sql::Db& db) { return sql::query_int(db, sql, {}, "test"); });
  }

  testing::TestDatabase db_{"postgres"};
  std::shared_ptr<sql::Backend> backend_;
};

TEST_F(PgBackendTest, MigratesToTheSameVersionsAsSqlite) {
  ASSERT_EQ(migrations().size(), sqlite::migrations().size());
  for (std::size_t i = 0; i < migrations().size(); ++i) {
    EXPECT_EQ(migrations()[i].version, sqlite::migrations()[i].version);
    EXPECT_EQ(migrations()[i].description, sqlite::migrations()[i].description);
  }
  EXPECT_EQ(*int_of("SELECT MAX(version) FROM schema_migrations"), migrations().back().version);
  EXPECT_EQ(*int_of("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<std::int64_t>(migrations().size()));
  // The tables live in the test's own schema (the URL's search_path).
  EXPECT_EQ(*int_of("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
                    "current_schema() AND table_name IN ('resources', 'clients', 'launches')"),
            3);
  EXPECT_EQ(backend_->dialect(), sql::Dialect::Postgres);
}

TEST_F(PgBackendTest, OpeningAgainIsIdempotentAndANewerSchemaIsRefused) {
  auto again = open_backend(db_.url());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*int_of("SELECT COUNT(*) FROM schema_migrations"),
            static_cast<std::int64_t>(migrations().size()));
  ASSERT_TRUE(backend_->write([](sql::Db& db) -> StoreResult<void> {
    auto n = db.exec("INSERT INTO schema_migrations (version, description) VALUES (999, 'x')", {},
                     "newer");
    if (!n) return fail(n.error());
    return {};
  }));
  auto newer = open_backend(db_.url());
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, StoreErrc::Invalid);
}

// Instances starting together on an empty schema: the advisory lock lets one migrate while the
// others wait, and all of them open.
TEST(PgMigrations, ConcurrentOpensOfAFreshSchemaAllSucceed) {
  testing::TestDatabase db("postgres");
  EMBER_REQUIRE_DATABASE(db);
  std::vector<std::future<StoreResult<std::shared_ptr<sql::Backend>>>> opens;
  for (int i = 0; i < 4; ++i) {
    opens.push_back(std::async(std::launch::async, [&] { return open_backend(db.url()); }));
  }
  for (auto& f : opens) {
    auto b = f.get();
    EXPECT_TRUE(b) << b.error().message;
  }
}

TEST_F(PgBackendTest, TransactionCommitsOrRollsBackEverything) {
  auto insert = [](sql::Db& db, std::string key) {
    return db.exec("INSERT INTO revoked_jtis (jti, until_ms) VALUES (?, 1)", {std::move(key)},
                   "insert");
  };
  ASSERT_TRUE(backend_->transaction([&](sql::Db& db) -> StoreResult<void> {
    if (auto n = insert(db, "a"); !n) return fail(n.error());
    if (auto n = insert(db, "b"); !n) return fail(n.error());
    return {};
  }));
  auto failed = backend_->transaction([&](sql::Db& db) -> StoreResult<void> {
    if (auto n = insert(db, "c"); !n) return fail(n.error());
    return fail(StoreError{StoreErrc::VersionConflict, "stop"});
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, StoreErrc::VersionConflict);
  // A statement error that the work ignores still rolls the transaction back (PostgreSQL would
  // turn the COMMIT into a ROLLBACK silently).
  auto ignored = backend_->transaction([&](sql::Db& db) -> StoreResult<void> {
    (void)insert(db, "d");
    (void)insert(db, "a");  // duplicate key: the transaction is aborted
    return {};
  });
  ASSERT_FALSE(ignored);
  EXPECT_EQ(*int_of("SELECT COUNT(*) FROM revoked_jtis"), 2);
  // Connections go back to the pool clean.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(*int_of("SELECT COUNT(*) FROM revoked_jtis"), 2);
}

TEST_F(PgBackendTest, AnExhaustedPoolAnswersUnavailableInBoundedTime) {
  auto small = open_backend(db_.url(), PoolOptions{.size = 1, .acquire_timeout_ms = 200});
  ASSERT_TRUE(small) << small.error().message;
  std::promise<void> holding, release;
  auto release_future = release.get_future().share();
  std::thread holder([&] {
    (void)(*small)->read([&](sql::Db&) -> StoreResult<void> {
      holding.set_value();
      release_future.wait();
      return {};
    });
  });
  holding.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  auto r = (*small)->read([](sql::Db&) -> StoreResult<void> { return {}; });
  const auto waited = std::chrono::steady_clock::now() - start;
  release.set_value();
  holder.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StoreErrc::Unavailable);
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  EXPECT_LT(waited, std::chrono::seconds(5));
  // Once the connection is back, work goes on.
  EXPECT_TRUE((*small)->read([](sql::Db&) -> StoreResult<void> { return {}; }));
}

TEST_F(PgBackendTest, PooledConnectionsKilledByTheServerAreReplaced) {
  auto pids = [&] {
    return sql::read_value<std::int64_t>(*backend_, [](sql::Db& db) {
      return sql::query_int(db, "SELECT pg_backend_pid()", {}, "pid");
    });
  };
  auto first = pids();
  ASSERT_TRUE(first);
  ASSERT_EQ(testing::pg_admin("SELECT pg_terminate_backend(" + std::to_string(*first) + ")"), "");
  // The read fails on the dead connection before anything ran, so it is retried on a new one.
  auto second = pids();
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_NE(*second, *first);
  // A transaction's BEGIN on a dead connection is retried too.
  ASSERT_EQ(testing::pg_admin("SELECT pg_terminate_backend(" + std::to_string(*second) + ")"), "");
  EXPECT_TRUE(backend_->transaction([](sql::Db& db) -> StoreResult<void> {
    auto n = db.exec("DELETE FROM revoked_jtis", {}, "delete");
    if (!n) return fail(n.error());
    return {};
  }));
}

TEST_F(PgBackendTest, TwoPoolsOnOneSchemaSeeEachOthersWrites) {
  auto other = open_backend(db_.url());
  ASSERT_TRUE(other) << other.error().message;
  ASSERT_TRUE((*other)->write([](sql::Db& db) -> StoreResult<void> {
    auto n = db.exec("INSERT INTO revoked_grants (grant_id, until_ms) VALUES ('g', 5)", {}, "i");
    if (!n) return fail(n.error());
    return {};
  }));
  EXPECT_EQ(*int_of("SELECT until_ms FROM revoked_grants WHERE grant_id = 'g'"), 5);
}

TEST_F(PgBackendTest, DescribeHidesThePassword) {
  std::string url = db_.url();
  const std::string with_password = url + "&password=hunter2";
  EXPECT_EQ(redact_url(with_password), url);
  EXPECT_EQ(backend_->describe(), redact_url(url));
}

}  // namespace
}  // namespace ember::store::postgres
