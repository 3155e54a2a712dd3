#include "seed/observation_generator.h"

#include <vector>

#include "seed/fhir_json.h"

namespace ember::seed {

namespace {

bj::object observation(PatientPlan& plan, const EncounterPlan& e, const Code& category,
                       const Code& code, const std::string& effective) {
  auto r = resource("Observation", plan.next_observation_id());
  r["status"] = "final";
  r["category"] = one(codeable(category, {}));
  r["code"] = codeable(code);
  r["subject"] = reference("Patient", plan.id, plan.name);
  r["encounter"] = reference("Encounter", e.id);
  r["effectiveDateTime"] = effective;
  return r;
}

bj::array performer_of(const EncounterPlan& e) {
  const StaffMember& who = e.nurse ? *e.nurse : *e.practitioner;
  return one(reference("Practitioner", who.id, who.name));
}

// Typical height in mm at an age, before the person's own factor.
int typical_height_mm(int age, bool female) {
  if (age < 18) return 750 + age * (female ? 56 : 60);
  return female ? 1630 : 1760;
}

struct Vitals {
  int heart_rate;
  int respiratory_rate;
  int temperature_tenths;
  int weight_tenths;  // kg
  int height_tenths;  // cm
  int bmi_tenths;
  int systolic;
  int diastolic;
};

Vitals draw_vitals(const PatientPlan& plan, const EncounterPlan& e, Prng& prng) {
  const int age = plan.age_at(e.start.day);
  const bool female = plan.gender == "female";
  Vitals v{};
  const std::int64_t height_mm =
      static_cast<std::int64_t>(typical_height_mm(age, female)) * plan.height_permille / 1000;
  v.height_tenths = static_cast<int>(height_mm);  // mm = tenths of a cm
  const int bmi = plan.bmi_tenths + prng.uniform(-8, 8);
  // weight (0.1 kg) = bmi * h^2, with h in metres: bmi/10 * (mm/1000)^2 * 10
  v.weight_tenths =
      static_cast<int>(static_cast<std::int64_t>(bmi) * height_mm * height_mm / 1000000);
  v.bmi_tenths = static_cast<int>(
      (static_cast<std::int64_t>(v.weight_tenths) * 1000000 * 10 / (height_mm * height_mm) + 5) /
      10);
  if (age < 5) {
    v.heart_rate = prng.around(85, 130);
    v.respiratory_rate = prng.around(20, 30);
  } else if (age < 13) {
    v.heart_rate = prng.around(70, 110);
    v.respiratory_rate = prng.around(16, 24);
  } else {
    v.heart_rate = prng.around(56, 96);
    v.respiratory_rate = prng.around(12, 20);
  }
  v.temperature_tenths = prng.around(362, 374);
  if (e.kind != EncounterKind::kAmbulatory && prng.percent(20)) {
    v.temperature_tenths = prng.uniform(380, 395);
    v.heart_rate += 15;
  }
  if (age < 13) {
    v.systolic = prng.around(88, 115);
    v.diastolic = prng.around(52, 74);
  } else if (plan.traits & trait::kHypertension) {
    v.systolic = prng.around(128, 162);
    v.diastolic = prng.around(78, 100);
  } else {
    v.systolic = prng.around(104 + age / 5, 128 + age / 5);
    v.diastolic = prng.around(64, 84);
  }
  return v;
}

}  // namespace

void emit_vital_signs(PatientPlan& plan, std::size_t encounter, Prng& prng, Emitter& out) {
  const EncounterPlan& e = plan.encounters[encounter];
  const Vitals v = draw_vitals(plan, e, prng);
  const std::string at = format_datetime(e.start.plus_minutes(5));
  struct Simple {
    const Code& code;
    int value;
    int places;
    const Unit& unit;
  };
  const Simple simple[] = {
      {code::kHeartRate, v.heart_rate, 0, unit::kPerMinute},
      {code::kRespiratoryRate, v.respiratory_rate, 0, unit::kPerMinute},
      {code::kBodyTemperature, v.temperature_tenths, 1, unit::kCelsius},
      {code::kBodyHeight, v.height_tenths, 1, unit::kCentimeter},
      {code::kBodyWeight, v.weight_tenths, 1, unit::kKilogram},
      {code::kBmi, v.bmi_tenths, 1, unit::kBmi},
  };
  for (const auto& s : simple) {
    auto r = observation(plan, e, code::kVitalSigns, s.code, at);
    r["performer"] = performer_of(e);
    r["valueQuantity"] = quantity(s.value, s.places, s.unit);
    out.emit(std::move(r));
  }
  auto bp = observation(plan, e, code::kVitalSigns, code::kBloodPressure, at);
  bp["performer"] = performer_of(e);
  bj::object systolic{{"code", codeable(code::kSystolic)},
                      {"valueQuantity", quantity(v.systolic, 0, unit::kMmHg)}};
  bj::object diastolic{{"code", codeable(code::kDiastolic)},
                       {"valueQuantity", quantity(v.diastolic, 0, unit::kMmHg)}};
  bp["component"] = bj::array{std::move(systolic), std::move(diastolic)};
  out.emit(std::move(bp));
}

namespace {

struct Range {
  int low;
  int high;
};

Range reference_range(const LabSpec& spec, const PatientPlan& plan) {
  if (spec.lab == Lab::kHemoglobin)
    return plan.gender == "female" ? Range{120, 155} : Range{135, 175};
  return {spec.low, spec.high};
}

// A value (scaled like the spec) that is mostly in range, occasionally just outside it, and
// clearly abnormal where the patient's chronic conditions would make it so.
int draw_lab_value(const LabSpec& spec, Range range, std::uint32_t traits, Prng& prng) {
  using namespace trait;  // NOLINT
  switch (spec.lab) {
    case Lab::kGlucose:
      if (traits & kDiabetes) return prng.around(110, 240);
      if (traits & kPrediabetes) return prng.around(96, 125);
      break;
    case Lab::kA1c:
      if (traits & kDiabetes) return prng.around(62, 98);
      if (traits & kPrediabetes) return prng.around(57, 64);
      break;
    case Lab::kCreatinine:
      if (traits & kKidney) return prng.around(150, 320);
      break;
    case Lab::kPotassium:
      if (traits & kKidney) return prng.around(45, 58);
      break;
    case Lab::kHemoglobin:
      if (traits & kAnemia) return prng.around(range.low - 35, range.low - 5);
      break;
    case Lab::kCholesterol:
      if (traits & kHyperlipidemia) return prng.around(205, 290);
      break;
    default:
      break;
  }
  const int margin = (range.high - range.low) / 6 + 1;
  return prng.around(range.low - margin, range.high + margin);
}

const Code& interpret(int value, Range range) {
  if (value < range.low) return code::kLow;
  if (value > range.high) return code::kHigh;
  return code::kNormal;
}

}  // namespace

void emit_labs(PatientPlan& plan, std::size_t encounter, int& reports, Prng& prng, Emitter& out) {
  const EncounterPlan& e = plan.encounters[encounter];
  if (!e.labs) return;
  const int age = plan.age_at(e.start.day);
  const auto all = panels();
  const bool sugar = plan.traits & (trait::kDiabetes | trait::kPrediabetes);
  const bool wanted[] = {
      true,
      plan.alice || prng.percent(70),
      age >= 12 && ((plan.traits & trait::kHyperlipidemia) ? prng.percent(85) : prng.percent(35)),
      sugar ? prng.percent(90) : (age >= 18 && prng.percent(12)),
  };
  const std::string collected = format_datetime(e.start.plus_minutes(20));
  const std::string issued = format_datetime(e.start.plus_minutes(prng.uniform(90, 240)));
  for (std::size_t p = 0; p < all.size(); ++p) {
    if (!wanted[p]) continue;
    bj::array results;
    for (Lab lab : all[p].labs) {
      const LabSpec& spec = lab_spec(lab);
      const Range range = reference_range(spec, plan);
      const int value = draw_lab_value(spec, range, plan.traits, prng);
      auto r = observation(plan, e, code::kLaboratory, spec.code, collected);
      r["issued"] = issued;
      r["performer"] = one(reference("Organization", kHospitalId, "Ember General Hospital"));
      r["valueQuantity"] = quantity(value, spec.places, spec.unit);
      r["interpretation"] = one(codeable(interpret(value, range)));
      r["referenceRange"] = one({{"low", quantity(range.low, spec.places, spec.unit)},
                                 {"high", quantity(range.high, spec.places, spec.unit)}});
      results.push_back(reference("Observation", r.at("id").as_string()));
      out.emit(std::move(r));
    }
    auto report = resource("DiagnosticReport", plan.record_id("rpt", ++reports));
    report["status"] = "final";
    report["category"] = one(codeable(code::kLabService));
    report["code"] = codeable(all[p].code);
    report["subject"] = reference("Patient", plan.id, plan.name);
    report["encounter"] = reference("Encounter", e.id);
    report["effectiveDateTime"] = collected;
    report["issued"] = issued;
    report["performer"] = one(reference("Organization", kHospitalId, "Ember General Hospital"));
    report["resultsInterpreter"] =
        one(reference("Practitioner", e.practitioner->id, e.practitioner->name));
    report["result"] = std::move(results);
    out.emit(std::move(report));
  }
}

void emit_smoking_status(PatientPlan& plan, Prng& prng, Emitter& out) {
  const EncounterPlan& e = plan.encounters.back();
  const auto statuses = smoking_statuses();
  std::size_t status = 0;
  const int r = prng.uniform(0, 99);
  if (!plan.alice && plan.age_at(e.start.day) >= 15)
    status = r < 60 ? 0 : r < 80 ? 1 : r < 92 ? 2 : 3;
  auto obs = observation(plan, e, code::kSocialHistory, code::kSmokingStatus, e.start_text);
  obs["performer"] = one(reference("Practitioner", e.practitioner->id, e.practitioner->name));
  obs["valueCodeableConcept"] = codeable(statuses[status]);
  out.emit(std::move(obs));
}

}  // namespace ember::seed
