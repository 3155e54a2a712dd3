#include "fhir/datetime.h"

#include <cstddef>

namespace ember::fhir {

namespace {

constexpr std::int64_t kMsPerSecond = 1000;
constexpr std::int64_t kMsPerMinute = 60 * kMsPerSecond;
constexpr std::int64_t kMsPerHour = 60 * kMsPerMinute;
constexpr std::int64_t kMsPerDay = 24 * kMsPerHour;

// Days since 1970-01-01 of a proleptic Gregorian civil date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` ASCII digits at `pos`, advancing it; false when they are not all digits.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char c) {
  if (pos >= s.size() || s[pos] != c) return false;
  ++pos;
  return true;
}

// Range of a calendar-only value: from the first day covered to the end of the last one.
DateRange day_range(int y, unsigned m_lo, unsigned d_lo, unsigned m_hi, unsigned d_hi) {
  return {days_from_civil(y, m_lo, d_lo) * kMsPerDay,
          (days_from_civil(y, m_hi, d_hi) + 1) * kMsPerDay - 1};
}

}  // namespace

// FHIR R4 §2.24.0 (datatypes): date = YYYY(-MM(-DD)); dateTime adds Thh:mm:ss(.s+)(Z|±hh:mm);
// instant is a dateTime with seconds and zone. The regexes allow year 0001–9999, hour 00–23,
// second 60 (leap second) and offsets up to ±14:00. Minutes-only times are accepted leniently.
std::optional<DateRange> parse_date_range(std::string_view s) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!read_digits(s, pos, 4, year) || year < 1) return std::nullopt;
  if (pos == s.size()) return day_range(year, 1, 1, 12, 31);

  if (!expect(s, pos, '-') || !read_digits(s, pos, 2, month) || month < 1 || month > 12) {
    return std::nullopt;
  }
  const unsigned um = static_cast<unsigned>(month);
  if (pos == s.size()) return day_range(year, um, 1, um, days_in_month(year, um));

  if (!expect(s, pos, '-') || !read_digits(s, pos, 2, day) || day < 1 ||
      static_cast<unsigned>(day) > days_in_month(year, um)) {
    return std::nullopt;
  }
  const unsigned ud = static_cast<unsigned>(day);
  if (pos == s.size()) return day_range(year, um, ud, um, ud);

  int hour = 0, minute = 0, second = 0;
  if (!expect(s, pos, 'T') || !read_digits(s, pos, 2, hour) || hour > 23 || !expect(s, pos, ':') ||
      !read_digits(s, pos, 2, minute) || minute > 59) {
    return std::nullopt;
  }
  std::int64_t width = kMsPerMinute;  // how much time the written precision covers
  std::int64_t ms = 0;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!read_digits(s, pos, 2, second) || second > 60) return std::nullopt;
    width = kMsPerSecond;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      std::size_t digits = 0;
      std::int64_t scale = 100;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 3) {
          ms += (s[pos] - '0') * scale;
          scale /= 10;
        }
        ++digits;
        ++pos;
      }
      if (digits == 0) return std::nullopt;
      width = digits >= 3 ? 1 : (digits == 1 ? 100 : 10);
    }
  }

  std::int64_t offset_ms = 0;
  if (pos < s.size()) {
    char z = s[pos++];
    if (z == 'Z') {
      // UTC
    } else if (z == '+' || z == '-') {
      int oh = 0, om = 0;
      if (!read_digits(s, pos, 2, oh) || !expect(s, pos, ':') || !read_digits(s, pos, 2, om) ||
          om > 59 || oh > 14 || (oh == 14 && om != 0)) {
        return std::nullopt;
      }
      offset_ms = (oh * kMsPerHour + om * kMsPerMinute) * (z == '-' ? -1 : 1);
    } else {
      return std::nullopt;
    }
  }
  if (pos != s.size()) return std::nullopt;

  // A leap second (:60) is folded into the last millisecond of its minute: the range stays
  // inside the minute the value names.
  std::int64_t lo = days_from_civil(year, um, ud) * kMsPerDay + hour * kMsPerHour +
                    minute * kMsPerMinute - offset_ms;
  if (second == 60) {
    lo += kMsPerMinute - 1;
    return DateRange{lo, lo};
  }
  lo += second * kMsPerSecond + ms;
  return DateRange{lo, lo + width - 1};
}

}  // namespace ember::fhir
