// The seed writer: sample data goes through the same validation, stamping and indexing as the
// REST API, in batched store transactions. Two stages on two threads: the caller's thread
// parses, validates and indexes each resource (and generates the next); a writer thread of its
// own runs the store transactions. At most kBatchesInFlight batches wait between them, so memory
// stays bounded when the store is the slower stage.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "fhir/api.h"
#include "fhir/ingest.h"

namespace ember::fhir {

namespace {

constexpr std::size_t kBatchesInFlight = 2;

class StoreSeedWriter final : public SeedWriter {
 public:
  StoreSeedWriter(store::ResourceStore& store, std::size_t batch)
      : store_(store), batch_(batch), thread_([this] { run(); }) {}

  ~StoreSeedWriter() override {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }

  void put(std::string_view type, std::string_view id, std::string json) override {
    auto res = parse_resource(json, type);
    if (!res) {
      // Generated data that fails validation is a bug in the generator: stop loudly.
      throw std::runtime_error("seed: invalid " + std::string(type) + "/" + std::string(id) + ": " +
                               res.error().diagnostics);
    }
    pending_.push_back(make_put(std::string(type), std::string(id), std::move(*res)));
    if (pending_.size() >= batch_) hand_over();
  }

  void flush() override {
    hand_over();
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return (queue_.empty() && !writing_) || failure_; });
    rethrow_failure();
  }

 private:
  // Queues the pending batch for the writer thread, waiting while kBatchesInFlight are queued.
  void hand_over() {
    std::unique_lock lock(mu_);
    rethrow_failure();
    if (pending_.empty()) return;
    changed_.wait(lock, [&] { return queue_.size() < kBatchesInFlight || failure_; });
    rethrow_failure();
    queue_.push_back(std::move(pending_));
    pending_.clear();
    changed_.notify_all();
  }

  // With mu_ held: the writer thread's first failure, on the caller's thread.
  void rethrow_failure() {
    if (failure_) throw std::runtime_error(*failure_);
  }

  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      changed_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and nothing left to write
      auto batch = std::move(queue_.front());
      queue_.pop_front();
      writing_ = true;
      const bool failed = failure_.has_value();  // then the batch is dropped, not attempted
      lock.unlock();
      std::optional<std::string> error;
      if (!failed) {
        auto w = store_.write(std::move(batch));
        if (!w) error = "seed: store write failed: " + w.error().message;
      }
      lock.lock();
      writing_ = false;
      if (error && !failure_) failure_ = std::move(error);
      changed_.notify_all();
    }
  }

  store::ResourceStore& store_;
  std::size_t batch_;
  std::vector<store::WriteOp> pending_;  // the caller's thread only

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<std::vector<store::WriteOp>> queue_;
  bool writing_ = false;
  bool stopping_ = false;
  std::optional<std::string> failure_;  // after the first failure nothing more is written
  std::thread thread_;                  // last: starts once everything above exists
};

}  // namespace

std::unique_ptr<SeedWriter> make_seed_writer(store::ResourceStore& store, const Clock&,
                                             std::size_t batch_size) {
  return std::make_unique<StoreSeedWriter>(store, batch_size);
}

}  // namespace ember::fhir
