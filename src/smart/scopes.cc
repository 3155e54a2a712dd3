// SMART App Launch 2.2 scopes-and-launch-context: the scope grammar, v1/v2 equivalence, covers().
#include "smart/scopes.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "fhir/search_params.h"

namespace ember::smart {

namespace {

constexpr std::string_view kAllLetters = "cruds";

ScopeError invalid(std::string_view text, std::string message) {
  return ScopeError{ScopeError::Code::InvalidScope, std::string(text), std::move(message)};
}

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
bool is_scope_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x5B) || (u >= 0x5D && u <= 0x7E);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoding only: the scope parameter is already form-decoded, so '+' is a literal plus.
std::optional<std::string> percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

bool is_param_name(std::string_view k) {
  if (k.empty()) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ':' ||
           c == '.';
  });
}

// `k=v(&k=v)*`, each name a search-parameter name (modifiers allowed), each value non-empty.
Result<Filters, std::string> parse_query(std::string_view q) {
  Filters out;
  while (true) {
    auto amp = q.find('&');
    std::string_view pair = q.substr(0, amp);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) return fail(std::string("a query part lacks '='"));
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(pair.substr(eq + 1));
    if (!key || !value) return fail(std::string("bad percent-encoding in the query"));
    if (!is_param_name(*key)) return fail("bad parameter name '" + *key + "'");
    if (value->empty()) return fail("empty value for '" + *key + "'");
    out.emplace_back(std::move(*key), std::move(*value));
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return out;
}

// v2 permissions: a non-empty subset of "cruds", in that order, no repeats.
std::string_view v2_letters(std::string_view perm) {
  if (perm.empty()) return {};
  std::size_t next = 0;
  for (char c : perm) {
    auto at = kAllLetters.find(c, next);
    if (at == std::string_view::npos) return {};
    next = at + 1;
  }
  return perm;
}

// RFC 3986 scheme ":" followed by something: an extension scope written as a full URI.
bool is_uri(std::string_view s) {
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= s.size()) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
  });
}

// `launch/<lowercase type>` names a resource type in lower case ("launch/imagingstudy").
std::string type_from_lowercase(std::string_view lower) {
  if (lower.empty() ||
      !std::all_of(lower.begin(), lower.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return {};
  }
  for (std::string_view t : fhir::resource_types()) {
    if (t.size() != lower.size()) continue;
    bool same = std::equal(t.begin(), t.end(), lower.begin(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == b;
    });
    if (same) return std::string(t);
  }
  return {};
}

Result<Scope, ScopeError> parse_launch_context(std::string_view text) {
  std::string_view rest = text.substr(std::string_view("launch/").size());
  auto q = rest.find('?');
  Scope s;
  s.kind = ScopeKind::LaunchContext;
  s.text = std::string(text);
  s.launch_type = type_from_lowercase(rest.substr(0, q));
  if (s.launch_type.empty()) {
    return fail(invalid(text, "launch/<type> needs a resource type in lower case"));
  }
  if (q != std::string_view::npos) {
    auto f = parse_query(rest.substr(q + 1));
    if (!f) return fail(invalid(text, f.error()));
    // SMART 2.2 scopes-and-launch-context: one role per scope, `?role=<uri>` only.
    if (f->size() != 1 || (*f)[0].first != "role") {
      return fail(invalid(text, "launch/<type> accepts exactly one '?role=<uri>'"));
    }
    s.role = std::move((*f)[0].second);
  }
  return s;
}

Result<Scope, ScopeError> parse_resource_scope(std::string_view text, Context ctx,
                                               std::string_view rest) {
  auto dot = rest.find('.');
  if (dot == std::string_view::npos) return fail(invalid(text, "missing '.<permissions>'"));
  std::string_view type = rest.substr(0, dot);
  if (type != "*" && !fhir::is_resource_type(type)) {
    return fail(invalid(text, "unknown resource type '" + std::string(type) + "'"));
  }
  std::string_view after = rest.substr(dot + 1);
  auto q = after.find('?');
  std::string_view perm = after.substr(0, q);
  ResourceScope r;
  r.context = ctx;
  r.type = std::string(type);
  r.text = std::string(text);
  if (auto v1 = v1_letters(perm); !v1.empty()) {
    r.v1 = true;
    r.letters = std::string(v1);
    // Granular constraints are a v2 feature; a v1 permission with a query is not guessed at.
    if (q != std::string_view::npos) return fail(invalid(text, "v1 permissions take no query"));
  } else if (auto v2 = v2_letters(perm); !v2.empty()) {
    r.letters = std::string(v2);
  } else {
    return fail(invalid(text, "permissions must be read, write, * or an in-order subset of cruds"));
  }
  if (q != std::string_view::npos) {
    auto f = parse_query(after.substr(q + 1));
    if (!f) return fail(invalid(text, f.error()));
    r.filters = std::move(*f);
  }
  Scope s;
  s.kind = ScopeKind::Resource;
  s.text = r.text;
  s.resource = std::move(r);
  return s;
}

Filters sorted(Filters f) {
  std::sort(f.begin(), f.end());
  return f;
}

// Whether multiset `a` is contained in multiset `b`.
bool filters_subset(const Filters& a, const Filters& b) {
  Filters sa = sorted(a), sb = sorted(b);
  return std::includes(sb.begin(), sb.end(), sa.begin(), sa.end());
}

}  // namespace

