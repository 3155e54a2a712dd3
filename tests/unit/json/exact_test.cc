#include "json/exact.h"

#include <gtest/gtest.h>

namespace ember::json {
namespace {

TEST(ExactJson, DecimalsKeepTheirText) {
  const std::string in = R"({"a":1.50,"b":[0.10,2,-3.0e2,12345678901234567890123],"c":"x"})";
  auto v = parse_exact(in);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(serialize_exact(*v), in);
}

TEST(ExactJson, NumbersReadableAsDouble) {
  auto v = parse_exact(R"({"a":1.50,"b":7})");
  ASSERT_TRUE(v);
  const auto& o = v->as_object();
  EXPECT_TRUE(is_number(o.at("a")));
  EXPECT_DOUBLE_EQ(*as_double(o.at("a")), 1.5);
  EXPECT_EQ(*number_text(o.at("a")), "1.50");
  EXPECT_EQ(*number_text(o.at("b")), "7");
  EXPECT_FALSE(get_string(o, "a").has_value());
}

TEST(ExactJson, MadeNumbersSerializeAsNumbers) {
  bj::object o;
  o["q"] = make_number("98.60");
  EXPECT_EQ(serialize_exact(o), R"({"q":98.60})");
}

TEST(ExactJson, RejectsControlCharactersAndBadJson) {
  EXPECT_FALSE(parse_exact("{\"a\":\"x\\u0001y\"}"));
  EXPECT_FALSE(parse_exact("{\"a\":\"x\\u0000\"}"));
  EXPECT_TRUE(parse_exact("{\"a\":\"tab\\tnl\\n\"}"));
  EXPECT_FALSE(parse_exact("{\"a\":1,}"));
  EXPECT_FALSE(parse_exact("{\"a\":1} x"));
  EXPECT_FALSE(parse_exact("\"\xff\""));
}

TEST(ExactJson, DuplicateMembersRefusedWhenAsked) {
  const std::string dup = R"({"resourceType":"Patient","id":"a","name":[{"family":"x"}],"id":"b"})";
  auto last_wins = parse_exact(dup);
  ASSERT_TRUE(last_wins);
  EXPECT_EQ(*get_string(last_wins->as_object(), "id"), "b");
  auto r = parse_exact(dup, {.unique_keys = true});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("twice"), std::string::npos);
  // Nested objects, and names that differ only after a long common prefix.
  EXPECT_FALSE(parse_exact(R"({"a":{"b":1,"b":2}})", {.unique_keys = true}));
  EXPECT_FALSE(parse_exact(R"([{"x":1},{"y":1,"y":1}])", {.unique_keys = true}));
  // The same name in sibling or nested objects is fine.
  EXPECT_TRUE(parse_exact(R"({"a":{"a":1},"b":{"a":2},"c":[{"a":1},{"a":1}]})", {.unique_keys = true}));
  const std::string long_name(5000, 'k');
  EXPECT_TRUE(parse_exact("{\"" + long_name + "1\":1,\"" + long_name + "2\":2}", {.unique_keys = true}));
  EXPECT_FALSE(parse_exact("{\"" + long_name + "\":1,\"" + long_name + "\":2}", {.unique_keys = true}));
}

TEST(ExactJson, DepthIsBounded) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto r = parse_exact(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nesting"), std::string::npos);
}

}  // namespace
}  // namespace ember::json
