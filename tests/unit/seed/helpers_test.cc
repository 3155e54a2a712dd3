// The small building blocks: calendar arithmetic, fixed-precision decimals, base64, NPIs, PRNG.
#include <gtest/gtest.h>

#include "seed/dates.h"
#include "seed/directory.h"
#include "seed/fhir_json.h"
#include "seed/prng.h"

namespace ember::seed {
namespace {

TEST(SeedDates, ReferenceDayRoundTrips) {
  EXPECT_EQ(format_date(kReferenceDay), "2026-11-01");
  EXPECT_EQ(format_date(days_from_civil(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(format_datetime(Moment{kReferenceDay, 9 * 60 + 5}), "2026-11-01T09:05:00-05:00");
  EXPECT_EQ(format_datetime(Moment{kReferenceDay, 23 * 60}.plus_minutes(90)),
            "2026-11-02T00:30:00-05:00");
  EXPECT_EQ(age_on(days_from_civil(1987, 4, 12), kReferenceDay), 39);
  EXPECT_EQ(age_on(days_from_civil(2025, 11, 2), kReferenceDay), 0);
  EXPECT_EQ(age_on(days_from_civil(2025, 11, 1), kReferenceDay), 1);
}

TEST(SeedDecimals, FixedTextKeepsTrailingZeros) {
  struct Case {
    std::int64_t scaled;
    int places;
    const char* text;
  };
  for (const Case& c : {Case{150, 2, "1.50"}, Case{5, 2, "0.05"}, Case{372, 1, "37.2"},
                        Case{-4, 1, "-0.4"}, Case{72, 0, "72"}, Case{100, 1, "10.0"}}) {
    EXPECT_EQ(fixed_text(c.scaled, c.places), c.text);
  }
}

TEST(SeedBase64, MatchesRfc4648Vectors) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("f"), "Zg==");
  EXPECT_EQ(base64("fo"), "Zm8=");
  EXPECT_EQ(base64("foo"), "Zm9v");
  EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64("\xff\xfe"), "//4=");
}

TEST(SeedNpi, CheckDigitFollowsLuhnOverThe80840Prefix) {
  EXPECT_EQ(npi(123456789), "1234567893");  // the CMS example NPI
}

TEST(SeedPrng, UniformStaysInRangeAndStreamsDiffer) {
  Prng a = Prng::stream(1, 1);
  Prng b = Prng::stream(1, 2);
  int same = 0;
  for (int i = 0; i < 1000; ++i) {
    const int x = a.uniform(-3, 3);
    EXPECT_GE(x, -3);
    EXPECT_LE(x, 3);
    same += x == b.uniform(-3, 3);
  }
  EXPECT_LT(same, 300);
}

}  // namespace
}  // namespace ember::seed
