#include "store/sqlite/backend.h"

#include <mutex>
#include <thread>
#include <unordered_map>

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/shared.h"

namespace ember::store::sqlite {

namespace {

class StatementRow final : public sql::Row {
 public:
  explicit StatementRow(const Statement& s) : s_(s) {}
  std::int64_t int64(int col) const override { return s_.int64(col); }
  double real(int col) const override { return s_.real(col); }
  std::string text(int col) const override { return s_.text(col); }
  bool is_null(int col) const override { return s_.is_null(col); }

 private:
  const Statement& s_;
};

class SqliteDb final : public sql::Db {
 public:
  explicit SqliteDb(Connection& c) : c_(c) {}

  StoreResult<std::int64_t> exec(const std::string& sql, const std::vector<sql::Value>& binds,
                                 std::string_view what) override {
    auto st = c_.prepare(sql);
    if (!st) return fail(st.error());
    (*st)->bind_all(binds);
    int rc;
    while ((rc = (*st)->step()) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return fail(c_.error(what));
    return static_cast<std::int64_t>(sqlite3_changes64(c_.raw()));
  }

  StoreResult<void> query(const std::string& sql, const std::vector<sql::Value>& binds,
                          std::string_view what,
                          const std::function<bool(const sql::Row&)>& on_row) override {
    auto st = c_.prepare(sql);
    if (!st) return fail(st.error());
    (*st)->bind_all(binds);
    StatementRow row(**st);
    for (;;) {
      int rc = (*st)->step();
      if (rc == SQLITE_DONE) return {};
      if (rc != SQLITE_ROW) return fail(c_.error(what));
      if (!on_row(row)) return {};
    }
  }

  sql::Dialect dialect() const override { return sql::Dialect::Sqlite; }

 private:
  Connection& c_;
};

class SqliteBackend final : public sql::Backend {
 public:
  SqliteBackend(std::string path, std::unique_ptr<Connection> writer)
      : path_(std::move(path)), in_memory_(path_ == ":memory:"), writer_(std::move(writer)) {
    if (!in_memory_) checkpointer_ = std::make_unique<Checkpointer>(path_, *writer_);
  }
  ~SqliteBackend() override {
    checkpointer_.reset();  // before the writer closes (its hook points at the checkpointer)
  }

  StoreResult<void> read(const Work& fn) override {
    if (in_memory_) {
      std::lock_guard lock(write_mu_);
      SqliteDb db(*writer_);
      return fn(db);
    }
    auto c = reader();
    if (!c) return fail(c.error());
    SqliteDb db(**c);
    return fn(db);
  }

  StoreResult<void> write(const Work& fn) override {
    std::lock_guard lock(write_mu_);
    SqliteDb db(*writer_);
    return fn(db);
  }

  // BEGIN IMMEDIATE takes the write lock before the first read, so a read-modify-write cannot
  // interleave with another process's on the same file.
  StoreResult<void> transaction(const Work& fn) override {
    std::lock_guard lock(write_mu_);
    Connection& c = *writer_;
    if (auto r = c.exec("BEGIN IMMEDIATE"); !r) {
      return fail(StoreError{StoreErrc::Unavailable, r.error().message});
    }
    SqliteDb db(c);
    auto r = fn(db);
    if (!r) {
      (void)c.exec("ROLLBACK");
      return r;
    }
    if (auto done = c.exec("COMMIT"); !done) {
      (void)c.exec("ROLLBACK");
      return fail(done.error());
    }
    return {};
  }

  sql::Dialect dialect() const override { return sql::Dialect::Sqlite; }
  std::string describe() const override { return "sqlite:" + path_; }

 private:
  // This thread's read-only connection. The backend owns its readers (unlike a thread_local
  // cache) so they close with it.
  StoreResult<Connection*> reader() {
    std::lock_guard lock(readers_mu_);
    auto& slot = readers_[std::this_thread::get_id()];
    if (!slot) {
      auto c = Connection::open(path_, /*read_only=*/true);
      if (!c) return fail(c.error());
      (void)(*c)->exec("PRAGMA query_only = 1");
      slot = std::move(*c);
    }
    return slot.get();
  }

  std::string path_;
  bool in_memory_;
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<Checkpointer> checkpointer_;  // WAL checkpoints off the write path
  std::mutex readers_mu_;
  std::unordered_map<std::thread::id, std::unique_ptr<Connection>> readers_;
};

}  // namespace

StoreResult<std::shared_ptr<sql::Backend>> open_backend(const std::string& path) {
  auto writer = open_writer(path);
  if (!writer) return fail(writer.error());
  return std::shared_ptr<sql::Backend>(std::make_shared<SqliteBackend>(path, std::move(*writer)));
}

}  // namespace ember::store::sqlite
