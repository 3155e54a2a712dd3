// Instance interactions through the proxy, with the built-in store's checks (fhir/rest.cc):
// a read is answered only when the resource upstream is inside the token's constraints; a write
// is sent only when the resource it replaces (if any) and the resource it writes are both
// inside; the version that was checked is pinned with If-Match, so a concurrent change upstream
// turns into a 412 instead of an unchecked overwrite.
#include "fhir/ingest.h"
#include "fhir/patch.h"
#include "json/exact.h"
#include "proxy/criteria.h"
#include "proxy/enforce.h"
#include "proxy/proxy_internal.h"
#include "proxy/rewrite.h"

namespace ember::proxy {

namespace bj = boost::json;
using bhttp::verb;
using fhir::FhirError;
using fhir::Interaction;

namespace {

std::string instance_path(const Route& r) {
  return "/" + r.type + "/" + r.id;
}

std::string etag(const std::string& version) {
  return "W/\"" + version + "\"";
}

FhirError version_conflict(const Route& r, const std::string& version) {
  return fhir::conflict(412,
                        "version conflict: " + r.type + "/" + r.id + " is at version " + version);
}

// The If-Match to send for a write checked against `cur`: the checked version, so that the
// upstream refuses if it changed since; the client's own If-Match must agree with it.
Result<std::vector<std::pair<std::string, std::string>>, FhirError> pinned_version(
    const Call& c, const Route& r, const Current& cur) {
  std::vector<std::pair<std::string, std::string>> h;
  if (cur.resource && cur.version) {
    if (c.if_match && *c.if_match != *cur.version) return fail(version_conflict(r, *cur.version));
    h.emplace_back("If-Match", etag(*cur.version));
  } else if (c.if_match) {
    h.emplace_back("If-Match", etag(*c.if_match));
  }
  return h;
}

}  // namespace

Reply Proxy::read(Call& c, const Route& r) {
  const bool own = c.policy->always_readable(r.type, r.id);
  if (!own) {
    if (auto a = c.policy->allow(Interaction::Read, r.type); !a) return error_reply(a.error());
  }
  auto a = send(c, verb::get, instance_path(r));
  if (!a) return error_reply(a.error());
  if (a->status != 200) return relay_failure(*a, bases());
  const bj::object* res = resource_of(*a, r.type, r.id);
  if (res == nullptr) return unexpected_answer("a different resource than " + r.type + "/" + r.id);
  if (!own && !admits(r.type, *res, c.policy->constraints(Interaction::Read, r.type))) {
    return error_reply(outside_read(r.type, r.id));
  }
  return relay(std::move(*a), bases());
}

Reply Proxy::vread(Call& c, const Route& r) {
  if (auto a = c.policy->allow(Interaction::VRead, r.type); !a) return error_reply(a.error());
  auto constraints = c.policy->constraints(Interaction::VRead, r.type);
  if (!constraints.empty()) {
    // As the built-in store: the resource (its current version) must be inside.
    auto cur = current(c, r.type, r.id);
    if (!cur) return cur.error();
    if (!cur->resource) return relay_failure(cur->answer, bases());
    if (!admits(r.type, *cur->resource, constraints))
      return error_reply(outside_read(r.type, r.id));
  }
  auto a = send(c, verb::get, instance_path(r) + "/_history/" + http::percent_encode(r.vid));
  if (!a) return error_reply(a.error());
  if (a->status != 200) return relay_failure(*a, bases());
  const bj::object* res = resource_of(*a, r.type, r.id);
  if (res == nullptr) return unexpected_answer("a different resource than " + r.type + "/" + r.id);
  if (!admits(r.type, *res, constraints)) return error_reply(outside_read(r.type, r.id));
  return relay(std::move(*a), bases());
}

Reply Proxy::create(Call& c, const Route& r, std::string_view body) {
  if (auto a = c.policy->allow(Interaction::Create, r.type); !a) return error_reply(a.error());
  auto res = fhir::parse_resource(body, r.type);
  if (!res) return error_reply(res.error());
  bj::value doc(std::move(*res));
  rebase_json(doc, bases().ember, bases().upstream);
  auto constraints = c.policy->constraints(Interaction::Create, r.type);
  // The server assigns the id: checked without the one in the body (a Patient compartment's
  // `_id` cannot be met by naming it).
  bj::object probe = doc.get_object();
  probe.erase("id");
  if (!admits(r.type, probe, constraints)) return error_reply(outside_write());
  std::vector<std::pair<std::string, std::string>> extra;
  if (auto it = c.req.find("If-None-Exist"); it != c.req.end()) {
    // Conditional create searches the type: under constraints the search is narrowed like any
    // other, so it neither finds nor reveals resources outside them.
    std::string ine(it->value());
    if (!constraints.empty()) {
      auto pd = push_down(r.type, constraints);
      if (!pd.complete) {
        return error_reply(fhir::forbidden(
            "conditional create cannot be narrowed to this access token's restrictions"));
      }
      ine += (ine.empty() ? "" : "&") + http::encode_query(pd.params);
    }
    extra.emplace_back("If-None-Exist", ine);
  }
  auto a = send(c, verb::post, "/" + r.type, json::serialize_exact(doc), std::string(kFhirJson),
                std::move(extra));
  if (!a) return error_reply(a.error());
  if (a->status >= 200 && a->status < 300 && a->json) {
    // What comes back (the created resource, or the existing one a conditional create found)
    // must be inside too.
    const bj::object* back = resource_of(*a, r.type);
    if (back != nullptr && !admits(r.type, *back, constraints)) {
      return error_reply(outside_write());
    }
  }
  return relay(std::move(*a), bases());
}

Reply Proxy::update(Call& c, const Route& r, std::string_view body) {
  if (auto a = c.policy->allow(Interaction::Update, r.type); !a) return error_reply(a.error());
  auto res = fhir::parse_resource(body, r.type);
  if (!res) return error_reply(res.error());
  // R4 http.html#update: the body's id must be present and equal the URL's.
  auto body_id = json::get_string(*res, "id");
  if (!body_id) {
    return error_reply(
        fhir::bad_request("the resource must have an id equal to the URL's ('" + r.id + "')"));
  }
  if (*body_id != r.id) {
    return error_reply(fhir::bad_request("the resource id '" + std::string(*body_id) +
                                         "' does not match the URL id '" + r.id + "'"));
  }
  bj::value doc(std::move(*res));
  rebase_json(doc, bases().ember, bases().upstream);
  auto constraints = c.policy->constraints(Interaction::Update, r.type);
  std::vector<std::pair<std::string, std::string>> extra;
  if (!constraints.empty()) {
    auto cur = current(c, r.type, r.id);
    if (!cur) return cur.error();
    if (cur->resource && !admits(r.type, *cur->resource, constraints)) {
      return error_reply(outside_read(r.type, r.id));
    }
    if (!admits(r.type, doc.get_object(), constraints)) return error_reply(outside_write());
    auto pinned = pinned_version(c, r, *cur);
    if (!pinned) return error_reply(pinned.error());
    extra = std::move(*pinned);
  } else if (c.if_match) {
    extra.emplace_back("If-Match", etag(*c.if_match));
  }
  auto a = send(c, verb::put, instance_path(r), json::serialize_exact(doc), std::string(kFhirJson),
                std::move(extra));
  if (!a) return error_reply(a.error());
  return relay(std::move(*a), bases());
}

Reply Proxy::patch(Call& c, const Route& r, std::string_view body) {
  // JSON Patch is applied here, to the version read upstream, so that the patched resource can
  // be checked before it is written; it is written with PUT pinned to that version.
  if (auto a = c.policy->allow(Interaction::Patch, r.type); !a) return error_reply(a.error());
  auto constraints = c.policy->constraints(Interaction::Patch, r.type);
  auto cur = current(c, r.type, r.id);
  if (!cur) return cur.error();
  if (!cur->resource) return relay_failure(cur->answer, bases());
  if (!admits(r.type, *cur->resource, constraints)) return error_reply(outside_read(r.type, r.id));
  if (c.if_match && cur->version && *c.if_match != *cur->version) {
    return error_reply(version_conflict(r, *cur->version));
  }
  auto patch_doc = json::parse_exact(body);
  if (!patch_doc) {
    return error_reply(
        fhir::bad_request("the patch is not valid JSON: " + patch_doc.error().message));
  }
  bj::value doc(*cur->resource);
  if (auto p = fhir::apply_json_patch(doc, *patch_doc); !p) {
    if (p.error().test_failed) return error_reply(fhir::unprocessable(p.error().message));
    return error_reply(fhir::bad_request("invalid JSON Patch: " + p.error().message));
  }
  if (auto v = fhir::validate_resource(doc, r.type); !v) {
    FhirError e = v.error();
    e.status = 422;
    return error_reply(e);
  }
  if (json::get_string(doc.get_object(), "id") != r.id) {
    return error_reply(fhir::unprocessable("a patch must not change the id"));
  }
  rebase_json(doc, bases().ember, bases().upstream);
  if (!admits(r.type, doc.get_object(), constraints)) return error_reply(outside_write());
  std::vector<std::pair<std::string, std::string>> extra;
  if (cur->version) extra.emplace_back("If-Match", etag(*cur->version));
  auto a = send(c, verb::put, instance_path(r), json::serialize_exact(doc), std::string(kFhirJson),
                std::move(extra));
  if (!a) return error_reply(a.error());
  if (a->status == 412) {
    return error_reply(
        fhir::conflict(409, "the resource changed while it was being patched; retry"));
  }
  Reply out = relay(std::move(*a), bases());
  if (out.status == 201) out.status = 200;  // a patch never creates
  return out;
}

Reply Proxy::remove(Call& c, const Route& r) {
  if (auto a = c.policy->allow(Interaction::Delete, r.type); !a) return error_reply(a.error());
  auto constraints = c.policy->constraints(Interaction::Delete, r.type);
  std::vector<std::pair<std::string, std::string>> extra;
  if (!constraints.empty()) {
    auto cur = current(c, r.type, r.id);
    if (!cur) return cur.error();
    if (cur->resource && !admits(r.type, *cur->resource, constraints)) {
      return error_reply(outside_read(r.type, r.id));
    }
    auto pinned = pinned_version(c, r, *cur);
    if (!pinned) return error_reply(pinned.error());
    extra = std::move(*pinned);
  } else if (c.if_match) {
    extra.emplace_back("If-Match", etag(*c.if_match));
  }
  auto a = send(c, verb::delete_, instance_path(r), {}, {}, std::move(extra));
  if (!a) return error_reply(a.error());
  return relay(std::move(*a), bases());
}

}  // namespace ember::proxy
