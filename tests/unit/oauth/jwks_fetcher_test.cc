// JwksSource: inline JWKS, jwks_uri fetching through a fake transport, the Cache-Control rules
// (BSV-08), the refresh rate limit, and which URLs may be fetched at all.
#include "oauth/jwks_fetcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace ember::oauth {
namespace {

using std::chrono::seconds;

const jose::Key& signer_key() {
  static const jose::Key key = *jose::Key::generate_ec(jose::Curve::P384);
  return key;
}

std::string jwks_json(const jose::Key& key) {
  return boost::json::serialize(jose::KeySet({*key.public_key()}).to_public_json());
}

// A scripted jwks_uri: answers every request with `response` and records what was asked.
struct FakeHttp {
  std::mutex mutex;
  std::vector<http::ClientRequest> requests;
  Result<http::ClientResponse, http::ClientError> response = ok(jwks_json(signer_key()), "");

  static Result<http::ClientResponse, http::ClientError> ok(std::string body,
                                                            std::string cache_control,
                                                            unsigned status = 200) {
    http::ClientResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers.set(http::bhttp::field::content_type, "application/json");
    if (!cache_control.empty()) r.headers.set(http::bhttp::field::cache_control, cache_control);
    return r;
  }
  http::FetchFunction function() {
    return [this](const http::ClientRequest& req) {
      std::lock_guard lock(mutex);
      requests.push_back(req);
      return response;
    };
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return requests.size();
  }
};

store::ClientRecord uri_client(std::string uri = "https://client.example/jwks.json") {
  store::ClientRecord c;
  c.client_id = "backend-1";
  c.type = store::ClientType::Backend;
  c.jwks_uri = std::move(uri);
  return c;
}

class JwksFetcherTest : public ::testing::Test {
 protected:
  ManualClock clock;
  FakeHttp http;
  JwksSourcePtr source = JwksSource::create(clock, {}, http.function());

  void advance(seconds s) { clock.advance_ms(std::chrono::milliseconds(s).count()); }
};

TEST_F(JwksFetcherTest, InlineJwksIsUsedAndNothingIsFetched) {
  store::ClientRecord c = uri_client();
  c.jwks = jwks_json(signer_key());
  auto keys = source->keys_for(c, true);
  ASSERT_TRUE(keys) << keys.error();
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ(keys->keys()[0].kid(), signer_key().kid());
  EXPECT_EQ(http.count(), 0u);
}

// Parsed inline sets are reused (key import is the expensive part), but only for the same text:
// a client re-registered with another key gets that key at once.
TEST_F(JwksFetcherTest, InlineJwksFollowsTheRegisteredText) {
  store::ClientRecord c = uri_client("");
  c.jwks = jwks_json(signer_key());
  ASSERT_TRUE(source->keys_for(c, false));
  auto again = source->keys_for(c, false);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->keys()[0].kid(), signer_key().kid());

  jose::Key other = *jose::Key::generate_ec(jose::Curve::P256);
  other.set_kid("rotated");
  c.jwks = jwks_json(other);
  auto rotated = source->keys_for(c, false);
  ASSERT_TRUE(rotated) << rotated.error();
  ASSERT_EQ(rotated->size(), 1u);
  EXPECT_EQ(rotated->keys()[0].kid(), "rotated");
}

TEST_F(JwksFetcherTest, UnusableRegistrationsFail) {
  store::ClientRecord bad_inline = uri_client("");
  bad_inline.jwks = "{\"keys\":";
  EXPECT_FALSE(source->keys_for(bad_inline, false));
  EXPECT_FALSE(source->keys_for(uri_client(""), false));
  auto plain = source->keys_for(uri_client("http://client.example/jwks.json"), false);
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error(), "the registered jwks_uri is not an https URL");
  EXPECT_EQ(http.count(), 0u);
}

TEST_F(JwksFetcherTest, FetchesWithAcceptJson) {
  auto keys = source->keys_for(uri_client(), false);
  ASSERT_TRUE(keys) << keys.error();
  EXPECT_EQ(keys->keys()[0].kid(), signer_key().kid());
  ASSERT_EQ(http.count(), 1u);
  const auto& req = http.requests[0];
  EXPECT_EQ(req.url, "https://client.example/jwks.json");
  EXPECT_EQ(req.method, http::bhttp::verb::get);
  ASSERT_EQ(req.headers.size(), 1u);
  EXPECT_EQ(req.headers[0].first, "Accept");
  EXPECT_EQ(req.headers[0].second, "application/json");
  EXPECT_EQ(req.max_body_bytes, jose::kMaxJwksBytes);
}

