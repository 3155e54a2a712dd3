#include "store/sqlite/checkpointer.h"

#include <utility>

#include <spdlog/spdlog.h>

#include "core/metrics.h"

namespace ember::store::sqlite {

Checkpointer::Checkpointer(std::string path, Connection& writer, CheckpointOptions options)
    : path_(std::move(path)), writer_(writer), opt_(options) {
  // Off for the writer; the hook below replaces it (sqlite3_wal_autocheckpoint installs its own
  // hook, so it must be switched off before ours goes in).
  sqlite3_wal_autocheckpoint(writer_.raw(), 0);
  sqlite3_wal_hook(writer_.raw(), &Checkpointer::on_commit, this);
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  sqlite3_wal_hook(writer_.raw(), nullptr, nullptr);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

// On the writer's thread, right after each commit, with the WAL's length in pages.
int Checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int pages) {
  auto* c = static_cast<Checkpointer*>(self);
  if (pages >= c->opt_.inline_pages) {
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    metrics::Registry::global().count_sqlite_checkpoint("writer");
    std::lock_guard lock(c->mu_);
    ++c->stats_.inline_runs;
    return SQLITE_OK;
  }
  if (pages >= c->opt_.background_pages) {
    {
      std::lock_guard lock(c->mu_);
      if (c->requested_) return SQLITE_OK;
      c->requested_ = true;
    }
    c->wake_.notify_one();
  }
  return SQLITE_OK;
}

void Checkpointer::run() {
  std::unique_ptr<Connection> conn;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return requested_ || stopping_; });
    if (stopping_) break;
    requested_ = false;
    running_ = true;
    lock.unlock();
    if (!conn) {
      auto c = Connection::open(path_, /*read_only=*/false);
      // A checkpoint on a connection that has not read the database yet does nothing (SQLite
      // learns of WAL mode on the first read), so it reads the schema version first.
      if (!c) {
        spdlog::warn("sqlite checkpoint: {}", c.error().message);
      } else if (auto read = (*c)->exec("PRAGMA schema_version"); !read) {
        spdlog::warn("sqlite checkpoint: {}", read.error().message);
      } else {
        conn = std::move(*c);
      }
    }
    if (conn) {
      int rc = sqlite3_wal_checkpoint_v2(conn->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr,
                                         nullptr);
      // BUSY: another connection (another process) is checkpointing; the next commit asks again.
      if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        spdlog::warn("sqlite checkpoint: {}", sqlite3_errmsg(conn->raw()));
      }
      metrics::Registry::global().count_sqlite_checkpoint("background");
    }
    lock.lock();
    running_ = false;
    ++stats_.background;
    idle_.notify_all();
  }
}

Checkpointer::Stats Checkpointer::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Checkpointer::wait_idle() {
  std::unique_lock lock(mu_);
  idle_.wait(lock, [&] { return !requested_ && !running_; });
}

}  // namespace ember::store::sqlite
