// Grant computation, refresh narrowing and consent-page helpers (SMART 2.2
// scopes-and-launch-context; checklist §10 SCP-06/08/09/12, §6 REF-02/04).
#include "smart/grant.h"

#include <algorithm>
#include <array>
#include <optional>

#include "smart/policy.h"

namespace ember::smart {

namespace {

constexpr std::string_view kObservationCategory =
    "http://terminology.hl7.org/CodeSystem/observation-category";
constexpr std::string_view kConditionCategory =
    "http://terminology.hl7.org/CodeSystem/condition-category";
constexpr std::string_view kUsCoreCategory =
    "http://hl7.org/fhir/us/core/CodeSystem/us-core-category";
// US Core's own Condition category system (health-concern), as US Core 6.1/7.0 and the Inferno
// US Core kit (smart_scopes_constants.rb) spell it — not us-core-category.
constexpr std::string_view kUsCoreConditionCategory =
    "http://hl7.org/fhir/us/core/CodeSystem/condition-category";

struct Category {
  std::string_view type, system, code, label;
};

// The categories the consent page offers, in display order (checklist SCP-08: the HTI-1 set
// first, then the rest of the R4 observation-category codes).
constexpr std::array<Category, 14> kCategories = {{
    {"Observation", kObservationCategory, "laboratory", "laboratory results"},
    {"Observation", kObservationCategory, "vital-signs", "vital signs"},
    {"Observation", kObservationCategory, "social-history", "social history"},
    {"Observation", kObservationCategory, "survey", "survey and questionnaire answers"},
    {"Observation", kUsCoreCategory, "sdoh", "social needs (SDOH) assessments"},
    {"Observation", kObservationCategory, "clinical-test", "clinical test results"},
    {"Observation", kObservationCategory, "exam", "physical exam findings"},
    {"Observation", kObservationCategory, "imaging", "imaging results"},
    {"Observation", kObservationCategory, "procedure", "procedure results"},
    {"Observation", kObservationCategory, "therapy", "therapy observations"},
    {"Observation", kObservationCategory, "activity", "activity observations"},
    {"Condition", kConditionCategory, "problem-list-item", "problem list entries"},
    {"Condition", kConditionCategory, "encounter-diagnosis", "visit diagnoses"},
    {"Condition", kUsCoreConditionCategory, "health-concern", "health concerns"},
}};

// The category of a scope whose only filter is `category=<system>|<code>` (or a bare code).
const Category* category_of(const ResourceScope& r) {
  if (r.filters.size() != 1 || r.filters[0].first != "category") return nullptr;
  std::string_view v = r.filters[0].second;
  for (const auto& c : kCategories) {
    if (c.type != r.type) continue;
    auto bar = v.find('|');
    std::string_view code = bar == std::string_view::npos ? v : v.substr(bar + 1);
    if (code != c.code) continue;
    if (bar == std::string_view::npos || v.substr(0, bar) == c.system) return &c;
  }
  return nullptr;
}

std::optional<Scope> parse_resource(std::string_view text) {
  auto s = parse_scope(text);
  if (!s || s->kind != ScopeKind::Resource) return std::nullopt;
  return std::move(*s);
}

std::string common_letters(std::string_view a, std::string_view b) {
  std::string out;
  for (char c : std::string_view("cruds")) {
    if (a.find(c) != std::string_view::npos && b.find(c) != std::string_view::npos) out += c;
  }
  return out;
}

// The part of `req` that `allowed` permits, when it is again one scope; nullopt otherwise.
std::optional<ResourceScope> intersect(const ResourceScope& req, const ResourceScope& allowed) {
  if (req.context != allowed.context) return std::nullopt;
  ResourceScope r;
  r.context = req.context;
  if (req.type == "*")
    r.type = allowed.type;
  else if (allowed.type == "*" || allowed.type == req.type)
    r.type = req.type;
  else
    return std::nullopt;
  r.letters = common_letters(req.letters, allowed.letters);
  if (r.letters.empty()) return std::nullopt;
  // The intersection of two constraint sets is their union: fine when one contains the other.
  auto has = [&](const auto& kv) {
    return std::find(req.filters.begin(), req.filters.end(), kv) != req.filters.end();
  };
  if (std::all_of(allowed.filters.begin(), allowed.filters.end(), has))
    r.filters = req.filters;
  else if (req.filters.empty())
    r.filters = allowed.filters;
  else
    return std::nullopt;
  r.v1 = req.v1;
  r.text = format_scope(r);
  return r;
}

void add_resource(ScopeSet& out, ResourceScope r) {
  Scope s;
  s.kind = ScopeKind::Resource;
  s.text = r.text;
  s.resource = std::move(r);
  out.add(std::move(s));
}

std::string verbs(std::string_view letters) {
  if (letters == "rs") return "Read and search";
  static constexpr std::array<std::pair<char, std::string_view>, 5> kVerbs = {
      {{'c', "create"}, {'r', "read"}, {'u', "update"}, {'d', "delete"}, {'s', "search"}}};
  std::vector<std::string_view> words;
  for (const auto& [c, w] : kVerbs) {
    if (letters.find(c) != std::string_view::npos) words.push_back(w);
  }
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " and " : ", ";
    out += words[i];
  }
  if (!out.empty()) out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string describe_resource(const ResourceScope& r) {
  std::string v = verbs(r.letters);
  if (const Category* c = category_of(r)) {
    switch (r.context) {
      case Context::Patient:
        return v + " your " + std::string(c->label);
      case Context::User:
        return v + " " + std::string(c->label) + " you have access to";
      case Context::System:
        return v + " " + std::string(c->label) + " of all patients";
    }
  }
  // Wildcards mean every type, now and in future; the consent page says so (SCP-06).
  std::string what =
      r.type == "*" ? "all kinds of records (including kinds added later)" : r.type + " records";
  std::string out;
  switch (r.context) {
    case Context::Patient:
      out = v + " " + what + " of the patient in context";
      break;
    case Context::User:
      out = v + " " + what + " you have access to";
      break;
    case Context::System:
      out = v + (r.type == "*" ? " " : " all ") + what;
      break;
  }
  for (std::size_t i = 0; i < r.filters.size(); ++i) {
    out += i == 0 ? " where " : " and ";
    out += r.filters[i].first + " is " + r.filters[i].second;
  }
  return out;
}

}  // namespace

ScopeSet compute_grant(const ScopeSet& requested, const ScopeSet& allowed,
                       const std::vector<std::string>& approved) {
  ScopeSet out;
  auto is_approved = [&](const std::string& t) {
    return std::find(approved.begin(), approved.end(), t) != approved.end();
  };
  for (const Scope& s : requested.all()) {
    const bool resource = s.kind == ScopeKind::Resource;
    if (resource && !enforceable(s.resource)) continue;
    if (is_approved(s.text)) {
      if (covered_by(allowed, s)) {
        out.add(s);
      } else if (resource) {
        for (const ResourceScope& a : allowed.resources()) {
          auto r = intersect(s.resource, a);
          if (r && enforceable(*r)) add_resource(out, std::move(*r));
        }
      }
      continue;
    }
    if (!resource) continue;
    // Granular sub-scopes the consent page offered in place of the whole resource scope.
    for (const std::string& text : approved) {
      auto sub = parse_resource(text);
      if (!sub || !covers(s.resource, sub->resource) || !enforceable(sub->resource)) continue;
      if (covered_by(allowed, *sub)) out.add(std::move(*sub));
    }
  }
  return out;
}

Result<ScopeSet, ScopeError> narrow(const ScopeSet& granted, std::string_view requested) {
  if (requested.find_first_not_of(' ') == std::string_view::npos) return granted;
  auto set = parse_scopes_strict(requested);
  if (!set) return fail(std::move(set.error()));
  for (const Scope& s : set->all()) {
    if (!granted.contains(s.text) && !covered_by(granted, s)) {
      return fail(ScopeError{ScopeError::Code::InvalidScope, s.text,
                             "scope '" + s.text + "' was not part of the original grant"});
    }
  }
  return std::move(*set);
}

std::vector<std::string> granular_options(const ResourceScope& requested) {
  std::vector<std::string> out;
  if (requested.context == Context::System || !requested.filters.empty()) return out;
  for (const auto& c : kCategories) {
    if (c.type != requested.type) continue;
    ResourceScope r;
    r.context = requested.context;
    r.type = requested.type;
    r.letters = requested.letters;
    r.filters = {{"category", std::string(c.system) + "|" + std::string(c.code)}};
    out.push_back(format_scope(r));
  }
  return out;
}

std::string describe_scope(const std::string& scope) {
  auto s = parse_scope(scope);
  if (!s) return "Unrecognized permission: " + scope;
  switch (s->kind) {
    case ScopeKind::Resource:
      return describe_resource(s->resource);
    case ScopeKind::Launch:
      return "Use the patient and context open in the EHR";
    case ScopeKind::LaunchContext:
      if (s->launch_type == "Patient") return "Use the patient open in the EHR";
      if (s->launch_type == "Encounter") return "Use the encounter open in the EHR";
      return "Use the " + s->launch_type + " open in the EHR";
    case ScopeKind::OpenId:
      return "Confirm your identity when you sign in";
    case ScopeKind::FhirUser:
      return "Know who you are (your name and role)";
    case ScopeKind::Profile:
      return "See your basic profile (name)";
    case ScopeKind::OfflineAccess:
      return "Keep access when you are not using the app";
    case ScopeKind::OnlineAccess:
      return "Keep access while you are signed in";
    case ScopeKind::Other:
      return "Additional permission: " + scope;
  }
  return scope;
}

}  // namespace ember::smart
