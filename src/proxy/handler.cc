// The /fhir handler of proxy mode: content negotiation and routing as in fhir/rest.cc, the
// request's access policy from the same Authorizer, then one flow per interaction.
#include <boost/url.hpp>

#include "fhir/negotiation.h"
#include "fhir/search_params.h"
#include "http/headers.h"
#include "json/exact.h"
#include "proxy/proxy_internal.h"

namespace ember::proxy {

namespace bj = boost::json;
using fhir::FhirError;

using fhir::accept_ok;
using fhir::format_ok;
using fhir::is_json_media;

namespace {

constexpr std::string_view kFhirJsonUtf8 = "application/fhir+json; charset=utf-8";

std::optional<std::string_view> header(const http::Request& req, std::string_view name) {
  auto it = req.find(boost::beast::string_view(name.data(), name.size()));
  if (it == req.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

std::optional<std::string> media_essence(const http::Request& req) {
  auto h = header(req, "Content-Type");
  if (!h) return std::nullopt;
  auto m = http::parse_media_type(*h);
  if (!m) return std::string();
  return m->essence();
}

bool is_fhir_json_body(const http::Request& req) {
  auto h = header(req, "Content-Type");
  if (!h) return false;
  auto m = http::parse_media_type(*h);
  return m && is_json_media(*m);
}

const char* route_label(Kind k) {
  switch (k) {
    case Kind::Batch:
      return "fhir_system";
    case Kind::Metadata:
      return "fhir_metadata";
    case Kind::Search:
    case Kind::SearchPost:
      return "fhir_search";
    case Kind::Create:
      return "fhir_create";
    case Kind::Read:
      return "fhir_read";
    case Kind::VRead:
      return "fhir_vread";
    case Kind::Update:
      return "fhir_update";
    case Kind::Patch:
      return "fhir_patch";
    case Kind::Delete:
      return "fhir_delete";
    case Kind::SystemHistory:
    case Kind::TypeHistory:
    case Kind::InstanceHistory:
      return "fhir_history";
    case Kind::Operation:
      return "fhir_operation";
  }
  return "fhir";
}

}  // namespace

Proxy::Proxy(ProxyOptions options) : options_(std::move(options)) {
  auto trim = [](std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
  };
  bases_.ember = trim(options_.base_url);
  bases_.upstream = trim(options_.upstream_url);
  auto u = boost::urls::parse_uri(bases_.ember);
  base_path_ = u ? std::string(u->encoded_path()) : std::string("/fhir");
  if (!options_.fetch) options_.fetch = http::fetch;
  security_ = smart_security(bases_.ember, options_.security);
}

Result<Answer, FhirError> Proxy::send(Call& c, bhttp::verb method,
                                      const std::string& path_and_query, std::string body,
                                      std::string content_type,
                                      std::vector<std::pair<std::string, std::string>> extra,
                                      bool client_headers) {
  http::ClientRequest cr;
  cr.method = method;
  cr.url = bases_.upstream + path_and_query;
  if (client_headers) cr.headers = forwarded_headers(c.req);
  cr.headers.emplace_back("Accept", std::string(kFhirJson));
  if (!c.ctx.request_id.empty()) cr.headers.emplace_back("X-Request-Id", c.ctx.request_id);
  for (auto& h : extra) cr.headers.push_back(std::move(h));
  cr.body = std::move(body);
  cr.content_type = std::move(content_type);
  cr.timeout = options_.timeout;
  cr.max_body_bytes = options_.max_body_bytes;
  auto res = options_.fetch(cr);
  if (!res) return fail(transport_failure(res.error()));
  return answer_of(std::move(*res));
}

Result<Current, Reply> Proxy::current(Call& c, const std::string& type, const std::string& id) {
  auto a = send(c, bhttp::verb::get, "/" + type + "/" + id, {}, {}, {}, false);
  if (!a) return fail(error_reply(a.error()));
  Current cur;
  if (a->status == 200) {
    const bj::object* res = resource_of(*a, type, id);
    if (res == nullptr)
      return fail(unexpected_answer("a different resource than " + type + "/" + id));
    cur.resource = *res;
    if (auto it = a->headers.find(bhttp::field::etag); it != a->headers.end()) {
      cur.version = etag_version(std::string_view(it->value().data(), it->value().size()));
    }
    if (!cur.version) {
      if (const bj::value* meta = json::find(*res, "meta"); meta && meta->is_object()) {
        if (auto v = json::get_string(meta->get_object(), "versionId"))
          cur.version = std::string(*v);
      }
    }
  } else if (a->status != 404 && a->status != 410) {
    return fail(relay_failure(*a, bases_));
  }
  cur.answer = std::move(*a);
  return cur;
}

http::Response Proxy::handle(const http::Request& req, http::RequestContext& ctx) {
  ctx.route = "fhir";
  auto respond = [&](Reply r) {
    http::Response res{static_cast<bhttp::status>(r.status), req.version()};
    res.keep_alive(req.keep_alive());
    for (auto& [k, v] : r.headers) res.set(k, v);
    if (!r.body.empty()) {
      res.set(bhttp::field::content_type, kFhirJsonUtf8);
      res.body() = std::move(r.body);
    }
    res.prepare_payload();
    return res;
  };
  auto error = [&](FhirError e) { return respond(error_reply(e)); };

  auto target = http::parse_target(std::string_view(req.target().data(), req.target().size()));
  if (!target) return error(fhir::bad_request("invalid request URL"));
  for (const auto& p : target->query) {
    if (p.name == "_format" && !format_ok(p.value)) {
      return error(fhir::not_supported("only JSON is supported (_format=" + p.value + ")", 406));
    }
  }
  if (auto accept = header(req, "Accept"); accept && !accept_ok(*accept)) {
    return error(fhir::not_supported("only application/fhir+json is supported", 406));
  }
  std::string_view path = target->path;
  if (!path.starts_with(base_path_)) return error(fhir::not_found("not a FHIR path"));
  auto route = classify(req.method(), split_path(path.substr(base_path_.size())));
  if (!route) {
    Reply r = error_reply(FhirError{route.error().status,
                                    route.error().status == 405 ? "not-supported" : "not-found",
                                    route.error().message});
    if (!route.error().allow.empty()) r.headers.emplace_back("Allow", route.error().allow);
    return respond(std::move(r));
  }
  ctx.route = route_label(route->kind);

  std::shared_ptr<const fhir::AccessPolicy> policy = fhir::open_policy();
  if (options_.authorizer && route->kind != Kind::Metadata) {  // metadata is public
    auto p = options_.authorizer(req);
    if (!p) return error(p.error());
    policy = std::move(*p);
  }
  Call c{req, ctx, std::move(policy)};
  if (auto prefer = header(req, "Prefer")) {
    c.strict = prefer->find("handling=strict") != std::string_view::npos;
  }
  const bool instance = route->kind == Kind::Read || route->kind == Kind::Update ||
                        route->kind == Kind::Patch || route->kind == Kind::Delete;
  if (auto im = header(req, "If-Match"); im && instance) {
    c.if_match = etag_version(*im);
    if (!c.if_match)
      return error(fhir::bad_request("If-Match must be a version ETag such as W/\"3\""));
  }

  std::string_view body(req.body().data(), req.body().size());
  auto needs_fhir_body = [&]() -> std::optional<http::Response> {
    if (is_fhir_json_body(req)) return std::nullopt;
    return error(fhir::not_supported("Content-Type must be application/fhir+json", 415));
  };
  switch (route->kind) {
    case Kind::Metadata:
      return respond(metadata(c));
    case Kind::Read:
      return respond(read(c, *route));
    case Kind::VRead:
      return respond(vread(c, *route));
    case Kind::Search:
      return respond(search(c, *route, target->query, false));
    case Kind::SearchPost: {
      if (media_essence(req) != "application/x-www-form-urlencoded") {
        return error(
            fhir::not_supported("POST _search needs application/x-www-form-urlencoded", 415));
      }
      auto form = http::parse_form(body);
      if (!form) return error(fhir::bad_request("invalid form body"));
      http::QueryParams all = target->query;
      all.insert(all.end(), form->begin(), form->end());
      return respond(search(c, *route, all, true));
    }
    case Kind::Create:
      if (auto e = needs_fhir_body()) return *e;
      return respond(create(c, *route, body));
    case Kind::Update:
      if (auto e = needs_fhir_body()) return *e;
      return respond(update(c, *route, body));
    case Kind::Patch:
      if (media_essence(req) != "application/json-patch+json") {
        return error(fhir::not_supported("PATCH needs application/json-patch+json", 415));
      }
      return respond(patch(c, *route, body));
    case Kind::Delete:
      return respond(remove(c, *route));
    case Kind::SystemHistory:
    case Kind::TypeHistory:
    case Kind::InstanceHistory:
      return respond(history(c, *route, target->query));
    case Kind::Batch:
      if (auto e = needs_fhir_body()) return *e;
      return respond(batch(c, body));
    case Kind::Operation:
      if (req.method() == bhttp::verb::post) {
        if (auto e = needs_fhir_body()) return *e;
      }
      return respond(operation(c, *route, *target, body));
  }
  return error(fhir::not_found("unknown FHIR path"));
}

const bj::object* resource_of(const Answer& a, std::string_view type, std::string_view id) {
  if (!a.json || !a.json->is_object()) return nullptr;
  const bj::object& o = a.json->get_object();
  if (json::get_string(o, "resourceType") != type) return nullptr;
  if (!id.empty() && json::get_string(o, "id") != id) return nullptr;
  return &o;
}

Reply unexpected_answer(std::string_view what) {
  return error_reply(
      FhirError{502, "exception", "the upstream FHIR server answered " + std::string(what)});
}

FhirError outside_read(const std::string& type, const std::string& id) {
  return fhir::forbidden(type + "/" + id + " is outside what this access token may see");
}

FhirError outside_write() {
  return fhir::forbidden("the resource would be outside what this access token may write");
}

bool full_access(const fhir::AccessPolicy& policy) {
  using fhir::Interaction;
  if (!policy.unrestricted()) return false;
  for (std::string_view type : fhir::resource_types()) {
    for (auto in : {Interaction::Create, Interaction::Update, Interaction::Patch,
                    Interaction::Delete, Interaction::Read, Interaction::SearchType}) {
      if (!policy.allow(in, type) || !policy.constraints(in, type).empty()) return false;
    }
  }
  return true;
}

std::string query_suffix(const http::QueryParams& params) {
  return params.empty() ? std::string() : "?" + http::encode_query(params);
}

http::Handler make_proxy_handler(ProxyOptions options) {
  auto proxy = std::make_shared<Proxy>(std::move(options));
  return [proxy](const http::Request& req, http::RequestContext& ctx) {
    return proxy->handle(req, ctx);
  };
}

}  // namespace ember::proxy
