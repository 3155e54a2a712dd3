// normalize_string: case, accents (precomposed and combining), whitespace, pass-through.
#include "fhir/normalize.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace ember::fhir {
namespace {

struct NormalizeCase {
  std::string input;
  std::string expected;
};

void PrintTo(const NormalizeCase& c, std::ostream* os) {
  *os << c.input;
}

class Normalize : public ::testing::TestWithParam<NormalizeCase> {};

TEST_P(Normalize, Folds) {
  EXPECT_EQ(normalize_string(GetParam().input), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, Normalize,
    ::testing::Values(
        NormalizeCase{"", ""}, NormalizeCase{"   ", ""}, NormalizeCase{"Smith", "smith"},
        NormalizeCase{"  John   SMITH ", "john smith"}, NormalizeCase{"a\t\r\nb", "a b"},
        NormalizeCase{"José", "jose"}, NormalizeCase{"JOSÉ", "jose"},
        NormalizeCase{"Müller", "muller"}, NormalizeCase{"Straße", "strasse"},
        NormalizeCase{"Ærøskøbing", "aeroskobing"},
        NormalizeCase{"François Ñúñez", "francois nunez"}, NormalizeCase{"Łódź", "lodz"},
        NormalizeCase{"Dvořák", "dvorak"}, NormalizeCase{"Œuvre", "oeuvre"},
        NormalizeCase{"Ĳssel", "ijssel"},
        NormalizeCase{"Jose\xCC\x81", "jose"},  // e + U+0301 combining acute
        NormalizeCase{"a\xC2\xA0"
                      "b",
                      "a b"},  // no-break space
        NormalizeCase{"2×3÷1", "2×3÷1"}, NormalizeCase{"Ωμέγα", "Ωμέγα"},
        NormalizeCase{"日本", "日本"}, NormalizeCase{"bad\xFFutf8", "bad\xFFutf8"},
        NormalizeCase{"trunc\xC3", "trunc\xC3"}, NormalizeCase{"O'Brien-Smith", "o'brien-smith"}));

}  // namespace
}  // namespace ember::fhir