std::string_view context_name(Context c) {
  switch (c) {
    case Context::Patient:
      return "patient";
    case Context::User:
      return "user";
    case Context::System:
      return "system";
  }
  return "patient";
}

std::string_view v1_letters(std::string_view perm) {
  if (perm == "read") return "rs";
  if (perm == "write") return "cud";
  if (perm == "*") return "cruds";
  return {};
}

bool letters_include(std::string_view have, std::string_view want) {
  return std::all_of(want.begin(), want.end(),
                     [&](char c) { return have.find(c) != std::string_view::npos; });
}

Result<Scope, ScopeError> parse_scope(std::string_view text) {
  if (text.empty()) return fail(invalid(text, "empty scope"));
  if (!std::all_of(text.begin(), text.end(), is_scope_char)) {
    return fail(invalid(text, "character not allowed in a scope (RFC 6749 §3.3)"));
  }
  static constexpr std::array<std::pair<std::string_view, ScopeKind>, 6> kNamed = {{
      {"launch", ScopeKind::Launch},
      {"openid", ScopeKind::OpenId},
      {"fhirUser", ScopeKind::FhirUser},
      {"profile", ScopeKind::Profile},
      {"offline_access", ScopeKind::OfflineAccess},
      {"online_access", ScopeKind::OnlineAccess},
  }};
  for (const auto& [name, kind] : kNamed) {
    if (text == name) return Scope{kind, std::string(text), {}, {}, {}};
  }
  if (text.starts_with("launch/")) return parse_launch_context(text);
  static constexpr std::array<std::pair<std::string_view, Context>, 3> kContexts = {{
      {"patient/", Context::Patient},
      {"user/", Context::User},
      {"system/", Context::System},
  }};
  for (const auto& [prefix, ctx] : kContexts) {
    if (text.starts_with(prefix))
      return parse_resource_scope(text, ctx, text.substr(prefix.size()));
  }
  if ((text.starts_with("__") && text.size() > 2) || is_uri(text)) {
    return Scope{ScopeKind::Other, std::string(text), {}, {}, {}};
  }
  return fail(invalid(text, "unknown scope"));
}

