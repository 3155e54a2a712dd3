// Duplicate-member refusal (RFC 7515 §5.2 step 4) and the other limits of parse_object_strict.
#include "jose/strict_json.h"

#include <gtest/gtest.h>

namespace ember::jose {
namespace {

TEST(StrictJson, Table) {
  struct Case {
    std::string text;
    std::optional<Error> want;
  };
  const Case cases[] = {
      {R"({"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]})", std::nullopt},
      {R"({"a":1,"a":1})", Error::DuplicateMember},
      {R"({"a":1,"b":{"x":1,"x":2}})", Error::DuplicateMember},
      {R"({"c":[{"k":1,"k":2}]})", Error::DuplicateMember},
      {R"({"a\u0062":1,"ab":2})", Error::DuplicateMember},  // escapes are resolved first
      {R"({"a":1,"A":2})", std::nullopt},
      {"[]", Error::Malformed},
      {"\"s\"", Error::Malformed},
      {"", Error::Malformed},
      {"{", Error::Malformed},
      {R"({"a":1}{"b":2})", Error::Malformed},
      {R"({"a":1,})", Error::Malformed},
      {R"({"a":1 /* c */})", Error::Malformed},
      {std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']'), Error::Malformed},
      {"{\"a\":" + std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']') + "}",
       Error::Malformed},
  };
  for (const auto& c : cases) {
    auto r = parse_object_strict(c.text);
    if (c.want) {
      ASSERT_FALSE(r) << c.text;
      EXPECT_EQ(r.error(), *c.want) << c.text;
    } else {
      EXPECT_TRUE(r) << c.text;
    }
  }
}

}  // namespace
}  // namespace ember::jose
