#include "http/url.h"

#include <gtest/gtest.h>

namespace ember::http {
namespace {

TEST(ParseTarget, PathAndOrderedRepeatedParams) {
  auto t = parse_target("/fhir/Observation?patient=alice&code=a&code=b&category=laboratory");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/fhir/Observation");
  EXPECT_EQ(t->raw_path, "/fhir/Observation");
  ASSERT_EQ(t->query.size(), 4u);
  EXPECT_EQ(t->query[1], (QueryParam{"code", "a"}));
  EXPECT_EQ(t->query[2], (QueryParam{"code", "b"}));
  EXPECT_EQ(find_param(t->query, "category"), "laboratory");
  EXPECT_FALSE(find_param(t->query, "missing"));
}

TEST(ParseTarget, DecodesPercentAndPlus) {
  auto t = parse_target("/a%20b/c?name=John+Smith&x=1%2B1&empty=&flag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/a b/c");
  EXPECT_EQ(t->raw_path, "/a%20b/c");
  ASSERT_EQ(t->query.size(), 4u);
  EXPECT_EQ(t->query[0].value, "John Smith");
  EXPECT_EQ(t->query[1].value, "1+1");
  EXPECT_EQ(t->query[2], (QueryParam{"empty", ""}));
  EXPECT_EQ(t->query[3], (QueryParam{"flag", ""}));
}

TEST(ParseTarget, ToleratesFhirTokenBar) {
  auto t = parse_target("/fhir/Observation?code=http://loinc.org|1234-5");
  ASSERT_TRUE(t);
  EXPECT_EQ(find_param(t->query, "code"), "http://loinc.org|1234-5");
}

TEST(ParseTarget, NoQuery) {
  auto t = parse_target("/healthz");
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->has_query);
  EXPECT_TRUE(t->query.empty());
}

TEST(ParseTarget, AbsoluteFormAndAsterisk) {
  auto t = parse_target("http://example.org/fhir/Patient?x=1");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/fhir/Patient");
  EXPECT_EQ(find_param(t->query, "x"), "1");
  EXPECT_EQ(parse_target("*")->path, "*");
}

TEST(ParseTarget, RejectsBadPercentEncoding) {
  for (const char* bad : {"/a%zz", "/a?x=%4", "/a?x=%g1", "/%", "ftp://x/y", "relative"}) {
    auto t = parse_target(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error(), UrlErrc::InvalidTarget) << bad;
  }
}

TEST(ParseForm, DecodesPairs) {
  auto f = parse_form(
      "grant_type=authorization_code&code=abc%2Fdef&redirect_uri=http%3A%2F%2Fx"
      "&scope=launch+patient%2F*.read&scope=openid");
  ASSERT_TRUE(f);
  ASSERT_EQ(f->size(), 5u);
  EXPECT_EQ((*f)[1].value, "abc/def");
  EXPECT_EQ((*f)[2].value, "http://x");
  EXPECT_EQ((*f)[3].value, "launch patient/*.read");
  EXPECT_EQ((*f)[4], (QueryParam{"scope", "openid"}));
  EXPECT_TRUE(parse_form("")->empty());
}

TEST(ParseForm, RejectsBadPercentEncoding) {
  auto f = parse_form("a=%zz");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error(), UrlErrc::InvalidEncoding);
}

TEST(PercentEncode, KeepsOnlyUnreserved) {
  EXPECT_EQ(percent_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(percent_encode("a b/c?d=e&f+g|h%"), "a%20b%2Fc%3Fd%3De%26f%2Bg%7Ch%25");
  EXPECT_EQ(percent_encode("\xC3\xA9"), "%C3%A9");
}

TEST(EncodeQuery, RoundTrips) {
  QueryParams in = {{"scope", "launch patient/*.read"}, {"state", "a&b=c"}, {"x", "1+1"}};
  std::string q = encode_query(in);
  EXPECT_EQ(q, "scope=launch%20patient%2F%2A.read&state=a%26b%3Dc&x=1%2B1");
  auto back = parse_form(q);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, in);
}

}  // namespace
}  // namespace ember::http
