#include "seed/encounter_generator.h"

#include <algorithm>

#include "seed/fhir_json.h"

namespace ember::seed {

namespace {

constexpr int kLookbackDays = 5 * 365;

void plan_ambulatory(EncounterPlan& e, const PatientPlan& plan, int age, Prng& prng,
                     const Directory& directory) {
  e.kind = EncounterKind::kAmbulatory;
  if ((plan.traits & trait::kCardiac) && prng.percent(40)) {
    e.type = code::kConsultation;
    e.practitioner = &directory.pick(Specialty::kCardiology, prng);
  } else {
    const int r = prng.uniform(0, 99);
    if (r < 40) {
      e.type = age < 18 ? code::kWellChild : code::kCheckUp;
    } else if (r < 65 && plan.traits != 0) {
      e.type = code::kFollowUp;
    } else {
      e.type = code::kSymptomVisit;
    }
    e.practitioner = plan.gp;
    if (e.type == code::kSymptomVisit && !plan.alice && prng.percent(35)) {
      e.practitioner =
          &directory.pick(age < 18 ? Specialty::kPediatrics : Specialty::kFamilyMedicine, prng);
    }
  }
  e.organization_id = e.practitioner->organization_id;
  e.location_id = e.practitioner->location_id;
  if (e.organization_id == kClinicId && prng.percent(60)) {
    e.nurse = &directory.find(kNurseLeePractitionerId);
  }
  e.start = Moment{e.start.day, prng.uniform(16, 33) * 30};  // 08:00–16:30
  e.end = e.start.plus_minutes(prng.uniform(1, 4) * 15);
}

void plan_hospital(EncounterPlan& e, bool inpatient, Prng& prng, const Directory& directory) {
  e.kind = inpatient ? EncounterKind::kInpatient : EncounterKind::kEmergency;
  e.type = inpatient ? code::kHospitalAdmission : code::kEmergencyVisit;
  e.practitioner =
      &directory.pick(inpatient ? Specialty::kHospitalist : Specialty::kEmergency, prng);
  e.nurse = &directory.pick(Specialty::kNursing, kHospitalId, prng);
  e.organization_id = kHospitalId;
  e.location_id = inpatient ? kWardLocationId : kEmergencyLocationId;
  e.start = Moment{e.start.day, prng.uniform(0, 1439)};
  e.end = e.start.plus_minutes(inpatient ? prng.uniform(2, 6) * 1440 + prng.uniform(-240, 240)
                                         : prng.uniform(90, 480));
}

const Code& class_code(EncounterKind kind) {
  switch (kind) {
    case EncounterKind::kEmergency:
      return code::kEmergency;
    case EncounterKind::kInpatient:
      return code::kInpatient;
    case EncounterKind::kAmbulatory:
      break;
  }
  return code::kAmbulatory;
}

bj::object participant(const StaffMember& who, std::string_view type, std::string_view display,
                       const EncounterPlan& e) {
  bj::object p;
  p["type"] = one(codeable({cs::kParticipationType, type, display}));
  p["period"] = period(e.start_text, e.end_text);
  p["individual"] = reference("Practitioner", who.id, who.name);
  return p;
}

}  // namespace

void plan_encounters(PatientPlan& plan, Prng& prng, const Directory& directory) {
  const int count = plan.alice ? std::max(3, prng.uniform(2, 6)) : prng.uniform(2, 6);
  const std::int64_t first = std::max(plan.birth_day + 14, kReferenceDay - kLookbackDays);
  const std::int64_t span = kReferenceDay - first;  // >= 351: patients are at least one year old
  const bool last_in_progress = prng.percent(8);
  plan.encounters.resize(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    EncounterPlan& e = plan.encounters[static_cast<std::size_t>(i)];
    e.id = plan.record_id("enc", i + 1);
    // One visit per equal slice of the window keeps them ordered and on distinct days.
    const std::int64_t from = first + span * i / count;
    const std::int64_t to = first + span * (i + 1) / count - 1;
    e.start.day = from + prng.uniform(0, static_cast<int>(to - from));
    const int age = plan.age_at(e.start.day);
    const int kind = (plan.alice && i == 0) ? 0 : prng.uniform(0, 99);
    if (kind < 75) {
      plan_ambulatory(e, plan, age, prng, directory);
    } else {
      plan_hospital(e, kind >= 90, prng, directory);
    }
    e.labs = (plan.alice && i == 0) || prng.percent(e.kind == EncounterKind::kInpatient ? 90 : 45);
    if (i == count - 1 && last_in_progress && e.kind != EncounterKind::kInpatient) {
      e.in_progress = true;
      e.start = Moment{kReferenceDay, prng.uniform(16, 20) * 30};
    }
    e.start_text = format_datetime(e.start);
    if (!e.in_progress) e.end_text = format_datetime(e.end);
  }
}

void emit_encounters(const PatientPlan& plan, Emitter& out) {
  for (std::size_t i = 0; i < plan.encounters.size(); ++i) {
    const EncounterPlan& e = plan.encounters[i];
    auto r = resource("Encounter", e.id);
    r["status"] = e.in_progress ? "in-progress" : "finished";
    r["class"] = coding(class_code(e.kind));
    r["type"] = one(codeable(e.type));
    r["subject"] = reference("Patient", plan.id, plan.name);
    bj::array participants;
    participants.push_back(participant(*e.practitioner, "PPRF", "primary performer", e));
    if (e.nurse) participants.push_back(participant(*e.nurse, "PART", "Participation", e));
    r["participant"] = std::move(participants);
    r["period"] = period(e.start_text, e.end_text);
    bj::array reasons;
    for (const auto& c : plan.conditions) {
      if (c.encounter == i && !c.spec->chronic) reasons.push_back(codeable(c.spec->code));
    }
    if (reasons.empty() && e.type == code::kFollowUp) {
      for (const auto& c : plan.conditions) {
        if (c.spec->chronic && c.encounter < i) {
          reasons.push_back(codeable(c.spec->code));
          break;
        }
      }
    }
    if (!reasons.empty()) r["reasonCode"] = std::move(reasons);
    if (e.kind == EncounterKind::kInpatient) {
      r["hospitalization"] = {
          {"admitSource", codeable({"http://terminology.hl7.org/CodeSystem/admit-source", "emd",
                                    "From accident/emergency department"})},
          {"dischargeDisposition",
           codeable(
               {"http://terminology.hl7.org/CodeSystem/discharge-disposition", "home", "Home"})}};
    }
    bj::object location{{"location", reference("Location", e.location_id)},
                        {"status", e.in_progress ? "active" : "completed"}};
    r["location"] = one(std::move(location));
    r["serviceProvider"] = reference("Organization", e.organization_id);
    out.emit(std::move(r));
  }
}

}  // namespace ember::seed
