// A small AccessPolicy for the proxy's tests: a set of allowed types (all when empty), and the
// Patient compartment of one patient as the constraint of every compartment type (plus optional
// extra clauses per type), like a patient/ scope of smart/policy.cc.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fhir/policy.h"
#include "fhir/search_params.h"
#include "fhir/search_parser.h"
#include "smart/policy.h"

namespace ember::proxy::testing {

// The Patient compartment clause exactly as smart/policy.cc builds it (empty outside it).
inline store::Clause compartment_clause(std::string_view type, const std::string& pid) {
  auto clauses = smart::compartment_clauses(type, pid);
  return clauses.empty() ? store::Clause{} : clauses.front();
}

class TestPolicy final : public fhir::AccessPolicy {
 public:
  // pid empty = no compartment; types empty = every type allowed.
  explicit TestPolicy(std::string pid, std::set<std::string> types = {}, bool unrestricted = false)
      : pid_(std::move(pid)), types_(std::move(types)), unrestricted_(unrestricted) {}

  // Adds a granular filter (`name=value`, a FHIR search) to `type`.
  TestPolicy& filter(const std::string& type, const std::string& name, const std::string& value) {
    fhir::SearchLimits strict;
    strict.strict = true;
    auto parsed = fhir::parse_search(type, {{name, value}}, strict);
    for (auto& c : parsed->query.all_of) extra_[type].push_back(c);
    return *this;
  }

  Result<void, fhir::FhirError> allow(fhir::Interaction, std::string_view type) const override {
    if (types_.empty() || types_.contains(std::string(type))) return {};
    fhir::FhirError e = fhir::forbidden("needs a scope on " + std::string(type));
    e.www_authenticate = "Bearer error=\"insufficient_scope\"";
    return fail(e);
  }
  std::vector<store::Clause> constraints(fhir::Interaction, std::string_view type) const override {
    std::vector<store::Clause> out;
    if (!pid_.empty() && !fhir::patient_compartment_params(type).empty()) {
      out.push_back(compartment_clause(type, pid_));
    }
    if (auto it = extra_.find(std::string(type)); it != extra_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
    }
    return out;
  }
  bool unrestricted() const override { return unrestricted_; }

 private:
  std::string pid_;
  std::set<std::string> types_;
  bool unrestricted_;
  std::map<std::string, std::vector<store::Clause>> extra_;
};

}  // namespace ember::proxy::testing
