// Pages of the app registry (/ehr/apps...) and the sandbox launcher (/ehr/launcher), and their
// stylesheet fragment. Labels and button texts here are what people and the end-to-end tests
// find the pages by; every value is escaped by the template engine (never triple braces).
#include "ehr/registry_views.h"

#include <kainjow/mustache.hpp>

#include <string_view>

#include "ehr/portal_css.h"
#include "ehr/view_helpers.h"

namespace ember::ehr {

namespace css {
// Classes are prefixed reg- so they never collide with the chart's fragment. Colours come from
// ember.css variables; the success and warning tints meet WCAG AA for their text colours.
const std::string_view kRegistry = R"css(
/* App registry and launcher (/ehr/apps, /ehr/launcher). */
.reg-head {
  display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between;
  gap: 1rem; margin-bottom: 1.25rem;
}
.reg-head h1 { margin: 0; }
.reg-head .lede { margin: 0.25rem 0 0; }
.reg-breadcrumb { margin: 0 0 0.5rem; font-size: 0.875rem; }
.reg-breadcrumb a, .reg-link { color: var(--primary-hover); }
.reg-notice {
  margin: 0 0 1.25rem; padding: 0.75rem 1rem; border-radius: 8px;
  background: #f0fdf4; border: 1px solid #bbf7d0; border-left: 4px solid #15803d; color: #14532d;
}
.reg-table-wrap {
  overflow-x: auto; background: var(--surface); border: 1px solid var(--border);
  border-radius: var(--radius);
}
.reg-table { width: 100%; border-collapse: collapse; font-size: 0.875rem; }
.reg-table th, .reg-table td {
  padding: 0.75rem 0.875rem; text-align: left; vertical-align: top;
  border-bottom: 1px solid var(--border);
}
.reg-table thead th {
  background: var(--surface-muted); color: var(--muted); font-weight: 600; font-size: 0.8125rem;
  white-space: nowrap;
}
.reg-table tbody tr:last-child th, .reg-table tbody tr:last-child td { border-bottom: 0; }
.reg-table tbody tr:hover { background: var(--surface-muted); }
.reg-table tbody th { font-weight: 600; min-width: 12rem; }
.reg-app { display: flex; align-items: center; gap: 0.625rem; }
.reg-logo {
  flex: none; width: 1.75rem; height: 1.75rem; border-radius: 6px; object-fit: contain;
  background: var(--surface); border: 1px solid var(--border);
}
.reg-logo-blank {
  display: inline-flex; align-items: center; justify-content: center;
  background: var(--primary-soft); color: var(--primary-hover); font-weight: 700;
}
.reg-badge {
  display: inline-block; margin-top: 0.375rem; padding: 0.0625rem 0.5rem; border-radius: 999px;
  background: #fffbeb; border: 1px solid #f59e0b; color: #78350f; font-size: 0.75rem;
  font-weight: 600;
}
.reg-url { font-family: var(--mono); font-size: 0.8125rem; overflow-wrap: anywhere; }
.reg-none { color: var(--muted); }
.reg-sr {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0;
}
.reg-list { list-style: none; margin: 0; padding: 0; }
.reg-list li + li { margin-top: 0.25rem; }
.reg-scopes { color: var(--muted); overflow-wrap: anywhere; }
.reg-row-actions { text-align: right; white-space: nowrap; }
.reg-card { max-width: 46rem; }
.reg-card + .reg-card { margin-top: 1.25rem; }
.reg-card h2 { font-size: 1.0625rem; margin-bottom: 0.5rem; }
.reg-form textarea, .reg-form select, .reg-card textarea {
  display: block; width: 100%; padding: 0.625rem 0.75rem; font: inherit; color: inherit;
  background: var(--surface); border: 1px solid var(--border-strong); border-radius: 8px;
}
.reg-form textarea, .reg-card textarea { min-height: 5.5rem; resize: vertical; }
.reg-form textarea[aria-invalid="true"], .reg-form select[aria-invalid="true"] {
  border-color: var(--danger);
}
.reg-mono, .reg-form textarea.reg-mono { font-family: var(--mono); font-size: 0.875rem; }
.reg-hint { margin: 0.25rem 0 0; color: var(--muted); font-size: 0.875rem; font-weight: 400; }
.reg-field-error {
  margin: 0.375rem 0 0; color: var(--danger); font-size: 0.875rem; font-weight: 600;
}
.reg-group { margin-top: 1.25rem; padding-top: 1rem; border-top: 1px solid var(--border); }
.reg-group > legend { float: left; width: 100%; padding: 0; margin-bottom: 0.5rem; font-weight: 600; }
.reg-group > legend + * { clear: left; }
.reg-options { list-style: none; margin: 0; padding: 0; }
.reg-options li + li { margin-top: 0.5rem; }
.reg-options input[type="radio"] {
  flex: none; width: 1.125rem; height: 1.125rem; margin: 0.1875rem 0 0;
  accent-color: var(--primary);
}
.reg-option-text { display: flex; flex-direction: column; }
.reg-option-text small { color: var(--muted); font-size: 0.8125rem; }
.reg-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 0.75rem; margin-top: 1.5rem; }
.btn-danger { background: var(--danger); color: #fff; }
.btn-danger:hover { background: #7f1d1d; }
a.btn { text-decoration: none; }
.reg-warning {
  margin: 0.5rem 0 0; padding: 0.625rem 0.875rem; border-radius: 8px; background: #fffbeb;
  border: 1px solid #f59e0b; color: #78350f; font-weight: 600;
}
.reg-summary { margin: 0; }
.reg-summary div { display: flex; gap: 1rem; padding: 0.375rem 0; border-top: 1px solid var(--border); }
.reg-summary div:first-child { border-top: 0; }
.reg-summary dt { flex: none; width: 10rem; color: var(--muted); }
.reg-summary dd { margin: 0; overflow-wrap: anywhere; }
.reg-columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem 1.25rem; }
.reg-columns > .field { margin-top: 0; }
.reg-form > input[type="hidden"] + * { margin-top: 0; }
@media (max-width: 40rem) {
  .reg-columns { grid-template-columns: 1fr; }
  .reg-summary div { flex-direction: column; gap: 0; }
}
)css";
}  // namespace css

