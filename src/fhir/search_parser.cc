// FHIR R4 search parameter parsing (http://hl7.org/fhir/R4/search.html). Section names are
// cited as anchors of that page, e.g. "search.html#token".
#include "fhir/search_parser.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <system_error>

#include "fhir/datetime.h"
#include "fhir/normalize.h"
#include "fhir/search_params.h"

namespace ember::fhir {
namespace {

using store::Modifier;
using store::ParamType;
using store::Predicate;
using store::Prefix;
using Code = SearchError::Code;

template <class T>
using R = Result<T, SearchError>;

// R4 Resource.id and Resource.meta.lastUpdated, handled by store columns.
constexpr std::string_view kIdParam = "_id";
constexpr std::string_view kLastUpdatedParam = "_lastUpdated";

std::unexpected<SearchError> invalid(std::string_view param, std::string message) {
  return fail(SearchError{Code::Invalid, std::string(param), std::move(message)});
}

std::unexpected<SearchError> not_supported(std::string_view param, std::string message) {
  return fail(SearchError{Code::NotSupported, std::string(param), std::move(message)});
}

std::string quoted(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// C0 controls other than tab, CR and LF (the set json/exact.h refuses in stored strings).
bool has_control_char(std::string_view s) {
  return std::ranges::any_of(s, [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
  });
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// search.html#escaping: `\,` `\|` `\$` `\\` stand for the literal character. Splitting looks at
// unescaped separators only; unescape() runs on each piece afterwards.
std::vector<std::string_view> split_unescaped(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      ++i;
    } else if (s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::string unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (s[i] == '\\' && (next == ',' || next == '|' || next == '$' || next == '\\')) {
      out += next;
      ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// FHIR `id` datatype: [A-Za-z0-9\-\.]{1,64}.
bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::ranges::all_of(
      id, [](char c) { return is_alpha(c) || is_digit(c) || c == '-' || c == '.'; });
}

bool targets_allow(const SearchParamDef& def, std::string_view type) {
  return def.targets.empty() || std::ranges::find(def.targets, type) != def.targets.end();
}

// ---- prefixes and numbers -------------------------------------------------------------------

struct PrefixName {
  std::string_view name;
  Prefix prefix;
};
constexpr std::array<PrefixName, 9> kPrefixes{{{"eq", Prefix::Eq},
                                               {"ne", Prefix::Ne},
                                               {"gt", Prefix::Gt},
                                               {"lt", Prefix::Lt},
                                               {"ge", Prefix::Ge},
                                               {"le", Prefix::Le},
                                               {"sa", Prefix::Sa},
                                               {"eb", Prefix::Eb},
                                               {"ap", Prefix::Ap}}};

// search.html#prefix: number, date and quantity values may start with a two-letter prefix. Values
// themselves start with a digit or '-', so a leading letter that is not a prefix is an error.
R<Prefix> take_prefix(std::string_view& value, std::string_view param) {
  if (value.empty() || !is_alpha(value[0])) return Prefix::Eq;
  for (const auto& p : kPrefixes) {
    if (value.starts_with(p.name)) {
      value.remove_prefix(2);
      return p.prefix;
    }
  }
  return invalid(param, "unknown prefix in " + quoted(value));
}

struct Decimal {
  double value = 0;
  double half_width = 0;  // half a unit of the last significant digit
};

// A FHIR decimal with an optional exponent, -?digits(.digits)?([eE][+-]?digits)?. The implied
// precision follows search.html#number: 100 -> [99.5, 100.5), 100.00 -> [99.995, 100.005), and
// 1e2 -> one significant figure, [50, 150). (The R4 table prints [95 ... 105) for 1e2, which
// contradicts its own "1 significant figure"; R5 corrected the example to [50 ... 150).)
std::optional<Decimal> parse_decimal(std::string_view s) {
  constexpr long kMaxExponent = 400;
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    return i - start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (digits() == 0) return std::nullopt;
  long decimals = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    decimals = static_cast<long>(digits());
    if (decimals == 0) return std::nullopt;
  }
  long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    std::size_t start = i;
    if (digits() == 0) return std::nullopt;
    auto [end, ec] = std::from_chars(s.data() + start, s.data() + i, exponent);
    if (ec != std::errc{} || exponent > kMaxExponent) return std::nullopt;
    if (negative) exponent = -exponent;
  }
  if (i != s.size()) return std::nullopt;
  Decimal d;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d.value);
  if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(d.value)) {
    return std::nullopt;
  }
  d.half_width = 0.5 * std::pow(10.0, static_cast<double>(exponent - decimals));
  return d;
}

R<void> number_into(Predicate& p, std::string_view raw, std::string_view param) {
  auto prefix = take_prefix(raw, param);
  if (!prefix) return fail(prefix.error());
  auto d = parse_decimal(raw);
  if (!d) return invalid(param, "not a number: " + quoted(raw));
  p.prefix = *prefix;
  p.number = d->value;
  p.lo = d->value - d->half_width;
  p.hi = d->value + d->half_width;
  return {};
}

// ---- modifiers -------------------------------------------------------------------------------

struct ModSpec {
  Modifier modifier = Modifier::None;
  std::string type_filter;  // reference `:Type`
};

std::string_view type_name(ParamType t) {
  switch (t) {
    case ParamType::Number:
      return "number";
    case ParamType::Date:
      return "date";
    case ParamType::String:
      return "string";
    case ParamType::Token:
      return "token";
    case ParamType::Reference:
      return "reference";
    case ParamType::Composite:
      return "composite";
    case ParamType::Quantity:
      return "quantity";
    case ParamType::Uri:
      return "uri";
    case ParamType::Special:
      return "special";
  }
  return "unknown";
}

// search.html#modifiers: which modifiers each parameter type takes. Modifiers R4 defines for the
// type but Ember does not evaluate (terminology, :identifier, canonical :above/:below) are
// NotSupported; anything else is Invalid for that type.
R<ModSpec> resolve_modifier(const SearchParamDef& def, std::string_view mod,
                            std::string_view param) {
  ModSpec spec;
  if (mod.empty()) return spec;
  if (mod == "missing") {
    spec.modifier = Modifier::Missing;
    return spec;
  }
  switch (def.type) {
    case ParamType::String:
      if (mod == "exact") spec.modifier = Modifier::Exact;
      if (mod == "contains") spec.modifier = Modifier::Contains;
      break;
    case ParamType::Token:
      if (mod == "not") spec.modifier = Modifier::Not;
      if (mod == "text") spec.modifier = Modifier::Text;
      if (mod == "in" || mod == "not-in" || mod == "below" || mod == "above" || mod == "of-type") {
        return not_supported(param, "modifier :" + std::string(mod) + " is not supported");
      }
      break;
    case ParamType::Uri:
      if (mod == "below") spec.modifier = Modifier::Below;
      if (mod == "above") spec.modifier = Modifier::Above;
      break;
    case ParamType::Reference:
      if (mod == "identifier" || mod == "above" || mod == "below") {
        return not_supported(param, "modifier :" + std::string(mod) + " is not supported");
      }
      if (is_resource_type(mod)) {
        if (!targets_allow(def, mod)) {
          return invalid(param, quoted(def.code) + " cannot refer to " + std::string(mod));
        }
        spec.type_filter = std::string(mod);
        return spec;
      }
      break;
    default:
      break;
  }
  if (spec.modifier == Modifier::None) {
    return invalid(param, "modifier :" + std::string(mod) + " does not apply to " +
                              std::string(type_name(def.type)) + " parameter " + quoted(def.code));
  }
  return spec;
}

// ---- values by type --------------------------------------------------------------------------

// search.html#token: [code], [system]|[code], |[code], [system]|.
R<void> token_into(Predicate& p, std::string_view raw, std::string_view param) {
  if (p.modifier == Modifier::Text) {
    p.text = normalize_string(unescape(raw));
    if (p.text.empty()) return invalid(param, "empty :text value");
    return {};
  }
  auto parts = split_unescaped(raw, '|');
  if (parts.size() > 2) return invalid(param, "more than one '|' in token " + quoted(raw));
  if (parts.size() == 1) {
    p.code = unescape(parts[0]);
    return {};
  }
  if (parts[0].empty() && parts[1].empty())
    return invalid(param, "token '|' has no system or code");
  p.system = unescape(parts[0]);
  p.code = unescape(parts[1]);
  return {};
}

// search.html#string: starts-with on normalized text by default; :exact compares raw text.
R<void> string_into(Predicate& p, std::string_view raw, std::string_view param) {
  std::string value = unescape(raw);
  p.text = p.modifier == Modifier::Exact ? std::move(value) : normalize_string(value);
  if (p.text.empty()) return invalid(param, "empty string value");
  return {};
}

// Absolute when it starts with a URI scheme (`http:`, `urn:` …) before any '/'.
bool is_absolute_reference(std::string_view v) {
  auto colon = v.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > v.find('/')) return false;
  return is_alpha(v[0]) && std::ranges::all_of(v.substr(0, colon), [](char c) {
           return is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.';
         });
}

