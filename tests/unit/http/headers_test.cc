#include "http/headers.h"

#include <gtest/gtest.h>

namespace ember::http {
namespace {

TEST(MediaType, ParsesTypeSubtypeAndParams) {
  auto mt = parse_media_type("Application/FHIR+JSON; Charset=\"UTF-8\"; fhirVersion=4.0");
  ASSERT_TRUE(mt);
  EXPECT_EQ(mt->type, "application");
  EXPECT_EQ(mt->subtype, "fhir+json");
  EXPECT_EQ(mt->essence(), "application/fhir+json");
  EXPECT_EQ(mt->param("charset"), "UTF-8");
  EXPECT_EQ(mt->param("FHIRVERSION"), "4.0");
  EXPECT_TRUE(mt->matches("application", "FHIR+json"));
  EXPECT_FALSE(mt->matches("application", "json"));
}

TEST(MediaType, RejectsMalformed) {
  for (const char* bad : {"", "json", "application/", "/json", "a/b; c", "a b/c", "a/b; q=x"}) {
    EXPECT_FALSE(parse_media_type(bad)) << bad;
  }
}

TEST(Accept, ListWithWeightsAndWildcards) {
  auto list = parse_accept("application/fhir+json;q=0.9, text/html, */*;q=0.1, garbage");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_DOUBLE_EQ(list[0].q, 0.9);
  EXPECT_TRUE(list[0].params.empty());
  EXPECT_EQ(list[1].essence(), "text/html");
  EXPECT_DOUBLE_EQ(list[1].q, 1.0);
  EXPECT_TRUE(list[2].matches("application", "json"));
  auto partial = parse_media_type("application/*");
  ASSERT_TRUE(partial);
  EXPECT_TRUE(partial->matches("application", "xml"));
  EXPECT_FALSE(partial->matches("text", "xml"));
}

TEST(Iequals, CaseInsensitive) {
  EXPECT_TRUE(iequals("Content-Type", "content-type"));
  EXPECT_FALSE(iequals("a", "ab"));
}

}  // namespace
}  // namespace ember::http
