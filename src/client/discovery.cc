// SMART discovery: .well-known/smart-configuration (SMART 2.2 §conformance), the
// CapabilityStatement's oauth-uris extension as a fallback, openid-configuration for jwks_uri.
#include "ember/client/discovery.h"

#include <algorithm>

#include "client/internal.h"

namespace ember::client {

namespace {

constexpr std::string_view kOauthUrisExtension =
    "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

std::vector<std::string> strings(const Json& array) {
  std::vector<std::string> out;
  for (const auto& item : array.items()) {
    if (auto s = item.string()) out.push_back(*s);
  }
  return out;
}

Result<Json> get_json(const Services& services, const std::string& url, std::string_view accept,
                      std::string_view what) {
  HttpRequest req;
  req.url = url;
  req.headers.emplace_back("Accept", std::string(accept));
  auto res = detail::send(services, req);
  if (!res) return failure(res.error());
  return detail::json_object_response(*res, what);
}

}  // namespace

bool SmartConfiguration::has_capability(std::string_view name) const {
  return std::find(capabilities.begin(), capabilities.end(), name) != capabilities.end();
}

Result<SmartConfiguration> parse_smart_configuration(std::string_view fhir_base,
                                                     std::string_view json) {
  auto doc = Json::parse(json);
  if (!doc || !doc->is_object()) {
    return failure(ErrorKind::InvalidResponse, "smart-configuration is not a JSON object",
                   "not_json");
  }
  const Json& d = *doc;
  SmartConfiguration c;
  c.fhir_base = detail::trim_slashes(std::string(fhir_base));
  c.issuer = d["issuer"].string_or();
  c.authorization_endpoint = d["authorization_endpoint"].string_or();
  c.token_endpoint = d["token_endpoint"].string_or();
  c.revocation_endpoint = d["revocation_endpoint"].string_or();
  c.introspection_endpoint = d["introspection_endpoint"].string_or();
  c.registration_endpoint = d["registration_endpoint"].string_or();
  c.management_endpoint = d["management_endpoint"].string_or();
  c.userinfo_endpoint = d["userinfo_endpoint"].string_or();
  c.jwks_uri = d["jwks_uri"].string_or();
  c.capabilities = strings(d["capabilities"]);
  c.scopes_supported = strings(d["scopes_supported"]);
  c.grant_types_supported = strings(d["grant_types_supported"]);
  c.code_challenge_methods_supported = strings(d["code_challenge_methods_supported"]);
  c.token_endpoint_auth_methods_supported = strings(d["token_endpoint_auth_methods_supported"]);
  c.token_endpoint_auth_signing_alg_values_supported =
      strings(d["token_endpoint_auth_signing_alg_values_supported"]);
  c.source = "smart-configuration";
  c.document = d;
  if (c.token_endpoint.empty()) {
    return failure(ErrorKind::InvalidResponse, "smart-configuration has no token_endpoint",
                   "missing_token_endpoint");
  }
  return c;
}

Result<SmartConfiguration> parse_capability_statement(std::string_view fhir_base,
                                                      std::string_view json) {
  auto doc = Json::parse(json);
  if (!doc || !doc->is_object() || (*doc)["resourceType"].string_or() != "CapabilityStatement") {
    return failure(ErrorKind::InvalidResponse, "metadata is not a CapabilityStatement",
                   "not_capability_statement");
  }
  SmartConfiguration c;
  c.fhir_base = detail::trim_slashes(std::string(fhir_base));
  c.source = "capability-statement";
  c.document = *doc;
  for (const auto& rest : (*doc)["rest"].items()) {
    for (const auto& ext : rest["security"]["extension"].items()) {
      if (ext["url"].string_or() != kOauthUrisExtension) continue;
      for (const auto& uri : ext["extension"].items()) {
        const std::string name = uri["url"].string_or();
        const std::string value = uri["valueUri"].string_or();
        if (name == "authorize") c.authorization_endpoint = value;
        if (name == "token") c.token_endpoint = value;
        if (name == "revoke") c.revocation_endpoint = value;
        if (name == "register") c.registration_endpoint = value;
        if (name == "manage") c.management_endpoint = value;
        if (name == "introspect") c.introspection_endpoint = value;
      }
    }
  }
  if (c.token_endpoint.empty()) {
    return failure(ErrorKind::InvalidResponse,
                   "the CapabilityStatement has no oauth-uris extension with a token endpoint",
                   "missing_token_endpoint");
  }
  return c;
}

Result<SmartConfiguration> discover(std::string_view fhir_base, const Services& services) {
  const std::string base = detail::trim_slashes(std::string(fhir_base));
  if (!base.starts_with("https://") && !base.starts_with("http://")) {
    return failure(ErrorKind::InvalidArgument, "the FHIR base must be an http(s) URL");
  }
  HttpRequest req;
  req.url = base + "/.well-known/smart-configuration";
  req.headers.emplace_back("Accept", "application/json");
  auto res = detail::send(services, req);
  if (!res) return failure(res.error());
  Error first;
  if (res->status == 200) {
    auto config = parse_smart_configuration(base, res->body);
    if (config) return config;
    first = config.error();
  } else {
    first = detail::response_error(*res, "smart-configuration");
  }
  // Fallback: SMART 1.0 servers announce their endpoints in the CapabilityStatement.
  auto metadata = get_json(services, base + "/metadata", "application/fhir+json", "metadata");
  if (!metadata) {
    Error e = first;
    e.message = "no SMART configuration at " + base + " (" + first.message + "; metadata: " +
                metadata.error().message + ")";
    return failure(std::move(e));
  }
  return parse_capability_statement(base, metadata->dump());
}

Result<void> complete_openid_configuration(SmartConfiguration& config, const Services& services) {
  if (!config.jwks_uri.empty() && !config.issuer.empty()) return {};
  const std::string issuer =
      detail::trim_slashes(config.issuer.empty() ? config.fhir_base : config.issuer);
  auto doc = get_json(services, issuer + "/.well-known/openid-configuration", "application/json",
                      "openid-configuration");
  if (!doc) return failure(doc.error());
  if (config.issuer.empty()) config.issuer = (*doc)["issuer"].string_or();
  if (config.jwks_uri.empty()) config.jwks_uri = (*doc)["jwks_uri"].string_or();
  if (config.jwks_uri.empty()) {
    return failure(ErrorKind::InvalidResponse, "openid-configuration has no jwks_uri",
                   "missing_jwks_uri");
  }
  return {};
}

}  // namespace ember::client
