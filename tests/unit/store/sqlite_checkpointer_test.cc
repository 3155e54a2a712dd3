// WAL checkpoints off the write path (store/sqlite/checkpointer.h): the background thread's
// checkpoints must really copy the WAL back (so the next write restarts it and the file stays
// small), and the writer's inline fallback must bound the WAL when the thread cannot keep up.
#include "store/sqlite/checkpointer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "../support/temp_dir.h"
#include "core/metrics.h"
#include "store/sqlite/shared.h"

namespace ember::store::sqlite {
namespace {

// The value of ember_sqlite_checkpoints_total{by="<by>"} on /metrics (0 before the first).
std::uint64_t checkpoints_metric(const std::string& by) {
  const std::string text = metrics::Registry::global().render_prometheus();
  const std::string series = "ember_sqlite_checkpoints_total{by=\"" + by + "\"} ";
  const auto at = text.find(series);
  return at == std::string::npos ? 0 : std::stoull(text.substr(at + series.size()));
}

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
    ASSERT_TRUE(writer_->exec(
        "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s "
        "WHERE n < " +
        std::to_string(pages) + ") INSERT INTO t (v) SELECT randomblob(4000) FROM s"));
  }
  std::uintmax_t wal_bytes() const { return std::filesystem::file_size(path_ + "-wal"); }

  std::string path_;
  std::unique_ptr<Connection> writer_;
};

TEST_F(CheckpointerTest, BackgroundCheckpointsLetTheWalRestart) {
  const auto metric_before = checkpoints_metric("background");
  Checkpointer c(path_, *writer_, CheckpointOptions{50, 1000000});
  for (int i = 0; i < 40; ++i) {
    write_pages(20);
    c.wait_idle();
  }
  // 800 pages written; without working checkpoints the WAL would hold all of them.
  EXPECT_GT(c.stats().background, 5u);
  EXPECT_EQ(c.stats().inline_runs, 0u);
  EXPECT_LT(wal_bytes(), 200u * 4096u);
  EXPECT_EQ(checkpoints_metric("background") - metric_before, c.stats().background);
}

TEST_F(CheckpointerTest, TheWriterCheckpointsInlinePastTheLimit) {
  // The thread is never asked (its threshold is out of reach): only the inline fallback runs.
  const auto metric_before = checkpoints_metric("writer");
  Checkpointer c(path_, *writer_, CheckpointOptions{1000000, 60});
  for (int i = 0; i < 40; ++i) write_pages(20);
  EXPECT_EQ(c.stats().background, 0u);
  EXPECT_GT(c.stats().inline_runs, 5u);
  EXPECT_LT(wal_bytes(), 200u * 4096u);
  EXPECT_EQ(checkpoints_metric("writer") - metric_before, c.stats().inline_runs);
}

TEST_F(CheckpointerTest, WithoutCheckpointsTheWalGrows) {
  // The control for the two tests above: automatic checkpoints off and no Checkpointer.
  sqlite3_wal_autocheckpoint(writer_->raw(), 0);
  for (int i = 0; i < 40; ++i) write_pages(20);
  EXPECT_GT(wal_bytes(), 700u * 4096u);
}

TEST_F(CheckpointerTest, AStoreWriterTruncatesABigWalWhenItRestarts) {
  writer_.reset();
  auto opened = open_writer(path_);
  ASSERT_TRUE(opened) << opened.error().message;
  writer_ = std::move(*opened);
  Checkpointer c(path_, *writer_, CheckpointOptions{50, 1000000});
  write_pages(8000);  // one burst of ~32 MiB, past the limit
  c.wait_idle();
  ASSERT_GT(wal_bytes(), static_cast<std::uintmax_t>(kWalSizeLimitBytes));
  write_pages(1);  // restarts the WAL from its beginning, which truncates the file
  EXPECT_LE(wal_bytes(), static_cast<std::uintmax_t>(kWalSizeLimitBytes));
}

}  // namespace
}  // namespace ember::store::sqlite
