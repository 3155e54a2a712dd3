#include "store/postgres/backend.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "store/postgres/connection.h"
#include "store/postgres/migrations.h"

namespace ember::store::postgres {

namespace {

// At most options.size connections, opened on demand and kept; a caller waits up to
// options.acquire_timeout_ms for one to come back. A connection that is lost, or was left
// inside a transaction, is closed instead of returned, and a new one is opened in its place.
class Pool {
 public:
  Pool(std::string url, PoolOptions options) : url_(std::move(url)), options_(options) {}

  StoreResult<std::unique_ptr<Connection>> take() {
    std::unique_lock lock(mu_);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.acquire_timeout_ms);
    while (idle_.empty() && open_ >= options_.size) {
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= options_.size) {
        return fail(StoreError{StoreErrc::Unavailable,
                               "no free PostgreSQL connection within " +
                                   std::to_string(options_.acquire_timeout_ms) + " ms (pool of " +
                                   std::to_string(options_.size) + ")"});
      }
    }
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      if (!c->broken()) return c;
      // Its slot is reused for a fresh connection below.
    } else {
      ++open_;
    }
    lock.unlock();
    auto c = Connection::open(url_);
    if (!c) {
      lock.lock();
      --open_;
      cv_.notify_one();
      return fail(c.error());
    }
    return std::move(*c);
  }

  void give_back(std::unique_ptr<Connection> c) {
    if (c->in_transaction() || c->broken()) c.reset();
    std::lock_guard lock(mu_);
    if (c) {
      idle_.push_back(std::move(c));
    } else {
      --open_;
    }
    cv_.notify_one();
  }

 private:
  const std::string url_;
  const PoolOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // most recently used last
  std::size_t open_ = 0;                           // idle + taken
};

// A connection taken from the pool for one unit of work, given back when it ends.
class Lease {
 public:
  explicit Lease(Pool& pool) : pool_(pool) {}
  ~Lease() {
    if (conn_) pool_.give_back(std::move(conn_));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

  StoreResult<Connection*> get() {
    if (conn_) pool_.give_back(std::move(conn_));
    auto c = pool_.take();
    if (!c) return fail(c.error());
    conn_ = std::move(*c);
    return conn_.get();
  }

 private:
  Pool& pool_;
  std::unique_ptr<Connection> conn_;
};

class PgBackend final : public sql::Backend {
 public:
  PgBackend(std::string url, PoolOptions options)
      : described_(redact_url(url)), pool_(std::move(url), options) {}

  Pool& pool() { return pool_; }

  // A pooled connection that the server dropped (a restart, an idle timeout) fails its first
  // statement; then, and only then, the work is run again on a fresh connection, since nothing
  // of it can have happened.
  StoreResult<void> read(const Work& fn) override {
    Lease lease(pool_);
    StoreResult<void> r;
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto c = lease.get();
      if (!c) return fail(c.error());
      const auto before = (*c)->completed();
      r = fn(**c);
      if (r || !(*c)->broken() || (*c)->completed() != before) break;
    }
    return r;
  }

  // Autocommit: each statement commits on its own. Not retried: a lost connection leaves it
  // unknown whether the statement ran.
  StoreResult<void> write(const Work& fn) override {
    Lease lease(pool_);
    auto c = lease.get();
    if (!c) return fail(c.error());
    return fn(**c);
  }

  StoreResult<void> transaction(const Work& fn) override {
    Lease lease(pool_);
    Connection* c = nullptr;
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto got = lease.get();
      if (!got) return fail(got.error());
      auto begun = (*got)->exec_script("BEGIN", "begin");
      if (begun) {
        c = *got;
        break;
      }
      if (!(*got)->broken() || attempt == 1) return fail(begun.error());
    }
    auto r = fn(*c);
    if (r && c->in_failed_transaction()) {
      // A statement failed and the work carried on: PostgreSQL would turn COMMIT into ROLLBACK.
      r = fail(StoreError{StoreErrc::Internal, "transaction aborted by an ignored error"});
    }
    if (!r) {
      (void)c->exec_script("ROLLBACK", "rollback");
      return r;
    }
    if (auto done = c->exec_script("COMMIT", "commit"); !done) {
      (void)c->exec_script("ROLLBACK", "rollback");
      return fail(done.error());
    }
    return {};
  }

  sql::Dialect dialect() const override { return sql::Dialect::Postgres; }
  std::string describe() const override { return described_; }

 private:
  const std::string described_;
  Pool pool_;
};

}  // namespace

StoreResult<std::shared_ptr<sql::Backend>> open_backend(const std::string& url,
                                                        PoolOptions options) {
  if (options.size == 0) {
    return fail(StoreError{StoreErrc::Invalid, "PostgreSQL pool size must be at least 1"});
  }
  auto backend = std::make_shared<PgBackend>(url, options);
  {
    Lease lease(backend->pool());
    auto c = lease.get();
    if (!c) return fail(c.error());
    if (auto v = migrate(**c); !v) return fail(v.error());
  }
  return std::shared_ptr<sql::Backend>(std::move(backend));
}

}  // namespace ember::store::postgres
