#include "core/metrics.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ember::metrics {
namespace {

// The registry is process-wide, so each test uses label values of its own.
bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

TEST(Metrics, CountsRequestsByRouteAndStatus) {
  auto& r = Registry::global();
  r.observe_request("mt_count", 200, 0.001);
  r.observe_request("mt_count", 200, 0.002);
  r.observe_request("mt_count", 404, 0.003);
  const auto text = r.render_prometheus();
  EXPECT_TRUE(contains(text, "# TYPE ember_http_requests_total counter"));
  EXPECT_TRUE(contains(text, "ember_http_requests_total{route=\"mt_count\",status=\"200\"} 2\n"));
  EXPECT_TRUE(contains(text, "ember_http_requests_total{route=\"mt_count\",status=\"404\"} 1\n"));
}

TEST(Metrics, RequestHistogramIsCumulative) {
  auto& r = Registry::global();
  r.observe_request("mt_hist", 200, 0.0001);  // first bucket
  r.observe_request("mt_hist", 200, 0.03);    // 0.05
  r.observe_request("mt_hist", 200, 100.0);   // +Inf only
  const auto text = r.render_prometheus();
  const std::string p = "ember_http_request_duration_seconds";
  EXPECT_TRUE(contains(text, "# TYPE " + p + " histogram"));
  EXPECT_TRUE(contains(text, p + "_bucket{route=\"mt_hist\",le=\"0.0005\"} 1\n"));
  EXPECT_TRUE(contains(text, p + "_bucket{route=\"mt_hist\",le=\"0.025\"} 1\n"));
  EXPECT_TRUE(contains(text, p + "_bucket{route=\"mt_hist\",le=\"0.05\"} 2\n"));
  EXPECT_TRUE(contains(text, p + "_bucket{route=\"mt_hist\",le=\"5\"} 2\n"));
  EXPECT_TRUE(contains(text, p + "_bucket{route=\"mt_hist\",le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(contains(text, p + "_count{route=\"mt_hist\"} 3\n"));
  EXPECT_TRUE(contains(text, p + "_sum{route=\"mt_hist\"} 100.0301"));
}

TEST(Metrics, StoreHistogramAndStartTime) {
  auto& r = Registry::global();
  r.observe_store("mt_search", 0.004);
  const auto text = r.render_prometheus();
  EXPECT_TRUE(contains(text, "# TYPE ember_store_operation_duration_seconds histogram"));
  EXPECT_TRUE(contains(
      text,
      "ember_store_operation_duration_seconds_bucket{operation=\"mt_search\",le=\"0.005\"} 1"));
  EXPECT_TRUE(contains(text, "# TYPE ember_process_start_time_seconds gauge"));
  EXPECT_TRUE(contains(text, "\nember_process_start_time_seconds 1"));  // epoch seconds ≥ 1e9
}

TEST(Metrics, CountersByLabel) {
  auto& r = Registry::global();
  r.count_limit_refusal("mt_limit");
  r.count_limit_refusal("mt_limit");
  r.count_audit_events("mt_fate", 3);
  r.count_sqlite_checkpoint("mt_by");
  const auto text = r.render_prometheus();
  EXPECT_TRUE(contains(text, "# TYPE ember_limit_refusals_total counter\n"));
  EXPECT_TRUE(contains(text, "ember_limit_refusals_total{limit=\"mt_limit\"} 2\n"));
  EXPECT_TRUE(contains(text, "# TYPE ember_audit_events_total counter\n"));
  EXPECT_TRUE(contains(text, "ember_audit_events_total{fate=\"mt_fate\"} 3\n"));
  EXPECT_TRUE(contains(text, "# TYPE ember_sqlite_checkpoints_total counter\n"));
  EXPECT_TRUE(contains(text, "ember_sqlite_checkpoints_total{by=\"mt_by\"} 1\n"));
}

TEST(Metrics, EscapesLabelValues) {
  Registry::global().observe_request("mt\"q\\\n", 200, 0.001);
  EXPECT_TRUE(contains(Registry::global().render_prometheus(), "route=\"mt\\\"q\\\\\\n\""));
}

TEST(Metrics, ThreadSafeCounting) {
  auto& r = Registry::global();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&r] {
      for (int i = 0; i < 1000; ++i) r.observe_request("mt_threads", 200, 0.001);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_TRUE(contains(r.render_prometheus(),
                       "ember_http_requests_total{route=\"mt_threads\",status=\"200\"} 4000\n"));
}

}  // namespace
}  // namespace ember::metrics
