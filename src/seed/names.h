// Name and address tables for synthetic people: given names by gender, family names (some with
// accents, so clients meet non-ASCII text), and US cities with plausible states, ZIP prefixes and
// area codes. Phone numbers use the fictional 555-01xx range.
#pragma once
#include <span>
#include <string_view>

namespace ember::seed {

struct City {
  std::string_view name;
  std::string_view state;       // USPS code
  std::string_view zip_prefix;  // first three digits
  std::string_view area_code;
};

std::span<const std::string_view> female_given_names();
std::span<const std::string_view> male_given_names();
std::span<const std::string_view> family_names();
std::span<const std::string_view> street_names();
std::span<const std::string_view> street_suffixes();
std::span<const City> cities();

}  // namespace ember::seed
