// The EHR portal's app registry (/ehr/apps: list, register, edit, new secret, delete) and the
// sandbox launcher (/ehr/launcher). Pure functions from view models to whole portal pages (inside
// the portal shell); handlers pass raw text and the templates escape every value.
#pragma once
#include <string>
#include <vector>

#include "ehr/portal_shell.h"

namespace ember::ehr {

// One registered app in the registry table.
struct AppRow {
  std::string client_id;
  std::string name;
  std::string logo_uri;    // "" = no logo
  std::string type_words;  // e.g. "Confidential (client secret)"
  std::string launch_url;  // "" = none registered
  std::vector<std::string> redirect_uris;
  std::string scopes;        // the full space-separated list (shown on hover)
  std::string scopes_short;  // the first few, e.g. "openid fhirUser launch … (+4)"
  bool auto_approve = false;
};

struct AppListView {
  std::vector<AppRow> apps;
  std::string notice;  // a calm confirmation, e.g. "Growth Chart was deleted." ("" = none)
};

// The fields of the register / edit form, as typed (kept when the form is shown again).
struct AppFormFields {
  std::string name;
  std::string launch_url;
  std::string redirect_uris;  // one per line
  std::string client_type = "public";  // public | confidential-symmetric | confidential-asymmetric | backend
  std::string scopes;
  std::string jwks_uri;
  std::string jwks;  // JSON text
  std::string logo_uri;
  bool auto_approve = false;
};

// The input a problem belongs to; its message is shown next to that input.
enum class AppFormField {
  None, Name, LaunchUrl, RedirectUris, ClientType, Scopes, JwksUri, Jwks, LogoUri, AutoApprove
};

struct AppFormView {
  std::string action;     // /ehr/apps (register) or /ehr/apps/{id} (edit)
  std::string csrf;
  std::string client_id;  // "" when registering
  std::string app_name;   // the stored name, for the edit page's heading
  bool has_secret = false;  // editing a client-secret app: offer a new secret
  bool sandbox = false;     // the Auto-approve checkbox is a sandbox feature
  AppFormFields fields;
  AppFormField error_field = AppFormField::None;
  std::string error;   // next to error_field, or above the form when it is None
  std::string notice;  // e.g. "Changes saved."
  std::string default_scope;  // shown as the Scopes placeholder
};

// After registering, or after a new secret: the client id, and the secret shown this once.
struct AppCredentialsView {
  std::string client_id;
  std::string name;
  std::string secret;   // "" = the app uses no client secret
  bool regenerated = false;  // a new secret for an existing app (the old one stopped working)
  bool sandbox = false;      // offer the launcher
  bool launchable = false;   // not a backend service
};

struct AppDeleteView {
  std::string client_id;
  std::string name;
  std::string csrf;
};

struct LauncherChoice {
  std::string value;
  std::string label;
  bool selected = false;
};

struct LauncherView {
  std::string csrf;
  std::vector<LauncherChoice> apps;  // registered non-backend apps, value = client id
  bool other_app = false;            // "Other" chosen: launch_url + client_id below
  std::string other_launch_url;
  std::string other_client_id;
  bool standalone = false;
  std::vector<LauncherChoice> users;     // value = username ("" = whoever signs in)
  std::vector<LauncherChoice> patients;  // value = patient id ("" = none)
  std::string encounter;
  bool embedded = true;
  std::string fhir_context;
  std::string intent;
  bool simulate_token_failure = false;
  bool simulate_fhir_401 = false;
  bool simulate_no_patient = false;
  // Deliberately broken launches (checklist EHR-11), applied to the URL the launcher hands out.
  bool broken_unknown = false;  // the launch handle was never issued
  bool broken_used = false;     // the launch handle was already used
  bool broken_expired = false;  // the launch handle has expired
  bool broken_iss = false;      // iss is not this server's FHIR base
  std::string error;  // shown above the form (role="alert")
};

// The launch URL the launcher built, and what the app will receive.
struct LaunchReadyView {
  bool standalone = false;
  std::string app_name;
  std::string url;
  std::string user_display;     // EHR launch: "" = whoever signs in
  std::string patient_display;  // EHR launch: "" = none
  std::string encounter;
  bool embedded = true;
  std::string fhir_context;
  std::string intent;
  std::vector<std::string> simulated;  // plain-words descriptions of simulated failures
  int ttl_minutes = 5;                 // EHR launch: how long the handle stays valid
  std::string again_href;              // the launcher, prefilled with the same choices
};

std::string render_app_list(const PortalShell& shell, const AppListView& v);
std::string render_app_form(const PortalShell& shell, const AppFormView& v);
std::string render_app_credentials(const PortalShell& shell, const AppCredentialsView& v);
std::string render_app_delete(const PortalShell& shell, const AppDeleteView& v);
std::string render_launcher(const PortalShell& shell, const LauncherView& v);
std::string render_launch_ready(const PortalShell& shell, const LaunchReadyView& v);

}  // namespace ember::ehr
