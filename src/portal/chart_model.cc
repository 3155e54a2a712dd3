// Turns FHIR resource JSON into the chart's rows (chart_model.h). Lenient by design: a field
// that is missing or of an unexpected shape becomes an empty cell, never an error, because the
// chart must show whatever the record holds.
#include "portal/chart_model.h"

#include <array>
#include <map>
#include <optional>

#include "fhir/ingest.h"
#include "fhir/patient_summary.h"
#include "json/exact.h"

namespace ember::portal {

namespace {

constexpr std::string_view kLoinc = "http://loinc.org";

std::string str(const bj::object& o, std::string_view key) {
  auto v = json::get_string(o, key);
  return v ? std::string(*v) : std::string();
}

const bj::object* obj(const bj::object& o, std::string_view key) {
  const bj::value* v = json::find(o, key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

// The first element of an array field, or nullptr.
const bj::value* first(const bj::object& o, std::string_view key) {
  const bj::value* v = json::find(o, key);
  if (!v || !v->is_array() || v->get_array().empty()) return nullptr;
  return &v->get_array()[0];
}

std::string date_part(std::string_view date_time) {
  return std::string(date_time.substr(0, std::min<std::size_t>(10, date_time.size())));
}

// "in-progress" → "In progress", "high" → "High": FHIR codes as words.
std::string code_label(std::string s) {
  for (char& c : s) {
    if (c == '-' || c == '_') c = ' ';
  }
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// The first code of a CodeableConcept in `system`, or "".
std::string code_in(const bj::value* codeable, std::string_view system) {
  if (!codeable || !codeable->is_object()) return "";
  const bj::value* codings = json::find(codeable->get_object(), "coding");
  if (!codings || !codings->is_array()) return "";
  for (const auto& c : codings->get_array()) {
    if (!c.is_object()) continue;
    if (system.empty() || json::get_string(c.get_object(), "system") == system) {
      return str(c.get_object(), "code");
    }
  }
  return "";
}

// "71/min", "6.0%", but "72.5 kg".
std::string with_unit(const std::string& number, const std::string& unit) {
  if (unit.empty()) return number;
  return unit.starts_with('/') || unit == "%" ? number + unit : number + " " + unit;
}

// A Quantity as "72.5 kg" with its exact number text; "" without a value.
std::string quantity_text(const bj::object* q) {
  if (!q) return "";
  const bj::value* v = json::find(*q, "value");
  auto number = v ? json::number_text(*v) : std::nullopt;
  if (!number) return "";
  std::string unit = str(*q, "unit");
  if (unit.empty()) unit = str(*q, "code");
  return with_unit(*number, display_unit(unit));
}

std::optional<double> quantity_value(const bj::object* q) {
  if (!q) return std::nullopt;
  const bj::value* v = json::find(*q, "value");
  return v ? json::as_double(*v) : std::nullopt;
}

std::string quantity_number(const bj::object* q) {
  if (!q) return "";
  const bj::value* v = json::find(*q, "value");
  auto number = v ? json::number_text(*v) : std::nullopt;
  return number ? *number : "";
}

std::string effective_date(const bj::object& obs) {
  std::string d = str(obs, "effectiveDateTime");
  if (d.empty()) {
    if (const bj::object* p = obj(obs, "effectivePeriod")) d = str(*p, "start");
  }
  if (d.empty()) d = str(obs, "issued");
  return date_part(d);
}

// What an Observation's value says, with its unit.
std::string value_text(const bj::object& obs) {
  if (auto q = quantity_text(obj(obs, "valueQuantity")); !q.empty()) return q;
  if (auto s = str(obs, "valueString"); !s.empty()) return s;
  if (const bj::value* cc = json::find(obs, "valueCodeableConcept")) return concept_text(cc);
  return "";
}

// A component's Quantity by LOINC code (blood pressure's systolic and diastolic parts).
const bj::object* component_quantity(const bj::object& obs, std::string_view loinc) {
  const bj::value* comps = json::find(obs, "component");
  if (!comps || !comps->is_array()) return nullptr;
  for (const auto& c : comps->get_array()) {
    if (!c.is_object()) continue;
    if (code_in(json::find(c.get_object(), "code"), kLoinc) == loinc) {
      return obj(c.get_object(), "valueQuantity");
    }
  }
  return nullptr;
}

struct VitalKind {
  std::array<std::string_view, 2> loinc;  // second is "" unless two codes mean the same kind
  std::string_view label;
};

// The order a clinician reads vital signs in.
constexpr std::array<VitalKind, 8> kVitalKinds{{
    {{"85354-9", "55284-4"}, "Blood pressure"},
    {{"8867-4", ""}, "Heart rate"},
    {{"9279-1", ""}, "Respiratory rate"},
    {{"8310-5", ""}, "Body temperature"},
    {{"59408-5", "2708-6"}, "Oxygen saturation (SpO2)"},
    {{"29463-7", ""}, "Body weight"},
    {{"8302-2", ""}, "Body height"},
    {{"39156-5", ""}, "Body mass index"},
}};
constexpr std::size_t kBloodPressureKind = 0;
constexpr std::size_t kWeightKind = 5;
constexpr std::string_view kSystolic = "8480-6";
constexpr std::string_view kDiastolic = "8462-4";

// Index into kVitalKinds, or kVitalKinds.size() for another kind.
std::size_t vital_kind(std::string_view loinc) {
  for (std::size_t i = 0; i < kVitalKinds.size(); ++i) {
    for (auto code : kVitalKinds[i].loinc) {
      if (!code.empty() && code == loinc) return i;
    }
  }
  return kVitalKinds.size();
}

bool is_abnormal_flag(std::string_view code) {
  static constexpr std::array<std::string_view, 10> kAbnormal{"H",  "HH", "L",  "LL", "A",
                                                              "AA", "HU", "LU", ">",  "<"};
  for (auto c : kAbnormal) {
    if (c == code) return true;
  }
  return false;
}

}  // namespace

std::string safe_next(std::string_view next) {
  constexpr std::string_view kHome = "/ehr";
  if (next.size() > 2048) return std::string(kHome);
  // Only "/ehr" itself or a path below it ("/ehr/…", "/ehr?…"): never "//host", "/ehrx".
  const bool under_ehr = next == kHome || next.starts_with("/ehr/") || next.starts_with("/ehr?");
  if (!under_ehr) return std::string(kHome);
  for (const char c : next) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || u < 0x20 || u == 0x7f) return std::string(kHome);
  }
  if (next.find("//") != std::string_view::npos) return std::string(kHome);
  return std::string(next);
}

std::string patient_id_of(std::string_view fhir_user) {
  constexpr std::string_view kPrefix = "Patient/";
  if (!fhir_user.starts_with(kPrefix)) return "";
  auto id = fhir_user.substr(kPrefix.size());
  return fhir::is_valid_id(id) ? std::string(id) : std::string();
}


std::string without_semantic_tag(std::string text) {
  // SNOMED CT fully specified names end in a semantic tag: "Urticaria (disorder)".
  static constexpr std::array<std::string_view, 12> kTags{
      " (disorder)", " (finding)",        " (procedure)",  " (substance)",
      " (qualifier value)", " (observable entity)", " (situation)", " (event)",
      " (regime/therapy)",  " (physical object)",   " (organism)",  " (product)"};
  for (auto tag : kTags) {
    if (text.size() > tag.size() && text.ends_with(tag)) {
      text.resize(text.size() - tag.size());
      break;
    }
  }
  return text;
}

std::string concept_text(const bj::value* codeable) {
  if (!codeable || !codeable->is_object()) return "";
  const auto& cc = codeable->get_object();
  if (auto t = str(cc, "text"); !t.empty()) return without_semantic_tag(std::move(t));
  const bj::value* codings = json::find(cc, "coding");
  if (!codings || !codings->is_array()) return "";
  for (const auto& c : codings->get_array()) {
    if (c.is_object()) {
      if (auto d = str(c.get_object(), "display"); !d.empty()) return without_semantic_tag(d);
    }
  }
  for (const auto& c : codings->get_array()) {
    if (c.is_object()) {
      if (auto code = str(c.get_object(), "code"); !code.empty()) return code;
    }
  }
  return "";
}

bool day_number(std::string_view date, std::int64_t& days) {
  if (date.size() < 10 || date[4] != '-' || date[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8}, lens[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t i = 0; i < lens[p]; ++i) {
      const char c = date[starts[p] + i];
      if (c < '0' || c > '9') return false;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{parts[0]},
                                        std::chrono::month{static_cast<unsigned>(parts[1])},
                                        std::chrono::day{static_cast<unsigned>(parts[2])}};
  if (!ymd.ok()) return false;
  days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return true;
}

std::string age_text(std::string_view birth_date, std::chrono::year_month_day today) {
  std::int64_t born = 0;
  if (!day_number(birth_date, born)) return "";
  const std::chrono::year_month_day b{std::chrono::sys_days{std::chrono::days{born}}};
  int months = (static_cast<int>(today.year()) - static_cast<int>(b.year())) * 12 +
               (static_cast<int>(static_cast<unsigned>(today.month())) -
                static_cast<int>(static_cast<unsigned>(b.month())));
  if (today.day() < b.day()) --months;
  if (months < 0) return "";
  if (months < 24) return std::to_string(months) + " mo";
  return std::to_string(months / 12) + " y";
}

ehr::PatientRow patient_row(const std::string& id, const bj::object& patient) {
  return {id, human_name(patient), str(patient, "birthDate"), str(patient, "gender"),
          mrn_of(patient)};
}

ehr::PatientBanner patient_banner(const std::string& id, const bj::object& patient,
                                  std::chrono::year_month_day today) {
  ehr::PatientBanner b;
  b.id = id;
  b.name = human_name(patient);
  b.birth_date = str(patient, "birthDate");
  b.age = age_text(b.birth_date, today);
  b.gender = str(patient, "gender");
  b.mrn = mrn_of(patient);
  return b;
}

ehr::EncounterRow encounter_row(const std::string& id, const bj::object& encounter) {
  ehr::EncounterRow r;
  r.id = id;
  if (const bj::object* p = obj(encounter, "period")) r.date = date_part(str(*p, "start"));
  r.type = concept_text(first(encounter, "type"));
  if (r.type.empty()) {
    if (const bj::object* cls = obj(encounter, "class")) r.type = str(*cls, "display");
  }
  if (r.type.empty()) r.type = "Encounter";
  r.status = code_label(str(encounter, "status"));
  if (const bj::value* reasons = json::find(encounter, "reasonCode");
      reasons && reasons->is_array()) {
    for (const auto& reason : reasons->get_array()) {
      const std::string text = concept_text(&reason);
      if (!text.empty()) r.reason += (r.reason.empty() ? "" : "; ") + text;
    }
  }
  return r;
}

ehr::ProblemRow problem_row(const bj::object& condition) {
  ehr::ProblemRow r;
  r.name = concept_text(json::find(condition, "code"));
  if (r.name.empty()) r.name = "(unnamed condition)";
  r.clinical_status = concept_text(json::find(condition, "clinicalStatus"));
  if (r.clinical_status.empty()) r.clinical_status = "—";
  std::string onset = str(condition, "onsetDateTime");
  if (onset.empty()) {
    if (const bj::object* p = obj(condition, "onsetPeriod")) onset = str(*p, "start");
  }
  r.onset = onset.empty() ? str(condition, "onsetString") : date_part(onset);
  return r;
}

ehr::MedicationRow medication_row(const bj::object& request) {
  ehr::MedicationRow r;
  r.medication = concept_text(json::find(request, "medicationCodeableConcept"));
  if (r.medication.empty()) {
    if (const bj::object* ref = obj(request, "medicationReference")) {
      r.medication = str(*ref, "display");
      if (r.medication.empty()) r.medication = str(*ref, "reference");
    }
  }
  if (r.medication.empty()) r.medication = "(unnamed medication)";
  if (const bj::value* d = first(request, "dosageInstruction"); d && d->is_object()) {
    r.dosage = str(d->get_object(), "text");
  }
  r.status = code_label(str(request, "status"));
  r.authored = date_part(str(request, "authoredOn"));
  return r;
}

ehr::AllergyRow allergy_row(const bj::object& allergy) {
  ehr::AllergyRow r;
  r.substance = concept_text(json::find(allergy, "code"));
  if (r.substance.empty()) r.substance = "(unnamed substance)";
  r.criticality = code_label(str(allergy, "criticality"));
  if (const bj::value* reaction = first(allergy, "reaction"); reaction && reaction->is_object()) {
    const auto& re = reaction->get_object();
    if (const bj::value* m = json::find(re, "manifestation"); m && m->is_array()) {
      for (const auto& manifestation : m->get_array()) {
        const std::string text = concept_text(&manifestation);
        if (!text.empty()) r.reaction += (r.reaction.empty() ? "" : ", ") + text;
      }
    }
    if (auto severity = str(re, "severity"); !severity.empty()) {
      r.reaction += (r.reaction.empty() ? code_label(severity) : " (" + severity + ")");
    }
  }
  return r;
}

bool allergy_is_active(const bj::object& allergy) {
  const std::string clinical = code_in(json::find(allergy, "clinicalStatus"), "");
  const std::string verification = code_in(json::find(allergy, "verificationStatus"), "");
  if (verification == "refuted" || verification == "entered-in-error") return false;
  return clinical.empty() || clinical == "active";
}

ehr::LabRow lab_row(const bj::object& observation) {
  ehr::LabRow r;
  r.test = concept_text(json::find(observation, "code"));
  if (r.test.empty()) r.test = "(unnamed test)";
  r.value = value_text(observation);
  if (const bj::value* range = first(observation, "referenceRange"); range && range->is_object()) {
    const auto& rr = range->get_object();
    const bj::object* low = obj(rr, "low");
    const bj::object* high = obj(rr, "high");
    const std::string lo = quantity_number(low), hi = quantity_number(high);
    std::string unit = high ? str(*high, "unit") : "";
    if (unit.empty() && low) unit = str(*low, "unit");
    unit = display_unit(unit);
    if (!lo.empty() && !hi.empty()) {
      r.range = with_unit(lo + "–" + hi, unit);
    } else if (!lo.empty()) {
      r.range = "≥ " + with_unit(lo, unit);
    } else if (!hi.empty()) {
      r.range = "≤ " + with_unit(hi, unit);
    }
    if (r.range.empty()) r.range = str(rr, "text");
  }
  const bj::value* interp = first(observation, "interpretation");
  r.interpretation = concept_text(interp);
  r.abnormal = is_abnormal_flag(code_in(interp, ""));
  r.date = effective_date(observation);
  return r;
}

VitalsSummary summarize_vitals(const std::vector<bj::object>& newest_first) {
  VitalsSummary out;
  // Latest per kind: known kinds by index, others by their label (in order of appearance).
  std::map<std::size_t, ehr::VitalRow> known;
  std::vector<ehr::VitalRow> others;
  ehr::VitalTrend weight{"Body weight", "kg", {}, {}, {{"Weight", {}}}};
  ehr::VitalTrend bp{"Blood pressure", "mmHg", {}, {}, {{"Systolic", {}}, {"Diastolic", {}}}};
  const std::size_t kOther = kVitalKinds.size();

  for (auto it = newest_first.rbegin(); it != newest_first.rend(); ++it) {  // oldest first
    const bj::object& obs = *it;
    const std::string status = str(obs, "status");
    if (status == "entered-in-error" || status == "cancelled") continue;
    const bj::value* code = json::find(obs, "code");
    const std::size_t kind = vital_kind(code_in(code, kLoinc));
    const std::string date = effective_date(obs);
    std::string value;
    std::optional<double> systolic, diastolic;
    if (kind == kBloodPressureKind) {
      const bj::object* sys = component_quantity(obs, kSystolic);
      const bj::object* dia = component_quantity(obs, kDiastolic);
      systolic = quantity_value(sys);
      diastolic = quantity_value(dia);
      const std::string s = quantity_number(sys), d = quantity_number(dia);
      if (!s.empty() && !d.empty()) value = s + "/" + d + " mmHg";
    } else {
      value = value_text(obs);
    }
    if (value.empty()) continue;
    // Iterating oldest first, so each later row replaces the earlier one.
    if (kind < kOther) {
      known[kind] = {std::string(kVitalKinds[kind].label), value, date};
    } else {
      std::string label = concept_text(code);
      bool replaced = false;
      for (auto& o : others) {
        if (o.kind == label) {
          o = {label, value, date};
          replaced = true;
        }
      }
      if (!replaced) others.push_back({label, value, date});
    }

    std::int64_t day = 0;
    if (!day_number(date, day)) continue;
    if (kind == kBloodPressureKind && systolic && diastolic) {
      bp.dates.push_back(date);
      bp.days.push_back(day);
      bp.series[0].values.push_back(*systolic);
      bp.series[1].values.push_back(*diastolic);
    } else if (kind == kWeightKind) {
      if (auto v = quantity_value(obj(obs, "valueQuantity"))) {
        weight.dates.push_back(date);
        weight.days.push_back(day);
        weight.series[0].values.push_back(*v);
      }
    }
  }
  for (auto& [kind, row] : known) out.latest.push_back(std::move(row));
  for (auto& row : others) out.latest.push_back(std::move(row));
  // A trend needs at least two points to say anything.
  if (bp.dates.size() >= 2) out.trends.push_back(std::move(bp));
  if (weight.dates.size() >= 2) out.trends.push_back(std::move(weight));
  return out;
}

std::string display_unit(std::string_view ucum) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kUnits{{
      {"Cel", "°C"},
      {"[degF]", "°F"},
      {"mm[Hg]", "mmHg"},
      {"kg/m2", "kg/m²"},
      {"/min", "/min"},
      {"{beats}/min", "/min"},
      {"10*3/uL", "×10³/µL"},
  }};
  for (const auto& [code, text] : kUnits) {
    if (code == ucum) return std::string(text);
  }
  return std::string(ucum);
}

}  // namespace ember::portal
