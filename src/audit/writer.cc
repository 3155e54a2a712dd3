// The bounded queue and background thread behind the audit trail (see writer.h).
#include "audit/writer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/metrics.h"

namespace ember::audit {

Writer::Writer(Persist persist, const Clock& clock, Random& random, WriterOptions options)
    : persist_(std::move(persist)), clock_(clock), random_(random), opt_(std::move(options)) {
  if (opt_.capacity == 0) opt_.capacity = 1;
  if (opt_.max_batch == 0) opt_.max_batch = 1;
  thread_ = std::thread([this] { run(); });
}

Writer::~Writer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool Writer::enabled(Category c) const {
  switch (opt_.level) {
    case Level::Off: return false;
    case Level::Auth: return c == Category::Auth;
    case Level::All: return true;
  }
  return false;
}

void Writer::record(Event e) {
  if (e.time_ms == 0) e.time_ms = clock_.now_ms();
  bool dropped = false;
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= opt_.capacity) {
      ++stats_.dropped;
      dropped = true;
    } else {
      queue_.push_back(std::move(e));
      ++stats_.recorded;
      // The thread waits for a first event, then for a full batch: only those two wake it.
      wake = queue_.size() == 1 || queue_.size() == opt_.max_batch;
    }
  }
  if (dropped) {
    metrics::Registry::global().count_audit_events("dropped", 1);
    warn_throttled("audit queue full (" + std::to_string(opt_.capacity) +
                   " events): events are being dropped; see ember_audit_events_total{fate=\"dropped\"}");
    return;
  }
  if (wake) wake_.notify_one();
}

bool Writer::flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const std::uint64_t target = stats_.recorded;
  ++flushing_;
  wake_.notify_one();
  const bool done = done_cv_.wait_for(lock, timeout, [&] { return finished_ >= target; });
  --flushing_;
  return done;
}

Writer::Stats Writer::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Writer::run() {
  std::vector<Event> batch;
  batch.reserve(opt_.max_batch);
  for (;;) {
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      if (opt_.linger.count() > 0) {
        wake_.wait_for(lock, opt_.linger, [&] {
          return stopping_ || flushing_ > 0 || queue_.size() >= opt_.max_batch;
        });
      }
      while (!queue_.empty() && batch.size() < opt_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    write_batch(batch);
    batch.clear();
  }
}

void Writer::write_batch(std::vector<Event>& batch) {
  auto build = [&] {
    std::vector<Built> built;
    built.reserve(batch.size());
    for (const auto& e : batch) built.push_back({random_.uuid(), build_audit_event(e, opt_.source)});
    return built;
  };
  auto result = persist_(build());
  if (!result) {
    std::this_thread::sleep_for(kRetryPause);
    result = persist_(build());
  }
  const auto n = static_cast<std::uint64_t>(batch.size());
  const std::uint64_t written = result ? std::min<std::uint64_t>(*result, n) : 0;
  if (written > 0) metrics::Registry::global().count_audit_events("written", written);
  if (written < n) {
    metrics::Registry::global().count_audit_events("failed", n - written);
    warn_throttled("audit events could not be stored (" +
                   (result ? std::string("refused by validation") : result.error()) + "); " +
                   std::to_string(n - written) +
                   " lost, see ember_audit_events_total{fate=\"failed\"}");
  }
  {
    std::lock_guard lock(mu_);
    stats_.written += written;
    stats_.failed += n - written;
    finished_ += n;
  }
  done_cv_.notify_all();
}

void Writer::warn_throttled(const std::string& message) {
  const std::int64_t now = clock_.now_ms();
  {
    std::lock_guard lock(mu_);
    if (last_warn_ms_ != 0 &&
        now - last_warn_ms_ < std::chrono::duration_cast<std::chrono::milliseconds>(kWarnInterval).count()) {
      return;
    }
    last_warn_ms_ = now;
  }
  spdlog::warn("{}", message);
}

}  // namespace ember::audit
