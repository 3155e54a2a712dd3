#include "fhir/bundle.h"

#include <boost/json.hpp>

#include "core/clock.h"

namespace ember::fhir {

std::string json_quote(std::string_view s) {
  return boost::json::serialize(boost::json::string_view(s.data(), s.size()));
}

namespace {

void field(std::string& out, bool& first, std::string_view name, std::string_view raw) {
  if (!first) out += ',';
  first = false;
  out += '"';
  out += name;
  out += "\":";
  out += raw;
}

void str_field(std::string& out, bool& first, std::string_view name, std::string_view value) {
  if (!value.empty()) field(out, first, name, json_quote(value));
}

}  // namespace

std::string render_bundle(const BundleText& b) {
  std::string out;
  std::size_t reserve = 256;
  for (const auto& e : b.entries) reserve += e.resource.size() + e.full_url.size() + 96;
  out.reserve(reserve);
  out += "{\"resourceType\":\"Bundle\"";
  bool first = false;
  str_field(out, first, "id", b.id);
  field(out, first, "meta", "{\"lastUpdated\":" + json_quote(format_instant(b.timestamp_ms)) + "}");
  str_field(out, first, "type", b.type);
  if (b.total) field(out, first, "total", std::to_string(*b.total));
  if (!b.links.empty()) {
    std::string links = "[";
    for (std::size_t i = 0; i < b.links.size(); ++i) {
      if (i) links += ',';
      links += "{\"relation\":" + json_quote(b.links[i].first) +
               ",\"url\":" + json_quote(b.links[i].second) + "}";
    }
    links += "]";
    field(out, first, "link", links);
  }
  if (!b.entries.empty()) {
    out += ",\"entry\":[";
    for (std::size_t i = 0; i < b.entries.size(); ++i) {
      const auto& e = b.entries[i];
      if (i) out += ',';
      out += '{';
      bool f = true;
      str_field(out, f, "fullUrl", e.full_url);
      if (!e.resource.empty()) field(out, f, "resource", e.resource);
      if (!e.search_mode.empty()) {
        field(out, f, "search", "{\"mode\":" + json_quote(e.search_mode) + "}");
      }
      if (!e.request_method.empty()) {
        field(out, f, "request",
              "{\"method\":" + json_quote(e.request_method) +
                  ",\"url\":" + json_quote(e.request_url) + "}");
      }
      if (!e.response_status.empty()) {
        std::string r = "{";
        bool rf = true;
        str_field(r, rf, "status", e.response_status);
        str_field(r, rf, "location", e.response_location);
        str_field(r, rf, "etag", e.response_etag);
        str_field(r, rf, "lastModified", e.response_last_modified);
        if (!e.response_outcome.empty()) field(r, rf, "outcome", e.response_outcome);
        r += '}';
        field(out, f, "response", r);
      }
      out += '}';
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace ember::fhir
