// The PostgreSQL connection layer: placeholder rewriting, error mapping and URL redaction (pure),
// then values and errors against the EMBER_TEST_PG cluster.
#include "store/postgres/connection.h"

#include <gtest/gtest.h>

#include <limits>

#include "backends.h"
#include "store/postgres/backend.h"
#include "store/postgres/url.h"

namespace ember::store::postgres {
namespace {

TEST(PgPlaceholders, RewrittenInOrderOutsideQuotesAndComments) {
  struct Case {
    std::string_view in, out;
    int count;
  };
  const Case cases[] = {
      {"SELECT 1", "SELECT 1", 0},
      {"SELECT ?", "SELECT $1", 1},
      {"a = ? AND b IN (?,?)", "a = $1 AND b IN ($2,$3)", 3},
      {"x = '?' AND y = ?", "x = '?' AND y = $1", 1},
      {"x = 'it''s ?' AND y = ?", "x = 'it''s ?' AND y = $1", 1},
      {"x LIKE ? ESCAPE '\\' AND y = ?", "x LIKE $1 ESCAPE '\\' AND y = $2", 2},
      {R"(SELECT "a?b", ? FROM "t""?")", R"(SELECT "a?b", $1 FROM "t""?")", 1},
      {"SELECT ? -- what?\n, ?", "SELECT $1 -- what?\n, $2", 2},
      {"SELECT ? /* ? */ + ?", "SELECT $1 /* ? */ + $2", 2},
      {"SELECT '?", "SELECT '?", 0},  // unterminated: copied as is
      {"?????????????", "$1$2$3$4$5$6$7$8$9$10$11$12$13", 13},
  };
  for (const auto& c : cases) {
    int n = -1;
    EXPECT_EQ(rewrite_placeholders(c.in, &n), c.out) << c.in;
    EXPECT_EQ(n, c.count) << c.in;
  }
}

TEST(PgErrors, SqlStatesMapToStoreCodes) {
  struct Case {
    std::string_view state;
    StoreErrc code;
  };
  const Case cases[] = {
      {"08006", StoreErrc::Unavailable},  // connection failure
      {"08001", StoreErrc::Unavailable},  // cannot connect
      {"40001", StoreErrc::Unavailable},  // serialization failure
      {"40P01", StoreErrc::Unavailable},  // deadlock
      {"57P01", StoreErrc::Unavailable},  // admin shutdown
      {"57014", StoreErrc::Unavailable},  // statement timeout
      {"53300", StoreErrc::Unavailable},  // too many connections
      {"22021", StoreErrc::Invalid},      // not UTF-8
      {"23505", StoreErrc::Internal},     // unique violation: a bug, the SQL avoids it
      {"42601", StoreErrc::Internal},     // syntax error
      {"42P01", StoreErrc::Internal},     // no such table
  };
  for (const auto& c : cases) EXPECT_EQ(errc_for_sqlstate(c.state), c.code) << c.state;
}

TEST(PgUrl, RedactsPasswords) {
  struct Case {
    std::string url, redacted;
  };
  const Case cases[] = {
      {"postgresql://ember:s3cret@db.example:5432/ember?sslmode=require",
       "postgresql://ember@db.example:5432/ember?sslmode=require"},
      {"postgres://u:p@ss@host/db", "postgres://u@host/db"},
      {"postgresql://host/db?user=u&password=s3cret&sslmode=verify-full",
       "postgresql://host/db?user=u&sslmode=verify-full"},
      {"postgresql://host/db?password=s3cret", "postgresql://host/db"},
      {"postgresql:///ember?host=/run/postgresql", "postgresql:///ember?host=/run/postgresql"},
      {"postgresql://u@host/db", "postgresql://u@host/db"},
      {"host=db user=u password=s3cret dbname=e", "host=db user=u dbname=e"},
      {"host=db password = 'a b\\'c' dbname=e", "host=db dbname=e"},
  };
  for (const auto& c : cases) EXPECT_EQ(redact_url(c.url), c.redacted) << c.url;
  EXPECT_EQ(redact_message("bad token \"s3cr%41t\" and s3crAt", "postgresql://u:s3cr%41t@h/db"),
            "bad token \"***\" and ***");
}

TEST(PgUrl, MalformedUrlIsInvalidAndKeepsThePasswordOut) {
  auto c = Connection::open("postgresql://u:pa%zzword@localhost/db");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, StoreErrc::Invalid);
  EXPECT_EQ(c.error().message.find("pa%zzword"), std::string::npos) << c.error().message;
  EXPECT_EQ(c.error().message.find("zzword"), std::string::npos) << c.error().message;
}

TEST(PgUrl, UnreachableServerIsUnavailableWithoutThePassword) {
  auto c = Connection::open("postgresql://u:s3cret@127.0.0.1:1/db?connect_timeout=2");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, StoreErrc::Unavailable);
  EXPECT_EQ(c.error().message.find("s3cret"), std::string::npos) << c.error().message;
  EXPECT_NE(c.error().message.find("127.0.0.1"), std::string::npos) << c.error().message;
}

class PgConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EMBER_REQUIRE_DATABASE(db_);
    auto c = Connection::open(db_.url());
    ASSERT_TRUE(c) << c.error().message;
    conn_ = std::move(*c);
  }

  std::vector<std::vector<std::string>> rows(const std::string& sql,
                                             const std::vector<sql::Value>& binds) {
    std::vector<std::vector<std::string>> out;
    auto r = conn_->query(sql, binds, "test", [&](const sql::Row& row) {
      std::vector<std::string> cols;
      for (int i = 0; i < 3; ++i) cols.push_back(row.is_null(i) ? "NULL" : row.text(i));
      out.push_back(cols);
      return true;
    });
    EXPECT_TRUE(r) << r.error().message;
    return out;
  }

  testing::TestDatabase db_{"postgres"};
  std::unique_ptr<Connection> conn_;
};

TEST_F(PgConnectionTest, ValuesRoundTrip) {
  ASSERT_TRUE(conn_->exec_script("CREATE TABLE v (i BIGINT, d DOUBLE PRECISION, t TEXT)", "ddl"));
  const std::int64_t big = std::numeric_limits<std::int64_t>::max();
  const std::int64_t small = std::numeric_limits<std::int64_t>::min();
  const std::string text = "it's \"quoted\" ? $1 \\ \xC3\xA9 \xF0\x9F\x98\x80";
  auto n = conn_->exec(
      "INSERT INTO v VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)",
      {big, 0.1 + 0.2, text, small, -1e-300, std::string(), nullptr, nullptr, nullptr}, "insert");
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_EQ(*n, 3);
  std::vector<std::int64_t> ints;
  std::vector<double> reals;
  std::vector<std::string> texts;
  std::vector<bool> nulls;
  auto r = conn_->query("SELECT i, d, t FROM v ORDER BY i NULLS LAST", {}, "select",
                        [&](const sql::Row& row) {
                          ints.push_back(row.int64(0));
                          reals.push_back(row.real(1));
                          texts.push_back(row.text(2));
                          nulls.push_back(row.is_null(0) && row.is_null(1) && row.is_null(2));
                          return true;
                        });
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(ints.size(), 3u);
  EXPECT_EQ(ints[0], small);
  EXPECT_EQ(ints[1], big);
  EXPECT_EQ(reals[0], -1e-300);
  EXPECT_EQ(reals[1], 0.1 + 0.2);
  EXPECT_EQ(texts[0], "");
  EXPECT_EQ(texts[1], text);
  EXPECT_EQ(nulls, (std::vector<bool>{false, false, true}));
  // A `?` inside a literal is text; the one outside is a parameter.
  EXPECT_EQ(rows("SELECT '?', ?, 'a''?'", {std::string("x")}),
            (std::vector<std::vector<std::string>>{{"?", "x", "a'?"}}));
  // The changed-row count, and 0 for statements that change nothing.
  EXPECT_EQ(*conn_->exec("UPDATE v SET t = ? WHERE i IS NOT NULL", {std::string("u")}, "u"), 2);
  EXPECT_EQ(*conn_->exec("DELETE FROM v WHERE i = ?", {std::int64_t{7}}, "d"), 0);
  // Stopping early leaves the connection usable.
  int seen = 0;
  ASSERT_TRUE(conn_->query("SELECT i FROM v", {}, "s", [&](const sql::Row&) {
    ++seen;
    return false;
  }));
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(*sql::query_int(*conn_, "SELECT COUNT(*) FROM v", {}, "count"), 3);
}

TEST_F(PgConnectionTest, ErrorsMapAndNameTheOperation) {
  auto syntax = conn_->exec("SELEC 1", {}, "my operation");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, StoreErrc::Internal);
  EXPECT_TRUE(syntax.error().message.starts_with("my operation: ")) << syntax.error().message;
  EXPECT_NE(syntax.error().message.find("42601"), std::string::npos);

  auto count = conn_->exec("SELECT ?", {}, "binds");
  ASSERT_FALSE(count);
  EXPECT_EQ(count.error().code, StoreErrc::Internal);

  auto nul = conn_->exec("SELECT ?", {std::string("a\0b", 3)}, "nul");
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().code, StoreErrc::Invalid);

  auto utf8 = conn_->exec("SELECT CAST(? AS TEXT)", {std::string("bad \xFF")}, "utf8");
  ASSERT_FALSE(utf8);
  EXPECT_EQ(utf8.error().code, StoreErrc::Invalid) << utf8.error().message;

  EXPECT_FALSE(conn_->broken());
  EXPECT_EQ(*sql::query_int(*conn_, "SELECT 42", {}, "after"), 42);
}

TEST_F(PgConnectionTest, ALostConnectionIsUnavailableAndBroken) {
  auto pid = sql::query_int(*conn_, "SELECT pg_backend_pid()", {}, "pid");
  ASSERT_TRUE(pid);
  ASSERT_EQ(testing::pg_admin("SELECT pg_terminate_backend(" + std::to_string(*pid) + ")"), "");
  auto r = sql::query_int(*conn_, "SELECT 1", {}, "after kill");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, StoreErrc::Unavailable) << r.error().message;
  EXPECT_TRUE(conn_->broken());
}

TEST_F(PgConnectionTest, ManyDistinctStatementsStayWithinTheCache) {
  for (int i = 0; i < 600; ++i) {
    auto v = sql::query_int(*conn_, "SELECT " + std::to_string(i) + " + ?", {std::int64_t{1}},
                            "distinct");
    ASSERT_TRUE(v) << v.error().message;
    ASSERT_EQ(*v, i + 1);
  }
  auto prepared = sql::query_int(*conn_, "SELECT COUNT(*) FROM pg_prepared_statements", {}, "n");
  ASSERT_TRUE(prepared);
  EXPECT_LE(*prepared, 512);
}

}  // namespace
}  // namespace ember::store::postgres
