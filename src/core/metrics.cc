// The process-wide metrics registry: counters and histograms behind one mutex each (an observe
// is a map lookup and a few adds; contention is negligible next to a request's cost).
#include "core/metrics.h"

#include <array>
#include <chrono>
#include <map>
#include <mutex>
#include <utility>

#include <fmt/format.h>

namespace ember::metrics {

namespace {

// Request and store latencies: 0.5 ms … 5 s.
constexpr std::array<double, 13> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1.0,   2.5,  5.0};
// Labels come from code (route labels, operation names), but a bug must not grow memory without
// bound: past this many series per family, new label values are folded into "other".
constexpr std::size_t kMaxSeries = 1000;

const double kProcessStartSeconds =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

struct Histogram {
  std::array<std::uint64_t, kBuckets.size()> counts{};  // non-cumulative
  std::uint64_t count = 0;
  double sum = 0;

  void observe(double v) {
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      if (v <= kBuckets[i]) {
        ++counts[i];
        break;
      }
    }
    ++count;
    sum += v;
  }
};

// Prometheus text format label-value escaping: backslash, double quote, newline.
std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_double(double v) {
  return fmt::format("{}", v);
}

void render_histogram(std::string& out, std::string_view name, std::string_view label,
                      const std::map<std::string, Histogram, std::less<>>& series) {
  for (const auto& [key, h] : series) {
    const std::string lv = escape_label(key);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.counts[i];
      out += fmt::format("{}_bucket{{{}=\"{}\",le=\"{}\"}} {}\n", name, label, lv,
                         format_double(kBuckets[i]), cumulative);
    }
    out += fmt::format("{}_bucket{{{}=\"{}\",le=\"+Inf\"}} {}\n", name, label, lv, h.count);
    out += fmt::format("{}_sum{{{}=\"{}\"}} {}\n", name, label, lv, format_double(h.sum));
    out += fmt::format("{}_count{{{}=\"{}\"}} {}\n", name, label, lv, h.count);
  }
}

template <class Map>
typename Map::mapped_type& series_for(Map& map, std::string_view key) {
  auto it = map.find(key);
  if (it != map.end()) return it->second;
  if (map.size() >= kMaxSeries) return map[std::string("other")];
  return map.emplace(std::string(key), typename Map::mapped_type{}).first->second;
}

// A counter family with one label (`ember_<name>_total{<label>="…"}`), behind its own mutex.
class LabeledCounter {
 public:
  LabeledCounter(std::string_view name, std::string_view label, std::string_view help)
      : name_(name), label_(label), help_(help) {}

  void add(std::string_view value, std::uint64_t n) {
    std::lock_guard lock(mu_);
    series_for(series_, value) += n;
  }

  void render(std::string& out) const {
    std::lock_guard lock(mu_);
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n", name_, help_, name_);
    for (const auto& [value, n] : series_) {
      out += fmt::format("{}{{{}=\"{}\"}} {}\n", name_, label_, escape_label(value), n);
    }
  }

 private:
  std::string_view name_, label_, help_;
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t, std::less<>> series_;
};

class DefaultRegistry final : public Registry {
 public:
  void observe_request(std::string_view route, int status, double seconds) override {
    std::lock_guard lock(http_mu_);
    auto& by_status = series_for(requests_, route);
    ++by_status[status];
    series_for(request_durations_, route).observe(seconds);
  }

  void observe_store(std::string_view operation, double seconds) override {
    std::lock_guard lock(store_mu_);
    series_for(store_durations_, operation).observe(seconds);
  }

  void count_limit_refusal(std::string_view limit) override { limit_refusals_.add(limit, 1); }

  void count_audit_events(std::string_view fate, std::uint64_t n) override {
    audit_events_.add(fate, n);
  }

  void count_sqlite_checkpoint(std::string_view by) override { checkpoints_.add(by, 1); }

  std::string render_prometheus() const override {
    std::string out;
    out.reserve(8192);
    out +=
        "# HELP ember_process_start_time_seconds Start time of the process since the Unix epoch.\n"
        "# TYPE ember_process_start_time_seconds gauge\n";
    out += fmt::format("ember_process_start_time_seconds {:.3f}\n", kProcessStartSeconds);
    {
      std::lock_guard lock(http_mu_);
      out +=
          "# HELP ember_http_requests_total HTTP requests answered, by route and status.\n"
          "# TYPE ember_http_requests_total counter\n";
      for (const auto& [route, by_status] : requests_) {
        const std::string lv = escape_label(route);
        for (const auto& [status, n] : by_status) {
          out += fmt::format("ember_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", lv,
                             status, n);
        }
      }
      out +=
          "# HELP ember_http_request_duration_seconds Time to answer HTTP requests, by route.\n"
          "# TYPE ember_http_request_duration_seconds histogram\n";
      render_histogram(out, "ember_http_request_duration_seconds", "route", request_durations_);
    }
    {
      std::lock_guard lock(store_mu_);
      out +=
          "# HELP ember_store_operation_duration_seconds Store operation time, by operation.\n"
          "# TYPE ember_store_operation_duration_seconds histogram\n";
      render_histogram(out, "ember_store_operation_duration_seconds", "operation",
                       store_durations_);
    }
    limit_refusals_.render(out);
    audit_events_.render(out);
    checkpoints_.render(out);
    return out;
  }

 private:
  mutable std::mutex http_mu_;
  std::map<std::string, std::map<int, std::uint64_t>, std::less<>> requests_;
  std::map<std::string, Histogram, std::less<>> request_durations_;
  mutable std::mutex store_mu_;
  std::map<std::string, Histogram, std::less<>> store_durations_;
  LabeledCounter limit_refusals_{
      "ember_limit_refusals_total", "limit",
      "Requests and sign-in attempts refused by a brute-force limit, by limit."};
  LabeledCounter audit_events_{
      "ember_audit_events_total", "fate",
      "AuditEvents by fate: written, dropped (queue full), failed (store error)."};
  LabeledCounter checkpoints_{
      "ember_sqlite_checkpoints_total", "by",
      "SQLite WAL checkpoints run, by who ran them: background (the checkpoint thread) or "
      "writer (inline, the WAL past its bound)."};
};

}  // namespace

Registry& Registry::global() {
  static DefaultRegistry registry;
  return registry;
}

}  // namespace ember::metrics
