// The stylesheet of the authorization pages (served at /ehr/static/ember.css) and their
// Content-Security-Policy. Self-contained: system fonts, no images beyond CSS gradients, no
// external resources (the deployment network may be closed).
#include <string_view>

#include "ehr/views.h"

namespace ember::ehr {

// Colours are chosen for WCAG AA: body text #111827 and muted text #4b5563 on white, white on
// the primary #c2410c (5.2:1), and control borders of at least 3:1 against their background.
std::string_view stylesheet() {
  static constexpr std::string_view kCss = R"css(
:root {
  color-scheme: light;
  --bg: #f3f4f6;
  --surface: #ffffff;
  --surface-muted: #f9fafb;
  --text: #111827;
  --muted: #4b5563;
  --border: #e5e7eb;
  --border-strong: #7b8494;
  --primary: #c2410c;
  --primary-hover: #9a3412;
  --primary-soft: #fff7ed;
  --focus: #1d4ed8;
  --danger: #991b1b;
  --danger-bg: #fef2f2;
  --danger-border: #fecaca;
  --radius: 10px;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}

*, *::before, *::after { box-sizing: border-box; }

html { -webkit-text-size-adjust: 100%; }

body {
  margin: 0;
  min-height: 100vh;
  background: var(--bg);
  color: var(--text);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "Noto Sans", "Liberation Sans", sans-serif;
  font-size: 1rem;
  line-height: 1.5;
}

/* Header */
.topbar {
  display: flex;
  align-items: center;
  gap: 1rem;
  padding: 0.75rem 1.5rem;
  background: var(--surface);
  border-bottom: 1px solid var(--border);
}
.brand {
  display: inline-flex;
  align-items: center;
  gap: 0.5rem;
  font-weight: 700;
  font-size: 1.0625rem;
  letter-spacing: -0.01em;
}
.brand-mark {
  width: 1.25rem;
  height: 1.25rem;
  border-radius: 50% 50% 50% 12%;
  transform: rotate(135deg);
  background: radial-gradient(circle at 40% 40%, #fed7aa 0%, #f97316 45%, #c2410c 100%);
}
.topbar-user { margin-left: auto; color: var(--muted); font-size: 0.875rem; }
.topbar-user strong { color: var(--text); font-weight: 600; }

/* Card */
.page {
  display: flex;
  justify-content: center;
  padding: 3rem 1rem 4rem;
}
.card {
  width: 100%;
  max-width: 26rem;
  background: var(--surface);
  border: 1px solid var(--border);
  border-radius: 14px;
  box-shadow: 0 1px 2px rgba(17, 24, 39, 0.04), 0 12px 32px rgba(17, 24, 39, 0.08);
  padding: 2rem;
}
.card-wide { max-width: 36rem; }

h1 {
  margin: 0 0 0.25rem;
  font-size: 1.5rem;
  line-height: 1.25;
  letter-spacing: -0.015em;
  overflow-wrap: anywhere;
}
h2 { margin: 0 0 0.25rem; font-size: 0.9375rem; }
p { margin: 0 0 1rem; }
.lede { color: var(--muted); margin-bottom: 1.5rem; overflow-wrap: anywhere; }
.lede strong { color: var(--text); }
.eyebrow {
  margin: 0 0 0.5rem;
  color: var(--danger);
  font-size: 0.8125rem;
  font-weight: 600;
  letter-spacing: 0.06em;
  text-transform: uppercase;
}
.message { margin: 0.75rem 0 0; color: var(--muted); overflow-wrap: anywhere; }

code {
  font-family: var(--mono);
  font-size: 0.8125em;
  background: #f3f4f6;
  border: 1px solid var(--border);
  border-radius: 4px;
  padding: 0.05em 0.35em;
  overflow-wrap: anywhere;
}

/* Forms */
.stack > * + * { margin-top: 1rem; }
label { font-weight: 600; }
.field label, .search > label { display: block; margin-bottom: 0.375rem; }
input[type="text"], input[type="password"], input[type="search"] {
  display: block;
  width: 100%;
  padding: 0.625rem 0.75rem;
  font: inherit;
  color: inherit;
  background: var(--surface);
  border: 1px solid var(--border-strong);
  border-radius: 8px;
}
input[aria-invalid="true"] { border-color: var(--danger); }
input::placeholder { color: #6b7280; }

:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
input:focus-visible { outline-offset: 1px; border-color: var(--focus); }

.btn {
  display: inline-flex;
  align-items: center;
  justify-content: center;
  min-width: 7rem;
  padding: 0.625rem 1.125rem;
  font: inherit;
  font-weight: 600;
  line-height: 1.25;
  border: 1px solid transparent;
  border-radius: 8px;
  cursor: pointer;
}
.btn-primary { background: var(--primary); color: #fff; }
.btn-primary:hover { background: var(--primary-hover); }
.btn-secondary {
  background: var(--surface);
  color: var(--text);
  border-color: var(--border-strong);
}
.btn-secondary:hover { background: var(--surface-muted); }
.btn-block { width: 100%; margin-top: 1.5rem; }

.alert {
  margin: 0 0 1.25rem;
  padding: 0.75rem 1rem;
  background: var(--danger-bg);
  border: 1px solid var(--danger-border);
  border-left: 4px solid var(--danger);
  border-radius: 8px;
  color: var(--danger);
}

/* Sandbox accounts */
.demo {
  margin-top: 1.75rem;
  padding: 1rem 1.125rem;
  background: var(--surface-muted);
  border: 1px dashed var(--border-strong);
  border-radius: var(--radius);
  font-size: 0.9375rem;
}
.demo p { margin: 0 0 0.625rem; color: var(--muted); }
.demo-list { list-style: none; margin: 0; padding: 0; }
.demo-list li {
  display: flex;
  flex-wrap: wrap;
  align-items: baseline;
  gap: 0.5rem;
  padding: 0.25rem 0;
}
.demo-list span { color: var(--muted); }

/* Pickers */
.search { margin-bottom: 1.25rem; }
.search-row { display: flex; gap: 0.5rem; }
.search-row input { flex: 1; min-width: 0; }
.search-row .btn { min-width: 0; }

.choices {
  list-style: none;
  margin: 0;
  padding: 0;
  border: 1px solid var(--border);
  border-radius: var(--radius);
  overflow: hidden;
}
.choices li + li { border-top: 1px solid var(--border); }
.choice {
  position: relative;
  display: flex;
  flex-direction: column;
  align-items: flex-start;
  gap: 0.125rem;
  width: 100%;
  padding: 0.875rem 2.75rem 0.875rem 1rem;
  font: inherit;
  color: inherit;
  text-align: left;
  background: var(--surface);
  border: 0;
  cursor: pointer;
}
.choice::after {
  content: "›";
  position: absolute;
  right: 1.125rem;
  top: 50%;
  transform: translateY(-50%);
  color: var(--muted);
  font-size: 1.5rem;
  line-height: 1;
}
.choice:hover { background: var(--primary-soft); }
.choice:hover::after { color: var(--primary); }
.choice:focus-visible { outline-offset: -3px; border-radius: 2px; }
.choice-title { font-weight: 600; overflow-wrap: anywhere; }
.choice-meta { color: var(--muted); font-size: 0.875rem; }
.choice-meta > span + span::before { content: "· "; }
.choice-row { flex-direction: row; align-items: center; gap: 1rem; }
.choice-row .choice-title { flex: 1; }
.choice-date { color: var(--muted); font-variant-numeric: tabular-nums; min-width: 6.5rem; }
.status {
  padding: 0.125rem 0.625rem;
  background: #f3f4f6;
  border: 1px solid var(--border);
  border-radius: 999px;
  color: #374151;
  font-size: 0.8125rem;
  text-transform: capitalize;
}

.empty {
  margin: 0;
  padding: 1.5rem 1rem;
  text-align: center;
  color: var(--muted);
  border: 1px dashed var(--border-strong);
  border-radius: var(--radius);
  overflow-wrap: anywhere;
}

/* Consent */
.context {
  margin: 1rem 0 1.5rem;
  padding: 0.75rem 1rem;
  background: var(--surface-muted);
  border: 1px solid var(--border);
  border-radius: var(--radius);
}
.context div { display: flex; gap: 1rem; padding: 0.125rem 0; }
.context dt { flex: none; width: 7rem; color: var(--muted); }
.context dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }

fieldset { margin: 0; padding: 0; border: 0; min-width: 0; }
.scopes > legend { padding: 0; margin-bottom: 0.625rem; font-weight: 600; }
.scope-list { list-style: none; margin: 0; padding: 0; }
.scopes > .scope-list { border: 1px solid var(--border); border-radius: var(--radius); }
.scopes > .scope-list > li { padding: 0.875rem 1rem; }
.scopes > .scope-list > li + li { border-top: 1px solid var(--border); }

.check {
  display: flex;
  align-items: flex-start;
  gap: 0.75rem;
  font-weight: 400;
  cursor: pointer;
}
input[type="checkbox"] {
  flex: none;
  width: 1.125rem;
  height: 1.125rem;
  margin: 0.1875rem 0 0;
  accent-color: var(--primary);
  cursor: pointer;
}
.scope-text { display: flex; flex-direction: column; align-items: flex-start; gap: 0.25rem; }
.scope-label { font-weight: 500; }
.scope-text code { font-size: 0.75rem; color: #374151; }

.narrower { margin: 0.75rem 0 0 1.875rem; }
.narrower > legend { padding: 0; margin-bottom: 0.25rem; color: var(--muted); font-size: 0.875rem; }
.narrower > .scope-list { border-left: 2px solid var(--border); padding-left: 0.875rem; }
.narrower .scope { padding: 0.375rem 0; }

.remember { margin-top: 1.25rem; }
.actions {
  display: flex;
  justify-content: flex-end;
  gap: 0.75rem;
  margin-top: 1.5rem;
  padding-top: 1.25rem;
  border-top: 1px solid var(--border);
}

@media (max-width: 30rem) {
  .page { padding: 1rem 0.5rem 2rem; }
  .card { padding: 1.25rem; }
  .choice-row { flex-wrap: wrap; gap: 0.25rem 1rem; }
  .context div { flex-direction: column; gap: 0; padding: 0.25rem 0; }
  .actions .btn { flex: 1; }
}
)css";
  return kCss;
}

// No script-src at all (default-src 'none' covers it), so no inline or external script runs.
// form-action is deliberately absent: Chromium applies form-action to every redirect that
// follows a form submission, and the consent POST ends in a redirect to the app's registered
// redirect_uri, which may be any http(s) origin or a private-use scheme of a native app
// (RFC 8252 §7.1). `form-action 'self'` would block that redirect, and `'self' http: https:`
// would still block native apps while adding no real protection. Forms here only ever post to
// paths the server chose, and every value is escaped, so no injected form can exist to abuse.
std::string_view content_security_policy() {
  return "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'; "
         "base-uri 'none'";
}

}  // namespace ember::ehr
