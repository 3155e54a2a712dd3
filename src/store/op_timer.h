// Times one store operation into the metrics registry (/metrics: ember_store_seconds{op=…}),
// for every backend.
#pragma once
#include <chrono>
#include <string_view>

#include "core/metrics.h"

namespace ember::store {

class OpTimer {
 public:
  explicit OpTimer(std::string_view op) : op_(op), start_(std::chrono::steady_clock::now()) {}
  ~OpTimer() {
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - start_;
    metrics::Registry::global().observe_store(op_, d.count());
  }
  OpTimer(const OpTimer&) = delete;
  OpTimer& operator=(const OpTimer&) = delete;

 private:
  std::string_view op_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ember::store
