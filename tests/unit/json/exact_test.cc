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

TEST(ExactJson, DepthIsBounded) {
  std::string deep(100, '[');
  deep += std::string(100, ']');
  auto r = parse_exact(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("nesting"), std::string::npos);
}

}  // namespace
}  // namespace ember::json
