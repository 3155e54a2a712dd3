// The asynchronous audit writer: hooks call record() on the request thread, which only moves the
// Event into a bounded in-memory queue (a mutex and a notify); one background thread drains the
// queue, builds the AuditEvent JSON (audit/balp.h) and writes each batch of up to kMaxBatch events
// in one store transaction. The thread lets a batch gather for up to `linger` after its first
// event: a commit rewrites every page of every table and index it touches, so one event per
// transaction cost about ten times the CPU and disk writes of one event in a batch of a hundred
// (docs/performance.md, "Audit batching"); flush() and stopping cut the wait short.
//
// Trade-off (docs/architecture.md, "Audit trail"): requests never wait for the audit write, so the
// hot path costs microseconds; the price is that events still in the queue are lost if the
// process dies abruptly (SIGKILL, power loss — a clean stop flushes them), and that under a load
// the database cannot absorb, events beyond kDefaultQueueCapacity are dropped rather than slowing
// or failing requests. Drops are counted (ember_audit_events_total{fate="dropped"}) and logged at most
// every kWarnInterval.
#pragma once
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "audit/balp.h"
#include "audit/sink.h"
#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"

namespace ember::audit {

inline constexpr std::size_t kDefaultQueueCapacity = 10000;
inline constexpr std::size_t kMaxBatch = 256;
inline constexpr std::chrono::milliseconds kDefaultLinger{50};
inline constexpr std::chrono::seconds kWarnInterval{10};
// A failed batch is tried once more after this pause (e.g. SQLite busy), then dropped and counted.
inline constexpr std::chrono::milliseconds kRetryPause{100};

// One AuditEvent ready to store: its id and the resource (without meta; the store stamps it).
struct Built {
  std::string id;
  boost::json::object resource;
};

// Writes a batch in one transaction and returns how many events it stored (an event the store
// would refuse is skipped, not allowed to sink the batch); the error text is for the log. The
// batch is the callee's to consume: a retry builds it afresh.
using Persist = std::function<Result<std::size_t, std::string>(std::vector<Built>)>;

struct WriterOptions {
  Level level = Level::All;
  std::size_t capacity = kDefaultQueueCapacity;
  std::size_t max_batch = kMaxBatch;
  // How long a batch may gather after its first event (0: write what is queued at once).
  std::chrono::milliseconds linger = kDefaultLinger;
  Source source;
};

class Writer final : public Sink {
 public:
  Writer(Persist persist, const Clock& clock, Random& random, WriterOptions options);
  // Stops accepting, writes what is queued, joins the thread.
  ~Writer() override;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  bool enabled(Category c) const override;
  void record(Event e) override;

  // Waits (at most `timeout`) until every event recorded before the call is written or dropped.
  bool flush(std::chrono::milliseconds timeout);

  struct Stats {
    std::uint64_t recorded = 0;  // accepted into the queue
    std::uint64_t written = 0;
    std::uint64_t dropped = 0;   // queue full
    std::uint64_t failed = 0;    // lost because the store refused the batch twice
  };
  Stats stats() const;

 private:
  void run();
  void write_batch(std::vector<Event>& batch);
  void warn_throttled(const std::string& message);

  Persist persist_;
  const Clock& clock_;
  Random& random_;
  WriterOptions opt_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_cv_;
  std::deque<Event> queue_;
  bool stopping_ = false;
  int flushing_ = 0;  // flush() calls waiting: the batch is written without lingering
  Stats stats_;
  std::uint64_t finished_ = 0;  // recorded events written or failed
  std::int64_t last_warn_ms_ = 0;
  std::thread thread_;
};

}  // namespace ember::audit