TEST_F(JwksFetcherTest, MaxAgeIsHonoured) {
  http.response = FakeHttp::ok(jwks_json(signer_key()), "public, max-age=120");
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  advance(seconds(119));
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  EXPECT_EQ(http.count(), 1u);
  advance(seconds(1));
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  EXPECT_EQ(http.count(), 2u);
}

TEST_F(JwksFetcherTest, DefaultTtlWithoutCacheControlAndCapAtOneHour) {
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  advance(kJwksDefaultTtl - seconds(1));
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  EXPECT_EQ(http.count(), 1u);
  advance(seconds(1));
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  EXPECT_EQ(http.count(), 2u);

  http.response = FakeHttp::ok(jwks_json(signer_key()), "max-age=604800");
  advance(kJwksDefaultTtl);
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  EXPECT_EQ(http.count(), 3u);
  advance(kJwksMaxTtl - seconds(1));
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  EXPECT_EQ(http.count(), 3u);
  advance(seconds(1));
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  EXPECT_EQ(http.count(), 4u);
}

TEST_F(JwksFetcherTest, NoStoreAndNoCacheAreNotCached) {
  for (const char* cc : {"no-store", "no-cache", "max-age=600, no-store"}) {
    http.response = FakeHttp::ok(jwks_json(signer_key()), cc);
    const std::size_t before = http.count();
    ASSERT_TRUE(source->keys_for(uri_client(), false)) << cc;
    ASSERT_TRUE(source->keys_for(uri_client(), false)) << cc;
    EXPECT_EQ(http.count(), before + 2) << cc;
  }
}

TEST_F(JwksFetcherTest, RefreshBypassesTheCacheAtMostOncePerInterval) {
  http.response = FakeHttp::ok(jwks_json(signer_key()), "max-age=300");
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  EXPECT_EQ(http.count(), 1u);
  // Right after a fetch: a refresh is answered from the cache.
  advance(seconds(1));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(source->keys_for(uri_client(), true));
  EXPECT_EQ(http.count(), 1u);
  // Once the interval has passed, one refresh goes to the network, then the limit holds again.
  advance(kJwksMinRefreshInterval);
  ASSERT_TRUE(source->keys_for(uri_client(), true));
  ASSERT_TRUE(source->keys_for(uri_client(), true));
  EXPECT_EQ(http.count(), 2u);
  // A plain read still uses the (refreshed) cache.
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  EXPECT_EQ(http.count(), 2u);
}

TEST_F(JwksFetcherTest, RefreshRightAfterAnUncacheableFetchFailsWithoutFetching) {
  http.response = FakeHttp::ok(jwks_json(signer_key()), "no-store");
  ASSERT_TRUE(source->keys_for(uri_client(), false));
  EXPECT_FALSE(source->keys_for(uri_client(), true));
  EXPECT_EQ(http.count(), 1u);
}

TEST_F(JwksFetcherTest, FailuresAreReportedWithoutTheUrlAndNotCached) {
  struct Case {
    const char* name;
    Result<http::ClientResponse, http::ClientError> response;
    const char* message;
  };
  const Case cases[] = {
      {"404", FakeHttp::ok("not found", "max-age=600", 404),
       "the client's jwks_uri answered HTTP 404"},
      {"redirect", FakeHttp::ok("", "", 302), "the client's jwks_uri answered HTTP 302"},
      {"not-json", FakeHttp::ok("<html>", "max-age=600"),
       "the client's jwks_uri did not return a usable JWK Set"},
      {"timeout", fail(http::ClientError{http::ClientErrc::Timeout, "read: timeout"}),
       "could not fetch the client's jwks_uri (timeout)"},
  };
  for (const auto& c : cases) {
    http.response = c.response;
    const std::size_t before = http.count();
    auto keys = source->keys_for(uri_client(), false);
    ASSERT_FALSE(keys) << c.name;
    EXPECT_EQ(keys.error(), c.message) << c.name;
    EXPECT_EQ(keys.error().find("client.example"), std::string::npos);
    EXPECT_FALSE(source->keys_for(uri_client(), false)) << c.name;
    EXPECT_EQ(http.count(), before + 2) << c.name << ": a failure must not be cached";
  }
}

TEST_F(JwksFetcherTest, CachesPerUrl) {
  http.response = FakeHttp::ok(jwks_json(signer_key()), "max-age=300");
  ASSERT_TRUE(source->keys_for(uri_client("https://a.example/jwks"), false));
  ASSERT_TRUE(source->keys_for(uri_client("https://b.example/jwks"), false));
  ASSERT_TRUE(source->keys_for(uri_client("https://a.example/jwks"), false));
  EXPECT_EQ(http.count(), 2u);
}

