// Templates of the authorization pages (see templates.h). Plain HTML forms only: the CSP allows
// no script, and labels and button texts here are what the end-to-end tests find pages by.
#include "ehr/templates.h"

namespace ember::ehr::templates {

const std::string_view kLayout = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex, nofollow">
<title>{{title}} · Ember</title>
<link rel="stylesheet" href="/ehr/static/ember.css">
</head>
<body>
<header class="topbar">
  <span class="brand"><span class="brand-mark" aria-hidden="true"></span>Ember</span>
  {{#has_user}}
  <span class="topbar-user">Signed in as <strong>{{user_display}}</strong></span>
  {{/has_user}}
</header>
<main class="page">
<div class="card{{#wide}} card-wide{{/wide}}">
{{> body}}
</div>
</main>
</body>
</html>
)html";

const std::string_view kHiddenFields = R"html(<input type="hidden" name="txn" value="{{txn}}">
<input type="hidden" name="csrf" value="{{csrf}}">
)html";

const std::string_view kSignIn = R"html(<h1>Sign in to Ember</h1>
{{#has_app_name}}<p class="lede">to continue to <strong>{{app_name}}</strong></p>{{/has_app_name}}
{{#has_error}}<div class="alert" role="alert" id="sign-in-error">{{error}}</div>{{/has_error}}
<form method="post" action="{{action}}" class="stack">
{{> hidden}}
<div class="field">
  <label for="username">Username</label>
  <input id="username" name="username" type="text" value="{{username}}" autocomplete="username"
         autocapitalize="none" spellcheck="false" required
         {{^has_username}}autofocus{{/has_username}}
         {{#has_error}}aria-invalid="true" aria-describedby="sign-in-error"{{/has_error}}>
</div>
<div class="field">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password"
         required
         {{#has_username}}autofocus{{/has_username}}
         {{#has_error}}aria-invalid="true" aria-describedby="sign-in-error"{{/has_error}}>
</div>
<button type="submit" class="btn btn-primary btn-block">Sign in</button>
</form>
{{#has_demo}}
<aside class="demo" aria-labelledby="demo-title">
  <h2 id="demo-title">Sandbox accounts</h2>
  <p>The password is <code>demo</code> for all of them.</p>
  <ul class="demo-list">
  {{#demo_accounts}}
    <li><code>{{username}}</code> <span>{{display}}</span></li>
  {{/demo_accounts}}
  </ul>
</aside>
{{/has_demo}}
)html";

const std::string_view kPatientPicker = R"html(<h1>Choose a patient</h1>
{{#has_app_name}}
<p class="lede"><strong>{{app_name}}</strong> will open with the patient you choose.</p>
{{/has_app_name}}
{{^has_app_name}}<p class="lede">Open the chart of the patient you choose.</p>{{/has_app_name}}
<form method="get" action="{{search_action}}" class="search" role="search">
  <input type="hidden" name="txn" value="{{txn}}">
  <label for="q">Search patients</label>
  <div class="search-row">
    <input id="q" name="q" type="search" value="{{query}}" placeholder="Name or MRN"
           autocomplete="off" spellcheck="false">
    <button type="submit" class="btn btn-secondary">Search</button>
  </div>
</form>
<form method="post" action="{{action}}">
{{> hidden}}
{{#has_patients}}
<ul class="choices" aria-label="Patients">
{{#patients}}
  <li><button type="submit" name="patient" value="{{id}}" class="choice">
    <span class="choice-title">{{name}}</span>
    <span class="choice-meta">{{#meta}}<span>{{.}}</span> {{/meta}}</span>
  </button></li>
{{/patients}}
</ul>
{{/has_patients}}
{{^has_patients}}
<p class="empty">
{{#has_query}}No patients match “{{query}}”. Try part of the name or the MRN.{{/has_query}}
{{^has_query}}No patients found.{{/has_query}}
</p>
{{/has_patients}}
</form>
)html";

const std::string_view kEncounterPicker = R"html(<h1>Choose an encounter</h1>
<p class="lede">
{{#has_patient}}Visits of <strong>{{patient_display}}</strong>.{{/has_patient}}
{{#has_app_name}}
<strong>{{app_name}}</strong> will open in the encounter you choose.
{{/has_app_name}}
</p>
<form method="post" action="{{action}}">
{{> hidden}}
{{#has_encounters}}
<ul class="choices" aria-label="Encounters">
{{#encounters}}
  <li><button type="submit" name="encounter" value="{{id}}" class="choice choice-row">
    <span class="choice-date">{{date}}</span>
    <span class="choice-title">{{type}}</span>
    <span class="status">{{status}}</span>
  </button></li>
{{/encounters}}
</ul>
{{/has_encounters}}
{{^has_encounters}}
<p class="empty">No encounters on record for this patient.</p>
{{/has_encounters}}
</form>
)html";

const std::string_view kScopeItem = R"html(<li class="scope">
  <label class="check">
    <input type="checkbox" name="scope" value="{{scope}}"{{#checked}} checked{{/checked}}>
    <span class="scope-text">
      <span class="scope-label">{{label}}</span>
      <code>{{scope}}</code>
    </span>
  </label>
  {{#has_narrower}}
  <fieldset class="narrower">
    <legend>or allow only:</legend>
    <ul class="scope-list">
    {{#narrower}}{{> scope_item}}{{/narrower}}
    </ul>
  </fieldset>
  {{/has_narrower}}
</li>
)html";

// Deny comes first in the form so that pressing Enter (which submits with the first submit
// button) never grants access by accident; CSS keeps Allow as the visually primary action.
const std::string_view kConsent = R"html(<h1>{{app_name}} wants access</h1>
<dl class="context">
  <div><dt>Signed in as</dt><dd>{{user_display}}</dd></div>
  {{#has_patient}}<div><dt>Patient</dt><dd>{{patient_display}}</dd></div>{{/has_patient}}
</dl>
<form method="post" action="{{action}}">
{{> hidden}}
<fieldset class="scopes">
  <legend>Allow {{app_name}} to:</legend>
  {{#has_scopes}}
  <ul class="scope-list">
  {{#scopes}}{{> scope_item}}{{/scopes}}
  </ul>
  {{/has_scopes}}
  {{^has_scopes}}<p class="empty">This app asks for no access to health records.</p>{{/has_scopes}}
</fieldset>
<label class="check remember">
  <input type="checkbox" name="remember" value="1"> <span>Remember my decision</span>
</label>
<div class="actions">
  <button type="submit" name="decision" value="deny" class="btn btn-secondary">Deny</button>
  <button type="submit" name="decision" value="allow" class="btn btn-primary">Allow</button>
</div>
</form>
)html";

// No links and no redirect: an error page must never send the browser to an app URL that has
// not been validated (RFC 6749 §4.1.2.1).
const std::string_view kError = R"html(<p class="eyebrow">Error {{status}}</p>
<h1>{{title}}</h1>
<p class="message">{{message}}</p>
)html";

}  // namespace ember::ehr::templates
