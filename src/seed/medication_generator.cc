#include "seed/medication_generator.h"

#include <vector>

#include "seed/fhir_json.h"

namespace ember::seed {

namespace {

std::vector<const MedicationSpec*> treatments_for(const ConditionSpec& condition) {
  std::vector<const MedicationSpec*> out;
  for (const auto& m : medications()) {
    if (m.treats & condition.traits) out.push_back(&m);
  }
  return out;
}

bj::object dosage(const MedicationSpec& m) {
  const bool inhaled = m.form.code.empty();
  bj::object repeat{
      {"frequency", m.frequency}, {"period", m.period}, {"periodUnit", m.period_unit}};
  bj::object d{
      {"sequence", 1},
      {"text", m.dosage_text},
      {"timing", {{"repeat", std::move(repeat)}}},
      {"asNeededBoolean", m.as_needed},
      {"route", codeable(inhaled ? Code{cs::kSnomed, "447694001",
                                        "Respiratory tract route (qualifier value)"}
                                 : Code{cs::kSnomed, "26643006", "Oral route (qualifier value)"})}};
  return d;
}

void emit_request(const PatientPlan& plan, const ConditionPlan& c, const MedicationSpec& m, int n,
                  Emitter& out) {
  const EncounterPlan& e = plan.encounters[c.encounter];
  const bool active = m.long_term || c.spec->chronic || e.in_progress;
  auto r = resource("MedicationRequest", plan.record_id("mrx", n));
  r["status"] = active ? "active" : "completed";
  r["intent"] = "order";
  r["category"] = one(codeable({"http://terminology.hl7.org/CodeSystem/medicationrequest-category",
                                e.kind == EncounterKind::kInpatient ? "inpatient" : "outpatient",
                                e.kind == EncounterKind::kInpatient ? "Inpatient" : "Outpatient"}));
  if (m.resource_id.empty()) {
    r["medicationCodeableConcept"] = codeable(m.code);
  } else {
    r["medicationReference"] = reference("Medication", m.resource_id, m.code.display);
  }
  r["subject"] = reference("Patient", plan.id, plan.name);
  r["encounter"] = reference("Encounter", e.id);
  r["authoredOn"] = e.start_text;
  r["requester"] = reference("Practitioner", e.practitioner->id, e.practitioner->name);
  r["reasonReference"] = one(reference("Condition", c.id));
  r["dosageInstruction"] = one(dosage(m));
  bj::object supply{
      {"value", m.long_term ? 90 : 10}, {"unit", "days"}, {"system", cs::kUcum}, {"code", "d"}};
  r["dispenseRequest"] = {{"numberOfRepeatsAllowed", m.long_term ? 3 : 0},
                          {"expectedSupplyDuration", std::move(supply)}};
  out.emit(std::move(r));
}

}  // namespace

void emit_medication_requests(const PatientPlan& plan, Prng& prng, Emitter& out) {
  int n = 0;
  for (const auto& c : plan.conditions) {
    const auto options = treatments_for(*c.spec);
    if (options.empty()) continue;
    const bool forced = plan.alice && n == 0;
    if (!forced && !prng.percent(c.spec->chronic ? 85 : 75)) continue;
    // Alice's first prescription is lisinopril (options[0] for hypertension).
    const std::size_t first = forced ? 0 : prng.index(options.size());
    emit_request(plan, c, *options[first], ++n, out);
    if (c.spec->chronic && options.size() > 1 && prng.percent(20)) {
      const std::size_t second = (first + 1 + prng.index(options.size() - 1)) % options.size();
      emit_request(plan, c, *options[second], ++n, out);
    }
  }
}

}  // namespace ember::seed