// search.html#reference: [id], [type]/[id], or an absolute URL.
R<void> reference_into(Predicate& p, std::string_view raw, const SearchParamDef& def,
                       const std::string& type_filter, std::string_view param) {
  std::string v = unescape(raw);
  if (is_absolute_reference(v)) {
    p.url = v;
    // <base>/Type/id also names the target, so local and absolute forms can match alike.
    auto last = v.rfind('/');
    auto prev = last == std::string::npos || last == 0 ? std::string::npos : v.rfind('/', last - 1);
    if (prev != std::string::npos) {
      std::string_view type = std::string_view(v).substr(prev + 1, last - prev - 1);
      std::string_view id = std::string_view(v).substr(last + 1);
      if (is_resource_type(type) && is_valid_id(id)) {
        if (!type_filter.empty() && type != type_filter) {
          return invalid(param, quoted(v) + " is not a " + type_filter + " reference");
        }
        p.target_type = std::string(type);
        p.target_id = std::string(id);
      }
    }
    return {};
  }
  auto slash = v.find('/');
  if (slash == std::string::npos) {
    if (!is_valid_id(v)) return invalid(param, "not a valid id: " + quoted(v));
    p.target_id = v;
    if (!type_filter.empty()) {
      p.target_type = type_filter;
    } else if (def.targets.size() == 1) {
      p.target_type = std::string(def.targets.front());
    }
    return {};
  }
  std::string_view type = std::string_view(v).substr(0, slash);
  std::string_view id = std::string_view(v).substr(slash + 1);
  if (!is_resource_type(type)) return invalid(param, "unknown resource type in " + quoted(v));
  if (id.find('/') != std::string_view::npos) {
    if (id.find("/_history/") != std::string_view::npos) {
      return not_supported(param, "version-specific references are not supported");
    }
    return invalid(param, "malformed reference " + quoted(v));
  }
  if (!is_valid_id(id)) return invalid(param, "not a valid id in " + quoted(v));
  if (!type_filter.empty() && type != type_filter) {
    return invalid(param, quoted(v) + " is not a " + type_filter + " reference");
  }
  if (!targets_allow(def, type)) {
    return invalid(param, quoted(def.code) + " cannot refer to " + std::string(type));
  }
  p.target_type = std::string(type);
  p.target_id = std::string(id);
  return {};
}

