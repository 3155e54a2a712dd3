#include "oauth/limits.h"

#include <algorithm>
#include <cmath>

namespace ember::oauth {

std::int64_t backoff_wait_ms(const BackoffPolicy& p, std::int64_t failures) {
  if (!p.enabled || failures <= 0) return 0;
  if (p.lock_after > 0 && failures >= p.lock_after) return p.lock_ms;
  if (p.delay_after <= 0 || failures < p.delay_after) return 0;
  // base · 2^(failures − delay_after), capped; the shift is bounded before it could overflow.
  const std::int64_t doublings = std::min<std::int64_t>(failures - p.delay_after, 40);
  std::int64_t wait = p.base_delay_ms;
  for (std::int64_t i = 0; i < doublings && wait < p.max_delay_ms; ++i) wait *= 2;
  return std::min(wait, p.max_delay_ms);
}

std::int64_t allowed_at_ms(const BackoffPolicy& p, const store::FailureCount& c) {
  return c.last_ms + backoff_wait_ms(p, c.failures);
}

bool must_claim(const BackoffPolicy& p, const store::FailureCount& c, bool account) {
  if (!p.enabled) return false;
  return account || backoff_wait_ms(p, c.failures) > 0;
}

std::int64_t window_start_ms(const RatePolicy& p, std::int64_t now_ms) {
  if (p.window_ms <= 0) return now_ms;
  return now_ms - (((now_ms % p.window_ms) + p.window_ms) % p.window_ms);
}

// Sliding-window estimate (as popularized by Cloudflare): the previous window's count weighted
// by how much of it still overlaps the sliding window ending now, plus the current count. It
// smooths the burst a fixed window allows at its boundary, with two integers of state.
RateVerdict rate_verdict(const RatePolicy& p, const store::RateCount& c, std::int64_t now_ms) {
  if (!p.enabled || p.window_ms <= 0) return {};
  const double w = static_cast<double>(p.window_ms);
  const double limit = static_cast<double>(p.limit);
  const double elapsed = std::clamp(static_cast<double>(now_ms - c.window_start_ms), 0.0, w);
  const double prev = static_cast<double>(c.previous_hits);
  const double hits = static_cast<double>(c.hits);
  if (prev * (w - elapsed) / w + hits <= limit) return {};

  // When would one more request fit? Still in this window if the previous window's share can
  // shrink enough: prev·(w − e)/w + hits + 1 ≤ limit.
  double wait = 0;
  if (hits + 1 <= limit && prev > 0) {
    const double e = w * (1.0 - (limit - hits - 1) / prev);
    wait = e - elapsed;
  } else {
    // Else in the next window, where this window's hits become the previous ones.
    const double e = hits + 1 <= limit ? 0.0 : w * (1.0 - (limit - 1) / hits);
    wait = (w - elapsed) + e;
  }
  const auto ms = static_cast<std::int64_t>(std::ceil(std::max(wait, 0.0)));
  return {false, std::max<std::int64_t>(ms, 1000)};
}

std::int64_t retry_after_seconds(std::int64_t ms) {
  return std::max<std::int64_t>(1, (ms + 999) / 1000);
}

}  // namespace ember::oauth
