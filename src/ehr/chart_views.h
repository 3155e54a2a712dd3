// The clinician-facing pages of the EHR portal: the portal sign-in, the patient list, the patient
// chart (banner, clinical panels, vital-sign trend, Apps panel) and the chart with a launched app
// in its frame. Each page is a pure function of a view model rendered inside the portal layout
// (portal_shell.h); values go in raw and the template engine escapes them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "ehr/portal_shell.h"
#include "ehr/views.h"

namespace ember::ehr {

// ---- Sign-in (/ehr/login) -------------------------------------------------------------------

struct PortalSignInView {
  std::string csrf;      // pre-session CSRF token
  std::string next;      // where to go after signing in ("" = the portal's home)
  std::string username;  // echoed after a failed attempt
  std::string error;     // a calm message, "" when none
  std::vector<DemoAccount> demo_accounts;  // sandbox only
};

std::string render_portal_sign_in(const PortalShell& shell, const PortalSignInView& v);

// ---- Patient list (/ehr/patients) -----------------------------------------------------------

struct PatientRow {
  std::string id;
  std::string name;
  std::string birth_date;  // YYYY-MM-DD or ""
  std::string gender;      // FHIR code, e.g. "female"
  std::string mrn;
};

struct PatientListView {
  std::string query;  // the search box value
  std::vector<PatientRow> patients;
  bool truncated = false;  // the list stopped at its bound; more patients match
};

std::string render_patient_list(const PortalShell& shell, const PatientListView& v);

// ---- Chart (/ehr/patients/{id}) -------------------------------------------------------------

struct PatientBanner {
  std::string id;
  std::string name;
  std::string birth_date;
  std::string age;  // e.g. "54 y", "8 mo"; "" when unknown
  std::string gender;
  std::string mrn;
  std::vector<std::string> allergies;  // substances of active allergies; empty = none known
  // The open encounter, if any ("" = none).
  std::string encounter_id;
  std::string encounter_type;
  std::string encounter_date;
};

struct EncounterRow {
  std::string id;
  std::string date;  // YYYY-MM-DD
  std::string type;
  std::string status;
  std::string reason;
};

struct ProblemRow {
  std::string name;
  std::string clinical_status;  // e.g. "Active", "Resolved"
  std::string onset;
};

struct MedicationRow {
  std::string medication;
  std::string dosage;
  std::string status;
  std::string authored;
};

struct AllergyRow {
  std::string substance;
  std::string criticality;  // e.g. "High"
  std::string reaction;     // e.g. "Hives (moderate)"
};

struct VitalRow {
  std::string kind;   // e.g. "Blood pressure"
  std::string value;  // with its unit, e.g. "128/82 mmHg"
  std::string date;
};

// One line of a trend chart; values align with VitalTrend::dates.
struct TrendSeries {
  std::string label;  // e.g. "Systolic"
  std::vector<double> values;
};

// A vital sign over time, oldest first.
struct VitalTrend {
  std::string title;  // e.g. "Body weight"
  std::string unit;   // e.g. "kg"
  std::vector<std::string> dates;    // YYYY-MM-DD
  std::vector<std::int64_t> days;    // the same dates as days since 1970-01-01 (x axis)
  std::vector<TrendSeries> series;   // one or two lines (blood pressure has two)
};

struct LabRow {
  std::string test;
  std::string value;           // with unit
  std::string range;           // e.g. "70–99 mg/dL", "" when none
  std::string interpretation;  // e.g. "High", "" when none
  bool abnormal = false;       // highlight the row
  std::string date;
};

// An app the chart can launch (registered with a launch URL).
struct LaunchableApp {
  std::string client_id;
  std::string name;
  std::string logo_uri;  // "" = no logo
};

struct ChartView {
  PatientBanner banner;
  std::vector<EncounterRow> encounters;  // newest first
  std::vector<ProblemRow> problems;
  std::vector<MedicationRow> medications;
  std::vector<AllergyRow> allergies;
  std::vector<VitalRow> vitals;  // the latest value of each kind
  std::vector<VitalTrend> trends;
  std::vector<LabRow> labs;  // newest first
  std::vector<LaunchableApp> apps;
  std::string csrf;          // the session's token, for the launch forms
  bool window_mode = false;  // apps open in a new window instead of the chart's frame
};

std::string render_chart(const PortalShell& shell, const ChartView& v);

// ---- The chart with a launched app (POST /ehr/launch) ---------------------------------------

struct AppFrameView {
  PatientBanner banner;
  std::string app_name;
  std::string launch_url;  // the app's launch URL with iss and launch
};

std::string render_app_frame(const PortalShell& shell, const AppFrameView& v);

// ---- Pieces exposed for tests ---------------------------------------------------------------

// The chart's URL for a patient, keeping the open encounter and the app-opening mode.
std::string chart_href(const std::string& patient_id, const std::string& encounter_id,
                       bool window_mode);

// An inline SVG line chart of a trend (presentation attributes only, no style attribute), with
// role="img" and an aria-label that says what it shows. "" when the trend has no points.
std::string render_trend_svg(const VitalTrend& trend);

}  // namespace ember::ehr
