#include "seed/patient_plan.h"

namespace ember::seed {

std::string padded(int value, int width) {
  std::string digits = std::to_string(value);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
  }
  return digits;
}

std::string PatientPlan::record_id(std::string_view prefix, int n, int width) const {
  std::string id;
  id.reserve(prefix.size() + key.size() + 8);
  id.append(prefix).push_back('-');
  id.append(key).push_back('-');
  id += padded(n, width);
  return id;
}

}  // namespace ember::seed
