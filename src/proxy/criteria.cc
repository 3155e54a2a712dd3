#include "proxy/criteria.h"

#include <algorithm>
#include <string>
#include <utility>

#include "core/clock.h"
#include "fhir/search_parser.h"

namespace ember::proxy {

namespace {

using store::Modifier;
using store::ParamType;
using store::Predicate;
using store::Prefix;

std::string_view modifier_suffix(Modifier m) {
  switch (m) {
    case Modifier::Exact:
      return ":exact";
    case Modifier::Contains:
      return ":contains";
    case Modifier::Missing:
      return ":missing";
    case Modifier::Not:
      return ":not";
    case Modifier::Text:
      return ":text";
    case Modifier::Below:
      return ":below";
    case Modifier::Above:
      return ":above";
    default:
      return "";
  }
}

std::string_view prefix_text(Prefix p) {
  switch (p) {
    case Prefix::Eq:
      return "eq";
    case Prefix::Ne:
      return "ne";
    case Prefix::Gt:
      return "gt";
    case Prefix::Lt:
      return "lt";
    case Prefix::Ge:
      return "ge";
    case Prefix::Le:
      return "le";
    case Prefix::Sa:
      return "sa";
    case Prefix::Eb:
      return "eb";
    case Prefix::Ap:
      return "ap";
  }
  return "eq";
}

// The bound a date prefix compares against (fhir/constraint_match.cc: gt/le/sa use the upper
// end of the search value's range, lt/ge/eb the lower); eq, ne and ap need both.
enum class Bound { Lo, Hi, Both };
Bound date_bound(Prefix p) {
  switch (p) {
    case Prefix::Gt:
    case Prefix::Le:
    case Prefix::Sa:
      return Bound::Hi;
    case Prefix::Lt:
    case Prefix::Ge:
    case Prefix::Eb:
      return Bound::Lo;
    default:
      return Bound::Both;
  }
}

// One predicate's value in search syntax; nullopt for what has no faithful text form.
std::optional<std::string> render_value(const Predicate& p) {
  if (p.modifier == Modifier::Missing) return std::string(p.missing ? "true" : "false");
  if (p.param == "_id") {
    if (p.code.empty()) return std::nullopt;
    return escape_search_value(p.code);
  }
  switch (p.type) {
    case ParamType::Token:
      if (p.modifier == Modifier::Text) return escape_search_value(p.text);
      if (!p.system) return escape_search_value(p.code);
      return escape_search_value(*p.system) + "|" + escape_search_value(p.code);
    case ParamType::String:
    case ParamType::Uri:
      return escape_search_value(p.text);
    case ParamType::Reference:
      if (!p.url.empty()) return escape_search_value(p.url);
      if (p.target_id.empty()) return std::nullopt;
      if (p.target_type.empty()) return escape_search_value(p.target_id);
      return p.target_type + "/" + escape_search_value(p.target_id);
    case ParamType::Date: {
      // An instant at millisecond precision stands for one millisecond; it carries the bound
      // the prefix compares against exactly. eq/ne/ap over a wider range have no such form.
      const Bound b = date_bound(p.prefix);
      if (b == Bound::Both && p.lo_ms != p.hi_ms) return std::nullopt;
      return std::string(prefix_text(p.prefix)) +
             format_instant(b == Bound::Hi ? p.hi_ms : p.lo_ms);
    }
    default:
      // Numbers and quantities: the value's precision is part of its meaning and is not kept
      // in the predicate; they are enforced on each returned resource instead.
      return std::nullopt;
  }
}

// Whether the parsed `b` means what `a` means (the fields each type's matching reads).
bool same_predicate(const Predicate& a, const Predicate& b) {
  if (a.param != b.param || a.type != b.type || a.modifier != b.modifier) return false;
  if (a.modifier == Modifier::Missing) return a.missing == b.missing;
  if (a.param == "_id") return a.code == b.code;
  switch (a.type) {
    case ParamType::Token:
      if (a.modifier == Modifier::Text) return a.text == b.text;
      return a.system == b.system && a.code == b.code;
    case ParamType::String:
    case ParamType::Uri:
      return a.text == b.text;
    case ParamType::Reference:
      return a.target_type == b.target_type && a.target_id == b.target_id && a.url == b.url;
    case ParamType::Date:
      if (a.prefix != b.prefix) return false;
      switch (date_bound(a.prefix)) {
        case Bound::Lo:
          return a.lo_ms == b.lo_ms;
        case Bound::Hi:
          return a.hi_ms == b.hi_ms;
        default:
          return a.lo_ms == b.lo_ms && a.hi_ms == b.hi_ms;
      }
    default:
      return false;
  }
}

// The predicates of one parameter (same name and modifier) as `name=v1,v2`, if the text parses
// back into exactly these predicates.
std::optional<http::QueryParam> render_group(std::string_view type,
                                             const std::vector<const Predicate*>& group) {
  const Predicate& first = *group.front();
  // `:not=A,B` is read by servers in different ways; one value only.
  if (first.modifier == Modifier::Not && group.size() > 1) return std::nullopt;
  http::QueryParam out{first.param + std::string(modifier_suffix(first.modifier)), ""};
  for (const Predicate* p : group) {
    auto v = render_value(*p);
    if (!v) return std::nullopt;
    out.value += (out.value.empty() ? "" : ",") + *v;
  }
  fhir::SearchLimits strict;
  strict.strict = true;
  auto parsed = fhir::parse_search(type, {{out.name, out.value}}, strict);
  if (!parsed || parsed->query.all_of.size() != 1) return std::nullopt;
  const auto& back = parsed->query.all_of.front().any_of;
  if (back.size() != group.size()) return std::nullopt;
  for (const Predicate* p : group) {
    bool found = std::any_of(back.begin(), back.end(),
                             [&](const Predicate& q) { return same_predicate(*p, q); });
    if (!found) return std::nullopt;
  }
  return out;
}

int preference(const std::string& param) {
  if (param == "patient") return 0;
  if (param == "subject") return 1;
  return 2;
}

}  // namespace

std::string escape_search_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\' || c == ',' || c == '|' || c == '$') out += '\\';
    out += c;
  }
  return out;
}

std::optional<http::QueryParam> render_clause(std::string_view type, const store::Clause& clause) {
  if (clause.any_of.empty()) return std::nullopt;
  // Group by parameter and modifier, in order of first appearance.
  std::vector<std::vector<const Predicate*>> groups;
  for (const Predicate& p : clause.any_of) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return g.front()->param == p.param && g.front()->modifier == p.modifier;
    });
    if (it == groups.end()) {
      groups.push_back({&p});
    } else {
      it->push_back(&p);
    }
  }
  // One group is the whole clause; of several, any one is a subset of it (narrower).
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return preference(a.front()->param) < preference(b.front()->param);
  });
  for (const auto& g : groups) {
    if (auto r = render_group(type, g)) return r;
  }
  return std::nullopt;
}

PushDown push_down(std::string_view type, const std::vector<store::Clause>& constraints) {
  PushDown out;
  for (const auto& clause : constraints) {
    if (auto p = render_clause(type, clause)) {
      out.params.push_back(std::move(*p));
    } else {
      out.complete = false;
    }
  }
  return out;
}

}  // namespace ember::proxy