TEST_F(JwksFetcherTest, CacheSizeIsBounded) {
  JwksFetcherOptions o;
  o.max_entries = 2;
  auto small = JwksSource::create(clock, o, http.function());
  http.response = FakeHttp::ok(jwks_json(signer_key()), "max-age=300");
  for (const char* u : {"https://a.example/j", "https://b.example/j", "https://c.example/j"}) {
    ASSERT_TRUE(small->keys_for(uri_client(u), false));
    advance(seconds(1));
  }
  EXPECT_EQ(http.count(), 3u);
  ASSERT_TRUE(small->keys_for(uri_client("https://c.example/j"), false));
  EXPECT_EQ(http.count(), 3u);
  ASSERT_TRUE(small->keys_for(uri_client("https://a.example/j"), false));  // evicted first
  EXPECT_EQ(http.count(), 4u);
}

TEST_F(JwksFetcherTest, ConcurrentCallersShareTheCache) {
  http.response = FakeHttp::ok(jwks_json(signer_key()), "max-age=300");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (!source->keys_for(uri_client(), (i + t) % 7 == 0)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(http.count(), 8u);
}

TEST(JwksCacheTtl, FollowsCacheControl) {
  struct Case {
    std::string_view header;
    seconds ttl;
  };
  const Case cases[] = {
      {"", seconds(300)},
      {"max-age=60", seconds(60)},
      {"public, max-age=60", seconds(60)},
      {"MAX-AGE=60", seconds(60)},
      {" max-age = 60 ", seconds(60)},
      {"max-age=\"60\"", seconds(60)},
      {"max-age=0", seconds(0)},
      {"max-age=86400", seconds(3600)},
      {"max-age=99999999999999999999999", seconds(3600)},
      {"no-store", seconds(0)},
      {"No-Cache", seconds(0)},
      {"max-age=60, no-store", seconds(0)},
      {"no-cache=\"Set-Cookie\", max-age=60", seconds(0)},
      {"max-age=abc", seconds(0)},
      {"max-age=-1", seconds(0)},
      {"max-age=", seconds(0)},
      {"max-age", seconds(0)},
      {"private", seconds(300)},
      {"max-age=30, max-age=90", seconds(30)},
      {"s-maxage=10", seconds(300)},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(jwks_cache_ttl(c.header, kJwksDefaultTtl, kJwksMaxTtl), c.ttl) << c.header;
  }
}

TEST(JwksUriAllowed, HttpsEverywhereHttpOnlyToLoopbackInTheSandbox) {
  struct Case {
    std::string_view url;
    bool strict;
    bool sandbox;
  };
  const Case cases[] = {
      {"https://client.example/jwks.json", true, true},
      {"https://127.0.0.1:8443/jwks", true, true},
      {"http://client.example/jwks.json", false, false},
      {"http://localhost:9000/jwks", false, true},
      {"http://LOCALHOST/jwks", false, true},
      {"http://127.0.0.1:9000/jwks", false, true},
      {"http://127.8.9.10/jwks", false, true},
      {"http://[::1]:9000/jwks", false, true},
      {"http://128.0.0.1/jwks", false, false},
      {"http://10.0.0.1/jwks", false, false},
      {"http://169.254.169.254/latest", false, false},
      {"http://localhost.evil.example/jwks", false, false},
      {"http://127.0.0.1.evil.example/jwks", false, false},
      {"http://user@localhost/jwks", false, false},
      {"ftp://localhost/jwks", false, false},
      {"/jwks", false, false},
      {"https:///jwks", false, false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(jwks_uri_allowed(c.url, false), c.strict) << c.url;
    EXPECT_EQ(jwks_uri_allowed(c.url, true), c.sandbox) << c.url;
  }
}

TEST(JwksSourceSandbox, FetchesHttpLoopbackOnlyWhenAllowed) {
  ManualClock clock;
  FakeHttp http;
  JwksFetcherOptions o;
  o.allow_http_loopback = true;
  auto sandbox = JwksSource::create(clock, o, http.function());
  EXPECT_TRUE(sandbox->keys_for(uri_client("http://localhost:9000/jwks"), false));
  EXPECT_FALSE(sandbox->keys_for(uri_client("http://client.example/jwks"), false));
  EXPECT_EQ(http.count(), 1u);
}

}  // namespace
}  // namespace ember::oauth
