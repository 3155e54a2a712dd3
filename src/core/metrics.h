// Process-wide metrics rendered as Prometheus text at /metrics: HTTP requests by route and
// status, a request latency histogram, store operation timings, and refusals by the
// brute-force limits, AuditEvents by fate and SQLite checkpoints.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace ember::metrics {

class Registry {
 public:
  static Registry& global();
  virtual ~Registry() = default;
  virtual void observe_request(std::string_view route, int status, double seconds) = 0;
  virtual void observe_store(std::string_view operation, double seconds) = 0;
  // A request or sign-in attempt refused by a brute-force limit (oauth/limiter.h), by limit name.
  virtual void count_limit_refusal(std::string_view limit) = 0;
  // AuditEvents by fate (audit/writer.h): "written", "dropped" (queue full), "failed" (store).
  virtual void count_audit_events(std::string_view fate, std::uint64_t n) = 0;
  // A SQLite WAL checkpoint (store/sqlite/checkpointer.h), by who ran it: "background" or "writer".
  virtual void count_sqlite_checkpoint(std::string_view by) = 0;
  virtual std::string render_prometheus() const = 0;
};

}  // namespace ember::metrics
