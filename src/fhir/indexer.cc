#include "fhir/indexer.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "fhir/datetime.h"
#include "fhir/normalize.h"
#include "fhir/search_params.h"
#include "fhir/search_path_datatype.h"
#include "json/exact.h"

namespace ember::fhir {

namespace {

namespace bj = boost::json;
using store::IndexEntries;
using store::ParamType;

// Common parameters that produce rows (R4 §3.1.1.2); _id and _lastUpdated are store columns.
constexpr std::string_view kIndexedCommonParams[] = {"_tag", "_profile", "_security", "_source"};

constexpr std::string_view kCurrencySystem = "urn:iso:std:iso:4217";

// A JSON string that is text, not one of parse_exact's number sentinels.
std::optional<std::string_view> text_of(const bj::value& v) {
  if (!v.is_string() || json::is_number(v)) return std::nullopt;
  return std::string_view(v.get_string().data(), v.get_string().size());
}

// FHIR primitive type codes start lower-case (string, dateTime), complex ones upper-case.
bool is_primitive(std::string_view datatype) {
  return !datatype.empty() && datatype[0] >= 'a' && datatype[0] <= 'z';
}

std::optional<std::string_view> text_at(const bj::object& o, std::string_view key) {
  return json::get_string(o, key);
}

// Calls f for the value of `key`, or for each element when it is an array.
template <class F>
void for_each_at(const bj::object& o, std::string_view key, F&& f) {
  const bj::value* v = json::find(o, key);
  if (!v) return;
  if (v->is_array()) {
    for (const bj::value& e : v->get_array()) f(e);
  } else {
    f(*v);
  }
}

// The values a dotted element path reaches; arrays fan out at every step (FHIRPath §5.1: path
// navigation flattens collections).
void collect(const bj::value& node, std::string_view path, std::vector<const bj::value*>& out) {
  if (!node.is_object()) return;
  std::size_t dot = path.find('.');
  std::string_view head = path.substr(0, dot);
  for_each_at(node.get_object(), head, [&](const bj::value& v) {
    if (dot == std::string_view::npos) {
      out.push_back(&v);
    } else {
      collect(v, path.substr(dot + 1), out);
    }
  });
}

struct ParsedReference {
  std::string type;
  std::string id;
};

// "Type/id", "Type/id/_history/v", or an absolute URL ending in one of those (R4 §2.3.0.1
// "Literal references").
std::optional<ParsedReference> parse_reference(std::string_view ref) {
  if (std::size_t h = ref.find("/_history/"); h != std::string_view::npos) ref = ref.substr(0, h);
  std::size_t slash = ref.rfind('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == ref.size()) return std::nullopt;
  std::string_view id = ref.substr(slash + 1);
  std::string_view rest = ref.substr(0, slash);
  std::size_t prev = rest.rfind('/');
  std::string_view type = prev == std::string_view::npos ? rest : rest.substr(prev + 1);
  if (!is_resource_type(type)) return std::nullopt;
  return ParsedReference{std::string(type), std::string(id)};
}

bool is_absolute(std::string_view ref) {
  return ref.find("://") != std::string_view::npos || ref.starts_with("urn:");
}

class Extractor {
 public:
  explicit Extractor(IndexEntries& out) : out_(out) {}

  void index(const SearchParamDef& def, const SearchPath& sp, const bj::value& v) {
    param_ = def.code;
    code_ = def.code;
    const std::string_view dt = path_datatype(sp);
    switch (def.type) {
      case ParamType::String:
        string_value(dt, v);
        break;
      case ParamType::Token:
        token_value(dt, v);
        break;
      case ParamType::Reference:
        reference_value(dt, v, sp.ref_type);
        break;
      case ParamType::Date:
        date_value(dt, v);
        break;
      case ParamType::Number:
        if (auto d = json::as_double(v); d && is_primitive(dt)) {
          out_.numbers.push_back({param_, *d, "", ""});
        }
        break;
      case ParamType::Quantity:
        quantity_value(dt, v);
        break;
      case ParamType::Uri:
        if (auto s = text_of(v); s && !s->empty()) out_.uris.push_back({param_, std::string(*s)});
        break;
      case ParamType::Composite:
      case ParamType::Special:
        break;
    }
  }

 private:
  void add_string(std::string_view s) {
    std::string norm = normalize_string(s);
    if (norm.empty()) return;
    out_.strings.push_back({param_, std::move(norm), std::string(s)});
  }

  void add_strings_at(const bj::object& o, std::string_view key) {
    for_each_at(o, key, [&](const bj::value& e) {
      if (auto s = text_of(e)) add_string(*s);
    });
  }

  // R4 search §3.1.1.4.7 "string": HumanName and Address match on each of their text parts.
  void string_value(std::string_view dt, const bj::value& v) {
    if (is_primitive(dt)) {
      if (auto s = text_of(v)) add_string(*s);
      return;
    }
    if (!v.is_object()) return;
    const bj::object& o = v.get_object();
    if (dt == "HumanName") {
      for (std::string_view k : {"family", "given", "text", "prefix", "suffix"})
        add_strings_at(o, k);
    } else if (dt == "Address") {
      for (std::string_view k :
           {"line", "city", "district", "state", "postalCode", "country", "text"}) {
        add_strings_at(o, k);
      }
    }
  }

  void add_token(std::string_view system, std::string_view code, std::string_view text) {
    if (code.empty() && text.empty()) return;
    out_.tokens.push_back({param_, std::string(system), std::string(code), normalize_string(text)});
  }

  void coding(const bj::object& c) {
    add_token(text_at(c, "system").value_or(""), text_at(c, "code").value_or(""),
              text_at(c, "display").value_or(""));
  }

  // R4 search §3.1.1.4.8 "token": which parts of each datatype a token matches.
  void token_value(std::string_view dt, const bj::value& v) {
    if (is_primitive(dt)) {
      if (v.is_bool() && dt == "boolean") {
        add_token("", v.get_bool() ? "true" : "false", "");
      } else if (auto s = text_of(v)) {
        add_token("", *s, "");
      }
      return;
    }
    if (!v.is_object()) return;
    const bj::object& o = v.get_object();
    if (dt == "Coding") {
      coding(o);
    } else if (dt == "CodeableConcept") {
      for_each_at(o, "coding", [&](const bj::value& c) {
        if (c.is_object()) coding(c.get_object());
      });
      if (auto t = text_at(o, "text")) add_token("", "", *t);
    } else if (dt == "Identifier") {
      std::string_view type_text;
      if (const bj::value* t = json::find(o, "type"); t && t->is_object()) {
        type_text = text_at(t->get_object(), "text").value_or("");
      }
      if (auto value = text_at(o, "value")) {
        add_token(text_at(o, "system").value_or(""), *value, type_text);
      }
    } else if (dt == "ContactPoint") {
      // R4 Patient-email / Patient-phone are telecom.where(system='email'|'phone'); the
      // generated path keeps only `telecom`, so the filter is applied here by parameter name.
      auto system = text_at(o, "system");
      if ((code_ == "email" || code_ == "phone") && system != code_) return;
      if (auto value = text_at(o, "value")) add_token("", *value, "");
    }
  }

  void add_reference(std::string_view ref, std::string_view declared_type,
                     std::string_view ref_type) {
    if (ref.empty() || ref.starts_with('#')) return;  // contained resources are not indexed
    IndexEntries::Reference row{param_, "", "", std::string(ref)};
    if (auto parsed = parse_reference(ref)) {
      row.target_type = std::move(parsed->type);
      row.target_id = std::move(parsed->id);
    } else if (!is_absolute(ref)) {
      return;  // neither Type/id nor a URL
    }
    // `.where(resolve() is T)`: the target type is the literal's, else Reference.type.
    std::string_view type = row.target_type.empty() ? declared_type : row.target_type;
    if (!ref_type.empty() && type != ref_type) return;
    out_.references.push_back(std::move(row));
  }

  void reference_value(std::string_view dt, const bj::value& v, std::string_view ref_type) {
    if (is_primitive(dt)) {  // canonical / uri targets
      if (auto s = text_of(v)) add_reference(*s, "", ref_type);
      return;
    }
    if (!v.is_object()) return;
    const bj::object& o = v.get_object();
    if (auto ref = text_at(o, "reference")) {
      add_reference(*ref, text_at(o, "type").value_or(""), ref_type);
    }
  }

  void add_date(std::int64_t lo, std::int64_t hi) { out_.dates.push_back({param_, lo, hi}); }

  // R4 search §3.1.1.4.4 "date": a value is the range its precision covers; a Period runs from
  // the start of `start` to the end of `end`, open ends unbounded.
  void date_value(std::string_view dt, const bj::value& v) {
    if (is_primitive(dt)) {
      if (auto s = text_of(v)) {
        if (auto r = parse_date_range(*s)) add_date(r->lo_ms, r->hi_ms);
      }
      return;
    }
    if (!v.is_object()) return;
    const bj::object& o = v.get_object();
    if (dt == "Period") {
      auto start = text_at(o, "start").and_then(parse_date_range);
      auto end = text_at(o, "end").and_then(parse_date_range);
      if (!start && !end) return;
      add_date(start ? start->lo_ms : std::numeric_limits<std::int64_t>::min(),
               end ? end->hi_ms : std::numeric_limits<std::int64_t>::max());
    } else if (dt == "Timing") {
      for_each_at(o, "event", [&](const bj::value& e) {
        if (auto s = text_of(e)) {
          if (auto r = parse_date_range(*s)) add_date(r->lo_ms, r->hi_ms);
        }
      });
    }
  }

  // R4 search §3.1.1.4.6 "quantity": value with system and code (unit when there is no code).
  void quantity_value(std::string_view dt, const bj::value& v) {
    if (!v.is_object()) return;
    const bj::object& o = v.get_object();
    const bj::value* value = json::find(o, "value");
    if (!value) return;
    auto d = json::as_double(*value);
    if (!d) return;
    std::string_view system = text_at(o, "system").value_or("");
    std::string_view code = text_at(o, "code").value_or("");
    if (dt == "Money") {
      code = text_at(o, "currency").value_or("");
      if (!code.empty()) system = kCurrencySystem;
    } else if (code.empty()) {
      code = text_at(o, "unit").value_or("");
    }
    out_.numbers.push_back({param_, *d, std::string(system), std::string(code)});
  }

  IndexEntries& out_;
  std::string param_;
  std::string_view code_;
};

template <class Row, class Key>
void dedupe(std::vector<Row>& rows, Key key) {
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return key(a) < key(b); });
  rows.erase(std::unique(rows.begin(), rows.end(),
                         [&](const Row& a, const Row& b) { return key(a) == key(b); }),
             rows.end());
}

void dedupe_all(IndexEntries& e) {
  using R = IndexEntries;
  dedupe(e.strings, [](const R::String& r) { return std::tie(r.param, r.normalized, r.exact); });
  dedupe(e.tokens, [](const R::Token& r) { return std::tie(r.param, r.system, r.code, r.text); });
  dedupe(e.references, [](const R::Reference& r) {
    return std::tie(r.param, r.target_type, r.target_id, r.url);
  });
  dedupe(e.dates, [](const R::Date& r) { return std::tie(r.param, r.lo_ms, r.hi_ms); });
  dedupe(e.numbers,
         [](const R::Number& r) { return std::tie(r.param, r.value, r.system, r.code); });
  dedupe(e.uris, [](const R::Uri& r) { return std::tie(r.param, r.value); });
}

}  // namespace

