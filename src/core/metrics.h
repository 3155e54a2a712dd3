// Process-wide metrics rendered as Prometheus text at /metrics: HTTP requests by route and
// status, a request latency histogram, and store operation timings.
#pragma once
#include <string>
#include <string_view>

namespace ember::metrics {

class Registry {
 public:
  static Registry& global();
  virtual ~Registry() = default;
  virtual void observe_request(std::string_view route, int status, double seconds) = 0;
  virtual void observe_store(std::string_view operation, double seconds) = 0;
  virtual std::string render_prometheus() const = 0;
};

}  // namespace ember::metrics
