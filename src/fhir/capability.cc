#include "fhir/capability.h"

#include <boost/json.hpp>

#include "core/clock.h"
#include "fhir/api.h"
#include "fhir/search_params.h"

namespace ember::fhir {

namespace bj = boost::json;

namespace {

const char* type_name(store::ParamType t) {
  switch (t) {
    case store::ParamType::Number: return "number";
    case store::ParamType::Date: return "date";
    case store::ParamType::String: return "string";
    case store::ParamType::Token: return "token";
    case store::ParamType::Reference: return "reference";
    case store::ParamType::Composite: return "composite";
    case store::ParamType::Quantity: return "quantity";
    case store::ParamType::Uri: return "uri";
    default: return "special";
  }
}

bool searchable(const SearchParamDef& d) {
  switch (d.type) {
    case store::ParamType::Composite:
    case store::ParamType::Special: return false;
    default: return !d.paths.empty();
  }
}

}  // namespace

std::string capability_statement_json(const std::string& base_url, std::int64_t now_ms,
                                      const SecurityEndpoints& security) {
  bj::array resources;
  for (std::string_view type : resource_types()) {
    bj::array interactions;
    for (const char* code : {"read", "vread", "update", "patch", "delete", "history-instance",
                             "history-type", "create", "search-type"}) {
      const std::string_view c(code);
      if (is_read_only_type(type) && (c == "update" || c == "patch" || c == "delete" || c == "create")) {
        continue;
      }
      interactions.push_back(bj::object{{"code", code}});
    }
    bj::array params;
    params.push_back(bj::object{{"name", "_id"}, {"type", "token"}});
    params.push_back(bj::object{{"name", "_lastUpdated"}, {"type", "date"}});
    for (const auto& d : search_params_for(type)) {
      if (!searchable(d) || d.code == "_id" || d.code == "_lastUpdated") continue;
      params.push_back(bj::object{{"name", d.code}, {"type", type_name(d.type)}});
    }
    bj::array revincludes;
    bj::array includes;
    for (const auto& d : search_params_for(type)) {
      if (d.type == store::ParamType::Reference && searchable(d)) {
        includes.push_back(bj::string(std::string(type) + ":" + std::string(d.code)));
      }
    }
    bj::object r{{"type", type},
                 {"interaction", std::move(interactions)},
                 {"versioning", "versioned-update"},
                 {"readHistory", true},
                 {"updateCreate", !is_read_only_type(type)},
                 {"conditionalCreate", !is_read_only_type(type)},
                 {"conditionalUpdate", false},
                 {"conditionalDelete", "not-supported"},
                 {"searchInclude", std::move(includes)},
                 {"searchParam", std::move(params)}};
    resources.push_back(std::move(r));
  }
  bj::array sys_interactions{bj::object{{"code", "transaction"}}, bj::object{{"code", "batch"}},
                             bj::object{{"code", "history-system"}}};
  bj::array common_params{
      bj::object{{"name", "_count"}, {"type", "number"}},
      bj::object{{"name", "_sort"}, {"type", "string"}},
      bj::object{{"name", "_include"}, {"type", "string"}},
      bj::object{{"name", "_revinclude"}, {"type", "string"}},
      bj::object{{"name", "_summary"}, {"type", "token"}},
      bj::object{{"name", "_elements"}, {"type", "string"}},
      bj::object{{"name", "_total"}, {"type", "token"}},
  };
  bj::object rest{{"mode", "server"},
                  {"resource", std::move(resources)},
                  {"interaction", std::move(sys_interactions)},
                  {"searchParam", std::move(common_params)}};
  if (!security.authorize.empty()) {
    // SMART App Launch: the SMART-on-FHIR service and the oauth-uris extension, matching the
    // URLs of .well-known/smart-configuration (checklist CAP-02/03).
    bj::array uris;
    auto add = [&](const char* name, const std::string& url) {
      if (!url.empty()) uris.push_back(bj::object{{"url", name}, {"valueUri", url}});
    };
    add("authorize", security.authorize);
    add("token", security.token);
    add("revoke", security.revoke);
    add("introspect", security.introspect);
    add("register", security.register_endpoint);
    add("manage", security.manage);
    rest["security"] = bj::object{
        {"cors", true},
        {"service",
         bj::array{bj::object{
             {"coding",
              bj::array{bj::object{
                  {"system", "http://terminology.hl7.org/CodeSystem/restful-security-service"},
                  {"code", "SMART-on-FHIR"},
                  {"display", "SMART-on-FHIR"}}}},
             {"text", "OAuth2 using SMART-on-FHIR profile (see http://docs.smarthealthit.org)"}}}},
        {"extension",
         bj::array{bj::object{
             {"url", "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"},
             {"extension", std::move(uris)}}}}};
  }
  bj::object cs{{"resourceType", "CapabilityStatement"},
                {"status", "active"},
                {"date", format_instant(now_ms)},
                {"publisher", "Ember"},
                {"kind", "instance"},
                {"software", bj::object{{"name", "Ember"}, {"version", "0.1.0"}}},
                {"implementation",
                 bj::object{{"description", "Ember SMART on FHIR server"}, {"url", base_url}}},
                {"fhirVersion", "4.0.1"},
                {"format", bj::array{"application/fhir+json", "json"}},
                {"patchFormat", bj::array{"application/json-patch+json"}},
                {"rest", bj::array{std::move(rest)}}};
  return bj::serialize(cs);
}

}  // namespace ember::fhir
