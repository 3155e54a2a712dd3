#include "http/router.h"

#include <gtest/gtest.h>

#include "http/responses.h"

namespace ember::http {
namespace {

Handler text_handler(std::string text) {
  return [text](const Request& req, RequestContext&) {
    return text_response(req, bhttp::status::ok, text);
  };
}

Request make(bhttp::verb method, std::string target) {
  Request req{method, target, 11};
  return req;
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router.add(bhttp::verb::get, "/healthz", text_handler("health"), "healthz")
        .add(bhttp::verb::get, "/", text_handler("home"), "home")
        .add_prefix(kAnyMethod, "/fhir", text_handler("fhir"), "fhir")
        .add_prefix(bhttp::verb::get, "/fhir/special/", text_handler("special"), "special")
        .add(bhttp::verb::post, "/oauth/token", text_handler("token"), "oauth_token")
        .add(bhttp::verb::put, "/oauth/token", text_handler("token-put"), "oauth_token");
  }
  Response call(bhttp::verb method, std::string target) {
    ctx = RequestContext{};
    return router(make(method, std::move(target)), ctx);
  }
  Router router;
  RequestContext ctx;
};

TEST_F(RouterTest, ExactPathIgnoresQuery) {
  auto res = call(bhttp::verb::get, "/healthz?verbose=1");
  EXPECT_EQ(res.result(), bhttp::status::ok);
  EXPECT_EQ(res.body(), "health");
  EXPECT_EQ(ctx.route, "healthz");
}

TEST_F(RouterTest, PrefixMatchesItselfAndChildrenOnly) {
  EXPECT_EQ(call(bhttp::verb::get, "/fhir").body(), "fhir");
  EXPECT_EQ(call(bhttp::verb::delete_, "/fhir/Patient/1").body(), "fhir");
  EXPECT_EQ(ctx.route, "fhir");
  EXPECT_EQ(call(bhttp::verb::get, "/fhir?_format=json").body(), "fhir");
  auto miss = call(bhttp::verb::get, "/fhirx");
  EXPECT_EQ(miss.result(), bhttp::status::not_found);
  EXPECT_EQ(miss[bhttp::field::content_type], "application/json");
  EXPECT_EQ(miss.body(), "{\"error\":\"not_found\"}");
}

TEST_F(RouterTest, LongestPrefixWins) {
  EXPECT_EQ(call(bhttp::verb::get, "/fhir/special/x").body(), "special");
  EXPECT_EQ(ctx.route, "special");
  // The longest prefix takes only GET: other methods get 405, not the shorter /fhir mount.
  auto res = call(bhttp::verb::post, "/fhir/special/x");
  EXPECT_EQ(res.result(), bhttp::status::method_not_allowed);
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  auto res = call(bhttp::verb::get, "/oauth/token");
  EXPECT_EQ(res.result(), bhttp::status::method_not_allowed);
  EXPECT_EQ(res[bhttp::field::allow], "POST, PUT");
  EXPECT_EQ(ctx.route, "oauth_token");
  auto h = call(bhttp::verb::post, "/healthz");
  EXPECT_EQ(h[bhttp::field::allow], "GET, HEAD");
}

TEST_F(RouterTest, HeadFollowsGet) {
  EXPECT_EQ(call(bhttp::verb::head, "/healthz").body(), "health");
}

TEST_F(RouterTest, RootIsExact) {
  EXPECT_EQ(call(bhttp::verb::get, "/").body(), "home");
  EXPECT_EQ(call(bhttp::verb::get, "/nothing").result(), bhttp::status::not_found);
  EXPECT_EQ(ctx.route, "not_found");
}

TEST(TargetPath, StripsQuery) {
  EXPECT_EQ(target_path("/a/b?c=d"), "/a/b");
  EXPECT_EQ(target_path("/a"), "/a");
}

}  // namespace
}  // namespace ember::http
