// human_name and mrn_of: the usual shapes, and every odd shape falling back quietly.
#include "fhir/patient_summary.h"

#include <gtest/gtest.h>

namespace ember::fhir {
namespace {

boost::json::object parse(std::string_view text) {
  return boost::json::parse(text).as_object();
}

struct NameCase {
  const char* patient;
  const char* name;
};

class HumanName : public ::testing::TestWithParam<NameCase> {};

TEST_P(HumanName, Reads) {
  EXPECT_EQ(human_name(parse(GetParam().patient)), GetParam().name) << GetParam().patient;
}

INSTANTIATE_TEST_SUITE_P(
    Table, HumanName,
    ::testing::Values(
        NameCase{R"({"name":[{"given":["Alice","May"],"family":"Carter"}]})", "Alice May Carter"},
        NameCase{R"({"name":[{"text":"Dr. Who","family":"Who"}]})", "Dr. Who"},
        NameCase{R"({"name":[{"text":"","given":["Bob"],"family":"Adams"}]})", "Bob Adams"},
        NameCase{R"({"name":[{"family":"Adams"}]})", "Adams"},
        NameCase{R"({"name":[{"given":["Bob"]}]})", "Bob"},
        NameCase{R"({"name":[{"given":["",7,"Bob"],"family":""}]})", "Bob"},
        NameCase{R"({"name":[{"family":"First"},{"family":"Second"}]})", "First"},
        NameCase{R"({"name":[]})", "(no name)"}, NameCase{R"({"name":"oops"})", "(no name)"},
        NameCase{R"({"name":["oops"]})", "(no name)"}, NameCase{R"({"name":[{}]})", "(no name)"},
        NameCase{R"({})", "(no name)"}));

TEST(HumanName, FallbackIsTheCallers) {
  EXPECT_EQ(human_name(parse(R"({})"), "alice"), "alice");
  EXPECT_EQ(human_name(parse(R"({})"), ""), "");
  EXPECT_EQ(human_name(parse(R"({"name":[{"family":"Carter"}]})"), ""), "Carter");
}

struct MrnCase {
  const char* patient;
  const char* mrn;
};

class MrnOf : public ::testing::TestWithParam<MrnCase> {};

TEST_P(MrnOf, Reads) {
  EXPECT_EQ(mrn_of(parse(GetParam().patient)), GetParam().mrn) << GetParam().patient;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MrnOf,
    ::testing::Values(
        MrnCase{R"({"identifier":[{"type":{"coding":[{"code":"MR"}]},"value":"100001"}]})",
                "100001"},
        // MR in any coding of the type, not only the first.
        MrnCase{R"({"identifier":[{"type":{"coding":[{"code":"XX"},{"code":"MR"}]},"value":"7"}]})",
                "7"},
        MrnCase{
            R"({"identifier":[{"system":"urn:ssn","value":"1"},{"system":"http://x/mrn","value":"M2"}]})",
            "M2"},
        // An identifier without a value does not hide a later one.
        MrnCase{
            R"({"identifier":[{"system":"http://x/mrn","value":""},{"system":"http://y/mrn","value":"M3"}]})",
            "M3"},
        MrnCase{R"({"identifier":[{"system":"urn:ssn","value":"1"}]})", ""},
        MrnCase{R"({"identifier":[{"type":{"coding":"MR"},"value":"1"}]})", ""},
        MrnCase{R"({"identifier":["MR",{"type":"MR","value":"1"}]})", ""},
        MrnCase{R"({"identifier":{"system":"mrn","value":"1"}})", ""}, MrnCase{R"({})", ""}));

}  // namespace
}  // namespace ember::fhir
