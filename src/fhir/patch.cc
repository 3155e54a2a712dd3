#include "fhir/patch.h"

#include <optional>
#include <vector>

#include "json/exact.h"

namespace ember::fhir {

namespace bj = boost::json;

namespace {

// RFC 6901 JSON Pointer into reference tokens ("~1" → "/", "~0" → "~").
std::optional<std::vector<std::string>> parse_pointer(std::string_view p) {
  std::vector<std::string> out;
  if (p.empty()) return out;
  if (p[0] != '/') return std::nullopt;
  std::string cur;
  for (std::size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      out.push_back(cur);
      cur.clear();
    } else if (p[i] == '~') {
      if (i + 1 >= p.size() || (p[i + 1] != '0' && p[i + 1] != '1')) return std::nullopt;
      cur.push_back(p[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      cur.push_back(p[i]);
    }
  }
  return out;
}

std::optional<std::size_t> array_index(const std::string& tok, std::size_t size, bool allow_end) {
  if (allow_end && tok == "-") return size;
  if (tok.empty() || tok.size() > 9 || (tok.size() > 1 && tok[0] == '0')) return std::nullopt;
  for (char c : tok) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::size_t i = std::stoul(tok);
  if (i > size || (!allow_end && i == size)) return std::nullopt;
  return i;
}

bj::value* resolve(bj::value& root, const std::vector<std::string>& toks, std::size_t n) {
  bj::value* cur = &root;
  for (std::size_t i = 0; i < n; ++i) {
    if (cur->is_object()) {
      cur = cur->get_object().if_contains(toks[i]);
      if (!cur) return nullptr;
    } else if (cur->is_array()) {
      auto idx = array_index(toks[i], cur->get_array().size(), false);
      if (!idx) return nullptr;
      cur = &cur->get_array()[*idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

Result<void, PatchError> add(bj::value& root, const std::vector<std::string>& t, bj::value v) {
  if (t.empty()) {
    root = std::move(v);
    return {};
  }
  bj::value* parent = resolve(root, t, t.size() - 1);
  if (!parent) return fail(PatchError{false, "path does not exist"});
  if (parent->is_object()) {
    parent->get_object()[t.back()] = std::move(v);
  } else if (parent->is_array()) {
    auto& a = parent->get_array();
    auto idx = array_index(t.back(), a.size(), true);
    if (!idx) return fail(PatchError{false, "array index out of range"});
    a.insert(a.begin() + static_cast<std::ptrdiff_t>(*idx), std::move(v));
  } else {
    return fail(PatchError{false, "parent is not a container"});
  }
  return {};
}

Result<bj::value, PatchError> remove(bj::value& root, const std::vector<std::string>& t) {
  if (t.empty()) return fail(PatchError{false, "cannot remove the whole document"});
  bj::value* parent = resolve(root, t, t.size() - 1);
  if (!parent) return fail(PatchError{false, "path does not exist"});
  if (parent->is_object()) {
    auto& o = parent->get_object();
    auto it = o.find(t.back());
    if (it == o.end()) return fail(PatchError{false, "path does not exist"});
    bj::value v = std::move(it->value());
    o.erase(it);
    return v;
  }
  if (parent->is_array()) {
    auto& a = parent->get_array();
    auto idx = array_index(t.back(), a.size(), false);
    if (!idx) return fail(PatchError{false, "array index out of range"});
    bj::value v = std::move(a[*idx]);
    a.erase(a.begin() + static_cast<std::ptrdiff_t>(*idx));
    return v;
  }
  return fail(PatchError{false, "path does not exist"});
}

// Equality with numbers compared by value (1.0 == 1), as RFC 6902 §4.6 requires.
bool json_equal(const bj::value& a, const bj::value& b) {
  if (json::is_number(a) || json::is_number(b)) {
    auto x = json::as_double(a), y = json::as_double(b);
    return x && y && *x == *y;
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const auto &oa = a.get_object(), &ob = b.get_object();
    if (oa.size() != ob.size()) return false;
    for (const auto& kv : oa) {
      const bj::value* o = ob.if_contains(kv.key());
      if (!o || !json_equal(kv.value(), *o)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    const auto &aa = a.get_array(), &ab = b.get_array();
    if (aa.size() != ab.size()) return false;
    for (std::size_t i = 0; i < aa.size(); ++i) {
      if (!json_equal(aa[i], ab[i])) return false;
    }
    return true;
  }
  return a == b;
}

Result<void, PatchError> apply_one(bj::value& doc, const bj::value& opv) {
  if (!opv.is_object()) return fail(PatchError{false, "each operation must be an object"});
  const auto& op = opv.get_object();
  auto name = json::get_string(op, "op");
  auto path_s = json::get_string(op, "path");
  if (!name || !path_s) return fail(PatchError{false, "operation needs 'op' and 'path'"});
  auto path = parse_pointer(*path_s);
  if (!path) return fail(PatchError{false, "invalid JSON Pointer in 'path'"});
  const bj::value* value = json::find(op, "value");
  if (*name == "add" || *name == "replace" || *name == "test") {
    if (!value) return fail(PatchError{false, "operation needs 'value'"});
  }
  if (*name == "add") return add(doc, *path, *value);
  if (*name == "remove") {
    auto r = remove(doc, *path);
    if (!r) return fail(r.error());
    return {};
  }
  if (*name == "replace") {
    bj::value* target = resolve(doc, *path, path->size());
    if (!target) return fail(PatchError{false, "path does not exist"});
    *target = *value;
    return {};
  }
  if (*name == "test") {
    bj::value* target = resolve(doc, *path, path->size());
    if (!target || !json_equal(*target, *value)) {
      return fail(PatchError{true, "test failed at " + std::string(*path_s)});
    }
    return {};
  }
  if (*name == "move" || *name == "copy") {
    auto from_s = json::get_string(op, "from");
    if (!from_s) return fail(PatchError{false, "operation needs 'from'"});
    auto from = parse_pointer(*from_s);
    if (!from) return fail(PatchError{false, "invalid JSON Pointer in 'from'"});
    if (*name == "move") {
      if (path->size() > from->size() &&
          std::equal(from->begin(), from->end(), path->begin())) {
        return fail(PatchError{false, "cannot move a value into itself"});
      }
      auto v = remove(doc, *from);
      if (!v) return fail(v.error());
      return add(doc, *path, std::move(*v));
    }
    bj::value* src = resolve(doc, *from, from->size());
    if (!src) return fail(PatchError{false, "'from' does not exist"});
    return add(doc, *path, *src);
  }
  return fail(PatchError{false, "unknown operation '" + std::string(*name) + "'"});
}

}  // namespace

Result<void, PatchError> apply_json_patch(bj::value& doc, const bj::value& patch) {
  if (!patch.is_array()) return fail(PatchError{false, "a JSON Patch document is an array"});
  bj::value work = doc;  // all or nothing
  for (const auto& op : patch.get_array()) {
    if (auto r = apply_one(work, op); !r) return r;
  }
  doc = std::move(work);
  return {};
}

}  // namespace ember::fhir