R<void> date_into(Predicate& p, std::string_view raw, std::string_view param) {
  auto prefix = take_prefix(raw, param);
  if (!prefix) return fail(prefix.error());
  auto range = parse_date_range(raw);
  if (!range) return invalid(param, "not a valid date: " + quoted(raw));
  p.prefix = *prefix;
  p.lo_ms = range->lo_ms;
  p.hi_ms = range->hi_ms;
  return {};
}

// search.html#quantity: [prefix]number|system|code, [prefix]number||code, [prefix]number.
R<void> quantity_into(Predicate& p, std::string_view raw, std::string_view param) {
  auto parts = split_unescaped(raw, '|');
  if (parts.size() != 1 && parts.size() != 3) {
    return invalid(param, "quantity must be number or number|system|code: " + quoted(raw));
  }
  if (auto r = number_into(p, parts[0], param); !r) return r;
  if (parts.size() == 3) {
    std::string system = unescape(parts[1]);
    if (!system.empty()) p.system = std::move(system);
    p.code = unescape(parts[2]);
  }
  return {};
}

// One comma-separated value of a parameter whose definition is known.
R<Predicate> parse_value(const SearchParamDef& def, const ModSpec& mod, std::string_view raw,
                         std::string_view param) {
  Predicate p;
  p.param = std::string(def.code);
  p.type = def.type;
  p.modifier = mod.modifier;
  if (raw.empty()) return invalid(param, "empty value");
  R<void> r;
  if (mod.modifier == Modifier::Missing) {
    // search.html#missing: the value is true or false.
    if (raw != "true" && raw != "false") return invalid(param, ":missing takes true or false");
    p.missing = raw == "true";
    return p;
  }
  if (def.code == kIdParam) {  // _id is a bare id, never system|code
    p.code = unescape(raw);
    if (!is_valid_id(p.code)) return invalid(param, "not a valid id: " + quoted(p.code));
    return p;
  }
  switch (def.type) {
    case ParamType::Token:
      r = token_into(p, raw, param);
      break;
    case ParamType::String:
      r = string_into(p, raw, param);
      break;
    case ParamType::Reference:
      r = reference_into(p, raw, def, mod.type_filter, param);
      break;
    case ParamType::Date:
      r = date_into(p, raw, param);
      break;
    case ParamType::Number:
      r = number_into(p, raw, param);
      break;
    case ParamType::Quantity:
      r = quantity_into(p, raw, param);
      break;
    case ParamType::Uri:
      p.text = unescape(raw);
      break;
    case ParamType::Composite:
    case ParamType::Special:
      return not_supported(param, "parameter type is not supported");
  }
  if (!r) return fail(r.error());
  return p;
}

