// The server-rendered pages of the sign-in, patient picker, encounter picker and consent steps
// of an authorization (and the error page that never redirects). Each page is a pure function
// of a view model; templates escape every value (kainjow mustache), so handlers pass raw text.
#pragma once
#include <string>
#include <vector>

namespace ember::ehr {

// Hidden fields every form carries: the authorization transaction and the CSRF token.
struct FormState {
  std::string action;  // absolute path the form posts to, e.g. /oauth/authorize/login
  std::string txn;     // opaque id of the pending authorization ("" outside an authorization)
  std::string csrf;    // CSRF token bound to the browser session
};

struct DemoAccount {
  std::string username;
  std::string display;  // e.g. "Dr. Sarah Smith (practitioner)"
};

struct SignInView {
  FormState form;
  std::string app_name;  // the app asking, "" when signing in to the EHR itself
  std::string username;  // echoed after a failed attempt
  std::string error;     // a calm message, e.g. "That username and password do not match."
  std::vector<DemoAccount> demo_accounts;  // shown in sandbox mode only; password is "demo"
};

struct PatientChoice {
  std::string id;
  std::string name;
  std::string birth_date;
  std::string gender;
  std::string mrn;
};

struct PatientPickerView {
  FormState form;        // posts `patient=<id>`
  std::string app_name;
  std::string user_display;
  std::string query;     // the search box value (GET to search_action with q=…&txn=…)
  std::string search_action;
  std::vector<PatientChoice> patients;
};

struct EncounterChoice {
  std::string id;
  std::string date;    // e.g. "2026-10-14"
  std::string type;    // e.g. "Office visit"
  std::string status;  // e.g. "finished"
};

struct EncounterPickerView {
  FormState form;  // posts `encounter=<id>`
  std::string app_name;
  std::string patient_display;
  std::vector<EncounterChoice> encounters;
};

struct ScopeChoice {
  std::string scope;  // the exact scope string (the checkbox value, name="scope")
  std::string label;  // plain words
  bool checked = true;
  std::vector<ScopeChoice> narrower;  // granular sub-scopes offered instead (unchecked by default)
};

struct ConsentView {
  FormState form;  // posts scope=… (repeated), remember=1, decision=allow|deny
  std::string app_name;
  std::string user_display;
  std::string patient_display;  // "" when no patient in context
  std::vector<ScopeChoice> scopes;
};

struct ErrorView {
  int status = 400;
  std::string title;    // e.g. "This sign-in link is not valid"
  std::string message;  // what happened and what to do, in plain words
};

std::string render_sign_in(const SignInView& v);
std::string render_patient_picker(const PatientPickerView& v);
std::string render_encounter_picker(const EncounterPickerView& v);
std::string render_consent(const ConsentView& v);
std::string render_error(const ErrorView& v);

// The stylesheet the pages link to (served at /ehr/static/ember.css).
std::string_view stylesheet();
// Content-Security-Policy for these pages: no inline script, styles from self,
// frame-ancestors 'self'.
std::string_view content_security_policy();

}  // namespace ember::ehr
