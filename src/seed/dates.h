// Calendar arithmetic for generated records. Every date derives from kReferenceDay (2026-11-01,
// "today" for the sample data), never the wall clock, so the output is reproducible. Times carry
// a fixed US Eastern offset (no DST) because FHIR requires a zone on every dateTime with a time.
#pragma once
#include <cstdint>
#include <string>

namespace ember::seed {

struct CivilDate {
  int year = 0;
  int month = 0;  // 1..12
  int day = 0;    // 1..31
};

// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's algorithms.
constexpr std::int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy =
      (153 * static_cast<unsigned>(m > 2 ? m - 3 : m + 9) + 2) / 5 + static_cast<unsigned>(d) - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
CivilDate civil_from_days(std::int64_t days);

inline constexpr std::int64_t kReferenceDay = days_from_civil(2026, 11, 1);
inline constexpr int kReferenceYear = 2026;

// A point in time: a day number and minutes into that day (may exceed a day; normalized on use).
struct Moment {
  std::int64_t day = 0;
  int minute = 0;

  Moment plus_minutes(int minutes) const;
};

std::string format_date(std::int64_t day);   // 2026-11-01
std::string format_datetime(Moment moment);  // 2026-11-01T09:30:00-05:00

// Age in whole years on `on_day` of someone born on `birth_day`.
int age_on(std::int64_t birth_day, std::int64_t on_day);

}  // namespace ember::seed
