// parse_date_range: every precision of date/dateTime/instant, zones, leap years, bad input.
#include "fhir/datetime.h"

#include <gtest/gtest.h>

#include <limits>
#include <ostream>
#include <string>

namespace ember::fhir {
namespace {

constexpr std::int64_t kSec = 1000;
constexpr std::int64_t kMin = 60 * kSec;
constexpr std::int64_t kHour = 60 * kMin;
constexpr std::int64_t kDay = 24 * kHour;

struct ValidCase {
  std::string text;
  std::int64_t lo;
  std::int64_t hi;
};

void PrintTo(const ValidCase& c, std::ostream* os) {
  *os << c.text;
}

// Reference points: 2024-01-01T00:00:00Z = 1704067200000, 2023-01-01 = 1672531200000.
constexpr std::int64_t k2023 = 1672531200000;
constexpr std::int64_t k2024 = 1704067200000;
constexpr std::int64_t k2025 = k2024 + 366 * kDay;

class ValidDates : public ::testing::TestWithParam<ValidCase> {};

TEST_P(ValidDates, ParsesToRange) {
  const ValidCase& c = GetParam();
  auto r = parse_date_range(c.text);
  ASSERT_TRUE(r.has_value()) << c.text;
  EXPECT_EQ(r->lo_ms, c.lo) << c.text;
  EXPECT_EQ(r->hi_ms, c.hi) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Precisions, ValidDates,
    ::testing::Values(
        ValidCase{"1970", 0, 365 * kDay - 1},
        ValidCase{"2024", k2024, k2025 - 1},  // leap year: 366 days
        ValidCase{"2023", k2023, k2024 - 1}, ValidCase{"2024-01", k2024, k2024 + 31 * kDay - 1},
        ValidCase{"2024-02", k2024 + 31 * kDay, k2024 + 60 * kDay - 1},  // 29 days
        ValidCase{"2023-02", k2023 + 31 * kDay, k2023 + 59 * kDay - 1},  // 28 days
        ValidCase{"2024-12", k2025 - 31 * kDay, k2025 - 1},
        ValidCase{"2024-02-29", k2024 + 59 * kDay, k2024 + 60 * kDay - 1},
        ValidCase{"2000-02-29", 951782400000, 951782400000 + kDay - 1},  // divisible by 400
        ValidCase{"1969-12-31", -kDay, -1},
        ValidCase{"0001-01-01", -62135596800000, -62135596800000 + kDay - 1},
        ValidCase{"2024-01-01T10:30", k2024 + 10 * kHour + 30 * kMin,
                  k2024 + 10 * kHour + 31 * kMin - 1},
        ValidCase{"2024-01-01T10:30:15", k2024 + 10 * kHour + 30 * kMin + 15 * kSec,
                  k2024 + 10 * kHour + 30 * kMin + 16 * kSec - 1},
        ValidCase{"2024-01-01T10:30:15Z", k2024 + 10 * kHour + 30 * kMin + 15 * kSec,
                  k2024 + 10 * kHour + 30 * kMin + 16 * kSec - 1},
        ValidCase{"2024-01-01T00:00:00.5Z", k2024 + 500, k2024 + 599},
        ValidCase{"2024-01-01T00:00:00.25Z", k2024 + 250, k2024 + 259},
        ValidCase{"2024-01-01T00:00:00.123Z", k2024 + 123, k2024 + 123},
        ValidCase{"2024-01-01T00:00:00.123456Z", k2024 + 123, k2024 + 123},
        ValidCase{"2024-01-01T00:00:00.000Z", k2024, k2024},
        ValidCase{"2024-01-01T10:00:00+02:00", k2024 + 8 * kHour, k2024 + 8 * kHour + kSec - 1},
        ValidCase{"2024-01-01T10:00:00-05:30", k2024 + 15 * kHour + 30 * kMin,
                  k2024 + 15 * kHour + 30 * kMin + kSec - 1},
        ValidCase{"2024-01-01T00:00:00+14:00", k2024 - 14 * kHour, k2024 - 14 * kHour + kSec - 1},
        ValidCase{"2024-01-01T00:00:00-00:00", k2024, k2024 + kSec - 1},
        ValidCase{"2024-01-01T23:59:60Z", k2024 + kDay - 1, k2024 + kDay - 1},  // leap second
        ValidCase{"2024-12-31T23:59:59.999Z", k2025 - 1, k2025 - 1}));

class InvalidDates : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidDates, AreRejected) {
  EXPECT_FALSE(parse_date_range(GetParam()).has_value());
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, InvalidDates,
    ::testing::Values("", "0000", "24", "202", "20245", "2024-", "2024-1", "2024-00", "2024-13",
                      "2024-01-", "2024-01-1", "2024-01-00", "2024-01-32", "2023-02-29",
                      "1900-02-29", "2024-04-31", "2024/01/01", "2024-01-01T", "2024-01-01T10",
                      "2024-01-01T24:00", "2024-01-01T10:60", "2024-01-01T10:30:61",
                      "2024-01-01T10:30:00.", "2024-01-01T10:30:00.Z", "2024-01-01 10:30:00",
                      "2024-01-01T10:30:00+2:00", "2024-01-01T10:30:00+02",
                      "2024-01-01T10:30:00+15:00", "2024-01-01T10:30:00+14:30",
                      "2024-01-01T10:30:00+02:60", "2024-01-01T10:30:00ZZ", "2024-01-01T10:30:00z",
                      "2024-01-01Z", "abcd", " 2024", "2024 ", "-2024", "+2024-01-01"));

}  // namespace
}  // namespace ember::fhir
