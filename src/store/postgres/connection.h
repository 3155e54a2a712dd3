// One libpq connection as an sql::Db: statements are prepared once per connection (named by a
// counter, keyed by their SQL text) with `?` rewritten to $1…$n; parameters and results travel
// as text. Errors map to StoreErrc (connection loss, serialization failures, deadlocks and
// shutdowns → Unavailable), and their messages never carry the connection's password.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/sql/db.h"

struct pg_conn;
struct pg_result;

namespace ember::store::postgres {

// `?` placeholders → $1, $2, … in order; a `?` inside a quoted literal, a quoted identifier or a
// comment stays as is. count (if given) receives the number of placeholders.
std::string rewrite_placeholders(std::string_view sql, int* count = nullptr);

// How a PostgreSQL SQLSTATE maps to a store error code.
StoreErrc errc_for_sqlstate(std::string_view sqlstate);

class Connection final : public sql::Db {
 public:
  // url: a libpq connection URI or key=value string; connect_timeout defaults to 10 s.
  static StoreResult<std::unique_ptr<Connection>> open(const std::string& url);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  StoreResult<std::int64_t> exec(const std::string& sql, const std::vector<sql::Value>& binds,
                                 std::string_view what) override;
  StoreResult<void> query(const std::string& sql, const std::vector<sql::Value>& binds,
                          std::string_view what,
                          const std::function<bool(const sql::Row&)>& on_row) override;
  sql::Dialect dialect() const override { return sql::Dialect::Postgres; }

  // Runs SQL text as is, unprepared and without parameters (DDL, BEGIN/COMMIT/ROLLBACK); it may
  // hold several statements.
  StoreResult<void> exec_script(const std::string& sql, std::string_view what);

  // The connection is lost (or was left inside a transaction) and must not be reused.
  bool broken() const;
  // Inside BEGIN … COMMIT (or in a failed transaction block).
  bool in_transaction() const;
  // Inside a transaction block that a failed statement has aborted.
  bool in_failed_transaction() const;
  // How many statements have succeeded on this connection.
  std::uint64_t completed() const { return completed_; }

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  // The prepared statement's name for this SQL text, preparing it on first use.
  StoreResult<const std::string*> prepared(const std::string& sql, std::size_t binds,
                                           std::string_view what);
  struct ResultFree {
    void operator()(pg_result* r) const;
  };
  using ResultPtr = std::unique_ptr<pg_result, ResultFree>;
  // Executes a prepared statement; the result holds rows (or nothing) on success.
  StoreResult<ResultPtr> run(const std::string& sql, const std::vector<sql::Value>& binds,
                             std::string_view what);
  // The error of a failed call (res may be null: connection lost, out of memory).
  StoreError error(const pg_result* res, std::string_view what) const;

  static constexpr std::size_t kMaxCachedStatements = 512;
  pg_conn* conn_;
  std::unordered_map<std::string, std::string> statements_;  // SQL text → statement name
  std::uint64_t next_statement_ = 0;
  std::uint64_t completed_ = 0;
};

}  // namespace ember::store::postgres
