// Pure extraction of what the portal's patient list and chart show from FHIR R4 resource JSON
// (Patient, Encounter, Condition, MedicationRequest, AllergyIntolerance, Observation), plus the
// small rules the portal's handlers apply to their input (ids, the post-sign-in redirect).
// No store, clock or request here: the handlers in chart.cc and sign_in.cc feed these functions.
#pragma once
#include <boost/json.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "ehr/chart_views.h"
#include "fhir/patient_summary.h"

namespace ember::portal {

namespace bj = boost::json;

// ---- Input rules ----------------------------------------------------------------------------

// Where to go after signing in: `next` only when it is a path on this server under /ehr
// (no scheme, no "//" authority, no backslash, no control characters); "/ehr" otherwise, so
// the sign-in page is never an open redirect.
std::string safe_next(std::string_view next);

// "Patient/alice" → "alice"; "" when `fhir_user` is not a Patient reference with a valid id.
std::string patient_id_of(std::string_view fhir_user);

// ---- Resource fields ------------------------------------------------------------------------

// A Patient's display name and MRN: the rules shared with the authorization's patient picker.
using fhir::human_name;
using fhir::mrn_of;
// A CodeableConcept's text, else its first coding's display, else its first code; "". A SNOMED
// CT semantic tag ("Urticaria (disorder)") is left out: clinicians read the plain term.
std::string concept_text(const bj::value* codeable);
std::string without_semantic_tag(std::string text);

// Age in completed years ("54 y"), or months under two years ("18 mo"); "" when the birth date
// is missing, malformed or after `today`.
std::string age_text(std::string_view birth_date, std::chrono::year_month_day today);

// Days since 1970-01-01 of a FHIR date or dateTime's date part; false when malformed.
bool day_number(std::string_view date, std::int64_t& days);

// ---- Rows -----------------------------------------------------------------------------------

ehr::PatientRow patient_row(const std::string& id, const bj::object& patient);
ehr::PatientBanner patient_banner(const std::string& id, const bj::object& patient,
                                  std::chrono::year_month_day today);
ehr::EncounterRow encounter_row(const std::string& id, const bj::object& encounter);
ehr::ProblemRow problem_row(const bj::object& condition);
ehr::MedicationRow medication_row(const bj::object& request);
ehr::AllergyRow allergy_row(const bj::object& allergy);
// The banner's allergy flag lists active (or status-less) allergies only.
bool allergy_is_active(const bj::object& allergy);
ehr::LabRow lab_row(const bj::object& observation);

// The latest value of each vital-sign kind (in a fixed clinical order: blood pressure, heart
// rate, respiratory rate, temperature, SpO2, weight, height, BMI, then any other kind) and the
// trends the chart draws (body weight, blood pressure), from observations newest first.
struct VitalsSummary {
  std::vector<ehr::VitalRow> latest;
  std::vector<ehr::VitalTrend> trends;  // oldest first inside each trend
};
VitalsSummary summarize_vitals(const std::vector<bj::object>& newest_first);

// UCUM unit codes as people write them: "Cel" → "°C", "mm[Hg]" → "mmHg", "kg/m2" → "kg/m²".
std::string display_unit(std::string_view ucum);

}  // namespace ember::portal
