#include "fhir/ingest.h"

#include <memory>

#include "core/clock.h"
#include "fhir/indexer.h"
#include "fhir/search_params.h"
#include "json/exact.h"

namespace ember::fhir {

namespace bj = boost::json;

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

namespace {

bool is_element_name(std::string_view k) {
  if (k.empty()) return false;
  for (char c : k) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_';
    if (!ok) return false;
  }
  return true;
}

// R4 json.html: objects are never empty, arrays never empty, strings never empty, and null
// appears only inside arrays (to align primitive values with their extensions).
Result<void, FhirError> check_structure(const bj::value& v, const std::string& path,
                                        bool in_array) {
  switch (v.kind()) {
    case bj::kind::null:
      if (!in_array) return fail(unprocessable("null is not allowed here", path));
      return {};
    case bj::kind::string:
      if (v.get_string().empty()) return fail(unprocessable("empty strings are not allowed", path));
      return {};
    case bj::kind::array: {
      const auto& a = v.get_array();
      if (a.empty()) return fail(unprocessable("empty arrays are not allowed", path));
      bool all_null = true;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_null()) all_null = false;
        if (a[i].is_array()) return fail(unprocessable("arrays of arrays are not allowed", path));
        auto r = check_structure(a[i], path + "[" + std::to_string(i) + "]", true);
        if (!r) return r;
      }
      if (all_null) return fail(unprocessable("an array of only nulls is not allowed", path));
      return {};
    }
    case bj::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) return fail(unprocessable("empty objects are not allowed", path));
      for (const auto& kv : o) {
        std::string_view key(kv.key().data(), kv.key().size());
        if (!is_element_name(key)) {
          return fail(unprocessable("invalid element name '" + std::string(key) + "'", path));
        }
        auto r = check_structure(kv.value(), path + "." + std::string(key), false);
        if (!r) return r;
      }
      return {};
    }
    default:
      return {};
  }
}

}  // namespace

Result<void, FhirError> validate_resource(const bj::value& v, std::string_view expected_type) {
  if (!v.is_object()) return fail(bad_request("the body must be a JSON object (a FHIR resource)"));
  const auto& o = v.get_object();
  auto rt = json::get_string(o, "resourceType");
  if (!rt) return fail(bad_request("the resource has no resourceType"));
  if (!is_resource_type(*rt)) {
    return fail(bad_request("unknown resourceType '" + std::string(*rt) + "'"));
  }
  if (!expected_type.empty() && *rt != expected_type) {
    return fail(bad_request("resourceType '" + std::string(*rt) + "' does not match the URL type '" +
                            std::string(expected_type) + "'"));
  }
  if (const bj::value* id = json::find(o, "id")) {
    auto s = json::get_string(o, "id");
    if (!s || !is_valid_id(*s)) return fail(unprocessable("invalid id", std::string(*rt) + ".id"));
    (void)id;
  }
  if (const bj::value* meta = json::find(o, "meta"); meta && !meta->is_object()) {
    return fail(unprocessable("meta must be an object", std::string(*rt) + ".meta"));
  }
  return check_structure(v, std::string(*rt), false);
}

Result<bj::object, FhirError> parse_resource(std::string_view body,
                                             std::string_view expected_type) {
  if (body.empty()) return fail(bad_request("the request has no body"));
  auto v = json::parse_exact(body, {.unique_keys = true});
  if (!v) return fail(bad_request("the body is not valid JSON: " + v.error().message));
  if (auto r = validate_resource(*v, expected_type); !r) return fail(r.error());
  return std::move(v->get_object());
}

store::WriteOp make_put(std::string type, std::string id, bj::object resource,
                        std::optional<std::int64_t> if_match) {
  store::WriteOp op;
  op.kind = store::WriteOp::Kind::Put;
  op.if_match = if_match;
  resource["id"] = id;
  op.index = extract_index(type, resource);
  // resourceType, id and meta lead; the rest keeps the order received. The text is assembled
  // member by member rather than from a reordered copy of the resource (a deep copy of every
  // array and object on each write).
  auto shared = std::make_shared<bj::object>(std::move(resource));
  op.render = [shared, type, id](const store::Stamp& stamp) {
    bj::object meta;
    if (const bj::value* m = json::find(*shared, "meta"); m && m->is_object()) {
      meta = m->get_object();
    }
    meta["versionId"] = std::to_string(stamp.version);
    meta["lastUpdated"] = format_instant(stamp.last_updated_ms);
    std::string out = "{\"resourceType\":";
    out += bj::serialize(bj::string_view(type));
    out += ",\"id\":";
    out += bj::serialize(bj::string_view(id));
    out += ",\"meta\":";
    out += bj::serialize(meta);
    for (const auto& kv : *shared) {
      std::string_view k(kv.key().data(), kv.key().size());
      if (k == "resourceType" || k == "id" || k == "meta") continue;
      out += ',';
      out += bj::serialize(kv.key());
      out += ':';
      out += bj::serialize(kv.value());
    }
    out += '}';
    return json::restore_exact_numbers(std::move(out));
  };
  op.type = std::move(type);
  op.id = std::move(id);
  return op;
}

store::WriteOp make_delete(std::string type, std::string id,
                           std::optional<std::int64_t> if_match) {
  store::WriteOp op;
  op.kind = store::WriteOp::Kind::Delete;
  op.type = std::move(type);
  op.id = std::move(id);
  op.if_match = if_match;
  return op;
}

}  // namespace ember::fhir
