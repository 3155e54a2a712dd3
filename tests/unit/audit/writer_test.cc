// The asynchronous writer: batching, flush on destruction, the bounded queue's drops, the retry
// of a failed batch, and the --audit levels.
#include "audit/writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <vector>

namespace ember::audit {
namespace {

struct Recorder {
  std::mutex mu;
  std::vector<std::size_t> batch_sizes;
  std::vector<std::string> ids;
  std::atomic<int> fail_next{0};
  std::atomic<bool> block{false};

  Persist persist() {
    return [this](const std::vector<Built>& batch) -> Result<std::size_t, std::string> {
      while (block.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (fail_next.load() > 0) {
        --fail_next;
        return fail(std::string("busy"));
      }
      std::lock_guard lock(mu);
      batch_sizes.push_back(batch.size());
      for (const auto& b : batch) ids.push_back(b.id);
      return batch.size();
    };
  }
  std::size_t total() {
    std::lock_guard lock(mu);
    return ids.size();
  }
};

Event login() {
  Event e;
  e.kind = Kind::Login;
  e.user = "dr.smith";
  return e;
}

TEST(Writer, WritesEverythingAndFlushesOnDestruction) {
  ManualClock clock;
  auto random = make_seeded_random(1);
  Recorder rec;
  {
    Writer w(rec.persist(), clock, *random, {});
    for (int i = 0; i < 1000; ++i) w.record(login());
  }  // destructor drains the queue
  EXPECT_EQ(rec.total(), 1000u);
  for (auto n : rec.batch_sizes) EXPECT_LE(n, kMaxBatch);
}

TEST(Writer, FlushWaitsForPersistence) {
  ManualClock clock;
  auto random = make_seeded_random(2);
  Recorder rec;
  Writer w(rec.persist(), clock, *random, {});
  w.record(login());
  w.record(login());
  ASSERT_TRUE(w.flush(std::chrono::seconds(5)));
  EXPECT_EQ(rec.total(), 2u);
  EXPECT_EQ(w.stats().written, 2u);
}

TEST(Writer, ABatchGathersWhileItLingersAndFlushCutsTheWaitShort) {
  ManualClock clock;
  auto random = make_seeded_random(8);
  Recorder rec;
  WriterOptions opt;
  opt.linger = std::chrono::seconds(30);  // far longer than the test may take
  Writer w(rec.persist(), clock, *random, opt);
  for (int i = 0; i < 5; ++i) w.record(login());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(w.flush(std::chrono::seconds(10)));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  std::lock_guard lock(rec.mu);
  EXPECT_EQ(rec.batch_sizes, (std::vector<std::size_t>{5}));  // one transaction, not five
}

TEST(Writer, AFullBatchIsWrittenWithoutWaitingOutTheLinger) {
  ManualClock clock;
  auto random = make_seeded_random(9);
  Recorder rec;
  WriterOptions opt;
  opt.linger = std::chrono::seconds(30);
  opt.max_batch = 4;
  Writer w(rec.persist(), clock, *random, opt);
  for (int i = 0; i < 8; ++i) w.record(login());
  // Two full batches go out on their own; no flush, and well within the linger.
  for (int i = 0; i < 1000 && rec.total() < 8; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(rec.total(), 8u);
}

TEST(Writer, AFullQueueDropsAndCounts) {
  ManualClock clock;
  auto random = make_seeded_random(3);
  Recorder rec;
  rec.block = true;  // the store stalls: the writer thread holds one batch
  WriterOptions opt;
  opt.capacity = 10;
  opt.max_batch = 1;
  Writer w(rec.persist(), clock, *random, opt);
  for (int i = 0; i < 100; ++i) w.record(login());
  const auto s = w.stats();
  EXPECT_GE(s.dropped, 100u - 11u);  // at most capacity queued + one batch in hand
  EXPECT_EQ(s.recorded + s.dropped, 100u);
  rec.block = false;
  ASSERT_TRUE(w.flush(std::chrono::seconds(5)));
  EXPECT_EQ(rec.total(), s.recorded);
}

TEST(Writer, AFailedBatchIsRetriedOnceThenCounted) {
  ManualClock clock;
  auto random = make_seeded_random(4);
  Recorder rec;
  Writer w(rec.persist(), clock, *random, {});
  rec.fail_next = 1;
  w.record(login());
  ASSERT_TRUE(w.flush(std::chrono::seconds(5)));
  EXPECT_EQ(w.stats().written, 1u);
  rec.fail_next = 2;
  w.record(login());
  ASSERT_TRUE(w.flush(std::chrono::seconds(5)));
  EXPECT_EQ(w.stats().failed, 1u);
}

TEST(Writer, LevelsSelectCategories) {
  ManualClock clock;
  auto random = make_seeded_random(5);
  Recorder rec;
  WriterOptions opt;
  opt.level = Level::Auth;
  Writer auth(rec.persist(), clock, *random, opt);
  EXPECT_TRUE(auth.enabled(Category::Auth));
  EXPECT_FALSE(auth.enabled(Category::DataAccess));
  EXPECT_TRUE(wants(&auth, Kind::TokenIssue));
  EXPECT_FALSE(wants(&auth, Kind::Read));
  EXPECT_FALSE(wants(nullptr, Kind::Login));
  opt.level = Level::Off;
  Writer off(rec.persist(), clock, *random, opt);
  EXPECT_FALSE(off.enabled(Category::Auth));
}

TEST(Writer, StampsTheTimeFromTheInjectedClock) {
  ManualClock clock(1700000000000);
  auto random = make_seeded_random(6);
  std::string recorded;
  Writer w(
      [&](const std::vector<Built>& batch) -> Result<std::size_t, std::string> {
        recorded = std::string(batch.at(0).resource.at("recorded").as_string());
        return batch.size();
      },
      clock, *random, {});
  w.record(login());
  ASSERT_TRUE(w.flush(std::chrono::seconds(5)));
  EXPECT_EQ(recorded, "2023-11-14T22:13:20.000Z");
}

}  // namespace
}  // namespace ember::audit
