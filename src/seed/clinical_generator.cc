#include "seed/clinical_generator.h"

#include <algorithm>
#include <vector>

#include "seed/fhir_json.h"

namespace ember::seed {

namespace {

const ConditionPlan* diagnosed_at(const PatientPlan& plan, std::size_t encounter) {
  for (const auto& c : plan.conditions) {
    if (c.encounter == encounter) return &c;
  }
  return nullptr;
}

std::vector<const ProcedureSpec*> procedure_candidates(const PatientPlan& plan,
                                                       const EncounterPlan& e, int age) {
  std::vector<const ProcedureSpec*> out;
  for (const auto& p : procedures()) {
    if (p.kind != e.kind || age < p.min_age) continue;
    if (p.traits != 0 && (p.traits & plan.traits) == 0) continue;
    out.push_back(&p);
  }
  return out;
}

bool is_influenza(const VaccineSpec& v) {
  return v.code.code == "140" || v.code.code == "150";
}

}  // namespace

void emit_procedures(const PatientPlan& plan, std::size_t encounter, ClinicalCounters& counters,
                     Prng& prng, Emitter& out) {
  const EncounterPlan& e = plan.encounters[encounter];
  const bool forced = plan.alice && encounter == 0;
  const int chance = e.kind == EncounterKind::kAmbulatory  ? 35
                     : e.kind == EncounterKind::kEmergency ? 60
                                                           : 85;
  if (!forced && !prng.percent(chance)) return;
  const auto candidates = procedure_candidates(plan, e, plan.age_at(e.start.day));
  if (candidates.empty()) return;
  const ProcedureSpec& spec = forced ? procedures()[0] : *candidates[prng.index(candidates.size())];

  auto r = resource("Procedure", plan.record_id("proc", ++counters.procedures));
  r["status"] = e.in_progress ? "in-progress" : "completed";
  r["code"] = codeable(spec.code);
  r["subject"] = reference("Patient", plan.id, plan.name);
  r["encounter"] = reference("Encounter", e.id);
  const Moment start = e.start.plus_minutes(e.kind == EncounterKind::kInpatient ? 180 : 10);
  if (spec.duration_minutes > 60) {
    r["performedPeriod"] =
        period(format_datetime(start),
               e.in_progress ? "" : format_datetime(start.plus_minutes(spec.duration_minutes)));
  } else {
    r["performedDateTime"] = format_datetime(start);
  }
  bj::object performer{
      {"actor", reference("Practitioner", e.practitioner->id, e.practitioner->name)}};
  r["performer"] = one(std::move(performer));
  r["location"] = reference("Location", e.location_id);
  if (const ConditionPlan* c = diagnosed_at(plan, encounter)) {
    r["reasonReference"] = one(reference("Condition", c->id));
  }
  out.emit(std::move(r));
}

void emit_immunizations(const PatientPlan& plan, std::size_t encounter, ClinicalCounters& counters,
                        Prng& prng, Emitter& out) {
  const EncounterPlan& e = plan.encounters[encounter];
  const bool forced = plan.alice && encounter == 0;
  if (!forced && (e.kind != EncounterKind::kAmbulatory || !prng.percent(40))) return;
  const int age = plan.age_at(e.start.day);
  const auto all = vaccines();
  std::size_t chosen = all.size();
  if (forced) {
    chosen = 1;  // quadrivalent influenza
  } else {
    int total = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const bool given = (counters.vaccines_given >> i) & 1u;
      if (age >= all[i].min_age && age <= all[i].max_age && (!given || is_influenza(all[i]))) {
        total += all[i].weight;
      }
    }
    if (total == 0) return;
    int r = prng.uniform(0, total - 1);
    for (std::size_t i = 0; i < all.size() && chosen == all.size(); ++i) {
      const bool given = (counters.vaccines_given >> i) & 1u;
      if (age < all[i].min_age || age > all[i].max_age || (given && !is_influenza(all[i])))
        continue;
      r -= all[i].weight;
      if (r < 0) chosen = i;
    }
  }
  counters.vaccines_given |= 1u << chosen;

  auto r = resource("Immunization", plan.record_id("imm", ++counters.immunizations));
  r["status"] = "completed";
  r["vaccineCode"] = codeable(all[chosen].code);
  r["patient"] = reference("Patient", plan.id, plan.name);
  r["encounter"] = reference("Encounter", e.id);
  r["occurrenceDateTime"] = format_datetime(e.start.plus_minutes(15));
  r["primarySource"] = true;
  r["location"] = reference("Location", e.location_id);
  r["lotNumber"] = "LOT" + padded(prng.uniform(1000, 99999), 5);
  const bool left = prng.percent(60);
  r["site"] = codeable({"http://terminology.hl7.org/CodeSystem/v3-ActSite", left ? "LA" : "RA",
                        left ? "left arm" : "right arm"});
  r["route"] = codeable({"http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration", "IM",
                         "Injection, intramuscular"});
  r["doseQuantity"] = quantity(5, 1, Unit{"mL", "mL"});
  const StaffMember& who = e.nurse ? *e.nurse : *e.practitioner;
  bj::object performer{{"function", codeable({"http://terminology.hl7.org/CodeSystem/v2-0443", "AP",
                                              "Administering Provider"})},
                       {"actor", reference("Practitioner", who.id, who.name)}};
  r["performer"] = one(std::move(performer));
  out.emit(std::move(r));
}

void emit_allergies(const PatientPlan& plan, Prng& prng, Emitter& out) {
  if (!plan.alice && !prng.percent(40)) return;
  const auto all = allergies();
  std::vector<std::size_t> chosen;
  chosen.push_back(plan.alice ? 0 : prng.index(all.size()));
  if (prng.percent(25)) {
    const std::size_t second = prng.index(all.size());
    if (second != chosen[0]) chosen.push_back(second);
  }
  const EncounterPlan& first = plan.encounters.front();
  for (std::size_t i = 0; i < chosen.size(); ++i) {
    const AllergySpec& spec = all[chosen[i]];
    auto r = resource("AllergyIntolerance", plan.record_id("alg", static_cast<int>(i) + 1));
    r["clinicalStatus"] = codeable({cs::kAllergyClinical, "active", "Active"}, {});
    r["verificationStatus"] = codeable({cs::kAllergyVerification, "confirmed", "Confirmed"}, {});
    r["type"] = spec.type;
    r["category"] = one(bj::string_view(spec.category));
    r["criticality"] = spec.criticality;
    r["code"] = codeable(spec.substance);
    r["patient"] = reference("Patient", plan.id, plan.name);
    r["encounter"] = reference("Encounter", first.id);
    r["onsetDateTime"] =
        format_date(std::max(plan.birth_day + 180, first.start.day - prng.uniform(30, 3650)));
    r["recordedDate"] = first.start_text;
    r["recorder"] = reference("Practitioner", first.practitioner->id, first.practitioner->name);
    bj::object reaction{{"manifestation", one(codeable(spec.manifestation))},
                        {"severity", spec.severity}};
    r["reaction"] = one(std::move(reaction));
    out.emit(std::move(r));
  }
}

}  // namespace ember::seed
