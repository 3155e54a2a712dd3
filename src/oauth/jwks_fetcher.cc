#include "oauth/jwks_fetcher.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/text.h"

namespace ember::oauth {

namespace {

namespace urls = boost::urls;
using std::chrono::milliseconds;

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

// RFC 9111 §1.2.2 delta-seconds (optionally quoted, §5.2); nullopt when not digits. Values
// beyond any cap we apply saturate instead of overflowing.
std::optional<std::int64_t> delta_seconds(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  if (v.empty()) return std::nullopt;
  constexpr std::int64_t kSaturate = std::int64_t{1} << 40;
  std::int64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = std::min(kSaturate, n * 10 + (c - '0'));
  }
  return n;
}

class CachingJwksSource final : public JwksSource {
 public:
  CachingJwksSource(const Clock& clock, JwksFetcherOptions options, http::FetchFunction fetch)
      : clock_(clock), options_(options), fetch_(fetch ? std::move(fetch) : http::fetch) {}

  Result<jose::KeySet, std::string> keys_for(const store::ClientRecord& client,
                                             bool refresh) override {
    if (!client.jwks.empty()) {
      // Importing a JWK runs OpenSSL's key checks (for RSA: milliseconds of big-number work), so
      // parsed inline sets are kept, keyed by their exact text: a re-registered JWKS is new text.
      {
        std::lock_guard lock(mutex_);
        if (auto it = inline_.find(client.jwks); it != inline_.end()) return it->second;
      }
      auto keys = jose::KeySet::parse(client.jwks);
      if (!keys) return fail(std::string("the registered JWKS is not a usable JWK Set"));
      std::lock_guard lock(mutex_);
      if (inline_.size() >= std::max<std::size_t>(options_.max_entries, 1)) inline_.clear();
      inline_.emplace(client.jwks, *keys);
      return std::move(*keys);
    }
    if (client.jwks_uri.empty()) return fail(std::string("the client has no registered keys"));
    if (!jwks_uri_allowed(client.jwks_uri, options_.allow_http_loopback)) {
      return fail(std::string("the registered jwks_uri is not an https URL"));
    }
    const std::int64_t now = clock_.now_ms();
    const std::string& url = client.jwks_uri;
    {
      std::unique_lock lock(mutex_);
      auto in_flight = [&] {
        auto it = cache_.find(url);
        return it != cache_.end() && it->second.in_flight;
      };
      if (in_flight()) {
        // Another caller is fetching this URL right now: its answer is as fresh as ours would
        // be, so wait for it instead of fetching again (or being refused as "moments ago").
        fetched_.wait(lock, [&] { return !in_flight(); });
        if (auto it = cache_.find(url); it != cache_.end() && it->second.keys) {
          return *it->second.keys;
        }
      }
      if (auto cached = from_cache(url, refresh, now)) return std::move(*cached);
      Entry& e = slot(url, now);
      e.last_fetch_ms = now;
      e.in_flight = true;
    }
    auto result = fetch_and_store(url, now);
    {
      std::lock_guard lock(mutex_);
      if (auto it = cache_.find(url); it != cache_.end()) it->second.in_flight = false;
    }
    fetched_.notify_all();
    return result;
  }

 private:
  struct Entry {
    std::optional<jose::KeySet> keys;  // set while cacheable
    std::int64_t expires_ms = 0;
    std::int64_t last_fetch_ms = 0;  // last attempt, successful or not
    bool in_flight = false;          // a caller is fetching it now (others wait on fetched_)
  };

  // Under mutex_: a value when the caller is answered without fetching (keys, or the refusal
  // to fetch again so soon).
  std::optional<Result<jose::KeySet, std::string>> from_cache(const std::string& url, bool refresh,
                                                              std::int64_t now) {
    auto it = cache_.find(url);
    if (it == cache_.end()) return std::nullopt;
    const Entry& e = it->second;
    const bool fresh = e.keys && now < e.expires_ms;
    if (fresh && !refresh) return Result<jose::KeySet, std::string>(*e.keys);
    const auto interval = milliseconds(options_.min_refresh_interval).count();
    if (refresh && now - e.last_fetch_ms < interval) {
      if (fresh) return Result<jose::KeySet, std::string>(*e.keys);
      return Result<jose::KeySet, std::string>(
          fail(std::string("the client's JWKS was fetched moments ago")));
    }
    return std::nullopt;
  }

  // Under mutex_: the entry for url, making room when the cache is full.
  Entry& slot(const std::string& url, std::int64_t now) {
    if (auto it = cache_.find(url); it != cache_.end()) return it->second;
    if (cache_.size() >= std::max<std::size_t>(options_.max_entries, 1)) evict(now);
    return cache_[url];
  }

