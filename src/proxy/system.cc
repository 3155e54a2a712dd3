// Whole-system interactions through the proxy: the CapabilityStatement (the upstream's, with
// Ember's base and SMART security), batch/transaction Bundles and $operations. The last two are
// forwarded only when nothing in them needs enforcing — every entry on a type the token may use
// without compartment or filter restrictions; operations only for tokens with unrestricted
// access — and refused with a 403 OperationOutcome otherwise: never forwarded unenforced.
#include "fhir/capability.h"
#include "json/exact.h"
#include "proxy/enforce.h"
#include "proxy/proxy_internal.h"
#include "proxy/rewrite.h"

namespace ember::proxy {

namespace bj = boost::json;
using bhttp::verb;
using fhir::FhirError;
using fhir::Interaction;

namespace {

verb method_of(std::string_view m) {
  if (m == "GET" || m == "HEAD") return verb::get;
  if (m == "POST") return verb::post;
  if (m == "PUT") return verb::put;
  if (m == "PATCH") return verb::patch;
  if (m == "DELETE") return verb::delete_;
  return verb::unknown;
}

bool includes_others(const http::QueryParams& q) {
  for (const auto& p : q) {
    if (p.name.starts_with("_include") || p.name.starts_with("_revinclude")) return true;
  }
  return false;
}

// Why one batch entry cannot be forwarded for this policy, or nullopt when it can.
std::optional<std::string> entry_refusal(const fhir::AccessPolicy& policy, const bj::object& entry,
                                         const Bases& bases) {
  const bj::value* req = entry.if_contains("request");
  if (req == nullptr || !req->is_object()) return "it has no request";
  verb m = method_of(json::get_string(req->get_object(), "method").value_or(""));
  std::string url(json::get_string(req->get_object(), "url").value_or(""));
  for (const std::string* base : {&bases.ember, &bases.upstream}) {
    if (auto r = rebase_url(url, *base, "")) url = *r;
  }
  if (m == verb::unknown || url.empty()) return "its request method or url is missing";
  std::string_view path = url, query;
  if (auto q = path.find('?'); q != std::string_view::npos) {
    query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  auto route = classify(m, split_path(path));
  if (!route) return route.error().message;
  auto params = http::parse_form(query);
  if (!params) return "its url has an invalid query";
  switch (route->kind) {
    case Kind::Batch:
    case Kind::Metadata:
      return "it is not an interaction on resources";
    case Kind::SystemHistory:
      if (!policy.unrestricted()) return "system history needs unrestricted access";
      return std::nullopt;
    case Kind::Operation:
      if (!full_access(policy)) return "operations need unrestricted access";
      return std::nullopt;
    default:
      break;
  }
  const Interaction in = interaction_of(*route, m);
  if (auto a = policy.allow(in, route->type); !a) return a.error().diagnostics;
  if (!policy.constraints(in, route->type).empty()) {
    return route->type +
           " is restricted by this access token (Patient compartment or granular "
           "filters)";
  }
  if (includes_others(*params) && !policy.unrestricted()) {
    return "_include and _revinclude need unrestricted access";
  }
  return std::nullopt;
}

}  // namespace

std::optional<bj::value> smart_security(const std::string& base, const fhir::SecurityEndpoints& s) {
  if (s.authorize.empty()) return std::nullopt;
  auto cs = json::parse_exact(fhir::capability_statement_json(base, 0, s));
  if (!cs || !cs->is_object()) return std::nullopt;
  const bj::value* rest = cs->get_object().if_contains("rest");
  if (rest == nullptr || !rest->is_array() || rest->get_array().empty()) return std::nullopt;
  const bj::value& first = rest->get_array().front();
  if (!first.is_object()) return std::nullopt;
  const bj::value* sec = first.get_object().if_contains("security");
  if (sec == nullptr) return std::nullopt;
  return *sec;
}

Reply Proxy::metadata(Call& c) {
  auto a = send(c, verb::get, "/metadata");
  if (!a) return error_reply(a.error());
  if (a->status != 200) return relay_failure(*a, bases());
  if (!a->json || !a->json->is_object() ||
      json::get_string(a->json->get_object(), "resourceType") != "CapabilityStatement") {
    return unexpected_answer("/metadata with something that is not a CapabilityStatement");
  }
  rebase_json(*a->json, bases().upstream, bases().ember);
  bj::object& cs = a->json->get_object();
  cs["implementation"] =
      bj::object{{"description", "Ember SMART on FHIR server (proxy to an upstream FHIR server)"},
                 {"url", bases().ember}};
  const auto& security = security_;
  if (bj::value* rest = cs.if_contains("rest"); rest && rest->is_array()) {
    for (auto& r : rest->get_array()) {
      if (!r.is_object()) continue;
      if (security) {
        r.get_object()["security"] = *security;
      } else {
        r.get_object().erase("security");  // the upstream's own security is not what apps meet
      }
    }
  }
  Reply out = relay(std::move(*a), bases());
  std::erase_if(out.headers, [](const auto& h) { return h.first != "Last-Modified"; });
  return out;
}

Reply Proxy::batch(Call& c, std::string_view body) {
  auto doc = json::parse_exact(body);
  if (!doc || !doc->is_object() ||
      json::get_string(doc->get_object(), "resourceType") != "Bundle") {
    return error_reply(fhir::bad_request("the body must be a Bundle"));
  }
  auto type = json::get_string(doc->get_object(), "type").value_or("");
  if (type != "batch" && type != "transaction") {
    return error_reply(fhir::bad_request("the Bundle type must be batch or transaction"));
  }
  if (const bj::value* entries = doc->get_object().if_contains("entry")) {
    if (!entries->is_array())
      return error_reply(fhir::bad_request("Bundle.entry must be an array"));
    std::size_t i = 0;
    for (const auto& e : entries->get_array()) {
      if (!e.is_object())
        return error_reply(
            fhir::bad_request("Bundle.entry[" + std::to_string(i) + "] is not an object"));
      if (auto why = entry_refusal(*c.policy, e.get_object(), bases())) {
        return error_reply(fhir::forbidden(
            "Bundle.entry[" + std::to_string(i) + "]: " + *why + "; in proxy mode a " +
            std::string(type) +
            " is forwarded only when every entry can be answered without restrictions"));
      }
      ++i;
    }
  }
  rebase_json(*doc, bases().ember, bases().upstream);
  auto a = send(c, verb::post, "", json::serialize_exact(*doc), std::string(kFhirJson));
  if (!a) return error_reply(a.error());
  return relay(std::move(*a), bases());
}

Reply Proxy::operation(Call& c, const Route& r, const http::Target& target, std::string_view body) {
  const bool post = c.req.method() == verb::post;
  // An operation's result cannot be judged against the grant resource by resource (it may
  // be a Parameters, a Bundle of anything, a change upstream), so it is forwarded only when
  // nothing would need judging.
  if (post ? !full_access(*c.policy) : !c.policy->unrestricted()) {
    return error_reply(fhir::forbidden(
        "FHIR operations (" + r.operation +
        ") are forwarded to the upstream server only for "
        "access tokens with unrestricted access (user/*.* or system/*.* without filters)"));
  }
  std::string path;
  if (!r.type.empty()) path += "/" + r.type;
  if (!r.id.empty()) path += "/" + r.id;
  path += "/" + r.operation;
  http::QueryParams q;
  for (const auto& p : target.query) {
    if (p.name != "_format" && p.name != "_pretty") q.push_back(p);
  }
  Result<Answer, FhirError> a = fail(FhirError{});
  if (post) {
    auto doc = json::parse_exact(body);
    if (!doc) return error_reply(fhir::bad_request("the body is not valid JSON"));
    rebase_json(*doc, bases().ember, bases().upstream);
    a = send(c, verb::post, path + query_suffix(q), json::serialize_exact(*doc),
             std::string(kFhirJson));
  } else {
    a = send(c, verb::get, path + query_suffix(q));
  }
  if (!a) return error_reply(a.error());
  return relay(std::move(*a), bases());
}

}  // namespace ember::proxy