store::IndexEntries extract_index(std::string_view resource_type, const bj::object& resource) {
  IndexEntries out;
  if (!is_resource_type(resource_type)) return out;
  Extractor ex(out);
  std::vector<const bj::value*> values;
  const auto run = [&](const SearchParamDef& def) {
    for (const SearchPath& sp : def.paths) {
      values.clear();
      // collect() walks from an object; wrap the root lookup so no copy of the resource is made.
      std::string_view path = sp.path;
      std::size_t dot = path.find('.');
      for_each_at(resource, path.substr(0, dot), [&](const bj::value& v) {
        if (dot == std::string_view::npos) {
          values.push_back(&v);
        } else {
          collect(v, path.substr(dot + 1), values);
        }
      });
      for (const bj::value* v : values) ex.index(def, sp, *v);
    }
  };
  for (const SearchParamDef& def : search_params_for(resource_type)) run(def);
  for (std::string_view code : kIndexedCommonParams) {
    if (const SearchParamDef* def = find_search_param(resource_type, code)) run(*def);
  }
  dedupe_all(out);
  return out;
}

store::IndexEntries extract_index(std::string_view resource_type, const bj::value& resource) {
  if (!resource.is_object()) return {};
  return extract_index(resource_type, resource.get_object());
}

}  // namespace ember::fhir
