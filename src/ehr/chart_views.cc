// Renders the portal's sign-in, patient list, chart and app-frame pages (chart_views.h), and
// defines the stylesheet fragment for them. Every value reaches the HTML through the escaping
// template engine; the trend chart is an SVG template filled with computed coordinates.
#include "ehr/chart_views.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "ehr/portal_css.h"
#include "ehr/view_helpers.h"

namespace ember::ehr {

namespace mu = kainjow::mustache;

namespace {

// ---- Templates ------------------------------------------------------------------------------

constexpr std::string_view kSignInBody = R"html(<section class="card portal-card" aria-labelledby="signin-title">
<h1 id="signin-title">Sign in to Ember EHR</h1>
<p class="lede">Clinicians open their patients’ charts; patients see their own.</p>
{{#has_error}}<div class="alert" role="alert" id="sign-in-error">{{error}}</div>{{/has_error}}
<form method="post" action="/ehr/login" class="stack">
<input type="hidden" name="csrf" value="{{csrf}}">
<input type="hidden" name="next" value="{{next}}">
<div class="field">
  <label for="username">Username</label>
  <input id="username" name="username" type="text" value="{{username}}" autocomplete="username"
         autocapitalize="none" spellcheck="false" required
         {{^has_username}}autofocus{{/has_username}}
         {{#has_error}}aria-invalid="true" aria-describedby="sign-in-error"{{/has_error}}>
</div>
<div class="field">
  <label for="password">Password</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required
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
</section>
)html";

constexpr std::string_view kPatientListBody = R"html(<div class="page-head">
<h1>Patients</h1>
<form method="get" action="/ehr/patients" class="search page-search" role="search">
  <label for="q">Search patients</label>
  <div class="search-row">
    <input id="q" name="q" type="search" value="{{query}}" placeholder="Name or MRN"
           autocomplete="off" spellcheck="false">
    <button type="submit" class="btn btn-secondary">Search</button>
  </div>
</form>
</div>
{{#has_patients}}
<div class="table-wrap">
<table class="data-table" aria-label="Patients">
<thead><tr><th scope="col">Name</th><th scope="col">Birth date</th><th scope="col">Gender</th><th scope="col">MRN</th></tr></thead>
<tbody>
{{#patients}}
<tr><th scope="row"><a href="{{href}}">{{name}}</a></th><td class="nowrap">{{birth_date}}</td><td>{{gender}}</td><td class="nowrap mono">{{mrn}}</td></tr>
{{/patients}}
</tbody>
</table>
</div>
{{#truncated}}<p class="table-note">Showing the first {{shown}} patients. Search by name or MRN to find others.</p>{{/truncated}}
{{/has_patients}}
{{^has_patients}}
<p class="empty">
{{#has_query}}No patients match “{{query}}”. Try part of the name or the MRN.{{/has_query}}
{{^has_query}}No patients on record yet.{{/has_query}}
</p>
{{/has_patients}}
)html";

// The patient banner: kept at the top of the viewport while the chart scrolls.
constexpr std::string_view kBanner = R"html(<section class="patient-banner" aria-label="Patient banner">
{{#banner}}
<div class="banner-id">
  <h1 class="banner-name">{{name}}</h1>
  <dl class="banner-facts">
    <div><dt>Born</dt><dd>{{birth_date}}{{#has_age}} ({{age}}){{/has_age}}</dd></div>
    <div><dt>Gender</dt><dd>{{gender}}</dd></div>
    <div><dt>MRN</dt><dd>{{mrn}}</dd></div>
  </dl>
</div>
{{#has_allergies}}<p class="banner-flag banner-allergy"><strong>Allergies:</strong> {{allergy_list}}</p>{{/has_allergies}}
{{^has_allergies}}<p class="banner-flag banner-nka">No known allergies</p>{{/has_allergies}}
{{#has_encounter}}
<p class="banner-encounter">Encounter: {{encounter_type}}, {{encounter_date}}
  <a href="{{close_encounter_href}}">Close encounter</a></p>
{{/has_encounter}}
{{/banner}}
</section>
)html";

// One trend chart. Geometry is computed in C++; the template only places it.
constexpr std::string_view kTrend = R"html(<figure class="trend">
<svg xmlns="http://www.w3.org/2000/svg" class="trend-svg" role="img" aria-label="{{aria_label}}" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}">
{{#gridlines}}
<line x1="{{x1}}" y1="{{y}}" x2="{{x2}}" y2="{{y}}" stroke="#e5e7eb" stroke-width="1"/>
<text x="{{label_x}}" y="{{label_y}}" font-size="10" fill="#4b5563" text-anchor="end">{{label}}</text>
{{/gridlines}}
{{#series}}
<polyline points="{{points}}" fill="none" stroke="{{color}}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>
{{#dots}}<circle cx="{{cx}}" cy="{{cy}}" r="2.5" fill="{{color}}"/>{{/dots}}
{{/series}}
<text x="{{first_x}}" y="{{axis_y}}" font-size="10" fill="#4b5563" text-anchor="start">{{first_date}}</text>
<text x="{{last_x}}" y="{{axis_y}}" font-size="10" fill="#4b5563" text-anchor="end">{{last_date}}</text>
</svg>
<figcaption>{{title}} ({{unit}}){{#multi}}{{#series}} <span class="legend"><svg class="legend-swatch" aria-hidden="true" viewBox="0 0 10 10" width="10" height="10"><rect width="10" height="10" rx="2" fill="{{color}}"/></svg> {{label}}</span>{{/series}}{{/multi}}</figcaption>
</figure>
)html";

constexpr std::string_view kChartBody = R"html({{> patient_banner}}
<div class="chart">
<div class="chart-panels">

<section class="panel panel-wide" aria-labelledby="enc-title">
<h2 id="enc-title">Encounters</h2>
{{#has_encounters}}
<div class="table-wrap">
<table class="data-table" aria-labelledby="enc-title">
<thead><tr><th scope="col">Date</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>
{{#encounters}}
<tr{{#current}} class="row-current"{{/current}}><td class="nowrap">{{date}}</td><td>{{type}}{{#current}} <span class="badge">Current</span>{{/current}}</td><td><span class="status">{{status}}</span></td><td>{{reason}}</td>
<td class="nowrap"><a href="{{href}}"{{#current}} aria-current="true"{{/current}}>Open encounter</a></td></tr>
{{/encounters}}
</tbody>
</table>
</div>
{{/has_encounters}}
{{^has_encounters}}<p class="panel-empty">No encounters on record.</p>{{/has_encounters}}
</section>

<section class="panel" aria-labelledby="prob-title">
<h2 id="prob-title">Problems</h2>
{{#has_problems}}
<div class="table-wrap">
<table class="data-table" aria-labelledby="prob-title">
<thead><tr><th scope="col">Problem</th><th scope="col">Status</th><th scope="col">Onset</th></tr></thead>
<tbody>
{{#problems}}<tr><td>{{name}}</td><td>{{clinical_status}}</td><td class="nowrap">{{onset}}</td></tr>
{{/problems}}
</tbody>
</table>
</div>
{{/has_problems}}
{{^has_problems}}<p class="panel-empty">No problems recorded.</p>{{/has_problems}}
</section>

<section class="panel" aria-labelledby="med-title">
<h2 id="med-title">Medications</h2>
{{#has_medications}}
<div class="table-wrap">
<table class="data-table" aria-labelledby="med-title">
<thead><tr><th scope="col">Medication</th><th scope="col">Dosage</th><th scope="col">Status</th><th scope="col">Authored</th></tr></thead>
<tbody>
{{#medications}}<tr><td>{{medication}}</td><td>{{dosage}}</td><td>{{status}}</td><td class="nowrap">{{authored}}</td></tr>
{{/medications}}
</tbody>
</table>
</div>
{{/has_medications}}
{{^has_medications}}<p class="panel-empty">No medications on record.</p>{{/has_medications}}
</section>

<section class="panel" aria-labelledby="alg-title">
<h2 id="alg-title">Allergies</h2>
{{#has_allergy_rows}}
<div class="table-wrap">
<table class="data-table" aria-labelledby="alg-title">
<thead><tr><th scope="col">Substance</th><th scope="col">Criticality</th><th scope="col">Reaction</th></tr></thead>
<tbody>
{{#allergy_rows}}<tr><td>{{substance}}</td><td>{{criticality}}</td><td>{{reaction}}</td></tr>
{{/allergy_rows}}
</tbody>
</table>
</div>
{{/has_allergy_rows}}
{{^has_allergy_rows}}<p class="panel-empty">No known allergies.</p>{{/has_allergy_rows}}
</section>

<section class="panel" aria-labelledby="vital-title">
<h2 id="vital-title">Vital signs</h2>
{{#has_vitals}}
<div class="table-wrap">
<table class="data-table" aria-labelledby="vital-title">
<thead><tr><th scope="col">Measurement</th><th scope="col">Latest</th><th scope="col">Date</th></tr></thead>
<tbody>
{{#vitals}}<tr><th scope="row">{{kind}}</th><td class="nowrap">{{value}}</td><td class="nowrap">{{date}}</td></tr>
{{/vitals}}
</tbody>
</table>
</div>
{{#has_trends}}<div class="trends">{{#trends}}{{> trend}}{{/trends}}</div>{{/has_trends}}
{{/has_vitals}}
{{^has_vitals}}<p class="panel-empty">No vital signs recorded.</p>{{/has_vitals}}
</section>

<section class="panel panel-wide" aria-labelledby="lab-title">
<h2 id="lab-title">Lab results</h2>
{{#has_labs}}
<div class="table-wrap">
<table class="data-table" aria-labelledby="lab-title">
<thead><tr><th scope="col">Test</th><th scope="col">Value</th><th scope="col">Reference range</th><th scope="col">Interpretation</th><th scope="col">Date</th></tr></thead>
<tbody>
{{#labs}}<tr{{#abnormal}} class="row-abnormal"{{/abnormal}}><td>{{test}}</td><td class="nowrap value">{{value}}</td><td class="nowrap">{{range}}</td><td class="flag">{{interpretation}}</td><td class="nowrap">{{date}}</td></tr>
{{/labs}}
</tbody>
</table>
</div>
{{/has_labs}}
{{^has_labs}}<p class="panel-empty">No lab results on record.</p>{{/has_labs}}
</section>

</div>

<section class="panel apps-panel" aria-labelledby="apps-title">
<h2 id="apps-title">Apps</h2>
<p class="app-mode">Open apps:
  <a href="{{frame_href}}"{{^window_mode}} aria-current="true"{{/window_mode}}>In the chart</a>
  <span aria-hidden="true">|</span>
  <a href="{{window_href}}"{{#window_mode}} aria-current="true"{{/window_mode}}>In a new window</a></p>
{{#has_apps}}
<ul class="app-list">
{{#apps}}
<li><form method="post" action="/ehr/launch"{{#window_mode}} target="_blank" rel="noopener"{{/window_mode}}>
<input type="hidden" name="csrf" value="{{csrf}}">
<input type="hidden" name="patient" value="{{patient_id}}">
{{#has_encounter}}<input type="hidden" name="encounter" value="{{encounter_id}}">
{{/has_encounter}}<input type="hidden" name="client_id" value="{{client_id}}">
<input type="hidden" name="view" value="{{view}}">
<button type="submit" class="app-button">{{#has_logo}}<img src="{{logo_uri}}" alt="" width="28" height="28" class="app-logo">{{/has_logo}}{{^has_logo}}<span class="app-logo app-logo-none" aria-hidden="true">{{initial}}</span>{{/has_logo}}<span>Launch {{name}}</span></button>
</form></li>
{{/apps}}
</ul>
{{/has_apps}}
{{^has_apps}}<p class="panel-empty">No apps with a launch URL are registered.</p>{{/has_apps}}
</section>
</div>
)html";

constexpr std::string_view kAppFrameBody = R"html({{> patient_banner}}
<section class="app-frame-wrap" aria-labelledby="app-title">
<div class="app-frame-bar">
  <h2 id="app-title">{{app_name}}</h2>
  <a class="btn btn-quiet" href="{{close_href}}">Close {{app_name}}</a>
</div>
<iframe name="app-frame" title="{{app_name}}" src="{{launch_url}}" class="app-frame"></iframe>
</section>
)html";

// ---- Helpers --------------------------------------------------------------------------------

// kainjow resolves {{> name}} through the data stack, so partials are set as data values.
mu::data partial(std::string_view tmpl) {
  return mu::data{mu::partial{[tmpl] { return std::string(tmpl); }}};
}

std::string capitalized(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

mu::data list() { return mu::data{mu::data::type::list}; }

// Sets `key` to one mustache item per element (built by `row`) and `has_<key>` to whether there
// are any (an empty list is truthy in mustache, so sections test the flag).
template <class T, class Row>
void set_rows(mu::data& d, const std::string& key, const std::vector<T>& items, Row row) {
  mu::data out = list();
  for (const auto& item : items) out.push_back(row(item));
  d.set(key, out);
  d.set("has_" + key, !items.empty());
}

// The first character (a whole UTF-8 sequence) of a name, for a logo placeholder.
std::string initial_of(const std::string& name) {
  if (name.empty()) return "?";
  std::size_t n = 1;
  while (n < name.size() && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) ++n;
  return name.substr(0, n);
}

// "1.0" → "1", "72.50" → "72.5": trend labels need no trailing zeros.
std::string one_decimal(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string short_number(double v) {
  std::string s = one_decimal(v);
  if (s.ends_with(".0")) s.resize(s.size() - 2);
  if (s == "-0") s = "0";
  return s;
}

std::string coord(double v) { return one_decimal(v); }

mu::data banner_data(const PatientBanner& b, bool window_mode) {
  mu::data d;
  d.set("name", b.name);
  d.set("birth_date", b.birth_date.empty() ? std::string("Unknown") : b.birth_date);
  d.set("age", b.age);
  d.set("has_age", !b.age.empty());
  d.set("gender", b.gender.empty() ? std::string("Unknown") : capitalized(b.gender));
  d.set("mrn", b.mrn.empty() ? std::string("—") : b.mrn);
  std::string allergies;
  for (const auto& a : b.allergies) allergies += (allergies.empty() ? "" : ", ") + a;
  d.set("allergy_list", allergies);
  d.set("has_allergies", !b.allergies.empty());
  d.set("has_encounter", !b.encounter_id.empty());
  d.set("encounter_type", b.encounter_type.empty() ? std::string("Encounter") : b.encounter_type);
  d.set("encounter_date", b.encounter_date);
  d.set("close_encounter_href", chart_href(b.id, "", window_mode));
  return d;
}

// ---- Trend geometry -------------------------------------------------------------------------

constexpr double kTrendWidth = 340;
constexpr double kTrendHeight = 140;
constexpr double kPadLeft = 38;
constexpr double kPadRight = 10;
constexpr double kPadTop = 10;
constexpr double kPadBottom = 24;
constexpr std::string_view kSeriesColors[] = {"#c2410c", "#1d4ed8"};

mu::data trend_data(const VitalTrend& t) {
  mu::data d;
  const std::size_t n = std::min(t.dates.size(), t.days.size());
  double lo = 0, hi = 0;
  bool any = false;
  for (const auto& s : t.series) {
    for (std::size_t i = 0; i < n && i < s.values.size(); ++i) {
      const double v = s.values[i];
      if (!std::isfinite(v)) continue;
      lo = any ? std::min(lo, v) : v;
      hi = any ? std::max(hi, v) : v;
      any = true;
    }
  }
  if (!any || n == 0) return d;
  // The y range: the data's range padded by a tenth, so lines never touch the frame.
  const double span = hi - lo;
  const double pad = span > 0 ? span * 0.1 : std::max(1.0, std::abs(hi) * 0.05);
  const double y_lo = lo - pad, y_hi = hi + pad;
  const std::int64_t d0 = t.days.front(), d1 = t.days[n - 1];
  const double plot_w = kTrendWidth - kPadLeft - kPadRight;
  const double plot_h = kTrendHeight - kPadTop - kPadBottom;
  auto x_of = [&](std::size_t i) {
    if (d1 == d0) return kPadLeft + plot_w / 2;
    return kPadLeft + plot_w * static_cast<double>(t.days[i] - d0) / static_cast<double>(d1 - d0);
  };
  auto y_of = [&](double v) { return kPadTop + plot_h * (y_hi - v) / (y_hi - y_lo); };

  d.set("width", short_number(kTrendWidth));
  d.set("height", short_number(kTrendHeight));
  mu::data grid = list();
  for (const double v : {hi, lo}) {
    mu::data g;
    g.set("x1", coord(kPadLeft));
    g.set("x2", coord(kTrendWidth - kPadRight));
    g.set("y", coord(y_of(v)));
    g.set("label_x", coord(kPadLeft - 4));
    g.set("label_y", coord(y_of(v) + 3.5));
    g.set("label", short_number(v));
    grid.push_back(g);
    if (span == 0) break;  // one line is enough when every value is the same
  }
  d.set("gridlines", grid);

  mu::data series = list();
  std::string latest;
  for (std::size_t s = 0; s < t.series.size(); ++s) {
    const auto& ser = t.series[s];
    const std::string color(kSeriesColors[s % std::size(kSeriesColors)]);
    std::string points;
    mu::data dots = list();
    for (std::size_t i = 0; i < n && i < ser.values.size(); ++i) {
      if (!std::isfinite(ser.values[i])) continue;
      const std::string cx = coord(x_of(i)), cy = coord(y_of(ser.values[i]));
      points += (points.empty() ? "" : " ") + cx + "," + cy;
      mu::data dot;
      dot.set("cx", cx);
      dot.set("cy", cy);
      dots.push_back(dot);
    }
    mu::data item;
    item.set("label", ser.label);
    item.set("color", color);
    item.set("points", points);
    item.set("dots", dots);
    series.push_back(item);
    if (!ser.values.empty() && ser.values.size() >= n) {
      const std::string value = short_number(ser.values[n - 1]) + " " + t.unit;
      latest += (latest.empty() ? "" : ", ") +
                (t.series.size() > 1 ? ser.label + " " : std::string()) + value;
    }
  }
  d.set("series", series);
  d.set("multi", t.series.size() > 1);
  d.set("title", t.title);
  d.set("unit", t.unit);
  d.set("first_date", t.dates.front());
  d.set("last_date", t.dates[n - 1]);
  d.set("first_x", coord(kPadLeft));
  d.set("last_x", coord(kTrendWidth - kPadRight));
  d.set("axis_y", coord(kTrendHeight - 8));
  std::string label = t.title + " over time: " + std::to_string(n) +
                      (n == 1 ? " measurement on " + t.dates.front()
                              : " measurements from " + t.dates.front() + " to " + t.dates[n - 1]);
  if (!latest.empty()) label += ", latest " + latest;
  d.set("aria_label", label + ".");
  d.set("has_points", true);
  return d;
}

}  // namespace

std::string chart_href(const std::string& patient_id, const std::string& encounter_id,
                       bool window_mode) {
  std::string href = "/ehr/patients/" + url_component(patient_id);
  char sep = '?';
  if (!encounter_id.empty()) {
    href += sep + std::string("encounter=") + url_component(encounter_id);
    sep = '&';
  }
  if (window_mode) href += sep + std::string("view=window");
  return href;
}

std::string render_trend_svg(const VitalTrend& trend) {
  mu::data d = trend_data(trend);
  if (!d.get("has_points")) return "";
  mu::mustache t{std::string(kTrend)};
  return t.render(d);
}

std::string render_portal_sign_in(const PortalShell& shell, const PortalSignInView& v) {
  mu::data d;
  d.set("csrf", v.csrf);
  d.set("next", v.next);
  d.set("username", v.username);
  d.set("has_username", !v.username.empty());
  d.set("error", v.error);
  d.set("has_error", !v.error.empty());
  mu::data accounts = list();
  for (const auto& a : v.demo_accounts) {
    mu::data item;
    item.set("username", a.username);
    item.set("display", a.display);
    accounts.push_back(item);
  }
  d.set("demo_accounts", accounts);
  d.set("has_demo", !v.demo_accounts.empty());
  return render_portal(shell, kSignInBody, d);
}

std::string render_patient_list(const PortalShell& shell, const PatientListView& v) {
  mu::data d;
  d.set("query", v.query);
  d.set("has_query", !v.query.empty());
  mu::data rows = list();
  for (const auto& p : v.patients) {
    mu::data r;
    r.set("href", chart_href(p.id, "", false));
    r.set("name", p.name);
    r.set("birth_date", p.birth_date);
    r.set("gender", capitalized(p.gender));
    r.set("mrn", p.mrn);
    rows.push_back(r);
  }
  d.set("patients", rows);
  d.set("has_patients", !v.patients.empty());
  d.set("truncated", v.truncated);
  d.set("shown", std::to_string(v.patients.size()));
  return render_portal(shell, kPatientListBody, d);
}

std::string render_chart(const PortalShell& shell, const ChartView& v) {
  const auto& b = v.banner;
  mu::data d;
  d.set("banner", banner_data(b, v.window_mode));

  mu::data encounters = list();
  for (const auto& e : v.encounters) {
    mu::data r;
    const bool current = e.id == b.encounter_id;
    r.set("date", e.date);
    r.set("type", e.type);
    r.set("status", e.status);
    r.set("reason", e.reason);
    r.set("current", current);
    r.set("href", chart_href(b.id, e.id, v.window_mode));
    encounters.push_back(r);
  }
  d.set("encounters", encounters);
  d.set("has_encounters", !v.encounters.empty());

  set_rows(d, "problems", v.problems, [](const auto& p) {
    mu::data r;
    r.set("name", p.name);
    r.set("clinical_status", p.clinical_status);
    r.set("onset", p.onset);
    return r;
  });

  set_rows(d, "medications", v.medications, [](const auto& m) {
    mu::data r;
    r.set("medication", m.medication);
    r.set("dosage", m.dosage);
    r.set("status", m.status);
    r.set("authored", m.authored);
    return r;
  });

  set_rows(d, "allergy_rows", v.allergies, [](const auto& a) {
    mu::data r;
    r.set("substance", a.substance);
    r.set("criticality", a.criticality);
    r.set("reaction", a.reaction);
    return r;
  });

  set_rows(d, "vitals", v.vitals, [](const auto& s) {
    mu::data r;
    r.set("kind", s.kind);
    r.set("value", s.value);
    r.set("date", s.date);
    return r;
  });
  mu::data trends = list();
  bool has_trends = false;
  for (const auto& t : v.trends) {
    mu::data td = trend_data(t);
    if (!td.get("has_points")) continue;
    trends.push_back(td);
    has_trends = true;
  }
  d.set("has_trends", has_trends);
  d.set("trends", trends);

  mu::data labs = list();
  for (const auto& l : v.labs) {
    mu::data r;
    r.set("test", l.test);
    r.set("value", l.value);
    r.set("range", l.range);
    r.set("interpretation", l.interpretation);
    r.set("abnormal", l.abnormal);
    r.set("date", l.date);
    labs.push_back(r);
  }
  d.set("labs", labs);
  d.set("has_labs", !v.labs.empty());

  mu::data apps = list();
  for (const auto& a : v.apps) {
    mu::data r;
    r.set("client_id", a.client_id);
    r.set("name", a.name);
    r.set("logo_uri", a.logo_uri);
    r.set("has_logo", !a.logo_uri.empty());
    r.set("initial", initial_of(a.name));
    apps.push_back(r);
  }
  d.set("apps", apps);
  d.set("has_apps", !v.apps.empty());
  d.set("csrf", v.csrf);
  d.set("patient_id", b.id);
  d.set("encounter_id", b.encounter_id);
  d.set("has_encounter", !b.encounter_id.empty());
  d.set("view", v.window_mode ? "window" : "frame");
  d.set("window_mode", v.window_mode);
  d.set("frame_href", chart_href(b.id, b.encounter_id, false));
  d.set("window_href", chart_href(b.id, b.encounter_id, true));

  d.set("patient_banner", partial(kBanner));
  d.set("trend", partial(kTrend));
  return render_portal(shell, kChartBody, d);
}

std::string render_app_frame(const PortalShell& shell, const AppFrameView& v) {
  mu::data d;
  d.set("banner", banner_data(v.banner, false));
  d.set("app_name", v.app_name);
  d.set("launch_url", v.launch_url);
  d.set("close_href", chart_href(v.banner.id, v.banner.encounter_id, false));
  d.set("patient_banner", partial(kBanner));
  return render_portal(shell, kAppFrameBody, d);
}

}  // namespace ember::ehr

namespace ember::ehr::css {

const std::string_view kChart = R"css(
/* Portal cards (sign-in, errors) */
.portal-card { margin: 2.5rem auto; max-width: 28rem; }
.portal-card .demo { margin-top: 1.5rem; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.mono { font-family: var(--mono); font-size: 0.8125rem; }
.nowrap { white-space: nowrap; font-variant-numeric: tabular-nums; }

/* Page heading with a search form beside it */
.page-head {
  display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between;
  gap: 1rem; margin-bottom: 1rem;
}
.page-head h1 { margin: 0; }
.page-search { margin: 0; flex: 0 1 28rem; }

/* Dense, readable tables */
.table-wrap {
  overflow-x: auto; background: var(--surface); border: 1px solid var(--border);
  border-radius: var(--radius);
}
.data-table { width: 100%; border-collapse: collapse; font-size: 0.875rem; line-height: 1.4; }
.data-table th, .data-table td {
  padding: 0.45rem 0.75rem; text-align: left; vertical-align: top;
  border-bottom: 1px solid var(--border);
}
.data-table thead th {
  background: var(--surface-muted); color: var(--muted); font-size: 0.75rem; font-weight: 600;
  letter-spacing: 0.04em; text-transform: uppercase; white-space: nowrap;
}
.data-table tbody tr:last-child > * { border-bottom: 0; }
.data-table tbody tr:hover { background: var(--surface-muted); }
.data-table tbody th { font-weight: 600; }
.data-table a { color: var(--primary-hover); font-weight: 600; }
.data-table .status { font-size: 0.75rem; padding: 0.05rem 0.5rem; }
.row-current, .data-table tbody tr.row-current:hover { background: var(--primary-soft); }
.row-abnormal .value, .row-abnormal .flag { color: var(--danger); font-weight: 600; }
.badge {
  display: inline-block; margin-left: 0.375rem; padding: 0 0.5rem; border-radius: 999px;
  background: var(--primary); color: #fff; font-size: 0.75rem; font-weight: 600;
}
.table-note { margin: 0.5rem 0 0; color: var(--muted); font-size: 0.875rem; }

/* Patient banner: stays at the top while the chart scrolls */
.patient-banner {
  position: sticky; top: 0; z-index: 5;
  display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem;
  margin-bottom: 1rem; padding: 0.625rem 1rem;
  background: var(--surface); border: 1px solid var(--border);
  border-left: 4px solid var(--primary); border-radius: var(--radius);
  box-shadow: 0 2px 6px rgba(17, 24, 39, 0.06);
}
.banner-id { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.25rem 1.25rem; }
.banner-name { margin: 0; font-size: 1.25rem; }
.banner-facts { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin: 0; font-size: 0.875rem; }
.banner-facts div { display: flex; gap: 0.3rem; }
.banner-facts dt { color: var(--muted); }
.banner-facts dd { margin: 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.banner-flag { margin: 0; padding: 0.15rem 0.6rem; border-radius: 6px; font-size: 0.875rem; }
.banner-allergy {
  background: var(--danger-bg); border: 1px solid var(--danger-border); color: var(--danger);
}
.banner-nka { border: 1px solid var(--border); color: var(--muted); }
.banner-encounter {
  margin: 0 0 0 auto; padding: 0.15rem 0.6rem; font-size: 0.875rem;
  background: var(--primary-soft); border-radius: 6px;
}
.banner-encounter a { margin-left: 0.5rem; color: var(--primary-hover); font-weight: 600; }

/* Chart: clinical panels on the left, apps on the right */
.chart { display: grid; grid-template-columns: minmax(0, 1fr) 17rem; gap: 1rem; align-items: start; }
.chart-panels {
  display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem; align-items: start;
}
.panel {
  min-width: 0; padding: 0.875rem 1rem 1rem; background: var(--surface);
  border: 1px solid var(--border); border-radius: var(--radius);
}
.panel-wide { grid-column: 1 / -1; }
.panel h2 { margin: 0 0 0.625rem; font-size: 1rem; }
.panel .table-wrap { border-radius: 8px; }
.panel-empty { margin: 0; color: var(--muted); font-size: 0.875rem; }
.apps-panel { align-self: start; }

/* Vital-sign trends */
.trends { display: flex; flex-wrap: wrap; gap: 1rem; margin-top: 0.875rem; }
.trend { margin: 0; }
.trend-svg { display: block; max-width: 100%; height: auto; }
.trend figcaption { margin-top: 0.25rem; color: var(--muted); font-size: 0.8125rem; }
.legend { margin-left: 0.5rem; white-space: nowrap; }
.legend-swatch { display: inline-block; vertical-align: -1px; }

/* Apps panel */
.app-mode { margin: 0 0 0.75rem; color: var(--muted); font-size: 0.875rem; }
.app-mode a { color: var(--primary-hover); }
.app-mode a[aria-current] { color: var(--text); font-weight: 600; text-decoration: none; }
.app-list { display: flex; flex-direction: column; gap: 0.5rem; margin: 0; padding: 0; list-style: none; }
.app-list form { margin: 0; }
.app-button {
  display: flex; align-items: center; gap: 0.625rem; width: 100%; padding: 0.5rem 0.75rem;
  font: inherit; font-weight: 600; text-align: left; color: var(--text);
  background: var(--surface); border: 1px solid var(--border-strong); border-radius: 8px;
  cursor: pointer;
}
.app-button:hover { background: var(--primary-soft); border-color: var(--primary); }
.app-logo { flex: none; width: 1.75rem; height: 1.75rem; border-radius: 6px; object-fit: contain; }
.app-logo-none {
  display: inline-flex; align-items: center; justify-content: center;
  background: var(--primary-soft); color: var(--primary-hover); font-weight: 700;
}

/* A launched app inside the chart */
.app-frame-bar {
  display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  margin-bottom: 0.5rem;
}
.app-frame-bar h2 { margin: 0; font-size: 1rem; }
a.btn-quiet { text-decoration: none; border-radius: 8px; }
.app-frame {
  display: block; width: 100%; height: calc(100vh - 11rem); min-height: 28rem;
  background: #fff; border: 1px solid var(--border); border-radius: var(--radius);
}

@media (max-width: 64rem) {
  .chart { grid-template-columns: minmax(0, 1fr); }
}
@media (max-width: 48rem) {
  .chart-panels { grid-template-columns: minmax(0, 1fr); }
  .banner-encounter { margin-left: 0; }
}
)css";

}  // namespace ember::ehr::css
