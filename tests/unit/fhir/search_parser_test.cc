// FHIR R4 search parameter parsing (http://hl7.org/fhir/R4/search.html), table-driven where the
// spec is a table: prefixes, implied number ranges, token forms, modifiers per type.
#include "fhir/search_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "fhir/datetime.h"

namespace ember::fhir {
namespace {

using store::Modifier;
using PT = store::ParamType;
using store::Predicate;
using store::Prefix;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using Params = std::vector<std::pair<std::string, std::string>>;
using ErrCode = SearchError::Code;

SearchLimits lenient() {
  return SearchLimits{};
}
SearchLimits strict() {
  SearchLimits l;
  l.strict = true;
  return l;
}

Result<ParsedSearch, SearchError> parse(std::string_view type, const Params& params,
                                        const SearchLimits& limits = lenient()) {
  return parse_search(type, params, limits);
}

// The single predicate of a one-parameter, one-value search.
Predicate one(std::string_view type, std::string name, std::string value) {
  auto r = parse(type, {{std::move(name), std::move(value)}});
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
  if (!r || r->query.all_of.size() != 1 || r->query.all_of[0].any_of.size() != 1) {
    ADD_FAILURE() << "expected exactly one clause with one predicate";
    return {};
  }
  return r->query.all_of[0].any_of[0];
}

// ---- prefixes (search.html#prefix) --------------------------------------------------------

struct PrefixCase {
  std::string text;
  Prefix prefix;
};

class Prefixes : public ::testing::TestWithParam<PrefixCase> {};

TEST_P(Prefixes, ApplyToDateNumberAndQuantity) {
  const auto& c = GetParam();
  Predicate date = one("Patient", "birthdate", c.text + "2020-03");
  EXPECT_EQ(date.type, PT::Date);
  EXPECT_EQ(date.param, "birthdate");
  EXPECT_EQ(date.prefix, c.prefix);
  auto range = parse_date_range("2020-03");
  ASSERT_TRUE(range);
  EXPECT_EQ(date.lo_ms, range->lo_ms);
  EXPECT_EQ(date.hi_ms, range->hi_ms);

  Predicate number = one("RiskAssessment", "probability", c.text + "0.8");
  EXPECT_EQ(number.type, PT::Number);
  EXPECT_EQ(number.prefix, c.prefix);
  EXPECT_DOUBLE_EQ(number.number, 0.8);

  Predicate quantity =
      one("Observation", "value-quantity", c.text + "5.4|http://unitsofmeasure.org|mg");
  EXPECT_EQ(quantity.type, PT::Quantity);
  EXPECT_EQ(quantity.prefix, c.prefix);
  EXPECT_DOUBLE_EQ(quantity.number, 5.4);

  Predicate updated = one("Patient", "_lastUpdated", c.text + "2021-06-01T10:00:00Z");
  EXPECT_EQ(updated.param, "_lastUpdated");
  EXPECT_EQ(updated.type, PT::Date);
  EXPECT_EQ(updated.prefix, c.prefix);
}

INSTANTIATE_TEST_SUITE_P(
    AllPrefixes, Prefixes,
    ::testing::Values(PrefixCase{"", Prefix::Eq}, PrefixCase{"eq", Prefix::Eq},
                      PrefixCase{"ne", Prefix::Ne}, PrefixCase{"gt", Prefix::Gt},
                      PrefixCase{"lt", Prefix::Lt}, PrefixCase{"ge", Prefix::Ge},
                      PrefixCase{"le", Prefix::Le}, PrefixCase{"sa", Prefix::Sa},
                      PrefixCase{"eb", Prefix::Eb}, PrefixCase{"ap", Prefix::Ap}));

// ---- implied number ranges (search.html#number) -------------------------------------------

struct RangeCase {
  std::string text;
  double number, lo, hi;
};

class ImpliedRanges : public ::testing::TestWithParam<RangeCase> {};

TEST_P(ImpliedRanges, FollowSignificantFigures) {
  const auto& c = GetParam();
  Predicate p = one("RiskAssessment", "probability", c.text);
  EXPECT_DOUBLE_EQ(p.number, c.number);
  EXPECT_NEAR(p.lo, c.lo, 1e-12);
  EXPECT_NEAR(p.hi, c.hi, 1e-12);
  Predicate q = one("Observation", "value-quantity", c.text + "||mg");
  EXPECT_NEAR(q.lo, c.lo, 1e-12);
  EXPECT_NEAR(q.hi, c.hi, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(
    R4Examples, ImpliedRanges,
    ::testing::Values(RangeCase{"100", 100, 99.5, 100.5}, RangeCase{"100.00", 100, 99.995, 100.005},
                      // One significant figure (the R5 text; R4's table misprints [95, 105)).
                      RangeCase{"1e2", 100, 50, 150}, RangeCase{"1.5e2", 150, 145, 155},
                      RangeCase{"2.50E-1", 0.25, 0.2495, 0.2505}, RangeCase{"0.1", 0.1, 0.05, 0.15},
                      RangeCase{"-5.5", -5.5, -5.55, -5.45}, RangeCase{"gt100", 100, 99.5, 100.5},
                      RangeCase{"1E+1", 10, 5, 15}));

// ---- bad values are errors even in lenient mode ------------------------------------------

struct BadCase {
  std::string type, name, value;
  ErrCode code = ErrCode::Invalid;
};

class BadValues : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadValues, AreRejectedInBothModes) {
  const auto& c = GetParam();
  for (const SearchLimits& limits : {lenient(), strict()}) {
    auto r = parse(c.type, {{c.name, c.value}}, limits);
    ASSERT_FALSE(r.has_value()) << c.name << "=" << c.value;
    EXPECT_EQ(r.error().code, c.code) << c.name << "=" << c.value << ": " << r.error().message;
    EXPECT_EQ(r.error().param, c.name);
    EXPECT_FALSE(r.error().message.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Values, BadValues,
    ::testing::Values(
        // empty values and empty OR items
        BadCase{"Patient", "gender", ""}, BadCase{"Patient", "gender", "male,"},
        // control characters can match no stored string (NUL would truncate in SQL)
        BadCase{"Patient", "name:contains", std::string("\0", 1)},
        BadCase{"Patient", "family", std::string("Inj\0x", 5)},
        BadCase{"Patient", "_id", std::string("alice\0", 6)}, BadCase{"Patient", "gender", "ma\x01le"},
        BadCase{"Patient", std::string("fam\0ily", 7), "x"},
        BadCase{"Patient", "name", " "},
        // dates
        BadCase{"Patient", "birthdate", "notadate"}, BadCase{"Patient", "birthdate", "2023-02-30"},
        BadCase{"Patient", "birthdate", "ge"}, BadCase{"Patient", "birthdate", "xx2020"},
        BadCase{"Patient", "birthdate", "GT2020"}, BadCase{"Patient", "_lastUpdated", "yesterday"},
        // numbers
        BadCase{"RiskAssessment", "probability", "abc"},
        BadCase{"RiskAssessment", "probability", "1."},
        BadCase{"RiskAssessment", "probability", ".5"},
        BadCase{"RiskAssessment", "probability", "1e"},
        BadCase{"RiskAssessment", "probability", "--1"},
        BadCase{"RiskAssessment", "probability", "+1"},
        BadCase{"RiskAssessment", "probability", "1e999"},
        BadCase{"RiskAssessment", "probability", "zz100"},
        BadCase{"RiskAssessment", "probability", "gt"},
        // quantities
        BadCase{"Observation", "value-quantity", "5.4|mg"},
        BadCase{"Observation", "value-quantity", "abc|http://unitsofmeasure.org|mg"},
        BadCase{"Observation", "value-quantity", "5.4|a|b|c"},
        // tokens
        BadCase{"Patient", "identifier", "a|b|c"}, BadCase{"Patient", "identifier", "|"},
        // references
        BadCase{"Observation", "subject", "Foo/1"}, BadCase{"Observation", "subject", "bad id!"},
        BadCase{"Observation", "subject", "Patient/"}, BadCase{"Observation", "patient", "Group/1"},
        BadCase{"Observation", "subject:Patient", "Group/1"},
        BadCase{"Observation", "subject", "Patient/1/_history/2", ErrCode::NotSupported},
        // _id
        BadCase{"Patient", "_id", "not an id"}, BadCase{"Patient", "_id", "a|b"},
        // :missing
        BadCase{"Patient", "birthdate:missing", "maybe"},
        BadCase{"Patient", "gender:missing", ""}));

// ---- modifiers (search.html#modifiers) ----------------------------------------------------

struct ModCase {
  std::string type, name, value;
  std::optional<Modifier> modifier;  // nullopt: an error with `code`
  ErrCode code = ErrCode::Invalid;
};

class Modifiers : public ::testing::TestWithParam<ModCase> {};

TEST_P(Modifiers, ApplyOnlyWhereTheTypeTakesThem) {
  const auto& c = GetParam();
  auto r = parse(c.type, {{c.name, c.value}});
  if (c.modifier) {
    ASSERT_TRUE(r.has_value()) << c.name << ": " << r.error().message;
    ASSERT_EQ(r->query.all_of.size(), 1u);
    EXPECT_EQ(r->query.all_of[0].any_of.at(0).modifier, *c.modifier) << c.name;
  } else {
    ASSERT_FALSE(r.has_value()) << c.name;
    EXPECT_EQ(r.error().code, c.code) << c.name;
    EXPECT_EQ(r.error().param, c.name);
  }
}

INSTANTIATE_TEST_SUITE_P(
    ByType, Modifiers,
    ::testing::Values(
        // valid
        ModCase{"Patient", "name:exact", "Jo", Modifier::Exact},
        ModCase{"Patient", "name:contains", "Jo", Modifier::Contains},
        ModCase{"Patient", "name:missing", "true", Modifier::Missing},
        ModCase{"Patient", "gender:not", "male", Modifier::Not},
        ModCase{"Patient", "gender:text", "Male", Modifier::Text},
        ModCase{"Patient", "gender:missing", "false", Modifier::Missing},
        ModCase{"Patient", "birthdate:missing", "true", Modifier::Missing},
        ModCase{"RiskAssessment", "probability:missing", "true", Modifier::Missing},
        ModCase{"Observation", "value-quantity:missing", "true", Modifier::Missing},
        ModCase{"Observation", "subject:missing", "true", Modifier::Missing},
        ModCase{"Observation", "subject:Patient", "1", Modifier::None},
        ModCase{"ValueSet", "url:below", "http://x", Modifier::Below},
        ModCase{"ValueSet", "url:above", "http://x/y", Modifier::Above},
        ModCase{"ValueSet", "url:missing", "true", Modifier::Missing},
        // not applicable to the type
        ModCase{"Patient", "birthdate:exact", "2020", std::nullopt},
        ModCase{"Patient", "gender:exact", "male", std::nullopt},
        ModCase{"Patient", "gender:contains", "mal", std::nullopt},
        ModCase{"Patient", "name:not", "Jo", std::nullopt},
        ModCase{"Patient", "name:below", "Jo", std::nullopt},
        ModCase{"RiskAssessment", "probability:exact", "1", std::nullopt},
        ModCase{"ValueSet", "url:contains", "x", std::nullopt},
        ModCase{"ValueSet", "url:exact", "x", std::nullopt},
        ModCase{"Observation", "subject:exact", "1", std::nullopt},
        ModCase{"Observation", "subject:Medication", "1", std::nullopt},
        ModCase{"Patient", "gender:bogus", "male", std::nullopt},
        ModCase{"Patient", "gender:", "male", std::nullopt},
        ModCase{"Patient", "_id:missing", "true", std::nullopt},
        ModCase{"Patient", "_id:not", "1", std::nullopt},
        ModCase{"Patient", "_lastUpdated:missing", "true", std::nullopt},
        ModCase{"Patient", "_count:exact", "5", std::nullopt},
        // defined by R4 for the type, not implemented by Ember
        ModCase{"Patient", "gender:in", "http://vs", std::nullopt, ErrCode::NotSupported},
        ModCase{"Patient", "gender:not-in", "http://vs", std::nullopt, ErrCode::NotSupported},
        ModCase{"Patient", "gender:below", "x", std::nullopt, ErrCode::NotSupported},
        ModCase{"Patient", "identifier:of-type", "a|b|c", std::nullopt, ErrCode::NotSupported},
        ModCase{"Observation", "subject:identifier", "a|b", std::nullopt, ErrCode::NotSupported}));

TEST(Missing, CarriesTheBoolean) {
  EXPECT_TRUE(one("Patient", "birthdate:missing", "true").missing);
  EXPECT_FALSE(one("Patient", "birthdate:missing", "false").missing);
}

// ---- tokens (search.html#token) -----------------------------------------------------------

struct TokenCase {
  std::string value;
  std::optional<std::string> system;
  std::string code;
};

class TokenForms : public ::testing::TestWithParam<TokenCase> {};

TEST_P(TokenForms, SplitSystemAndCode) {
  const auto& c = GetParam();
  Predicate p = one("Patient", "identifier", c.value);
  EXPECT_EQ(p.param, "identifier");
  EXPECT_EQ(p.type, PT::Token);
  EXPECT_EQ(p.modifier, Modifier::None);
  EXPECT_EQ(p.system, c.system) << c.value;
  EXPECT_EQ(p.code, c.code) << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    R4Forms, TokenForms,
    ::testing::Values(TokenCase{"123", std::nullopt, "123"},           // any system
                      TokenCase{"|123", "", "123"},                    // no system
                      TokenCase{"http://x.org|", "http://x.org", ""},  // any code in system
                      TokenCase{"http://x.org|123", "http://x.org", "123"},
                      TokenCase{R"(a\|b)", std::nullopt, "a|b"},  // escaped bar
                      TokenCase{R"(http://x.org|a\,b)", "http://x.org", "a,b"},
                      TokenCase{R"(a\\b)", std::nullopt, R"(a\b)"},
                      TokenCase{R"(a\$b)", std::nullopt, "a$b"}));

TEST(Token, TextModifierNormalizesTheText) {
  Predicate p = one("Patient", "gender:text", "  FÉMALE ");
  EXPECT_EQ(p.modifier, Modifier::Text);
  EXPECT_EQ(p.text, "female");
}

TEST(Token, NotKeepsSystemAndCode) {
  Predicate p = one("Patient", "identifier:not", "http://x|1");
  EXPECT_EQ(p.modifier, Modifier::Not);
  EXPECT_EQ(p.system, "http://x");
  EXPECT_EQ(p.code, "1");
}

TEST(Token, IdIsABareIdOnTheIdColumn) {
  auto r = parse("Patient", {{"_id", "a-1,b.2"}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->query.all_of.size(), 1u);
  const auto& any = r->query.all_of[0].any_of;
  ASSERT_EQ(any.size(), 2u);
  EXPECT_EQ(any[0].param, "_id");
  EXPECT_EQ(any[0].type, PT::Token);
  EXPECT_EQ(any[0].code, "a-1");
  EXPECT_EQ(any[0].system, std::nullopt);
  EXPECT_EQ(any[1].code, "b.2");
}

// ---- strings (search.html#string) ---------------------------------------------------------

TEST(String, DefaultAndContainsNormalizeExactKeepsRaw) {
  Predicate def = one("Patient", "name", "  JOSÉ ");
  EXPECT_EQ(def.type, PT::String);
  EXPECT_EQ(def.modifier, Modifier::None);
  EXPECT_EQ(def.text, "jose");
  Predicate contains = one("Patient", "family:contains", "ÉL");
  EXPECT_EQ(contains.modifier, Modifier::Contains);
  EXPECT_EQ(contains.text, "el");
  Predicate exact = one("Patient", "name:exact", "José");
  EXPECT_EQ(exact.modifier, Modifier::Exact);
  EXPECT_EQ(exact.text, "José");
}

// ---- OR vs AND, escaping (search.html#combining, #escaping) -------------------------------

TEST(Combining, CommasAreOrRepeatsAreAnd) {
  auto either = parse("Patient", {{"gender", "male,female"}});
  ASSERT_TRUE(either);
  ASSERT_EQ(either->query.all_of.size(), 1u);
  ASSERT_EQ(either->query.all_of[0].any_of.size(), 2u);
  EXPECT_EQ(either->query.all_of[0].any_of[0].code, "male");
  EXPECT_EQ(either->query.all_of[0].any_of[1].code, "female");

  auto both = parse("Patient", {{"given", "a"}, {"given", "b"}});
  ASSERT_TRUE(both);
  ASSERT_EQ(both->query.all_of.size(), 2u);
  EXPECT_EQ(both->query.all_of[0].any_of.at(0).text, "a");
  EXPECT_EQ(both->query.all_of[1].any_of.at(0).text, "b");
}

TEST(Combining, EscapedCommaStaysInOneValue) {
  auto r = parse("Patient", {{"name", R"(smith\,john,doe)"}});
  ASSERT_TRUE(r);
  const auto& any = r->query.all_of.at(0).any_of;
  ASSERT_EQ(any.size(), 2u);
  EXPECT_EQ(any[0].text, "smith,john");
  EXPECT_EQ(any[1].text, "doe");
}

// ---- references (search.html#reference) ---------------------------------------------------

struct RefCase {
  std::string type, name, value;
  std::string target_type, target_id, url;
};

class References : public ::testing::TestWithParam<RefCase> {};

TEST_P(References, ResolveTypeIdAndUrl) {
  const auto& c = GetParam();
  Predicate p = one(c.type, c.name, c.value);
  EXPECT_EQ(p.type, PT::Reference);
  EXPECT_EQ(p.target_type, c.target_type) << c.name << "=" << c.value;
  EXPECT_EQ(p.target_id, c.target_id) << c.name << "=" << c.value;
  EXPECT_EQ(p.url, c.url) << c.name << "=" << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    R4Forms, References,
    ::testing::Values(
        RefCase{"Observation", "subject", "Patient/123", "Patient", "123", ""},
        RefCase{"Observation", "subject", "123", "", "123", ""},         // several targets: any
        RefCase{"Observation", "patient", "123", "Patient", "123", ""},  // single target
        RefCase{"Observation", "subject:Group", "g1", "Group", "g1", ""},
        RefCase{"Observation", "subject:Patient", "Patient/7", "Patient", "7", ""},
        RefCase{"Observation", "subject", "http://ex.org/fhir/Patient/9", "Patient", "9",
                "http://ex.org/fhir/Patient/9"},
        RefCase{"Observation", "subject", "urn:uuid:0f1e2d", "", "", "urn:uuid:0f1e2d"},
        RefCase{"Observation", "subject", "http://ex.org/other/thing", "", "",
                "http://ex.org/other/thing"}));

// ---- quantity and uri (search.html#quantity, #uri) ----------------------------------------

struct QuantityCase {
  std::string value;
  Prefix prefix;
  double number;
  std::optional<std::string> system;
  std::string code;
};

class Quantities : public ::testing::TestWithParam<QuantityCase> {};

TEST_P(Quantities, SplitNumberSystemCode) {
  const auto& c = GetParam();
  Predicate p = one("Observation", "value-quantity", c.value);
  EXPECT_EQ(p.prefix, c.prefix);
  EXPECT_DOUBLE_EQ(p.number, c.number);
  EXPECT_EQ(p.system, c.system) << c.value;
  EXPECT_EQ(p.code, c.code) << c.value;
}

INSTANTIATE_TEST_SUITE_P(
    R4Forms, Quantities,
    ::testing::Values(QuantityCase{"5.4|http://unitsofmeasure.org|mg", Prefix::Eq, 5.4,
                                   "http://unitsofmeasure.org", "mg"},
                      QuantityCase{"5.4||mg", Prefix::Eq, 5.4, std::nullopt, "mg"},
                      QuantityCase{"5.4", Prefix::Eq, 5.4, std::nullopt, ""},
                      QuantityCase{"le5.4|http://u|", Prefix::Le, 5.4, "http://u", ""},
                      QuantityCase{R"(ap5|a\|b|m\,g)", Prefix::Ap, 5, "a|b", "m,g"}));

TEST(Uri, ExactBelowAbove) {
  Predicate exact = one("ValueSet", "url", "http://x.org/vs");
  EXPECT_EQ(exact.type, PT::Uri);
  EXPECT_EQ(exact.modifier, Modifier::None);
  EXPECT_EQ(exact.text, "http://x.org/vs");
  EXPECT_EQ(one("ValueSet", "url:below", "http://x.org/").modifier, Modifier::Below);
  EXPECT_EQ(one("ValueSet", "url:above", "http://x.org/vs/1").modifier, Modifier::Above);
}

// ---- unknown and unsupported parameters (search.html#errors) ------------------------------

struct UnknownCase {
  std::string type, name, value;
  ErrCode strict_code;
};

class Unknown : public ::testing::TestWithParam<UnknownCase> {};

TEST_P(Unknown, StrictRejectsLenientIgnores) {
  const auto& c = GetParam();
  auto s = parse(c.type, {{c.name, c.value}}, strict());
  ASSERT_FALSE(s.has_value()) << c.name;
  EXPECT_EQ(s.error().code, c.strict_code) << c.name;
  EXPECT_EQ(s.error().param, c.name);

  auto l = parse(c.type, {{c.name, c.value}, {"gender", "male"}}, lenient());
  ASSERT_TRUE(l.has_value()) << c.name << ": " << l.error().message;
  EXPECT_THAT(l->ignored, ElementsAre(c.name));
  EXPECT_THAT(l->applied, ElementsAre(Pair("gender", "male")));
  EXPECT_EQ(l->query.all_of.size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Params, Unknown,
    ::testing::Values(
        UnknownCase{"Patient", "bogus", "1", ErrCode::Invalid},
        UnknownCase{"Patient", "_bogus", "1", ErrCode::Invalid},
        UnknownCase{"Patient", "value-quantity", "1", ErrCode::Invalid},
        UnknownCase{"Patient", "general-practitioner.name", "x", ErrCode::NotSupported},  // chain
        UnknownCase{"Patient", "_has:Observation:patient:code", "1234-5", ErrCode::NotSupported},
        UnknownCase{"Patient", "_text", "x", ErrCode::NotSupported},
        UnknownCase{"Patient", "_content", "x", ErrCode::NotSupported},
        UnknownCase{"Patient", "_filter", "x eq y", ErrCode::NotSupported},
        UnknownCase{"Patient", "_include", "*", ErrCode::NotSupported},
        UnknownCase{"Patient", "_include", "Patient:*", ErrCode::NotSupported},
        UnknownCase{"Patient", "_revinclude", "*", ErrCode::NotSupported}));

TEST(Unknown, CompositeAndSpecialAreUnsupported) {
  for (const auto& [type, name, value] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"Observation", "code-value-quantity", "http://loinc.org|1234-5$gt5"},
           {"Location", "near", "42.2|-83.7|10|km"}}) {
    auto s = parse(type, {{name, value}}, strict());
    ASSERT_FALSE(s.has_value()) << name;
    EXPECT_EQ(s.error().code, ErrCode::NotSupported);
    auto l = parse(type, {{name, value}});
    ASSERT_TRUE(l.has_value()) << name;
    EXPECT_THAT(l->ignored, ElementsAre(name));
    EXPECT_THAT(l->query.all_of, IsEmpty());
  }
}

TEST(Unknown, IgnoredNamesAreListedOnce) {
  auto r = parse("Patient", {{"bogus", "1"}, {"bogus", "2"}, {"other", "3"}});
  ASSERT_TRUE(r);
  EXPECT_THAT(r->ignored, ElementsAre("bogus", "other"));
  EXPECT_THAT(r->applied, IsEmpty());
}

TEST(Unknown, FormatAndPrettyAreSkipped) {
  auto r = parse("Patient", {{"_format", "json"}, {"_pretty", "true"}}, strict());
  ASSERT_TRUE(r);
  EXPECT_THAT(r->query.all_of, IsEmpty());
  EXPECT_THAT(r->applied, IsEmpty());
  EXPECT_THAT(r->ignored, IsEmpty());
}

TEST(Unknown, ResourceTypeMustExist) {
  auto r = parse("Bogus", {{"_id", "1"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrCode::Invalid);
}

// ---- _count and _offset (search.html#count) -----------------------------------------------

TEST(Count, DefaultIsTheConfiguredPageSize) {
  auto r = parse("Patient", {});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->query.resource_type, "Patient");
  EXPECT_EQ(r->query.count, 20u);
  EXPECT_EQ(r->query.offset, 0u);
  EXPECT_FALSE(r->query.count_only);
  EXPECT_EQ(r->query.total, store::TotalMode::Accurate);
  EXPECT_EQ(r->summary, Summary::None);

  SearchLimits small{.default_count = 50, .max_count = 30, .strict = false};
  auto clamped = parse_search("Patient", {}, small);
  ASSERT_TRUE(clamped);
  EXPECT_EQ(clamped->query.count, 30u);
}

TEST(Count, ClampsToTheMaximum) {
  for (const auto& [value, expected] : std::vector<std::pair<std::string, std::size_t>>{
           {"5", 5}, {"1000", 1000}, {"5000", 1000}, {"99999999999999999999999999", 1000}}) {
    auto r = parse("Patient", {{"_count", value}});
    ASSERT_TRUE(r) << value;
    EXPECT_EQ(r->query.count, expected) << value;
    EXPECT_THAT(r->applied, ElementsAre(Pair("_count", std::to_string(expected))));
  }
}

TEST(Count, ZeroMeansCountOnly) {
  auto r = parse("Patient", {{"_count", "0"}});
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->query.count_only);
  EXPECT_EQ(r->query.count, 0u);
  EXPECT_EQ(r->summary, Summary::Count);
  EXPECT_THAT(r->applied, ElementsAre(Pair("_count", "0")));
}

TEST(Count, OffsetIsANonNegativeInteger) {
  auto r = parse("Patient", {{"_offset", "40"}, {"_count", "10"}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->query.offset, 40u);
  EXPECT_THAT(r->applied, ElementsAre(Pair("_count", "10"), Pair("_offset", "40")));
}

struct ResultParamError {
  Params params;
};

class ResultParamErrors : public ::testing::TestWithParam<ResultParamError> {};

TEST_P(ResultParamErrors, AreInvalid) {
  const auto& params = GetParam().params;
  auto r = parse("Patient", params);
  ASSERT_FALSE(r.has_value()) << params.back().first << "=" << params.back().second;
  EXPECT_EQ(r.error().code, ErrCode::Invalid);
  EXPECT_EQ(r.error().param, params.back().first);
}

INSTANTIATE_TEST_SUITE_P(
    Values, ResultParamErrors,
    ::testing::Values(
        ResultParamError{{{"_count", "-1"}}}, ResultParamError{{{"_count", "abc"}}},
        ResultParamError{{{"_count", "1.5"}}}, ResultParamError{{{"_count", ""}}},
        ResultParamError{{{"_count", "5"}, {"_count", "6"}}}, ResultParamError{{{"_offset", "-1"}}},
        ResultParamError{{{"_offset", "x"}}},
        ResultParamError{{{"_offset", "99999999999999999999999999"}}},
        ResultParamError{{{"_sort", "bogus"}}}, ResultParamError{{{"_sort", ""}}},
        ResultParamError{{{"_sort", "-"}}}, ResultParamError{{{"_sort", "name,"}}},
        ResultParamError{{{"_sort", "name,-name"}}}, ResultParamError{{{"_sort", "name:exact"}}},
        ResultParamError{{{"_sort", "name"}, {"_sort", "gender"}}},
        ResultParamError{{{"_summary", "bogus"}}}, ResultParamError{{{"_summary", "TRUE"}}},
        ResultParamError{{{"_summary", "true"}, {"_summary", "data"}}},
        ResultParamError{{{"_total", "all"}}}, ResultParamError{{{"_total", ""}}},
        ResultParamError{{{"_elements", "Patient.name"}}}, ResultParamError{{{"_elements", ""}}},
        ResultParamError{{{"_elements", "name,,id"}}},
        ResultParamError{{{"_elements", "name[x]"}}}));

// ---- _sort (search.html#sort) -------------------------------------------------------------

TEST(Sort, KeysCarryTypeAndDirection) {
  auto r = parse("Patient", {{"_sort", "-birthdate,name,_id,-_lastUpdated"}});
  ASSERT_TRUE(r) << r.error().message;
  const auto& s = r->query.sort;
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].param, "birthdate");
  EXPECT_EQ(s[0].type, PT::Date);
  EXPECT_TRUE(s[0].descending);
  EXPECT_EQ(s[1].param, "name");
  EXPECT_EQ(s[1].type, PT::String);
  EXPECT_FALSE(s[1].descending);
  EXPECT_EQ(s[2].param, "_id");
  EXPECT_EQ(s[2].type, PT::Token);
  EXPECT_EQ(s[3].param, "_lastUpdated");
  EXPECT_EQ(s[3].type, PT::Date);
  EXPECT_TRUE(s[3].descending);
  EXPECT_THAT(r->applied, ElementsAre(Pair("_sort", "-birthdate,name,_id,-_lastUpdated")));
}

TEST(Sort, CompositeIsNotSupported) {
  auto r = parse("Observation", {{"_sort", "code-value-quantity"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrCode::NotSupported);
}

// ---- _include / _revinclude (search.html#include, #revinclude) ----------------------------

struct IncludeCase {
  std::string type, name, value;
  bool ok;
  IncludeSpec spec{};  // when ok
};

class Includes : public ::testing::TestWithParam<IncludeCase> {};

TEST_P(Includes, ValidateSourceParamAndTarget) {
  const auto& c = GetParam();
  auto r = parse(c.type, {{c.name, c.value}}, strict());
  if (!c.ok) {
    ASSERT_FALSE(r.has_value()) << c.name << "=" << c.value;
    EXPECT_EQ(r.error().code, ErrCode::Invalid) << c.name << "=" << c.value;
    EXPECT_EQ(r.error().param, c.name);
    return;
  }
  ASSERT_TRUE(r.has_value()) << c.name << "=" << c.value << ": " << r.error().message;
  bool rev = c.name.starts_with("_revinclude");
  const auto& list = rev ? r->revincludes : r->includes;
  EXPECT_THAT(rev ? r->includes : r->revincludes, IsEmpty());
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].source_type, c.spec.source_type);
  EXPECT_EQ(list[0].param, c.spec.param);
  EXPECT_EQ(list[0].target_type, c.spec.target_type);
  EXPECT_EQ(list[0].iterate, c.spec.iterate);
}

INSTANTIATE_TEST_SUITE_P(
    R4, Includes,
    ::testing::Values(
        IncludeCase{"Observation",
                    "_include",
                    "Observation:subject",
                    true,
                    {"Observation", "subject", "", false}},
        IncludeCase{"Observation",
                    "_include",
                    "Observation:subject:Patient",
                    true,
                    {"Observation", "subject", "Patient", false}},
        IncludeCase{"Observation",
                    "_include:iterate",
                    "Patient:general-practitioner",
                    true,
                    {"Patient", "general-practitioner", "", true}},
        IncludeCase{
            "Observation", "_include:recurse", "Patient:link", true, {"Patient", "link", "", true}},
        IncludeCase{"Patient",
                    "_revinclude",
                    "Observation:subject",
                    true,
                    {"Observation", "subject", "", false}},
        IncludeCase{"Patient",
                    "_revinclude",
                    "Observation:subject:Patient",
                    true,
                    {"Observation", "subject", "Patient", false}},
        IncludeCase{"Patient",
                    "_revinclude",
                    "Provenance:target",
                    true,
                    {"Provenance", "target", "", false}},
        IncludeCase{"Patient",
                    "_revinclude:iterate",
                    "Observation:subject:Group",
                    true,
                    {"Observation", "subject", "Group", true}},
        // errors
        IncludeCase{"Observation", "_include", "Patient:link", false},      // source != searched
        IncludeCase{"Observation", "_include", "Observation:code", false},  // not a reference
        IncludeCase{"Observation", "_include", "Observation:bogus", false},
        IncludeCase{"Observation", "_include", "Observation:subject:Medication", false},
        IncludeCase{"Observation", "_include", "Observation:subject:Bogus", false},
        IncludeCase{"Observation", "_include", "Foo:bar", false},
        IncludeCase{"Observation", "_include", "Observation", false},
        IncludeCase{"Observation", "_include", "Observation:subject:Patient:x", false},
        IncludeCase{"Observation", "_include", "", false},
        IncludeCase{"Observation", "_include:bogus", "Observation:subject", false},
        IncludeCase{"Patient", "_revinclude", "Observation:encounter", false},  // never Patient
        IncludeCase{"Patient", "_revinclude", "Observation:subject:Group", false},
        IncludeCase{"Patient", "_revinclude", "Observation:code", false}));

TEST(Includes, RepeatsAccumulateAndAppearInApplied) {
  auto r = parse("Observation", {{"_include", "Observation:patient"},
                                 {"_include:recurse", "Patient:organization"},
                                 {"_revinclude", "Provenance:target"},
                                 {"_include", "Observation:patient"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->includes.size(), 2u);
  EXPECT_EQ(r->revincludes.size(), 1u);
  EXPECT_THAT(r->applied, ElementsAre(Pair("_include", "Observation:patient"),
                                      Pair("_include:iterate", "Patient:organization"),
                                      Pair("_revinclude", "Provenance:target")));
}

// ---- _summary, _elements, _total ----------------------------------------------------------

TEST(Summary, AllValues) {
  for (const auto& [value, summary] :
       std::vector<std::pair<std::string, Summary>>{{"true", Summary::True},
                                                    {"text", Summary::Text},
                                                    {"data", Summary::Data},
                                                    {"count", Summary::Count},
                                                    {"false", Summary::False}}) {
    auto r = parse("Patient", {{"_summary", value}});
    ASSERT_TRUE(r) << value;
    EXPECT_EQ(r->summary, summary) << value;
    EXPECT_EQ(r->query.count_only, summary == Summary::Count) << value;
    if (summary == Summary::Count) {
      EXPECT_EQ(r->query.count, 0u);
    }
    EXPECT_THAT(r->applied, ElementsAre(Pair("_summary", value)));
  }
}

TEST(Elements, CommaListDeduplicatedAcrossRepeats) {
  auto r = parse("Patient", {{"_elements", "name,birthDate"}, {"_elements", "gender,name"}});
  ASSERT_TRUE(r);
  EXPECT_THAT(r->elements, ElementsAre("name", "birthDate", "gender"));
  EXPECT_THAT(r->applied, ElementsAre(Pair("_elements", "name,birthDate,gender")));
}

TEST(Total, Modes) {
  for (const auto& [value, mode] : std::vector<std::pair<std::string, store::TotalMode>>{
           {"none", store::TotalMode::None},
           {"estimate", store::TotalMode::Estimate},
           {"accurate", store::TotalMode::Accurate}}) {
    auto r = parse("Patient", {{"_total", value}});
    ASSERT_TRUE(r) << value;
    EXPECT_EQ(r->query.total, mode);
    EXPECT_THAT(r->applied, ElementsAre(Pair("_total", value)));
  }
}

// ---- the applied list (self link) ---------------------------------------------------------

TEST(Applied, CanonicalOrderAndForm) {
  auto r = parse("Patient", {{"name", "smith"},
                             {"_count", "5000"},
                             {"gender", "male"},
                             {"_format", "json"},
                             {"birthdate:missing", "false"},
                             {"bogus", "x"},
                             {"_sort", "-birthdate"},
                             {"gender", "female,other"},
                             {"_offset", "20"},
                             {"_total", "none"},
                             {"_summary", "data"},
                             {"_elements", "name"},
                             {"_include:recurse", "Patient:organization"},
                             {"_revinclude", "Observation:patient"},
                             {"_id", "a"},
                             {"_lastUpdated", "ge2020-01-01"}});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(r->applied,
              ElementsAre(Pair("_id", "a"), Pair("_lastUpdated", "ge2020-01-01"),
                          Pair("birthdate:missing", "false"), Pair("gender", "male"),
                          Pair("gender", "female,other"), Pair("name", "smith"),
                          Pair("_include:iterate", "Patient:organization"),
                          Pair("_revinclude", "Observation:patient"), Pair("_sort", "-birthdate"),
                          Pair("_elements", "name"), Pair("_summary", "data"),
                          Pair("_total", "none"), Pair("_count", "1000"), Pair("_offset", "20")));
  EXPECT_THAT(r->ignored, ElementsAre("bogus"));
  EXPECT_EQ(r->query.all_of.size(), 6u);  // name, gender x2, birthdate, _id, _lastUpdated
}

TEST(Applied, KeepsEscapesInValues) {
  auto r = parse("Patient", {{"identifier", R"(http://x|a\,b)"}});
  ASSERT_TRUE(r);
  EXPECT_THAT(r->applied, ElementsAre(Pair("identifier", R"(http://x|a\,b)")));
}

}  // namespace
}  // namespace ember::fhir