ParsedScopes parse_scopes(std::string_view s) {
  ParsedScopes out;
  while (!s.empty()) {
    auto sp = s.find(' ');
    std::string_view one = s.substr(0, sp);
    if (!one.empty()) {
      if (auto r = parse_scope(one)) {
        out.scopes.add(std::move(*r));
      } else if (std::find(out.rejected.begin(), out.rejected.end(), one) == out.rejected.end()) {
        out.rejected.emplace_back(one);
      }
    }
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

Result<ScopeSet, ScopeError> parse_scopes_strict(std::string_view s) {
  ScopeSet out;
  while (!s.empty()) {
    auto sp = s.find(' ');
    std::string_view one = s.substr(0, sp);
    if (!one.empty()) {
      auto r = parse_scope(one);
      if (!r) return fail(std::move(r.error()));
      out.add(std::move(*r));
    }
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

void ScopeSet::add(Scope s) {
  if (contains(s.text)) return;
  if (s.kind == ScopeKind::Resource) resources_.push_back(s.resource);
  if (s.kind == ScopeKind::Other) other_.push_back(s.text);
  all_.push_back(std::move(s));
}

bool ScopeSet::contains(std::string_view text) const {
  return std::any_of(all_.begin(), all_.end(), [&](const Scope& s) { return s.text == text; });
}

bool ScopeSet::has(ScopeKind kind) const {
  return std::any_of(all_.begin(), all_.end(), [&](const Scope& s) { return s.kind == kind; });
}

bool ScopeSet::has_launch_context(std::string_view type) const {
  return std::any_of(all_.begin(), all_.end(), [&](const Scope& s) {
    return s.kind == ScopeKind::LaunchContext && s.launch_type == type;
  });
}

std::string ScopeSet::to_string() const {
  std::string out;
  for (const auto& s : all_) {
    if (!out.empty()) out += ' ';
    out += s.text;
  }
  return out;
}

namespace {

void append_encoded(std::string& out, std::string_view v, bool is_name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : v) {
    if (!is_scope_char(c) || c == '%' || c == '&' || (is_name && c == '=')) {
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
}

}  // namespace

std::string format_scope(const ResourceScope& s) {
  std::string out = std::string(context_name(s.context)) + "/" + s.type + ".";
  std::string v1 = s.v1 && s.filters.empty()
                       ? to_v1(ResourceScope{s.context, s.type, s.letters, {}, false, {}})
                       : std::string();
  out += v1.empty() ? s.letters : v1.substr(v1.rfind('.') + 1);
  char sep = '?';
  for (const auto& [k, v] : s.filters) {
    out += sep;
    append_encoded(out, k, true);
    out += '=';
    append_encoded(out, v, false);
    sep = '&';
  }
  return out;
}

std::string to_v2(const ResourceScope& s) {
  if (!s.v1) return s.text;
  ResourceScope v2 = s;
  v2.v1 = false;
  return format_scope(v2);
}

std::string to_v1(const ResourceScope& s) {
  if (s.v1) return s.text;
  if (!s.filters.empty()) return {};
  std::string_view perm;
  if (s.letters == "rs")
    perm = "read";
  else if (s.letters == "cud")
    perm = "write";
  else if (s.letters == "cruds")
    perm = "*";
  else
    return {};
  return std::string(context_name(s.context)) + "/" + s.type + "." + std::string(perm);
}

bool equivalent(const ResourceScope& a, const ResourceScope& b) {
  return a.context == b.context && a.type == b.type && a.letters == b.letters &&
         sorted(a.filters) == sorted(b.filters);
}

bool covers(const ResourceScope& a, const ResourceScope& b) {
  return a.context == b.context && (a.type == "*" || a.type == b.type) &&
         letters_include(a.letters, b.letters) && filters_subset(a.filters, b.filters);
}

bool covers(const Scope& a, const Scope& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case ScopeKind::Resource:
      return covers(a.resource, b.resource);
    case ScopeKind::LaunchContext:
      return a.launch_type == b.launch_type && (a.role.empty() || a.role == b.role);
    case ScopeKind::Other:
      return a.text == b.text;
    default:
      return true;
  }
}

bool covered_by(const ScopeSet& set, const Scope& s) {
  return std::any_of(set.all().begin(), set.all().end(),
                     [&](const Scope& a) { return covers(a, s); });
}

}  // namespace ember::smart
