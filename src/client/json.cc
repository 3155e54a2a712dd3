// Json over Boost.JSON values parsed by json::parse_exact (numbers keep their text).
#include "ember/client/json.h"

#include <boost/json.hpp>

#include "json/exact.h"

namespace ember::client {

namespace bj = boost::json;

struct Json::Document {
  bj::value root;
};

namespace {

const bj::value* node_of(const void* node) { return static_cast<const bj::value*>(node); }

void append_indent(std::string& out, int depth) { out.append(static_cast<std::size_t>(depth) * 2, ' '); }

// Pretty printer: scalars through serialize_exact (exact numbers, JSON string escaping).
void pretty_print(const bj::value& v, int depth, std::string& out) {
  if (v.is_object() && !v.get_object().empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& kv : v.get_object()) {
      if (!first) out += ",\n";
      first = false;
      append_indent(out, depth + 1);
      out += bj::serialize(bj::value(kv.key()));
      out += ": ";
      pretty_print(kv.value(), depth + 1, out);
    }
    out += "\n";
    append_indent(out, depth);
    out += "}";
  } else if (v.is_array() && !v.get_array().empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& item : v.get_array()) {
      if (!first) out += ",\n";
      first = false;
      append_indent(out, depth + 1);
      pretty_print(item, depth + 1, out);
    }
    out += "\n";
    append_indent(out, depth);
    out += "]";
  } else {
    out += json::serialize_exact(v);
  }
}

}  // namespace

Json::Json() = default;
Json::Json(std::shared_ptr<const Document> doc, const void* node)
    : doc_(std::move(doc)), node_(node) {}

Result<Json> Json::parse(std::string_view text) {
  auto parsed = json::parse_exact(text);
  if (!parsed) return failure(ErrorKind::InvalidResponse, "not JSON: " + parsed.error().message);
  auto doc = std::make_shared<Document>();
  doc->root = std::move(*parsed);
  const void* root = &doc->root;
  return Json(std::move(doc), root);
}

bool Json::is_null() const { return !node_ || node_of(node_)->is_null(); }
bool Json::is_object() const { return node_ && node_of(node_)->is_object(); }
bool Json::is_array() const { return node_ && node_of(node_)->is_array(); }
bool Json::is_string() const { return node_ && node_of(node_)->is_string() && !is_number(); }
bool Json::is_number() const { return node_ && json::is_number(*node_of(node_)); }
bool Json::is_bool() const { return node_ && node_of(node_)->is_bool(); }

Json Json::operator[](std::string_view key) const {
  if (!is_object()) return Json();
  const auto& o = node_of(node_)->get_object();
  auto it = o.find(key);
  if (it == o.end()) return Json();
  return Json(doc_, &it->value());
}

Json Json::operator[](std::size_t index) const {
  if (!is_array()) return Json();
  const auto& a = node_of(node_)->get_array();
  if (index >= a.size()) return Json();
  return Json(doc_, &a[index]);
}

std::size_t Json::size() const {
  if (is_array()) return node_of(node_)->get_array().size();
  if (is_object()) return node_of(node_)->get_object().size();
  return 0;
}

std::vector<std::string> Json::keys() const {
  std::vector<std::string> out;
  if (!is_object()) return out;
  for (const auto& kv : node_of(node_)->get_object()) out.emplace_back(kv.key());
  return out;
}

std::vector<Json> Json::items() const {
  std::vector<Json> out;
  if (!is_array()) return out;
  for (const auto& v : node_of(node_)->get_array()) out.push_back(Json(doc_, &v));
  return out;
}

std::optional<std::string> Json::string() const {
  if (!is_string()) return std::nullopt;
  return std::string(node_of(node_)->get_string());
}

std::string Json::string_or(std::string_view fallback) const {
  auto s = string();
  return s ? *s : std::string(fallback);
}

std::optional<double> Json::number() const {
  if (!is_number()) return std::nullopt;
  return json::as_double(*node_of(node_));
}

std::optional<std::int64_t> Json::integer() const {
  if (!node_) return std::nullopt;
  const bj::value& v = *node_of(node_);
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  return std::nullopt;
}

std::optional<bool> Json::boolean() const {
  if (!is_bool()) return std::nullopt;
  return node_of(node_)->get_bool();
}

std::string Json::dump() const {
  if (!node_) return "null";
  return json::serialize_exact(*node_of(node_));
}

std::string Json::pretty() const {
  if (!node_) return "null";
  std::string out;
  pretty_print(*node_of(node_), 0, out);
  return out;
}

}  // namespace ember::client