namespace {

namespace mu = kainjow::mustache;

// The first UTF-8 character of `s` (a whole multi-byte sequence), "?" when empty.
std::string first_character(std::string_view s) {
  if (s.empty()) return "?";
  std::size_t n = 1;
  while (n < s.size() && n < 4 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
  return std::string(s.substr(0, n));
}

mu::data string_list(const std::vector<std::string>& items) {
  mu::data list{mu::data::type::list};
  for (const auto& s : items) list.push_back(mu::data{s});
  return list;
}

mu::data choice_list(const std::vector<LauncherChoice>& choices) {
  mu::data list{mu::data::type::list};
  for (const auto& c : choices) {
    mu::data item;
    item.set("value", c.value);
    item.set("label", c.label);
    item.set("selected", c.selected);
    list.push_back(item);
  }
  return list;
}

constexpr std::string_view kAppList = R"html(<div class="reg-head">
  <div>
    <h1>Apps</h1>
    <p class="lede">Every app registered with this EHR, whether here, with
    <code>ember clients add</code>, from an apps file or by dynamic registration.</p>
  </div>
  <a class="btn btn-primary" href="/ehr/apps/new">Register an app</a>
</div>
{{#has_notice}}<p class="reg-notice" role="status">{{notice}}</p>{{/has_notice}}
{{#has_apps}}
<div class="reg-table-wrap">
<table class="reg-table" aria-label="Registered apps">
<thead>
<tr>
  <th scope="col">App</th>
  <th scope="col">Client ID</th>
  <th scope="col">Type</th>
  <th scope="col">Launch URL</th>
  <th scope="col">Redirect URIs</th>
  <th scope="col">Scopes</th>
  <th scope="col"><span class="reg-sr">Actions</span></th>
</tr>
</thead>
<tbody>
{{#apps}}
<tr>
  <th scope="row">
    <span class="reg-app">
      {{#has_logo}}<img class="reg-logo" src="{{logo_uri}}" alt="" width="28" height="28">{{/has_logo}}
      {{^has_logo}}<span class="reg-logo reg-logo-blank" aria-hidden="true">{{initial}}</span>{{/has_logo}}
      <span>{{name}}</span>
    </span>
    {{#auto_approve}}<span class="reg-badge">Auto-approve</span>{{/auto_approve}}
  </th>
  <td><code>{{client_id}}</code></td>
  <td>{{type_words}}</td>
  <td>{{#has_launch_url}}<span class="reg-url">{{launch_url}}</span>{{/has_launch_url}}{{^has_launch_url}}<span class="reg-none">None</span>{{/has_launch_url}}</td>
  <td>{{#has_redirects}}<ul class="reg-list">{{#redirect_uris}}<li class="reg-url">{{.}}</li>{{/redirect_uris}}</ul>{{/has_redirects}}{{^has_redirects}}<span class="reg-none">None</span>{{/has_redirects}}</td>
  <td><span class="reg-scopes" title="{{scopes}}">{{scopes_short}}</span></td>
  <td class="reg-row-actions"><a class="reg-link" href="/ehr/apps/{{id_path}}" aria-label="Edit {{name}}">Edit</a></td>
</tr>
{{/apps}}
</tbody>
</table>
</div>
{{/has_apps}}
{{^has_apps}}
<p class="empty">No apps are registered yet.</p>
{{/has_apps}}
)html";

// One template for registering and editing. Each input names its hint and, when it is the
// problem, its error (aria-describedby), and the error sits right under it with role="alert".
constexpr std::string_view kAppForm = R"html(<p class="reg-breadcrumb"><a href="/ehr/apps">Apps</a></p>
<h1>{{#editing}}Edit {{heading_name}}{{/editing}}{{^editing}}Register an app{{/editing}}</h1>
{{#editing}}<p class="lede">Client ID <code>{{client_id}}</code></p>{{/editing}}
{{^editing}}<p class="lede">The app gets a client ID; an app with a client secret sees its secret once, on the next page.</p>{{/editing}}
{{#has_notice}}<p class="reg-notice" role="status">{{notice}}</p>{{/has_notice}}
{{#has_form_error}}<div class="alert" role="alert">{{error}}</div>{{/has_form_error}}
<form method="post" action="{{action}}" class="card reg-card reg-form stack" novalidate>
<input type="hidden" name="csrf" value="{{csrf}}">
<div class="field">
  <label for="app-name">App name</label>
  <input id="app-name" name="name" type="text" value="{{f_name}}" maxlength="200" required
         {{#err_name}}aria-invalid="true" aria-describedby="app-name-error"{{/err_name}}>
  {{#err_name}}<p class="reg-field-error" id="app-name-error" role="alert">{{error}}</p>{{/err_name}}
</div>
<fieldset class="reg-group"{{#err_type}} aria-describedby="app-type-error"{{/err_type}}>
  <legend>Client type</legend>
  <ul class="reg-options">
    <li><label class="check"><input type="radio" name="client_type" value="public"{{#type_public}} checked{{/type_public}}>
      <span class="reg-option-text">Public<small>A browser or native app without a secret (PKCE).</small></span></label></li>
    <li><label class="check"><input type="radio" name="client_type" value="confidential-symmetric"{{#type_symmetric}} checked{{/type_symmetric}}>
      <span class="reg-option-text">Confidential (client secret)<small>A server-side app; a secret is generated for it.</small></span></label></li>
    <li><label class="check"><input type="radio" name="client_type" value="confidential-asymmetric"{{#type_asymmetric}} checked{{/type_asymmetric}}>
      <span class="reg-option-text">Confidential (private key JWT)<small>Signs its token requests with a key from its JWKS.</small></span></label></li>
    <li><label class="check"><input type="radio" name="client_type" value="backend"{{#type_backend}} checked{{/type_backend}}>
      <span class="reg-option-text">Backend service<small>No user: system/ scopes with the client_credentials grant.</small></span></label></li>
  </ul>
  {{#err_type}}<p class="reg-field-error" id="app-type-error" role="alert">{{error}}</p>{{/err_type}}
</fieldset>
<div class="field">
  <label for="app-launch-url">Launch URL</label>
  <input id="app-launch-url" name="launch_url" type="text" inputmode="url" spellcheck="false"
         value="{{f_launch_url}}" aria-describedby="app-launch-url-hint{{#err_launch_url}} app-launch-url-error{{/err_launch_url}}"
         {{#err_launch_url}}aria-invalid="true"{{/err_launch_url}}>
  <p class="reg-hint" id="app-launch-url-hint">Where the EHR opens the app (SMART EHR launch). Leave empty for apps that only launch standalone.</p>
  {{#err_launch_url}}<p class="reg-field-error" id="app-launch-url-error" role="alert">{{error}}</p>{{/err_launch_url}}
</div>
<div class="field">
  <label for="app-redirect-uris">Redirect URIs</label>
  <textarea id="app-redirect-uris" name="redirect_uris" rows="3" spellcheck="false" class="reg-mono"
            aria-describedby="app-redirect-uris-hint{{#err_redirect_uris}} app-redirect-uris-error{{/err_redirect_uris}}"
            {{#err_redirect_uris}}aria-invalid="true"{{/err_redirect_uris}}>{{f_redirect_uris}}</textarea>
  <p class="reg-hint" id="app-redirect-uris-hint">One per line, exactly as the app sends them. None for a backend service.</p>
  {{#err_redirect_uris}}<p class="reg-field-error" id="app-redirect-uris-error" role="alert">{{error}}</p>{{/err_redirect_uris}}
</div>
<div class="field">
  <label for="app-scopes">Scopes</label>
  <textarea id="app-scopes" name="scopes" rows="2" spellcheck="false" class="reg-mono"
            placeholder="{{default_scope}}"
            aria-describedby="app-scopes-hint{{#err_scopes}} app-scopes-error{{/err_scopes}}"
            {{#err_scopes}}aria-invalid="true"{{/err_scopes}}>{{f_scopes}}</textarea>
  <p class="reg-hint" id="app-scopes-hint">The scopes the app may be granted, separated by spaces. Leave empty for the default.</p>
  {{#err_scopes}}<p class="reg-field-error" id="app-scopes-error" role="alert">{{error}}</p>{{/err_scopes}}
</div>
<div class="field">
  <label for="app-jwks-uri">JWKS URL</label>
  <input id="app-jwks-uri" name="jwks_uri" type="text" inputmode="url" spellcheck="false"
         value="{{f_jwks_uri}}" aria-describedby="app-jwks-uri-hint{{#err_jwks_uri}} app-jwks-uri-error{{/err_jwks_uri}}"
         {{#err_jwks_uri}}aria-invalid="true"{{/err_jwks_uri}}>
  <p class="reg-hint" id="app-jwks-uri-hint">Private key JWT and backend services: where the app publishes its public keys. Give this or the JWKS below.</p>
  {{#err_jwks_uri}}<p class="reg-field-error" id="app-jwks-uri-error" role="alert">{{error}}</p>{{/err_jwks_uri}}
</div>
<div class="field">
  <label for="app-jwks">JWKS (JSON)</label>
  <textarea id="app-jwks" name="jwks" rows="4" spellcheck="false" class="reg-mono"
            placeholder="{&quot;keys&quot;: [ … ]}"
            aria-describedby="app-jwks-hint{{#err_jwks}} app-jwks-error{{/err_jwks}}"
            {{#err_jwks}}aria-invalid="true"{{/err_jwks}}>{{f_jwks}}</textarea>
  <p class="reg-hint" id="app-jwks-hint">The app's public keys, each with a kid. Never paste private keys.</p>
  {{#err_jwks}}<p class="reg-field-error" id="app-jwks-error" role="alert">{{error}}</p>{{/err_jwks}}
</div>
<div class="field">
  <label for="app-logo-uri">Logo URL</label>
  <input id="app-logo-uri" name="logo_uri" type="text" inputmode="url" spellcheck="false"
         value="{{f_logo_uri}}" aria-describedby="app-logo-uri-hint{{#err_logo_uri}} app-logo-uri-error{{/err_logo_uri}}"
         {{#err_logo_uri}}aria-invalid="true"{{/err_logo_uri}}>
  <p class="reg-hint" id="app-logo-uri-hint">Optional. Shown in the app list and on the consent page.</p>
  {{#err_logo_uri}}<p class="reg-field-error" id="app-logo-uri-error" role="alert">{{error}}</p>{{/err_logo_uri}}
</div>
{{#sandbox}}
<div class="field">
  <label class="check" for="app-auto-approve">
    <input id="app-auto-approve" name="auto_approve" type="checkbox" value="1"{{#f_auto_approve}} checked{{/f_auto_approve}}
           aria-describedby="app-auto-approve-hint{{#err_auto_approve}} app-auto-approve-error{{/err_auto_approve}}">
    <span>Auto-approve</span>
  </label>
  <p class="reg-hint" id="app-auto-approve-hint">Sandbox only: when the launcher names a user, the app gets its tokens without sign-in or consent pages (for automated tests).</p>
  {{#err_auto_approve}}<p class="reg-field-error" id="app-auto-approve-error" role="alert">{{error}}</p>{{/err_auto_approve}}
</div>
{{/sandbox}}
{{^sandbox}}{{#err_auto_approve}}<p class="reg-field-error" role="alert">{{error}}</p>{{/err_auto_approve}}{{/sandbox}}
<div class="reg-actions">
  <button type="submit" class="btn btn-primary">{{#editing}}Save changes{{/editing}}{{^editing}}Register app{{/editing}}</button>
  <a class="btn btn-secondary" href="/ehr/apps">Cancel</a>
</div>
</form>
{{#editing}}
{{#has_secret}}
<section class="card reg-card" aria-labelledby="secret-title">
  <h2 id="secret-title">Client secret</h2>
  <p class="reg-hint">Only a hash of the secret is stored, so it cannot be shown again. A new secret replaces the current one at once.</p>
  <form method="post" action="/ehr/apps/{{id_path}}/secret" class="reg-actions">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit" class="btn btn-secondary">Generate a new secret</button>
  </form>
</section>
{{/has_secret}}
<section class="card reg-card" aria-labelledby="delete-title">
  <h2 id="delete-title">Delete this app</h2>
  <p class="reg-hint">The app can no longer sign anyone in or get tokens with this client ID.</p>
  <div class="reg-actions"><a class="btn btn-danger" href="/ehr/apps/{{id_path}}/delete">Delete app</a></div>
</section>
{{/editing}}
)html";

constexpr std::string_view kAppCredentials = R"html(<p class="reg-breadcrumb"><a href="/ehr/apps">Apps</a></p>
<h1>{{#regenerated}}New secret for {{name}}{{/regenerated}}{{^regenerated}}{{name}} is registered{{/regenerated}}</h1>
<section class="card reg-card stack">
<div class="field">
  <label for="client-id">Client ID</label>
  <input id="client-id" type="text" class="reg-mono" readonly value="{{client_id}}">
</div>
{{#has_secret}}
<div class="field">
  <label for="client-secret">Client secret</label>
  <input id="client-secret" type="text" class="reg-mono" readonly value="{{secret}}"
         aria-describedby="client-secret-warning">
  <p class="reg-warning" id="client-secret-warning" role="alert">Copy this secret now; it will not be shown again.</p>
</div>
{{#regenerated}}<p>The previous secret no longer works. Give the app its new secret.</p>{{/regenerated}}
{{/has_secret}}
{{^has_secret}}<p class="reg-hint">This app does not use a client secret.</p>{{/has_secret}}
<div class="reg-actions">
  <a class="btn btn-primary" href="/ehr/apps">Back to apps</a>
  <a class="btn btn-secondary" href="/ehr/apps/{{id_path}}">Edit app</a>
  {{#show_launcher}}<a class="btn btn-secondary" href="/ehr/launcher?app={{id_path}}">Open in the launcher</a>{{/show_launcher}}
</div>
</section>
)html";

constexpr std::string_view kAppDelete = R"html(<p class="reg-breadcrumb"><a href="/ehr/apps">Apps</a></p>
<section class="card reg-card">
<h1>Delete {{name}}?</h1>
<p>Client ID <code>{{client_id}}</code>. The app can no longer sign anyone in or get tokens with
this client ID. This cannot be undone.</p>
<form method="post" action="/ehr/apps/{{id_path}}/delete" class="reg-actions">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <button type="submit" class="btn btn-danger">Delete</button>
  <a class="btn btn-secondary" href="/ehr/apps/{{id_path}}">Cancel</a>
</form>
</section>
)html";

constexpr std::string_view kLauncher = R"html(<div class="reg-head">
  <div>
    <h1>Launcher</h1>
    <p class="lede">Launch a registered app the way the EHR would, with the user, patient and
    context you choose. A sandbox tool.</p>
  </div>
</div>
{{#has_error}}<div class="alert" role="alert" id="launcher-error">{{error}}</div>{{/has_error}}
<form method="post" action="/ehr/launcher" class="card reg-card reg-form stack">
<input type="hidden" name="csrf" value="{{csrf}}">
<div class="field">
  <label for="launch-app">App</label>
  <select id="launch-app" name="app">
    {{#apps}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>
    {{/apps}}<option value=""{{#other_app}} selected{{/other_app}}>Other (enter a launch URL and client ID)</option>
  </select>
</div>
<fieldset class="reg-group">
  <legend>Other app</legend>
  <p class="reg-hint">Used when App is “Other”: launch any URL as a registered client.</p>
  <div class="reg-columns">
    <div class="field">
      <label for="launch-other-url">Launch URL</label>
      <input id="launch-other-url" name="launch_url" type="text" inputmode="url" spellcheck="false" value="{{other_launch_url}}">
    </div>
    <div class="field">
      <label for="launch-other-client">Client ID</label>
      <input id="launch-other-client" name="client_id" type="text" spellcheck="false" value="{{other_client_id}}">
    </div>
  </div>
</fieldset>
<fieldset class="reg-group">
  <legend>Launch type</legend>
  <ul class="reg-options">
    <li><label class="check"><input type="radio" name="launch_type" value="ehr"{{^standalone}} checked{{/standalone}}>
      <span class="reg-option-text">EHR launch<small>The app receives a launch context: user, patient, encounter.</small></span></label></li>
    <li><label class="check"><input type="radio" name="launch_type" value="standalone"{{#standalone}} checked{{/standalone}}>
      <span class="reg-option-text">Standalone launch<small>The app receives only the FHIR base; the person signs in and picks a patient.</small></span></label></li>
  </ul>
</fieldset>
<div class="reg-group reg-columns">
  <div class="field">
    <label for="launch-user">User</label>
    <select id="launch-user" name="user">
      {{#users}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>
      {{/users}}
    </select>
  </div>
  <div class="field">
    <label for="launch-patient">Patient</label>
    <select id="launch-patient" name="patient">
      {{#patients}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>
      {{/patients}}
    </select>
  </div>
  <div class="field">
    <label for="launch-encounter">Encounter ID (optional)</label>
    <input id="launch-encounter" name="encounter" type="text" spellcheck="false" value="{{encounter}}">
  </div>
  <div class="field">
    <label for="launch-intent">Intent (optional)</label>
    <input id="launch-intent" name="intent" type="text" spellcheck="false" value="{{intent}}">
  </div>
</div>
<fieldset class="reg-group">
  <legend>Display</legend>
  <ul class="reg-options">
    <li><label class="check"><input type="radio" name="display" value="embedded"{{#embedded}} checked{{/embedded}}>
      <span class="reg-option-text">Embedded in the EHR (no banner needed)</span></label></li>
    <li><label class="check"><input type="radio" name="display" value="window"{{^embedded}} checked{{/embedded}}>
      <span class="reg-option-text">New window (app shows a banner)</span></label></li>
  </ul>
</fieldset>
<div class="field reg-group">
  <label for="launch-fhir-context">fhirContext (JSON, optional)</label>
  <textarea id="launch-fhir-context" name="fhir_context" rows="3" spellcheck="false" class="reg-mono"
            placeholder="[{&quot;reference&quot;: &quot;Observation/123&quot;}]"
            aria-describedby="launch-fhir-context-hint">{{fhir_context}}</textarea>
  <p class="reg-hint" id="launch-fhir-context-hint">A JSON array of objects with a reference, canonical or identifier.</p>
</div>
<fieldset class="reg-group">
  <legend>Simulate a failure</legend>
  <ul class="reg-options">
    <li><label class="check"><input type="checkbox" name="simulate" value="token_invalid_client"{{#sim_token}} checked{{/sim_token}}>
      <span>The token request fails (invalid_client)</span></label></li>
    <li><label class="check"><input type="checkbox" name="simulate" value="fhir_401"{{#sim_fhir_401}} checked{{/sim_fhir_401}}>
      <span>The FHIR API refuses the access token (401)</span></label></li>
    <li><label class="check"><input type="checkbox" name="simulate" value="no_patient"{{#sim_no_patient}} checked{{/sim_no_patient}}>
      <span>The launch has no patient</span></label></li>
  </ul>
</fieldset>
<fieldset class="reg-group">
  <legend>Send a broken launch</legend>
  <p class="reg-hint">For testing how the app and its authorization handle a bad launch.</p>
  <ul class="reg-options">
    <li><label class="check"><input type="checkbox" name="simulate" value="launch_unknown"{{#broken_unknown}} checked{{/broken_unknown}}>
      <span>The launch handle was never issued</span></label></li>
    <li><label class="check"><input type="checkbox" name="simulate" value="launch_used"{{#broken_used}} checked{{/broken_used}}>
      <span>The launch handle was already used</span></label></li>
    <li><label class="check"><input type="checkbox" name="simulate" value="launch_expired"{{#broken_expired}} checked{{/broken_expired}}>
      <span>The launch handle has expired</span></label></li>
    <li><label class="check"><input type="checkbox" name="simulate" value="wrong_iss"{{#broken_iss}} checked{{/broken_iss}}>
      <span>iss is not this server's FHIR base</span></label></li>
  </ul>
</fieldset>
<div class="reg-actions">
  <button type="submit" class="btn btn-primary">Create launch</button>
</div>
</form>
)html";

constexpr std::string_view kLaunchReady = R"html(<p class="reg-breadcrumb"><a href="{{again_href}}">Launcher</a></p>
<h1>Ready to launch {{app_name}}</h1>
<section class="card reg-card stack">
<div class="field">
  <label for="launch-url">Launch URL</label>
  <textarea id="launch-url" class="reg-mono" rows="3" readonly spellcheck="false">{{url}}</textarea>
</div>
<div class="reg-actions">
  <a class="btn btn-primary" href="{{url}}" target="_blank" rel="noopener">Launch app</a>
  <a class="btn btn-secondary" href="{{again_href}}">Back to the launcher</a>
</div>
</section>
<section class="card reg-card" aria-labelledby="receive-title">
<h2 id="receive-title">What the app will receive</h2>
{{#standalone}}
<p>A standalone launch: the app receives only <code>iss</code>, the FHIR base URL. The person
signs in and picks a patient in the app's authorization step; the user and patient chosen in
the launcher are not used.</p>
{{/standalone}}
{{^standalone}}
<p>The app receives <code>iss</code> (the FHIR base URL) and <code>launch</code>, an opaque
handle it sends back when it asks for authorization. The token response then carries this
context. The link works once and expires in {{ttl_minutes}} minutes.</p>
<dl class="reg-summary">
  <div><dt>User</dt><dd>{{#has_user_display}}{{user_display}}{{/has_user_display}}{{^has_user_display}}Whoever signs in{{/has_user_display}}</dd></div>
  <div><dt>Patient</dt><dd>{{#has_patient_display}}{{patient_display}}{{/has_patient_display}}{{^has_patient_display}}None (the app may ask for one){{/has_patient_display}}</dd></div>
  {{#has_encounter}}<div><dt>Encounter</dt><dd><code>{{encounter}}</code></dd></div>{{/has_encounter}}
  <div><dt>Display</dt><dd>{{#embedded}}Embedded in the EHR: <code>need_patient_banner</code> is false{{/embedded}}{{^embedded}}New window: <code>need_patient_banner</code> is true{{/embedded}}</dd></div>
  {{#has_fhir_context}}<div><dt>fhirContext</dt><dd><code>{{fhir_context}}</code></dd></div>{{/has_fhir_context}}
  {{#has_intent}}<div><dt>Intent</dt><dd><code>{{intent}}</code></dd></div>{{/has_intent}}
  {{#has_simulated}}<div><dt>Simulated failures</dt><dd><ul class="reg-list">{{#simulated}}<li>{{.}}</li>{{/simulated}}</ul></dd></div>{{/has_simulated}}
</dl>
{{/standalone}}
</section>
)html";

}  // namespace

std::string render_app_list(const PortalShell& shell, const AppListView& v) {
  mu::data d;
  set_text(d, "notice", v.notice);
  mu::data apps{mu::data::type::list};
  for (const auto& a : v.apps) {
    mu::data row;
    row.set("client_id", a.client_id);
    row.set("id_path", url_component(a.client_id));
    row.set("name", a.name);
    row.set("initial", first_character(a.name));
    set_text(row, "logo_uri", a.logo_uri);
    row.set("has_logo", !a.logo_uri.empty());
    row.set("type_words", a.type_words);
    set_text(row, "launch_url", a.launch_url);
    row.set("redirect_uris", string_list(a.redirect_uris));
    row.set("has_redirects", !a.redirect_uris.empty());
    row.set("scopes", a.scopes);
    row.set("scopes_short", a.scopes_short);
    row.set("auto_approve", a.auto_approve);
    apps.push_back(row);
  }
  d.set("apps", apps);
  d.set("has_apps", !v.apps.empty());
  return render_portal(shell, kAppList, d);
}

std::string render_app_form(const PortalShell& shell, const AppFormView& v) {
  mu::data d;
  const bool editing = !v.client_id.empty();
  d.set("editing", editing);
  d.set("heading_name", v.app_name.empty() ? v.fields.name : v.app_name);
  d.set("action", v.action);
  d.set("csrf", v.csrf);
  d.set("client_id", v.client_id);
  d.set("id_path", url_component(v.client_id));
  d.set("has_secret", v.has_secret);
  d.set("sandbox", v.sandbox);
  d.set("default_scope", v.default_scope);
  set_text(d, "notice", v.notice);
  d.set("error", v.error);
  d.set("has_form_error", !v.error.empty() && v.error_field == AppFormField::None);
  const auto& f = v.fields;
  d.set("f_name", f.name);
  d.set("f_launch_url", f.launch_url);
  d.set("f_redirect_uris", f.redirect_uris);
  d.set("f_scopes", f.scopes);
  d.set("f_jwks_uri", f.jwks_uri);
  d.set("f_jwks", f.jwks);
  d.set("f_logo_uri", f.logo_uri);
  d.set("f_auto_approve", f.auto_approve);
  // An unknown type value checks nothing; validation then reports the Client type field.
  d.set("type_public", f.client_type == "public");
  d.set("type_symmetric", f.client_type == "confidential-symmetric");
  d.set("type_asymmetric", f.client_type == "confidential-asymmetric");
  d.set("type_backend", f.client_type == "backend");
  const bool has_error = !v.error.empty();
  auto flag = [&](const char* key, AppFormField field) {
    d.set(key, has_error && v.error_field == field);
  };
  flag("err_name", AppFormField::Name);
  flag("err_type", AppFormField::ClientType);
  flag("err_launch_url", AppFormField::LaunchUrl);
  flag("err_redirect_uris", AppFormField::RedirectUris);
  flag("err_scopes", AppFormField::Scopes);
  flag("err_jwks_uri", AppFormField::JwksUri);
  flag("err_jwks", AppFormField::Jwks);
  flag("err_logo_uri", AppFormField::LogoUri);
  flag("err_auto_approve", AppFormField::AutoApprove);
  return render_portal(shell, kAppForm, d);
}

std::string render_app_credentials(const PortalShell& shell, const AppCredentialsView& v) {
  mu::data d;
  d.set("client_id", v.client_id);
  d.set("id_path", url_component(v.client_id));
  d.set("name", v.name);
  set_text(d, "secret", v.secret);
  d.set("regenerated", v.regenerated);
  d.set("show_launcher", v.sandbox && v.launchable);
  return render_portal(shell, kAppCredentials, d);
}

std::string render_app_delete(const PortalShell& shell, const AppDeleteView& v) {
  mu::data d;
  d.set("client_id", v.client_id);
  d.set("id_path", url_component(v.client_id));
  d.set("name", v.name);
  d.set("csrf", v.csrf);
  return render_portal(shell, kAppDelete, d);
}

std::string render_launcher(const PortalShell& shell, const LauncherView& v) {
  mu::data d;
  d.set("csrf", v.csrf);
  d.set("apps", choice_list(v.apps));
  d.set("other_app", v.other_app);
  d.set("other_launch_url", v.other_launch_url);
  d.set("other_client_id", v.other_client_id);
  d.set("standalone", v.standalone);
  d.set("users", choice_list(v.users));
  d.set("patients", choice_list(v.patients));
  d.set("encounter", v.encounter);
  d.set("embedded", v.embedded);
  d.set("fhir_context", v.fhir_context);
  d.set("intent", v.intent);
  d.set("sim_token", v.simulate_token_failure);
  d.set("sim_fhir_401", v.simulate_fhir_401);
  d.set("sim_no_patient", v.simulate_no_patient);
  d.set("broken_unknown", v.broken_unknown);
  d.set("broken_used", v.broken_used);
  d.set("broken_expired", v.broken_expired);
  d.set("broken_iss", v.broken_iss);
  set_text(d, "error", v.error);
  return render_portal(shell, kLauncher, d);
}

std::string render_launch_ready(const PortalShell& shell, const LaunchReadyView& v) {
  mu::data d;
  d.set("standalone", v.standalone);
  d.set("app_name", v.app_name);
  d.set("url", v.url);
  set_text(d, "user_display", v.user_display);
  set_text(d, "patient_display", v.patient_display);
  set_text(d, "encounter", v.encounter);
  d.set("embedded", v.embedded);
  set_text(d, "fhir_context", v.fhir_context);
  set_text(d, "intent", v.intent);
  d.set("simulated", string_list(v.simulated));
  d.set("has_simulated", !v.simulated.empty());
  d.set("ttl_minutes", std::to_string(v.ttl_minutes));
  d.set("again_href", v.again_href.empty() ? std::string("/ehr/launcher") : v.again_href);
  return render_portal(shell, kLaunchReady, d);
}

}  // namespace ember::ehr
