// Time is injected: protocol code asks a Clock, never the wall clock directly, so tests are
// deterministic (see CONVENTIONS.md, habit 3).
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace ember {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
  // Milliseconds since the Unix epoch.
  std::int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  }
  std::int64_t now_s() const { return now_ms() / 1000; }
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that only moves when told to; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t ms = 1700000000000) : ms_(ms) {}
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms_.load()));
  }
  void set_ms(std::int64_t ms) { ms_ = ms; }
  void advance_ms(std::int64_t ms) { ms_ += ms; }

 private:
  std::atomic<std::int64_t> ms_;
};

// RFC 3339 / FHIR instant in UTC with milliseconds, e.g. 2026-11-28T21:35:54.123Z.
std::string format_instant(std::int64_t epoch_ms);
// HTTP-date (RFC 9110 §5.6.7), e.g. Sat, 28 Nov 2026 21:35:54 GMT.
std::string format_http_date(std::int64_t epoch_ms);

}  // namespace ember
