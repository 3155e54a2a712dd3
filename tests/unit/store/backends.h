// The databases the store tests run on: SQLite always, PostgreSQL when EMBER_TEST_PG holds the
// libpq URL of a database on a throwaway cluster where the tests may create schemas (`make unit`
// starts one with scripts/with-pg.sh). Each TestDatabase is a fresh, empty database for one test:
// a temporary SQLite file, or a PostgreSQL schema of its own (search_path in the URL), dropped at
// the end.
#pragma once
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace ember::store::testing {

inline std::vector<std::string> test_backends() {
  return {"sqlite", "postgres"};
}

inline const char* test_pg_url() {
  const char* v = std::getenv("EMBER_TEST_PG");
  return v && *v ? v : nullptr;
}

// Runs one SQL command on the EMBER_TEST_PG database; "" on success, else the error.
inline std::string pg_admin(const std::string& sql) {
  PGconn* c = PQconnectdb(test_pg_url());
  std::string err;
  if (PQstatus(c) != CONNECTION_OK) {
    err = PQerrorMessage(c);
  } else {
    PQsetNoticeProcessor(
        c, [](void*, const char*) {}, nullptr);  // DROP … CASCADE lists all
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK) err = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  return err;
}

class TestDatabase {
 public:
  explicit TestDatabase(std::string backend) : backend_(std::move(backend)) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    const std::string name = "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) +
                             "_" + std::to_string(rd() % 100000);
    if (backend_ == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / ("ember-store-" + name);
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "t.db").string();
      return;
    }
    if (!test_pg_url()) {
      skip_ = "EMBER_TEST_PG is not set (make unit starts a PostgreSQL cluster for these)";
      return;
    }
    if (auto err = pg_admin("CREATE SCHEMA " + name); !err.empty()) {
      skip_ = "cannot create a schema on EMBER_TEST_PG: " + err;
      failed_ = true;
      return;
    }
    schema_ = name;
    std::string base = test_pg_url();
    url_ = base + (base.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           name;
  }
  ~TestDatabase() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!schema_.empty()) (void)pg_admin("DROP SCHEMA " + schema_ + " CASCADE");
  }
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  // The store URL of this database ("" when unavailable: see skip_reason()).
  const std::string& url() const { return url_; }
  bool available() const { return !url_.empty(); }
  // Why the database is unavailable; failed() tells a broken cluster from an absent one.
  const std::string& skip_reason() const { return skip_; }
  bool failed() const { return failed_; }
  const std::string& backend() const { return backend_; }
  // The SQLite file's directory (for extra files a test needs), empty for PostgreSQL.
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::string backend_;
  std::string url_;
  std::string skip_;
  bool failed_ = false;
  std::filesystem::path dir_;
  std::string schema_;
};

// In SetUp: skips the test when the database is absent, fails it when the cluster is broken.
#define EMBER_REQUIRE_DATABASE(db)                     \
  do {                                                 \
    if (!(db).available()) {                           \
      if ((db).failed()) FAIL() << (db).skip_reason(); \
      GTEST_SKIP() << (db).skip_reason();              \
    }                                                  \
  } while (0)

}  // namespace ember::store::testing
