#include "sampleapp/sample_app.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "core/encoding.h"
#include "http/router.h"
#include "../support/temp_auth_store.h"
#include "store/auth_store.h"

namespace ember::sampleapp {
namespace {

namespace bhttp = http::bhttp;

http::Request get(std::string target, bhttp::verb method = bhttp::verb::get) {
  http::Request req{method, target, 11};
  req.set(bhttp::field::host, "localhost");
  return req;
}

std::string header(const http::Response& res, bhttp::field f) {
  auto it = res.find(f);
  return it == res.end() ? "" : std::string(it->value());
}

std::string header(const http::Response& res, std::string_view name) {
  auto it = res.find(name);
  return it == res.end() ? "" : std::string(it->value());
}

std::string bytes_of(const EmbeddedFile& f) {
  return std::string(reinterpret_cast<const char*>(f.bytes.data()), f.bytes.size());
}

std::string read_source(const std::string& relative) {
  std::ifstream in(std::filesystem::path(EMBER_SOURCE_DIR) / relative, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// ----------------------------------------------------------------------------------------
// Routes: every file answers with its type and the security headers.

struct Route {
  const char* target;
  const char* file;  // embedded name
  const char* content_type;
};

constexpr Route kRoutes[] = {
    {"/apps/sample/", "index.html", "text/html; charset=utf-8"},
    {"/apps/sample/?code=abc&state=xyz", "index.html", "text/html; charset=utf-8"},
    {"/apps/sample/index.html", "index.html", "text/html; charset=utf-8"},
    {"/apps/sample/launch.html", "launch.html", "text/html; charset=utf-8"},
    {"/apps/sample/launch.html?iss=http%3A%2F%2Fx%2Ffhir&launch=L1", "launch.html",
     "text/html; charset=utf-8"},
    {"/apps/sample/app.js", "app.js", "text/javascript; charset=utf-8"},
    {"/apps/sample/launch.js", "launch.js", "text/javascript; charset=utf-8"},
    {"/apps/sample/app.css", "app.css", "text/css; charset=utf-8"},
    {"/apps/sample/fhir-client.js", "fhir-client.js", "text/javascript; charset=utf-8"},
    {"/apps/sample/fhir-client.js.LICENSE.txt", "fhir-client.js.LICENSE.txt",
     "text/plain; charset=utf-8"},
    {"/apps/sample/fhir-client.min.js.LICENSE.txt", "fhir-client.min.js.LICENSE.txt",
     "text/plain; charset=utf-8"},
};

TEST(SampleAppRoutes, EachFileAnswersWithItsTypeAndHeaders) {
  for (const auto& r : kRoutes) {
    SCOPED_TRACE(r.target);
    const EmbeddedFile* file = find_file(r.file);
    ASSERT_NE(file, nullptr);
    const auto res = serve_sample_app(get(r.target));
    EXPECT_EQ(res.result(), bhttp::status::ok);
    EXPECT_EQ(header(res, bhttp::field::content_type), r.content_type);
    EXPECT_EQ(res.body(), bytes_of(*file));
    EXPECT_EQ(header(res, bhttp::field::content_length), std::to_string(file->bytes.size()));
    EXPECT_EQ(header(res, "Content-Security-Policy"), kContentSecurityPolicy);
    EXPECT_EQ(header(res, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header(res, "Referrer-Policy"), "no-referrer");
    EXPECT_EQ(header(res, bhttp::field::cache_control), "no-cache");
    EXPECT_EQ(header(res, bhttp::field::etag),
              "\"" + std::string(file->sha256.substr(0, 32)) + "\"");
  }
}

TEST(SampleAppRoutes, EverythingElseUnderTheMountIsNotFound) {
  for (const char* target :
       {"/apps/sample/nope.js", "/apps/sample/app.js/", "/apps/sample/../sample/app.js",
        "/apps/sample/app%2Ejs", "/apps/sample/fhir-client.min.js.map", "/apps/sample//app.js",
        "/apps/sample/sub/index.html", "/apps/samplex"}) {
    SCOPED_TRACE(target);
    const auto res = serve_sample_app(get(target));
    EXPECT_EQ(res.result(), bhttp::status::not_found);
    EXPECT_EQ(header(res, "X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(header(res, "Content-Security-Policy"), kContentSecurityPolicy);
    EXPECT_EQ(header(res, bhttp::field::content_type), "text/plain; charset=utf-8");
  }
}

TEST(SampleAppRoutes, MountWithoutSlashRedirectsKeepingTheQuery) {
  auto res = serve_sample_app(get("/apps/sample"));
  EXPECT_EQ(res.result(), bhttp::status::moved_permanently);
  EXPECT_EQ(header(res, bhttp::field::location), "sample/");
  res = serve_sample_app(get("/apps/sample?iss=http%3A%2F%2Fh%2Ffhir&launch=abc"));
  EXPECT_EQ(header(res, bhttp::field::location), "sample/?iss=http%3A%2F%2Fh%2Ffhir&launch=abc");
}

TEST(SampleAppRoutes, MatchingEtagAnswersNotModified) {
  const auto first = serve_sample_app(get("/apps/sample/app.js"));
  const std::string etag = header(first, bhttp::field::etag);
  ASSERT_FALSE(etag.empty());
  for (const std::string& value : {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    SCOPED_TRACE(value);
    auto req = get("/apps/sample/app.js");
    req.set(bhttp::field::if_none_match, value);
    const auto res = serve_sample_app(req);
    EXPECT_EQ(res.result(), bhttp::status::not_modified);
    EXPECT_TRUE(res.body().empty());
    EXPECT_EQ(header(res, bhttp::field::etag), etag);
    EXPECT_EQ(header(res, "X-Content-Type-Options"), "nosniff");
  }
  auto req = get("/apps/sample/app.js");
  req.set(bhttp::field::if_none_match, "\"stale\"");
  EXPECT_EQ(serve_sample_app(req).result(), bhttp::status::ok);
}

TEST(SampleAppRoutes, RouterMountAnswersGetAndHeadOnly) {
  http::Router router;
  mount_sample_app(router);
  http::RequestContext ctx;
  auto res = router(get("/apps/sample/launch.js"), ctx);
  EXPECT_EQ(res.result(), bhttp::status::ok);
  EXPECT_EQ(ctx.route, "sample_app");
  EXPECT_EQ(router(get("/apps/sample/launch.js", bhttp::verb::head), ctx).result(),
            bhttp::status::ok);
  EXPECT_EQ(router(get("/apps/sample/", bhttp::verb::post), ctx).result(),
            bhttp::status::method_not_allowed);
  EXPECT_EQ(router(get("/apps/sample/missing.css"), ctx).result(), bhttp::status::not_found);
  EXPECT_EQ(router(get("/apps/sample"), ctx).result(), bhttp::status::moved_permanently);
}

// ----------------------------------------------------------------------------------------
// Embedded bytes are the source files, byte for byte.

TEST(SampleAppFiles, EmbeddedBytesAreTheSourceFiles) {
  const std::pair<const char*, const char*> kSources[] = {
      {"index.html", "web/sample-app/index.html"},
      {"launch.html", "web/sample-app/launch.html"},
      {"app.js", "web/sample-app/app.js"},
      {"launch.js", "web/sample-app/launch.js"},
      {"app.css", "web/sample-app/app.css"},
      {"fhir-client.js", "node_modules/fhirclient/build/fhir-client.min.js"},
      {"fhir-client.js.LICENSE.txt", "node_modules/fhirclient/LICENSE"},
      {"fhir-client.min.js.LICENSE.txt",
       "node_modules/fhirclient/build/fhir-client.min.js.LICENSE.txt"},
  };
  EXPECT_EQ(embedded_files().size(), std::size(kSources));
  for (const auto& [name, source] : kSources) {
    SCOPED_TRACE(name);
    const EmbeddedFile* file = find_file(name);
    ASSERT_NE(file, nullptr);
    const std::string on_disk = read_source(source);
    ASSERT_FALSE(on_disk.empty());
    EXPECT_EQ(file->bytes.size(), on_disk.size());
    EXPECT_TRUE(bytes_of(*file) == on_disk);  // not EXPECT_EQ: no 200 KB diff on failure
    const std::string digest = sha256(bytes_of(*file));
    EXPECT_EQ(file->sha256,
              hex_encode({reinterpret_cast<const std::uint8_t*>(digest.data()), digest.size()}));
  }
}

// The CSP forbids inline script and style: every script is external, no style element or
// attribute, no event-handler attribute, and no javascript: URL.
TEST(SampleAppFiles, PagesHaveNoInlineScriptOrStyle) {
  for (const char* page : {"index.html", "launch.html"}) {
    SCOPED_TRACE(page);
    const std::string html = bytes_of(*find_file(page));
    const std::regex script_tag(R"(<script\b([^>]*)>([\s\S]*?)</script>)", std::regex::icase);
    int scripts = 0;
    for (auto it = std::sregex_iterator(html.begin(), html.end(), script_tag);
         it != std::sregex_iterator(); ++it) {
      ++scripts;
      EXPECT_NE((*it)[1].str().find("src=\""), std::string::npos) << (*it)[0];
      EXPECT_TRUE((*it)[2].str().empty()) << (*it)[0];
    }
    EXPECT_EQ(scripts, 2);  // fhirclient.js, then the page's own script
    EXPECT_FALSE(std::regex_search(html, std::regex(R"(<style\b)", std::regex::icase)));
    EXPECT_FALSE(std::regex_search(html, std::regex(R"(\sstyle\s*=)", std::regex::icase)));
    EXPECT_FALSE(std::regex_search(html, std::regex(R"(\son[a-z]+\s*=)", std::regex::icase)));
    EXPECT_EQ(html.find("javascript:"), std::string::npos);
    EXPECT_NE(html.find(R"(role="alert")"), std::string::npos);
  }
}

// ----------------------------------------------------------------------------------------
// The client registration.

TEST(SampleAppClient, IsAPublicClientBoundToTheBaseUrl) {
  const auto c = sample_app_client("http://localhost:8080");
  EXPECT_EQ(c.client_id, "ember-sample-app");
  EXPECT_EQ(c.name, "Sample App");
  EXPECT_EQ(c.type, store::ClientType::Public);
  EXPECT_TRUE(c.secret_hash.empty());
  EXPECT_EQ(c.launch_url, "http://localhost:8080/apps/sample/launch.html");
  EXPECT_EQ(c.redirect_uris, std::vector<std::string>{"http://localhost:8080/apps/sample/"});
  EXPECT_EQ(c.allowed_origins, std::vector<std::string>{"http://localhost:8080"});
  EXPECT_EQ(c.allowed_scopes,
            "launch launch/patient launch/encounter openid fhirUser profile online_access "
            "offline_access patient/*.rs user/*.rs");
  EXPECT_FALSE(c.auto_approve);
}

TEST(SampleAppClient, NormalizesTheBaseUrl) {
  auto c = sample_app_client("https://ehr.example/");
  EXPECT_EQ(c.redirect_uris, std::vector<std::string>{"https://ehr.example/apps/sample/"});
  EXPECT_EQ(c.allowed_origins, std::vector<std::string>{"https://ehr.example"});
  // Behind a proxy path the origin is still scheme://host[:port].
  c = sample_app_client("https://ehr.example:8443/ember");
  EXPECT_EQ(c.launch_url, "https://ehr.example:8443/ember/apps/sample/launch.html");
  EXPECT_EQ(c.allowed_origins, std::vector<std::string>{"https://ehr.example:8443"});
}

using EnsureSampleAppTest = ember::test_support::TempAuthStoreTest;

TEST_F(EnsureSampleAppTest, RegistersOnceAndUpdatesWhenTheBaseUrlChanges) {
  ensure_sample_app(*auth_, "http://localhost:8080", 1000);
  auto c = auth_->get_client("ember-sample-app");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->launch_url, "http://localhost:8080/apps/sample/launch.html");
  EXPECT_EQ(c->created_ms, 1000);

  // An administrator's settings the app does not manage survive restarts and base URL changes.
  c->auto_approve = true;
  ASSERT_TRUE(auth_->put_client(*c));
  ensure_sample_app(*auth_, "http://localhost:8080", 2000);
  c = auth_->get_client("ember-sample-app");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->created_ms, 1000);
  EXPECT_TRUE(c->auto_approve);

  ensure_sample_app(*auth_, "https://ehr.example", 3000);
  c = auth_->get_client("ember-sample-app");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->redirect_uris, std::vector<std::string>{"https://ehr.example/apps/sample/"});
  EXPECT_EQ(c->launch_url, "https://ehr.example/apps/sample/launch.html");
  EXPECT_EQ(c->allowed_origins, std::vector<std::string>{"https://ehr.example"});
  EXPECT_EQ(c->created_ms, 1000);
  EXPECT_TRUE(c->auto_approve);
  auto all = auth_->list_clients();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 1u);
}

TEST_F(EnsureSampleAppTest, RestoresAChangedScope) {
  ensure_sample_app(*auth_, "http://localhost:8080", 1000);
  auto c = auth_->get_client("ember-sample-app");
  ASSERT_TRUE(c);
  c->allowed_scopes = "openid";
  ASSERT_TRUE(auth_->put_client(*c));
  ensure_sample_app(*auth_, "http://localhost:8080", 2000);
  c = auth_->get_client("ember-sample-app");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->allowed_scopes, kAllowedScopes);
}

}  // namespace
}  // namespace ember::sampleapp
