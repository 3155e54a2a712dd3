// WAL checkpoints off the write path (store/sqlite/checkpointer.h): the background thread's
// checkpoints must really copy the WAL back (so the next write restarts it and the file stays
// small), and the writer's inline fallback must bound the WAL when the thread cannot keep up.
#include "store/sqlite/checkpointer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "../support/temp_dir.h"

namespace ember::store::sqlite {
namespace {

class CheckpointerTest : public test_support::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    path_ = (dir_ / "t.db").string();
    auto w = Connection::open(path_, /*read_only=*/false);
    ASSERT_TRUE(w) << w.error().message;
    writer_ = std::move(*w);
    ASSERT_TRUE(writer_->exec("PRAGMA journal_mode = WAL"));
    ASSERT_TRUE(writer_->exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB)"));
  }
  void TearDown() override {
    writer_.reset();
    TempDirTest::TearDown();
  }

  // One transaction of about `pages` 4 KiB pages.
  void write_pages(int pages) {
    ASSERT_TRUE(writer_->exec("WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
                              "WHERE n < " + std::to_string(pages) +
                              ") INSERT INTO t (v) SELECT randomblob(4000) FROM s"));
  }
  std::uintmax_t wal_bytes() const { return std::filesystem::file_size(path_ + "-wal"); }

  std::string path_;
  std::unique_ptr<Connection> writer_;
};

TEST_F(CheckpointerTest, BackgroundCheckpointsLetTheWalRestart) {
  Checkpointer c(path_, *writer_, CheckpointOptions{50, 1000000});
  for (int i = 0; i < 40; ++i) {
    write_pages(20);
    c.wait_idle();
  }
  // 800 pages written; without working checkpoints the WAL would hold all of them.
  EXPECT_GT(c.stats().background, 5u);
  EXPECT_EQ(c.stats().inline_runs, 0u);
  EXPECT_LT(wal_bytes(), 200u * 4096u);
}

TEST_F(CheckpointerTest, TheWriterCheckpointsInlinePastTheLimit) {
  // The thread is never asked (its threshold is out of reach): only the inline fallback runs.
  Checkpointer c(path_, *writer_, CheckpointOptions{1000000, 60});
  for (int i = 0; i < 40; ++i) write_pages(20);
  EXPECT_EQ(c.stats().background, 0u);
  EXPECT_GT(c.stats().inline_runs, 5u);
  EXPECT_LT(wal_bytes(), 200u * 4096u);
}

TEST_F(CheckpointerTest, WithoutCheckpointsTheWalGrows) {
  // The control for the two tests above: automatic checkpoints off and no Checkpointer.
  sqlite3_wal_autocheckpoint(writer_->raw(), 0);
  for (int i = 0; i < 40; ++i) write_pages(20);
  EXPECT_GT(wal_bytes(), 700u * 4096u);
}

}  // namespace
}  // namespace ember::store::sqlite
