// Where a confidential-asymmetric or backend client's public keys come from (SMART 2.2
// client-confidential-asymmetric, backend-services "JWKS retrieval"; checklist BSV-07/08): the
// inline JWKS registered with the client, or its jwks_uri fetched over HTTPS with
// Accept: application/json and cached no longer than the response's Cache-Control allows.
#pragma once
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "http/client.h"
#include "jose/jwks.h"
#include "store/auth_store.h"

namespace ember::oauth {

// Used when the response has no max-age (and no no-store / no-cache).
inline constexpr std::chrono::seconds kJwksDefaultTtl{5 * 60};
// Even a client asking for more is re-fetched hourly, so a revoked key ages out.
inline constexpr std::chrono::seconds kJwksMaxTtl{60 * 60};
// A forced refresh (unknown kid) fetches a URL at most once per interval: tokens with made-up
// kids must not turn Ember into a load generator against the client's server.
inline constexpr std::chrono::seconds kJwksMinRefreshInterval{10};
// Distinct jwks_uris remembered; beyond it the least recently fetched entry is dropped.
inline constexpr std::size_t kJwksCacheMaxEntries = 1024;
inline constexpr std::chrono::milliseconds kJwksFetchTimeout = http::kDefaultClientTimeout;

class JwksSource;
using JwksSourcePtr = std::unique_ptr<JwksSource>;

struct JwksFetcherOptions {
  // Sandbox only: also fetch http:// from loopback hosts (127.0.0.0/8, localhost, [::1]).
  bool allow_http_loopback = false;
  std::chrono::seconds default_ttl = kJwksDefaultTtl;
  std::chrono::seconds max_ttl = kJwksMaxTtl;
  std::chrono::seconds min_refresh_interval = kJwksMinRefreshInterval;
  std::size_t max_entries = kJwksCacheMaxEntries;
  std::chrono::milliseconds timeout = kJwksFetchTimeout;
};

class JwksSource {
 public:
  virtual ~JwksSource() = default;

  // The client's keys: its inline JWKS when registered, else its jwks_uri (cached). With
  // refresh, a cached set is bypassed (subject to min_refresh_interval): the caller saw a kid
  // the cached set lacks, as after a key rotation. The error text is safe to show the client
  // and never contains the URL. Thread-safe.
  [[nodiscard]] virtual Result<jose::KeySet, std::string> keys_for(
      const store::ClientRecord& client, bool refresh) = 0;

  // The production source. `fetch` defaults to http::fetch; tests pass a fake.
  static JwksSourcePtr create(const Clock& clock, JwksFetcherOptions options = {},
                              http::FetchFunction fetch = {});
};

// The seconds a JWKS response may be cached under RFC 9111 §5.2.2: 0 for no-store, no-cache or
// an unparsable max-age; max-age capped at max_ttl; default_ttl when max-age is absent.
std::chrono::seconds jwks_cache_ttl(std::string_view cache_control,
                                    std::chrono::seconds default_ttl, std::chrono::seconds max_ttl);

// Whether Ember may fetch this jwks_uri: https, or (allow_http_loopback) http to a loopback host.
bool jwks_uri_allowed(std::string_view url, bool allow_http_loopback);

}  // namespace ember::oauth
