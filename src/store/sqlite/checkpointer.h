// WAL checkpoints off the write path. SQLite's automatic checkpoint runs inside the COMMIT that
// pushes the WAL past 1,000 pages, on the writer connection: the writer then copies the pages into
// the database file and waits for two fdatasyncs while it still holds the backend's write mutex,
// so every request that needs to write (a token grant's single-use marks, a FHIR create) queues
// behind disk I/O. docs/performance.md ("Checkpoints") has the measurement.
//
// Instead the writer connection's WAL hook tells a Checkpointer how long the WAL has grown, and
// the Checkpointer's own thread runs PASSIVE checkpoints on its own connection: in WAL mode a
// checkpoint needs no write lock, so writers keep appending meanwhile (SQLite documents exactly
// this use of sqlite3_wal_hook). The WAL restarts from its beginning at the first write after a
// checkpoint that copied everything. Should the thread fall far behind (readers pinning old
// snapshots, a slow disk), the writer checkpoints inline once the WAL passes `inline_pages`, which
// bounds its size as the automatic checkpoint did.
#pragma once
#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "store/sqlite/connection.h"

namespace ember::store::sqlite {

struct CheckpointOptions {
  int background_pages = 1000;  // SQLite's own automatic-checkpoint threshold
  int inline_pages = 16000;     // 16× that (64 MiB of 4 KiB pages): the writer does it itself
};

class Checkpointer {
 public:
  // Takes over checkpointing of `writer` (turns its automatic checkpoint off and installs the
  // WAL hook); `path` is the database file the thread opens its own connection to.
  Checkpointer(std::string path, Connection& writer, CheckpointOptions options = {});
  // Removes the hook and joins the thread (the caller closes the writer afterwards, which runs
  // SQLite's final checkpoint).
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  struct Stats {
    std::uint64_t background = 0;  // checkpoints run by the thread
    std::uint64_t inline_runs = 0;  // by the writer, past inline_pages
  };
  Stats stats() const;
  // Waits until no checkpoint is requested or running (tests).
  void wait_idle();

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int pages);
  void run();

  std::string path_;
  Connection& writer_;
  CheckpointOptions opt_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  bool requested_ = false;
  bool running_ = false;
  bool stopping_ = false;
  Stats stats_;
  std::thread thread_;
};

}  // namespace ember::store::sqlite
