// The scope-based fhir::AccessPolicy (SMART 2.2 scopes-and-launch-context; checklist §10, §14).
#include "smart/policy.h"

#include <algorithm>
#include <utility>

#include "fhir/api.h"
#include "fhir/search_params.h"
#include "fhir/search_parser.h"

namespace ember::smart {

namespace {

using fhir::FhirError;
using fhir::Interaction;

// A clause no resource satisfies: ids are never empty.
store::Clause never_matches() {
  store::Predicate p;
  p.param = "_id";
  p.type = store::ParamType::Token;
  p.code = "";
  return store::Clause{{p}};
}


// Whether `filters` can be merged with `first` by OR-ing the values of one parameter: same
// parameter names in the same positions, no modifiers on the differing one (`:not=A,B` is not
// `:not=A` OR `:not=B`), values different in at most that one position. Sets `*at` to it.
bool mergeable(const Filters& first, const Filters& filters, std::optional<std::size_t>* at) {
  if (filters.size() != first.size()) return false;
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (filters[i].first != first[i].first) return false;
    if (filters[i].second == first[i].second) continue;
    if (first[i].first.find(':') != std::string::npos) return false;
    if (*at && **at != i) return false;
    *at = i;
  }
  return true;
}

// A 403 that also tells the client why in the RFC 6750 §3.1 challenge.
fhir::FhirError insufficient_scope(std::string diagnostics) {
  fhir::FhirError e = fhir::forbidden(std::move(diagnostics));
  e.www_authenticate = "Bearer realm=\"ember\", error=\"insufficient_scope\"";
  return e;
}

class ScopePolicy final : public fhir::AccessPolicy {
 public:
  ScopePolicy(std::vector<ResourceScope> scopes, PolicyContext ctx)
      : scopes_(std::move(scopes)), ctx_(std::move(ctx)) {
    principal_.subject = ctx_.subject;
    principal_.client_id = ctx_.client_id;
    principal_.fhir_user = ctx_.fhir_user.value_or("");
    principal_.patient_id = ctx_.patient_id.value_or("");
  }

  const fhir::Principal& principal() const override { return principal_; }

  Result<void, FhirError> allow(Interaction in, std::string_view type) const override {
    // Batches are authorized per entry; the CapabilityStatement is public (checklist API-07).
    if (in == Interaction::Batch || in == Interaction::Capabilities) return {};
    if (in == Interaction::HistorySystem) {
      if (system_wide('s')) return {};
      return fail(insufficient_scope("system history needs a user/*.s or system/*.s scope"));
    }
    if (!matching(in, type).empty()) return {};
    const char letter = scope_letter(in);
    bool patient_scope = std::any_of(scopes_.begin(), scopes_.end(), [&](const auto& s) {
      return s.context == Context::Patient && applies(s, letter, type);
    });
    if (patient_scope && !ctx_.patient_id) {
      return fail(insufficient_scope("no patient in context: patient/ scopes grant nothing"));
    }
    return fail(insufficient_scope("needs a scope granting '" + std::string(1, letter) + "' on " +
                                std::string(type)));
  }

