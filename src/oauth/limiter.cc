#include "oauth/limiter.h"

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <vector>

#include "core/encoding.h"
#include "core/metrics.h"
#include "http/responses.h"

namespace ember::oauth {

namespace {

store::FailureCount counter_of(const std::vector<store::FailureCount>& seen,
                               const std::string& key) {
  for (const auto& c : seen) {
    if (c.key == key) return c;
  }
  return store::FailureCount{key, 0, 0};
}

}  // namespace

std::string account_key(std::string_view username) {
  return "a:" + base64url_encode(sha256(username));
}

std::string address_key(std::string_view prefix, std::string_view address) {
  return std::string(prefix) + std::string(address);
}

SignInLimiter::SignInLimiter(store::AuthStore& auth, const Clock& clock, SignInLimits limits)
    : auth_(auth), clock_(clock), limits_(limits) {}

Result<SignInAttempt, SignInRefusal> SignInLimiter::begin(std::string_view username,
                                                          std::string_view address) {
  SignInAttempt a;
  if (limits_.account.enabled) a.account_key = account_key(username);
  if (limits_.address.enabled && !address.empty()) a.address_key = address_key("n:", address);
  std::vector<std::string> keys;
  if (!a.account_key.empty()) keys.push_back(a.account_key);
  if (!a.address_key.empty()) keys.push_back(a.address_key);
  if (keys.empty()) return a;

  const std::int64_t now = clock_.now_ms();
  auto seen = auth_.get_failures(keys, now);
  if (!seen) return fail(SignInRefusal{true, 0});
  struct Counter {
    store::FailureCount count;
    const BackoffPolicy* policy;
    bool account;
  };
  std::vector<Counter> counters;
  if (!a.account_key.empty()) {
    counters.push_back({counter_of(*seen, a.account_key), &limits_.account, true});
  }
  if (!a.address_key.empty()) {
    counters.push_back({counter_of(*seen, a.address_key), &limits_.address, false});
  }
  std::int64_t allowed_at = 0;
  for (const auto& c : counters)
    allowed_at = std::max(allowed_at, allowed_at_ms(*c.policy, c.count));
  if (now < allowed_at) {
    metrics::Registry::global().count_limit_refusal("sign_in");
    return fail(SignInRefusal{false, retry_after_seconds(allowed_at - now)});
  }
  for (const auto& c : counters) {
    if (!must_claim(*c.policy, c.count, c.account)) continue;
    auto won = auth_.claim_attempt(c.count, now, now + kAttemptHoldMs, now + c.policy->forget_ms);
    if (!won) return fail(SignInRefusal{true, 0});
    if (!*won) {  // another attempt on this counter is under way
      metrics::Registry::global().count_limit_refusal("sign_in");
      return fail(SignInRefusal{false, 1});
    }
  }
  return a;
}

void SignInLimiter::failed(const SignInAttempt& attempt) {
  const std::int64_t now = clock_.now_ms();
  // One statement per distinct expiry (one in the default configuration).
  std::map<std::int64_t, std::vector<std::string>> by_expiry;
  if (!attempt.account_key.empty()) {
    by_expiry[now + limits_.account.forget_ms].push_back(attempt.account_key);
  }
  if (!attempt.address_key.empty()) {
    by_expiry[now + limits_.address.forget_ms].push_back(attempt.address_key);
  }
  for (const auto& [expires, keys] : by_expiry) (void)auth_.add_failure(keys, now, expires);
}

void SignInLimiter::succeeded(const SignInAttempt& attempt) {
  if (!attempt.account_key.empty()) (void)auth_.clear_failures(attempt.account_key);
}

std::optional<std::int64_t> RateLimiter::check(std::initializer_list<RateKey> keys,
                                               std::string_view metric) {
  const std::int64_t now = clock_.now_ms();
  std::vector<store::RateHit> hits;
  for (const auto& k : keys) {
    if (!k.policy->enabled || k.key.empty()) continue;
    hits.push_back({k.key, window_start_ms(*k.policy, now), k.policy->window_ms});
  }
  if (hits.empty()) return std::nullopt;
  auto counted = auth_.count_hits(hits);
  if (!counted) return std::nullopt;
  std::int64_t retry_ms = 0;
  for (const auto& k : keys) {
    if (!k.policy->enabled || k.key.empty()) continue;
    for (const auto& c : *counted) {
      if (c.key != k.key) continue;
      auto v = rate_verdict(*k.policy, c, now);
      if (!v.allowed) retry_ms = std::max(retry_ms, v.retry_after_ms);
    }
  }
  if (retry_ms == 0) return std::nullopt;
  metrics::Registry::global().count_limit_refusal(metric);
  return retry_after_seconds(retry_ms);
}

http::Response too_many_requests(const http::Request& req, std::int64_t retry_after_s) {
  boost::json::object o{{"error", "temporarily_unavailable"},
                        {"error_description", "too many requests; retry after " +
                                                  std::to_string(retry_after_s) + " seconds"}};
  auto res =
      http::json_response(req, http::bhttp::status::too_many_requests, boost::json::serialize(o));
  http::no_store(res);
  res.set(http::bhttp::field::retry_after, std::to_string(retry_after_s));
  return res;
}

}  // namespace ember::oauth
