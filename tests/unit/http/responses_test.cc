#include "http/responses.h"

#include <gtest/gtest.h>

#include "http/access_log.h"

namespace ember::http {
namespace {

TEST(Responses, JsonResponseCopiesVersionAndKeepAlive) {
  Request req{bhttp::verb::get, "/", 10};
  auto res = json_response(req, bhttp::status::created, "{}");
  EXPECT_EQ(res.version(), 10);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(res.result(), bhttp::status::created);
  EXPECT_EQ(res[bhttp::field::content_type], "application/json");
  EXPECT_EQ(res[bhttp::field::content_length], "2");

  Request req11{bhttp::verb::get, "/", 11};
  req11.keep_alive(false);
  EXPECT_FALSE(text_response(req11, bhttp::status::ok, "x").keep_alive());
  req11.keep_alive(true);
  EXPECT_TRUE(text_response(req11, bhttp::status::ok, "x").keep_alive());
}

TEST(Responses, NoStore) {
  Request req{bhttp::verb::post, "/oauth/token", 11};
  auto res = json_error(req, bhttp::status::bad_request, "invalid_request");
  no_store(res);
  EXPECT_EQ(res.body(), "{\"error\":\"invalid_request\"}");
  EXPECT_EQ(res[bhttp::field::cache_control], "no-store");
  EXPECT_EQ(res[bhttp::field::pragma], "no-cache");
}

TEST(Responses, SeeOther) {
  Request req{bhttp::verb::post, "/ehr/login", 11};
  req.keep_alive(true);
  auto res = see_other(req, "/ehr/patients?q=a%20b");
  EXPECT_EQ(res.result(), bhttp::status::see_other);
  EXPECT_EQ(res.version(), 11);
  EXPECT_TRUE(res.keep_alive());
  EXPECT_EQ(res[bhttp::field::location], "/ehr/patients?q=a%20b");
  EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(res[bhttp::field::cache_control], "no-store");
  EXPECT_EQ(res[bhttp::field::pragma], "no-cache");
  EXPECT_EQ(res[bhttp::field::content_length], "0");
  EXPECT_TRUE(res.body().empty());

  Request req10{bhttp::verb::post, "/oauth/authorize", 10};
  auto res10 = see_other(req10, "https://app.example/cb?code=x");
  EXPECT_EQ(res10.version(), 10);
  EXPECT_FALSE(res10.keep_alive());
}

TEST(AccessLog, EscapesEverything) {
  std::string s;
  append_json_string(s, "a\"b\\c\n\x01\xff");
  EXPECT_EQ(s, "\"a\\\"b\\\\c\\n\\u0001\\u00ff\"");
  AccessRecord r;
  r.ts_ms = 0;
  r.id = "abc";
  r.method = "GET";
  r.path = "/p";
  r.status = 200;
  r.bytes = 5;
  r.us = 42;
  r.route = "home";
  r.remote = "127.0.0.1";
  EXPECT_EQ(
      format_access_line(r),
      "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"id\":\"abc\",\"method\":\"GET\",\"path\":\"/p\","
      "\"status\":200,\"bytes\":5,\"us\":42,\"route\":\"home\",\"remote\":\"127.0.0.1\"}");
}

}  // namespace
}  // namespace ember::http