  std::vector<store::Clause> constraints(Interaction in, std::string_view type) const override {
    if (in == Interaction::Batch || in == Interaction::Capabilities ||
        in == Interaction::HistorySystem) {
      return {};
    }
    auto scopes = matching(in, type);
    if (scopes.empty()) return {never_matches()};  // allow() refuses; fail closed regardless
    // Per scope: does the compartment apply, and which filters (SMART 2.2: several granular
    // scopes for one type = their union; a resource-level scope supersedes them, SCP-13).
    const bool in_compartment = !fhir::patient_compartment_params(type).empty();
    bool any_compartment = false, any_plain = false;
    for (const ResourceScope* s : scopes) {
      const bool comp = s->context == Context::Patient && in_compartment;
      if (!comp && s->filters.empty()) return {};  // user/, system/, or out of compartment
      any_compartment = any_compartment || comp;
      any_plain = any_plain || s->filters.empty();
    }
    if (any_plain) {
      // A patient/ scope without filters admits the whole compartment, which contains every
      // filtered patient/ scope. A filtered user/ or system/ scope beside it could reach
      // outside the compartment; AND-of-ORs cannot express that union, so the compartment
      // alone is used (narrower, never wider).
      return compartment_clauses(type, *ctx_.patient_id);
    }
    // All filtered. One clause per filter; when the scopes differ only in the values of one
    // parameter (category=A + category=B), OR those values (comma = OR in FHIR search).
    Filters merged = scopes.front()->filters;
    bool comp = scopes.front()->context == Context::Patient && in_compartment;
    std::optional<std::size_t> at;
    bool ok = true;
    for (const ResourceScope* s : scopes) {
      const bool scomp = s->context == Context::Patient && in_compartment;
      if (scomp != comp || !mergeable(merged, s->filters, &at)) {
        ok = false;
        break;
      }
    }
    if (ok && at) {
      std::vector<std::string> values;
      for (const ResourceScope* s : scopes) {
        const std::string& v = s->filters[*at].second;
        if (std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
      }
      std::string joined;
      for (const auto& v : values) joined += (joined.empty() ? "" : ",") + v;
      merged[*at].second = std::move(joined);
    } else if (!ok) {
      // Limitation: a union of scopes filtering on different parameters (or mixing compartment
      // and non-compartment contexts) is not an AND of ORs; the first scope alone applies, so
      // the result is narrower than the grant, never wider.
      merged = scopes.front()->filters;
    }
    std::vector<store::Clause> out;
    if (comp) out = compartment_clauses(type, *ctx_.patient_id);
    auto clauses = filter_clauses(type, merged);
    if (!clauses) return {never_matches()};  // cannot happen: matching() checked each scope
    for (auto& c : *clauses) out.push_back(std::move(c));
    return out;
  }

  bool always_readable(std::string_view type, std::string_view id) const override {
    if (!ctx_.fhir_user) return false;
    const std::string& u = *ctx_.fhir_user;
    return u.size() == type.size() + 1 + id.size() && u.starts_with(type) &&
           u[type.size()] == '/' && std::string_view(u).substr(type.size() + 1) == id;
  }

  bool unrestricted() const override { return system_wide('r') && system_wide('s'); }

 private:
  // Whether `s` names `type` with `letter` (ignoring context availability and filters).
  // A wildcard does not reach the audit trail (fhir::outside_wildcard_scopes).
  static bool applies(const ResourceScope& s, char letter, std::string_view type) {
    return ((s.type == "*" && !fhir::outside_wildcard_scopes(type)) || s.type == type) &&
           s.letters.find(letter) != std::string::npos;
  }

  // Scopes that grant `in` on `type` and that can take effect: a patient/ scope needs a patient
  // in context, a filtered scope needs filters that are valid searches on `type`.
  std::vector<const ResourceScope*> matching(Interaction in, std::string_view type) const {
    std::vector<const ResourceScope*> out;
    const char letter = scope_letter(in);
    for (const auto& s : scopes_) {
      if (!applies(s, letter, type)) continue;
      if (s.context == Context::Patient && !ctx_.patient_id) continue;
      if (!s.filters.empty() && !filter_clauses(type, s.filters)) continue;
      out.push_back(&s);
    }
    return out;
  }

  // A user/*. or system/*. scope without filters carrying `letter`.
  bool system_wide(char letter) const {
    return std::any_of(scopes_.begin(), scopes_.end(), [&](const ResourceScope& s) {
      return s.context != Context::Patient && s.type == "*" && s.filters.empty() &&
             s.letters.find(letter) != std::string::npos;
    });
  }

  std::vector<ResourceScope> scopes_;
  PolicyContext ctx_;
  fhir::Principal principal_;
};

}  // namespace

// The Patient compartment of `patient_id` for `type` (R4 CompartmentDefinition "patient"): one
// clause OR-ing the compartment's reference parameters; Patient itself by `_id`. Empty when the
// type is not in the compartment (Medication, Practitioner, Organization, Location …).
std::vector<store::Clause> compartment_clauses(std::string_view type, const std::string& patient_id) {
  auto params = fhir::patient_compartment_params(type);
  if (params.empty()) return {};
  store::Clause c;
  for (std::string_view param : params) {
    store::Predicate p;
    p.param = std::string(param);
    if (param == "_id") {
      p.type = store::ParamType::Token;
      p.code = patient_id;
    } else {
      p.type = store::ParamType::Reference;
      p.target_type = "Patient";
      p.target_id = patient_id;
    }
    c.any_of.push_back(std::move(p));
  }
  return {std::move(c)};
}

char scope_letter(Interaction in) {
  if (in == Interaction::HistoryInstance) return 'r';
  return fhir::interaction_letter(in);
}

Result<std::vector<store::Clause>, std::string> filter_clauses(std::string_view type,
                                                               const Filters& filters) {
  fhir::SearchLimits limits;
  limits.strict = true;
  auto parsed = fhir::parse_search(type, filters, limits);
  if (!parsed) return fail(parsed.error().param + ": " + parsed.error().message);
  if (parsed->query.all_of.size() != filters.size() || !parsed->includes.empty() ||
      !parsed->revincludes.empty() || !parsed->query.sort.empty() || !parsed->elements.empty() ||
      parsed->summary != fhir::Summary::None) {
    return fail(std::string("only search parameters that filter resources may constrain a scope"));
  }
  return std::move(parsed->query.all_of);
}

bool enforceable(const ResourceScope& s) {
  return s.filters.empty() || s.type == "*" || filter_clauses(s.type, s.filters).has_value();
}

std::shared_ptr<const fhir::AccessPolicy> make_policy(const ScopeSet& granted, PolicyContext ctx) {
  return std::make_shared<const ScopePolicy>(granted.resources(), std::move(ctx));
}

}  // namespace ember::smart
