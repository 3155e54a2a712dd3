// Renders the authorization pages: turns each view model into mustache data and fills the page
// template inside the shared layout. Values go in raw; the template engine escapes them.
#include "ehr/views.h"

#include <kainjow/mustache.hpp>

#include <string>
#include <string_view>

#include "ehr/templates.h"
#include "ehr/view_helpers.h"

namespace ember::ehr {
namespace {

namespace mu = kainjow::mustache;

// kainjow resolves {{> name}} through the same context stack as values and will also accept a
// string value as a partial, so partial names (body, hidden, scope_item) must never be keys of
// view data, or a value would be parsed as a template.
mu::data template_partial(std::string_view tmpl) {
  return mu::data{mu::partial{[tmpl] { return std::string(tmpl); }}};
}

void set_form(mu::data& d, const FormState& form) {
  d.set("action", form.action);
  d.set("txn", form.txn);
  d.set("csrf", form.csrf);
}

// A page is rendered by the layout with the page body as its "body" partial, so every value on
// the page passes through the escaping renderer; nothing pre-rendered is pasted in unescaped.
std::string render_page(std::string_view body, const std::string& title, mu::data& d) {
  d.set("title", title);
  d.set("body", template_partial(body));
  d.set("hidden", template_partial(templates::kHiddenFields));
  if (!d.get("has_user")) d.set("has_user", false);
  if (!d.get("wide")) d.set("wide", false);
  mu::mustache layout{std::string(templates::kLayout)};
  std::string html = layout.render(d);
  if (!layout.is_valid()) {
    // The templates are constants covered by the unit tests; this is a programming error.
    return "<!doctype html><html lang=\"en\"><title>Ember</title><p>Page template error.</p>";
  }
  return html;
}

mu::data scope_data(const ScopeChoice& s) {
  mu::data d;
  d.set("scope", s.scope);
  d.set("label", s.label);
  d.set("checked", s.checked);
  mu::data narrower{mu::data::type::list};
  for (const auto& n : s.narrower) narrower.push_back(scope_data(n));
  d.set("narrower", narrower);
  d.set("has_narrower", !s.narrower.empty());
  return d;
}

// "Born 1970-01-01", "Female", "MRN 12345", leaving out what is unknown.
mu::data patient_meta(const PatientChoice& p) {
  mu::data meta{mu::data::type::list};
  if (!p.birth_date.empty()) meta.push_back(mu::data{"Born " + p.birth_date});
  if (!p.gender.empty()) {
    std::string gender = p.gender;
    if (gender[0] >= 'a' && gender[0] <= 'z') gender[0] = static_cast<char>(gender[0] - 'a' + 'A');
    meta.push_back(mu::data{gender});
  }
  if (!p.mrn.empty()) meta.push_back(mu::data{"MRN " + p.mrn});
  return meta;
}

}  // namespace

std::string render_sign_in(const SignInView& v) {
  mu::data d;
  set_form(d, v.form);
  set_text(d, "app_name", v.app_name);
  set_text(d, "username", v.username);
  set_text(d, "error", v.error);
  mu::data accounts{mu::data::type::list};
  for (const auto& a : v.demo_accounts) {
    mu::data item;
    item.set("username", a.username);
    item.set("display", a.display);
    accounts.push_back(item);
  }
  d.set("demo_accounts", accounts);
  d.set("has_demo", !v.demo_accounts.empty());
  return render_page(templates::kSignIn, "Sign in", d);
}

std::string render_patient_picker(const PatientPickerView& v) {
  mu::data d;
  set_form(d, v.form);
  set_text(d, "app_name", v.app_name);
  set_text(d, "user_display", v.user_display);
  d.set("has_user", !v.user_display.empty());
  set_text(d, "query", v.query);
  d.set("search_action", v.search_action);
  mu::data patients{mu::data::type::list};
  for (const auto& p : v.patients) {
    mu::data item;
    item.set("id", p.id);
    item.set("name", p.name);
    item.set("meta", patient_meta(p));
    patients.push_back(item);
  }
  d.set("patients", patients);
  d.set("has_patients", !v.patients.empty());
  d.set("wide", true);
  return render_page(templates::kPatientPicker, "Choose a patient", d);
}

std::string render_encounter_picker(const EncounterPickerView& v) {
  mu::data d;
  set_form(d, v.form);
  set_text(d, "app_name", v.app_name);
  set_text(d, "patient_display", v.patient_display);
  d.set("has_patient", !v.patient_display.empty());
  mu::data encounters{mu::data::type::list};
  for (const auto& e : v.encounters) {
    mu::data item;
    item.set("id", e.id);
    item.set("date", e.date);
    item.set("type", e.type);
    item.set("status", e.status);
    encounters.push_back(item);
  }
  d.set("encounters", encounters);
  d.set("has_encounters", !v.encounters.empty());
  d.set("wide", true);
  return render_page(templates::kEncounterPicker, "Choose an encounter", d);
}

std::string render_consent(const ConsentView& v) {
  mu::data d;
  set_form(d, v.form);
  d.set("app_name", v.app_name);
  d.set("user_display", v.user_display);
  d.set("patient_display", v.patient_display);
  d.set("has_patient", !v.patient_display.empty());
  mu::data scopes{mu::data::type::list};
  for (const auto& s : v.scopes) scopes.push_back(scope_data(s));
  d.set("scopes", scopes);
  d.set("has_scopes", !v.scopes.empty());
  d.set("scope_item", template_partial(templates::kScopeItem));
  d.set("wide", true);
  return render_page(templates::kConsent, v.app_name + " wants access", d);
}

std::string render_error(const ErrorView& v) {
  mu::data d;
  d.set("status", std::to_string(v.status));
  d.set("message", v.message);
  return render_page(templates::kError, v.title, d);
}

}  // namespace ember::ehr