  void evict(std::int64_t now) {
    const auto interval = milliseconds(options_.min_refresh_interval).count();
    std::erase_if(cache_, [&](const auto& kv) {
      const Entry& e = kv.second;
      return !e.in_flight && now >= e.expires_ms && now - e.last_fetch_ms >= interval;
    });
    if (cache_.size() < options_.max_entries || cache_.empty()) return;
    auto oldest = std::min_element(cache_.begin(), cache_.end(), [](const auto& a, const auto& b) {
      return a.second.last_fetch_ms < b.second.last_fetch_ms;
    });
    cache_.erase(oldest);
  }

  // SMART backend-services: GET with Accept: application/json. The lock is not held while the
  // network is in use, so one slow jwks_uri does not stall other clients' authentication.
  Result<jose::KeySet, std::string> fetch_and_store(const std::string& url, std::int64_t now) {
    http::ClientRequest req;
    req.url = url;
    req.headers.emplace_back("Accept", "application/json");
    req.timeout = options_.timeout;
    req.max_body_bytes = jose::kMaxJwksBytes;
    auto res = fetch_(req);
    if (!res) {
      return fail("could not fetch the client's jwks_uri (" +
                  std::string(http::to_string(res.error().code)) + ")");
    }
    if (res->status != 200) {
      return fail("the client's jwks_uri answered HTTP " + std::to_string(res->status));
    }
    auto keys = jose::KeySet::parse(res->body);
    if (!keys) return fail(std::string("the client's jwks_uri did not return a usable JWK Set"));

    // BSV-08: never cache longer than the client's Cache-Control allows. The TTL counts from
    // the request, not the response, so a slow answer never stretches it.
    const auto ttl = jwks_cache_ttl(res->cache_control(), options_.default_ttl, options_.max_ttl);
    std::lock_guard lock(mutex_);
    Entry& e = slot(url, now);
    if (ttl.count() > 0) {
      e.keys = *keys;
      e.expires_ms = now + milliseconds(ttl).count();
    } else {
      e.keys.reset();
      e.expires_ms = 0;
    }
    return std::move(*keys);
  }

  const Clock& clock_;
  const JwksFetcherOptions options_;
  const http::FetchFunction fetch_;
  std::mutex mutex_;
  std::condition_variable fetched_;
  std::unordered_map<std::string, Entry> cache_;
  std::unordered_map<std::string, jose::KeySet> inline_;  // parsed inline JWKS, by their text
};

}  // namespace

JwksSourcePtr JwksSource::create(const Clock& clock, JwksFetcherOptions options,
                                 http::FetchFunction fetch) {
  return std::make_unique<CachingJwksSource>(clock, options, std::move(fetch));
}

std::chrono::seconds jwks_cache_ttl(std::string_view cache_control,
                                    std::chrono::seconds default_ttl,
                                    std::chrono::seconds max_ttl) {
  std::optional<std::int64_t> max_age;
  while (!cache_control.empty()) {
    const std::size_t comma = cache_control.find(',');
    std::string_view directive = trim_ows(cache_control.substr(0, comma));
    cache_control = comma == std::string_view::npos ? "" : cache_control.substr(comma + 1);
    const std::size_t eq = directive.find('=');
    const std::string_view name = trim_ows(directive.substr(0, eq));
    if (iequals(name, "no-store") || iequals(name, "no-cache")) return std::chrono::seconds(0);
    if (!iequals(name, "max-age")) continue;
    auto secs =
        eq == std::string_view::npos ? std::nullopt : delta_seconds(trim_ows(directive.substr(eq + 1)));
    // An invalid max-age makes the response stale (RFC 9111 §4.2.1); a repeated one is
    // resolved to the shorter lifetime.
    if (!secs) return std::chrono::seconds(0);
    max_age = max_age ? std::min(*max_age, *secs) : *secs;
  }
  const auto ttl = max_age ? std::chrono::seconds(*max_age) : default_ttl;
  return std::min(ttl, max_ttl);
}

bool jwks_uri_allowed(std::string_view url, bool allow_http_loopback) {
  auto u = urls::parse_absolute_uri(url);
  if (!u || !u->has_authority() || u->encoded_host().empty() || u->has_userinfo()) return false;
  // Boost.URL 1.81 reads "http://127.0.0.1.evil.example/" as host 127.0.0.1 followed by a path
  // ".evil.example/" (boostorg/url#755): refuse any path not starting with '/'.
  if (!u->encoded_path().empty() && !u->encoded_path().starts_with('/')) return false;
  if (u->scheme_id() == urls::scheme::https) return true;
  if (u->scheme_id() != urls::scheme::http || !allow_http_loopback) return false;
  switch (u->host_type()) {
    case urls::host_type::ipv4:
      return u->host_ipv4_address().is_loopback();  // 127.0.0.0/8
    case urls::host_type::ipv6:
      return u->host_ipv6_address().is_loopback();  // ::1
    case urls::host_type::name:
      return iequals(u->host(), "localhost");
    default:
      return false;
  }
}

}  // namespace ember::oauth
