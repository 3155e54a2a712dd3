#include "seed/condition_generator.h"

#include <algorithm>

#include "seed/fhir_json.h"

namespace ember::seed {

namespace {

const ConditionSpec* find_condition(std::string_view snomed_code) {
  for (const auto& c : conditions()) {
    if (c.code.code == snomed_code) return &c;
  }
  return nullptr;
}

bool chosen(const PatientPlan& plan, const ConditionSpec* spec) {
  return std::any_of(plan.conditions.begin(), plan.conditions.end(),
                     [spec](const ConditionPlan& c) { return c.spec == spec; });
}

int weight_for(const ConditionSpec& spec, int age) {
  if (age < spec.min_age || age > spec.max_age) return 0;
  // Chronic disease is rarer in the young and commoner in the old.
  if (spec.chronic && age < 30 && !(spec.traits & (trait::kAsthma | trait::kMood))) {
    return spec.weight / 2;
  }
  if (spec.chronic && age >= 60) return spec.weight * 2;
  return spec.weight;
}

const ConditionSpec* draw_condition(const PatientPlan& plan, Prng& prng) {
  int total = 0;
  for (const auto& c : conditions()) {
    if (!chosen(plan, &c)) total += weight_for(c, plan.age);
  }
  if (total == 0) return nullptr;
  int r = prng.uniform(0, total - 1);
  for (const auto& c : conditions()) {
    if (chosen(plan, &c)) continue;
    r -= weight_for(c, plan.age);
    if (r < 0) return &c;
  }
  return nullptr;
}

void add(PatientPlan& plan, const ConditionSpec* spec) {
  ConditionPlan c;
  c.spec = spec;
  plan.conditions.push_back(c);
  if (spec->chronic) plan.traits |= spec->traits;
}

bj::object status_codeable(std::string_view system, std::string_view code,
                           std::string_view display) {
  return codeable({system, code, display}, {});
}

}  // namespace

void choose_conditions(PatientPlan& plan, Prng& prng) {
  int count = prng.uniform(1, 4);
  if (plan.alice) {
    add(plan, find_condition("59621000"));  // essential hypertension
    add(plan, find_condition("15777000"));  // prediabetes
    count = 2 + prng.uniform(0, 2);
  }
  while (static_cast<int>(plan.conditions.size()) < count) {
    const ConditionSpec* spec = draw_condition(plan, prng);
    if (!spec) break;
    add(plan, spec);
  }
}

void place_conditions(PatientPlan& plan, Prng& prng) {
  const int n = static_cast<int>(plan.encounters.size());
  for (std::size_t i = 0; i < plan.conditions.size(); ++i) {
    ConditionPlan& c = plan.conditions[i];
    c.id = plan.record_id("cond", static_cast<int>(i) + 1);
    if (c.spec->chronic) {
      c.encounter = (plan.alice || prng.percent(50)) ? 0 : prng.index(static_cast<std::size_t>(n));
      const auto& e = plan.encounters[c.encounter];
      c.onset_day = std::max(plan.birth_day + 180, e.start.day - prng.uniform(0, 720));
    } else {
      c.encounter = prng.index(static_cast<std::size_t>(n));
      const auto& e = plan.encounters[c.encounter];
      c.onset_day = std::max(plan.birth_day, e.start.day - prng.uniform(0, 5));
      c.resolved = !e.in_progress && kReferenceDay - e.start.day > 30;
      if (c.resolved) c.abatement_day = e.start.day + prng.uniform(5, 21);
    }
  }
}

void emit_conditions(const PatientPlan& plan, Emitter& out) {
  for (const auto& c : plan.conditions) {
    const auto& e = plan.encounters[c.encounter];
    auto r = resource("Condition", c.id);
    r["clinicalStatus"] =
        status_codeable(cs::kConditionClinical, c.resolved ? "resolved" : "active",
                        c.resolved ? "Resolved" : "Active");
    r["verificationStatus"] = status_codeable(cs::kConditionVerification, "confirmed", "Confirmed");
    r["category"] =
        one(c.spec->chronic
                ? status_codeable(cs::kConditionCategory, "problem-list-item", "Problem List Item")
                : status_codeable(cs::kConditionCategory, "encounter-diagnosis",
                                  "Encounter Diagnosis"));
    r["code"] = codeable(c.spec->code);
    r["subject"] = reference("Patient", plan.id, plan.name);
    r["encounter"] = reference("Encounter", e.id);
    r["onsetDateTime"] = format_date(c.onset_day);
    if (c.resolved) r["abatementDateTime"] = format_date(c.abatement_day);
    r["recordedDate"] = e.start_text;
    r["recorder"] = reference("Practitioner", e.practitioner->id, e.practitioner->name);
    out.emit(std::move(r));
  }
}

}  // namespace ember::seed
