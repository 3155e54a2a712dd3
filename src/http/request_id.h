// Request ids for X-Request-Id (when the client sent none it may keep) and the access log: 16
// lowercase hex digits. They correlate log lines; they are not secrets, so they come from one
// atomic increment passed through a bijective 64-bit mix (SplitMix64's finalizer) instead of a
// call into the system CSPRNG, which took a lock and ~5% of a FHIR read's CPU
// (docs/performance.md, "FHIR read"). Distinct for 2^64 requests of one process; the start is
// random, so two processes' ids are unrelated.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace ember::http {

class RequestIds {
 public:
  explicit RequestIds(std::uint64_t start) : next_(start) {}
  std::string next();

 private:
  std::atomic<std::uint64_t> next_;
};

inline constexpr std::size_t kMaxRequestIdLength = 64;

// An incoming X-Request-Id is honoured when it is 1..64 chars of [A-Za-z0-9._-].
bool is_acceptable_request_id(std::string_view id);

}  // namespace ember::http