// ---- the parser ------------------------------------------------------------------------------

// Parameters R4 defines for every resource that Ember does not evaluate (search.html#all).
constexpr std::array<std::string_view, 9> kUnsupportedCommon = {
    "_text",  "_content", "_list",      "_has",          "_type",
    "_query", "_filter",  "_contained", "_containedType"};

bool is_unsupported_common(std::string_view code) {
  return std::ranges::find(kUnsupportedCommon, code) != kUnsupportedCommon.end();
}

const SearchParamDef kIdDef{"Resource", kIdParam, ParamType::Token, {}, {}};
const SearchParamDef kLastUpdatedDef{"Resource", kLastUpdatedParam, ParamType::Date, {}, {}};

bool parse_size(std::string_view s, std::size_t& out) {
  if (s.empty() || !std::ranges::all_of(s, is_digit)) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

// Element names of _elements: plain FHIR element names, no paths (search.html#elements).
bool is_element_name(std::string_view s) {
  return !s.empty() && is_alpha(s[0]) &&
         std::ranges::all_of(s, [](char c) { return is_alpha(c) || is_digit(c) || c == '_'; });
}

class Parser {
 public:
  Parser(std::string_view resource_type, const SearchLimits& limits)
      : resource_type_(resource_type), limits_(limits) {
    out_.query.resource_type = std::string(resource_type);
    out_.query.count = std::min(limits.default_count, limits.max_count);
  }

  R<void> add(std::string_view name, std::string_view value) {
    // _format and _pretty belong to every interaction; the REST layer validates them.
    if (name == "_format" || name == "_pretty") return {};
    // Stored strings never hold control characters (json/exact.h), so such a value can match
    // nothing; refused here before it reaches SQL, where NUL truncates (SQLite LIKE matched
    // everything for ":contains=%00") or fails the statement (PostgreSQL text).
    if (has_control_char(name) || has_control_char(value)) {
      return invalid(name, "control characters are not allowed in search parameters");
    }
    auto colon = name.find(':');
    std::string_view code = name.substr(0, colon);
    std::string_view mod = colon == std::string_view::npos ? "" : name.substr(colon + 1);
    if (code.empty()) return invalid(name, "empty parameter name");
    if (colon != std::string_view::npos && mod.empty()) return invalid(name, "empty modifier");

    if (code == "_include" || code == "_revinclude") return add_include(name, code, mod, value);
    if (code == "_count" || code == "_offset" || code == "_sort" || code == "_summary" ||
        code == "_total" || code == "_elements") {
      if (colon != std::string_view::npos) return invalid(name, "takes no modifier");
      return add_result_param(name, value);
    }
    if (is_unsupported_common(code)) return unsupported(name, "parameter is not supported");
    // search.html#chaining
    if (code.find('.') != std::string_view::npos) {
      return unsupported(name, "chained parameters are not supported");
    }
    if (code == kIdParam || code == kLastUpdatedParam) {
      if (colon != std::string_view::npos) return invalid(name, "takes no modifier");
      return add_search_param(name, code == kIdParam ? kIdDef : kLastUpdatedDef, mod, value);
    }
    const SearchParamDef* def = find_search_param(resource_type_, code);
    if (def == nullptr) {
      if (limits_.strict) {
        return invalid(name, "unknown search parameter " + quoted(code) + " for " +
                                 std::string(resource_type_));
      }
      ignore(name);
      return {};
    }
    if (def->type == ParamType::Composite || def->type == ParamType::Special) {
      return unsupported(name, std::string(type_name(def->type)) + " parameters are not supported");
    }
    return add_search_param(name, *def, mod, value);
  }

  ParsedSearch finish() && {
    store::Query& q = out_.query;
    if (count_only_) {
      q.count_only = true;
      q.count = 0;
      out_.summary = Summary::Count;
    }
    // Search parameters by name (stable: repeats keep request order), then result parameters.
    std::ranges::stable_sort(search_applied_, {},
                             [](const auto& kv) -> const std::string& { return kv.first; });
    out_.applied = std::move(search_applied_);
    auto& a = out_.applied;
    for (const auto& spec : out_.includes) a.emplace_back(include_entry("_include", spec));
    for (const auto& spec : out_.revincludes) a.emplace_back(include_entry("_revinclude", spec));
    if (!sort_value_.empty()) a.emplace_back("_sort", sort_value_);
    if (!out_.elements.empty()) {
      std::string joined;
      for (const auto& e : out_.elements) joined += (joined.empty() ? "" : ",") + e;
      a.emplace_back("_elements", std::move(joined));
    }
    if (!summary_value_.empty()) a.emplace_back("_summary", summary_value_);
    if (!total_value_.empty()) a.emplace_back("_total", total_value_);
    if (count_given_) a.emplace_back("_count", std::to_string(q.count));
    if (offset_given_) a.emplace_back("_offset", std::to_string(q.offset));
    return std::move(out_);
  }

 private:
  // search.html#errors: Prefer: handling=strict makes unsupported parameters errors; lenient
  // servers ignore them and leave them out of the self link.
  R<void> unsupported(std::string_view name, std::string message) {
    if (limits_.strict) return not_supported(name, std::move(message));
    ignore(name);
    return {};
  }

  void ignore(std::string_view name) {
    if (std::ranges::find(out_.ignored, name) == out_.ignored.end()) {
      out_.ignored.emplace_back(name);
    }
  }

  // search.html#combining: comma-separated values are OR-ed; each occurrence is one AND clause.
  R<void> add_search_param(std::string_view name, const SearchParamDef& def, std::string_view mod,
                           std::string_view value) {
    auto spec = resolve_modifier(def, mod, name);
    if (!spec) return fail(spec.error());
    if (value.empty()) return invalid(name, "empty value");
    store::Clause clause;
    for (std::string_view raw : split_unescaped(value, ',')) {
      auto p = parse_value(def, *spec, raw, name);
      if (!p) return fail(p.error());
      clause.any_of.push_back(std::move(*p));
    }
    out_.query.all_of.push_back(std::move(clause));
    std::string key(def.code);
    if (!mod.empty()) key += ":" + std::string(mod);
    search_applied_.emplace_back(std::move(key), std::string(value));
    return {};
  }

  R<void> add_result_param(std::string_view name, std::string_view value) {
    auto once = [&](bool& seen) -> R<void> {
      if (seen) return invalid(name, "may appear only once");
      seen = true;
      return {};
    };
    if (name == "_count") {  // search.html#count
      if (auto r = once(count_given_); !r) return r;
      std::size_t n = 0;
      if (value.empty() || !std::ranges::all_of(value, is_digit)) {
        return invalid(name, "must be a non-negative integer");
      }
      if (!parse_size(value, n)) n = limits_.max_count;  // beyond size_t: clamp like any large n
      if (n == 0) count_only_ = true;
      out_.query.count = std::min(n, limits_.max_count);
      return {};
    }
    if (name == "_offset") {  // Ember's paging cursor (search.html#paging leaves it to servers)
      if (auto r = once(offset_given_); !r) return r;
      if (!parse_size(value, out_.query.offset)) {
        return invalid(name, "must be a non-negative integer");
      }
      return {};
    }
    if (name == "_sort") return add_sort(name, value);
    if (name == "_summary") {  // search.html#summary
      if (auto r = once(summary_given_); !r) return r;
      static constexpr std::array<std::pair<std::string_view, Summary>, 5> kValues{{
          {"true", Summary::True},
          {"text", Summary::Text},
          {"data", Summary::Data},
          {"count", Summary::Count},
          {"false", Summary::False},
      }};
      auto it = std::ranges::find(kValues, value, [](const auto& kv) { return kv.first; });
      if (it == kValues.end()) return invalid(name, "must be true, text, data, count or false");
      out_.summary = it->second;
      if (it->second == Summary::Count) count_only_ = true;
      summary_value_ = std::string(value);
      return {};
    }
    if (name == "_total") {  // search.html#total
      if (auto r = once(total_given_); !r) return r;
      if (value == "none") {
        out_.query.total = store::TotalMode::None;
      } else if (value == "estimate") {
        out_.query.total = store::TotalMode::Estimate;
      } else if (value == "accurate") {
        out_.query.total = store::TotalMode::Accurate;
      } else {
        return invalid(name, "must be none, estimate or accurate");
      }
      total_value_ = std::string(value);
      return {};
    }
    // _elements (search.html#elements); repeats add names.
    for (std::string_view e : split_unescaped(value, ',')) {
      if (!is_element_name(e)) return invalid(name, "not an element name: " + quoted(e));
      if (std::ranges::find(out_.elements, e) == out_.elements.end()) out_.elements.emplace_back(e);
    }
    return {};
  }

  // search.html#sort: a comma list of parameter names, '-' for descending.
  R<void> add_sort(std::string_view name, std::string_view value) {
    if (sort_given_) return invalid(name, "may appear only once");
    sort_given_ = true;
    for (std::string_view item : split_unescaped(value, ',')) {
      bool descending = item.starts_with('-');
      if (descending) item.remove_prefix(1);
      if (item.empty()) return invalid(name, "empty sort key");
      store::SortKey key{std::string(item), ParamType::Token, descending};
      if (item == kIdParam) {
        key.type = ParamType::Token;
      } else if (item == kLastUpdatedParam) {
        key.type = ParamType::Date;
      } else if (is_unsupported_common(item)) {
        return not_supported(name, "cannot sort by " + quoted(item));
      } else {
        const SearchParamDef* def = find_search_param(resource_type_, item);
        if (def == nullptr) {
          return invalid(name, "unknown search parameter " + quoted(item) + " for " +
                                   std::string(resource_type_));
        }
        if (def->type == ParamType::Composite || def->type == ParamType::Special) {
          return not_supported(name, "cannot sort by " + quoted(item));
        }
        key.type = def->type;
      }
      auto same = [&](const store::SortKey& k) { return k.param == key.param; };
      if (std::ranges::any_of(out_.query.sort, same)) {
        return invalid(name, quoted(item) + " appears twice");
      }
      out_.query.sort.push_back(std::move(key));
    }
    sort_value_ = std::string(value);
    return {};
  }

  // search.html#include and #revinclude: Source:param[:Target], with :iterate (R3: :recurse).
  R<void> add_include(std::string_view name, std::string_view code, std::string_view mod,
                      std::string_view value) {
    bool rev = code == "_revinclude";
    if (!mod.empty() && mod != "iterate" && mod != "recurse") {
      return invalid(name, "modifier :" + std::string(mod) + " does not apply");
    }
    bool iterate = !mod.empty();
    if (value == "*") return unsupported(name, "wildcard includes are not supported");
    auto parts = split_unescaped(value, ':');
    if (parts.size() != 2 && parts.size() != 3) {
      return invalid(name, "must be Source:param or Source:param:Target");
    }
    if (parts[1] == "*") return unsupported(name, "wildcard includes are not supported");
    IncludeSpec spec{std::string(parts[0]), std::string(parts[1]),
                     parts.size() == 3 ? std::string(parts[2]) : std::string(), iterate};
    if (!is_resource_type(spec.source_type)) {
      return invalid(name, "unknown resource type " + quoted(spec.source_type));
    }
    // Without :iterate an _include starts from the matches, so its source is the searched type.
    if (!rev && !iterate && spec.source_type != resource_type_) {
      return invalid(name, "source must be " + std::string(resource_type_));
    }
    const SearchParamDef* def = find_search_param(spec.source_type, spec.param);
    if (def == nullptr || def->type != ParamType::Reference) {
      return invalid(name,
                     quoted(spec.param) + " is not a reference parameter of " + spec.source_type);
    }
    if (!spec.target_type.empty()) {
      if (!is_resource_type(spec.target_type)) {
        return invalid(name, "unknown resource type " + quoted(spec.target_type));
      }
      if (!targets_allow(*def, spec.target_type)) {
        return invalid(name, quoted(spec.param) + " cannot refer to " + spec.target_type);
      }
    }
    // Without :iterate a _revinclude points at the matches, which are of the searched type.
    if (rev && !iterate) {
      if ((!spec.target_type.empty() && spec.target_type != resource_type_) ||
          !targets_allow(*def, resource_type_)) {
        return invalid(name, quoted(spec.param) + " of " + spec.source_type + " cannot refer to " +
                                 std::string(resource_type_));
      }
    }
    auto& list = rev ? out_.revincludes : out_.includes;
    auto same = [&](const IncludeSpec& s) {
      return s.source_type == spec.source_type && s.param == spec.param &&
             s.target_type == spec.target_type && s.iterate == spec.iterate;
    };
    if (std::ranges::none_of(list, same)) list.push_back(std::move(spec));
    return {};
  }

  static std::pair<std::string, std::string> include_entry(std::string name,
                                                           const IncludeSpec& spec) {
    if (spec.iterate) name += ":iterate";
    std::string value = spec.source_type + ":" + spec.param;
    if (!spec.target_type.empty()) value += ":" + spec.target_type;
    return {std::move(name), std::move(value)};
  }

  std::string_view resource_type_;
  const SearchLimits& limits_;
  ParsedSearch out_;
  std::vector<std::pair<std::string, std::string>> search_applied_;
  std::string sort_value_, summary_value_, total_value_;
  bool count_given_ = false, offset_given_ = false, sort_given_ = false, summary_given_ = false,
       total_given_ = false, count_only_ = false;
};

}  // namespace

Result<ParsedSearch, SearchError> parse_search(
    std::string_view resource_type, const std::vector<std::pair<std::string, std::string>>& params,
    const SearchLimits& limits) {
  if (!is_resource_type(resource_type)) {
    return invalid("", "unknown resource type " + quoted(resource_type));
  }
  Parser parser(resource_type, limits);
  for (const auto& [name, value] : params) {
    if (auto r = parser.add(name, value); !r) return fail(r.error());
  }
  return std::move(parser).finish();
}

}  // namespace ember::fhir
