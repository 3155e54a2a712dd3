#include "seed/dates.h"

namespace ember::seed {

namespace {

void put2(std::string& out, int v) {
  out.push_back(static_cast<char>('0' + v / 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

void put4(std::string& out, int v) {
  put2(out, v / 100);
  put2(out, v % 100);
}

void append_date(std::string& out, std::int64_t day) {
  const CivilDate c = civil_from_days(day);
  put4(out, c.year);
  out.push_back('-');
  put2(out, c.month);
  out.push_back('-');
  put2(out, c.day);
}

}  // namespace

CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const auto y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2));
  return CivilDate{y, static_cast<int>(m), static_cast<int>(d)};
}

Moment Moment::plus_minutes(int minutes) const {
  std::int64_t total = static_cast<std::int64_t>(minute) + minutes;
  std::int64_t days = total / 1440;
  if (total % 1440 < 0) --days;
  return Moment{day + days, static_cast<int>(total - days * 1440)};
}

std::string format_date(std::int64_t day) {
  std::string out;
  out.reserve(10);
  append_date(out, day);
  return out;
}

std::string format_datetime(Moment moment) {
  const Moment m = moment.plus_minutes(0);
  std::string out;
  out.reserve(25);
  append_date(out, m.day);
  out.push_back('T');
  put2(out, m.minute / 60);
  out.push_back(':');
  put2(out, m.minute % 60);
  out += ":00-05:00";
  return out;
}

int age_on(std::int64_t birth_day, std::int64_t on_day) {
  const CivilDate b = civil_from_days(birth_day);
  const CivilDate o = civil_from_days(on_day);
  int age = o.year - b.year;
  if (o.month < b.month || (o.month == b.month && o.day < b.day)) --age;
  return age;
}

}  // namespace ember::seed
