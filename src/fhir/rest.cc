#include <algorithm>
#include <boost/url.hpp>

#include "fhir/capability.h"
#include "fhir/ingest.h"
#include "fhir/patch.h"
#include "fhir/negotiation.h"
#include "fhir/rest_internal.h"
#include "fhir/search_params.h"
#include "fhir/search_parser.h"
#include "http/headers.h"
#include "json/exact.h"

namespace ember::fhir {

namespace bj = boost::json;
namespace bhttp = boost::beast::http;

FhirError from_store_error(const store::StoreError& e) {
  switch (e.code) {
    case store::StoreErrc::NotFound: return not_found("resource not found: " + e.message);
    case store::StoreErrc::Gone: return gone("resource deleted: " + e.message);
    case store::StoreErrc::VersionConflict:
      return conflict(412, "version conflict: " + e.message);
    case store::StoreErrc::Invalid: return bad_request(e.message);
    case store::StoreErrc::Unavailable:
      return FhirError{503, "transient", "the database is busy; retry later"};
    default: return FhirError{500, "exception", "internal error"};
  }
}

std::string etag_of(std::int64_t version) { return "W/\"" + std::to_string(version) + "\""; }

std::optional<std::int64_t> parse_etag(std::string_view v) {
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() < 3 || v.front() != '"' || v.back() != '"') return std::nullopt;
  v = v.substr(1, v.size() - 2);
  if (v.empty() || v.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  for (char ch : v) {
    if (ch < '0' || ch > '9') return std::nullopt;
    n = n * 10 + (ch - '0');
  }
  return n;
}

namespace {

std::shared_ptr<const AccessPolicy> g_open;

class OpenPolicy final : public AccessPolicy {
 public:
  Result<void, FhirError> allow(Interaction, std::string_view) const override { return {}; }
  std::vector<store::Clause> constraints(Interaction, std::string_view) const override {
    return {};
  }
  bool unrestricted() const override { return true; }
};

constexpr std::string_view kFhirJson = "application/fhir+json; charset=utf-8";

// R4 http.html: an interaction the server does not support on a type is 405 Method Not Allowed.
FhirError read_only(const std::string& type) {
  return FhirError{405, "not-supported",
                   type + " is read-only: the audit trail is written by the server alone"};
}

std::optional<std::string_view> header(const http::Request& req, std::string_view name) {
  auto it = req.find(boost::beast::string_view(name.data(), name.size()));
  if (it == req.end()) return std::nullopt;
  return std::string_view(it->value().data(), it->value().size());
}

Result<std::optional<std::int64_t>, FhirError> if_match_of(const http::Request& req) {
  auto h = header(req, "If-Match");
  if (!h) return std::optional<std::int64_t>{};
  auto v = parse_etag(*h);
  if (!v) return fail(bad_request("If-Match must be a version ETag such as W/\"3\""));
  return std::optional<std::int64_t>(*v);
}

// Content-Type check for bodies carrying a resource (415 otherwise).
Result<void, FhirError> body_type_ok(const http::Request& req) {
  auto h = header(req, "Content-Type");
  if (!h) return fail(not_supported("Content-Type is required: application/fhir+json", 415));
  auto m = http::parse_media_type(*h);
  if (!m || !is_json_media(*m)) {
    return fail(not_supported("unsupported Content-Type '" + std::string(*h) +
                                  "'; use application/fhir+json",
                              415));
  }
  return {};
}

}  // namespace

std::shared_ptr<const AccessPolicy> open_policy() {
  static const auto p = std::make_shared<const OpenPolicy>();
  return p;
}

FhirApi::FhirApi(store::ResourceStore& store, const Clock& clock, Random& random,
                 FhirOptions options)
    : store_(store), clock_(clock), random_(random), options_(std::move(options)) {
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  auto u = boost::urls::parse_uri(options_.base_url);
  base_path_ = u ? std::string(u->encoded_path()) : std::string("/fhir");
  capability_json_ = capability_statement_json(
      options_.base_url, clock_.now_ms(),
      {options_.authorize_url, options_.token_url, options_.revoke_url, options_.introspect_url,
       options_.register_url, options_.manage_url});
}

Reply FhirApi::resource_reply(Call& c, int status, const store::ResourceRecord& rec,
                              bool location) {
  Reply r;
  r.status = status;
  r.headers.emplace_back("ETag", etag_of(rec.version));
  r.headers.emplace_back("Last-Modified", format_http_date(rec.last_updated_ms));
  if (location) {
    r.headers.emplace_back("Location", full_url(rec.type, rec.id) + "/_history/" +
                                           std::to_string(rec.version));
  }
  switch (c.prefer) {
    case PreferReturn::Minimal: break;
    case PreferReturn::OperationOutcome:
      r.body = info_outcome_json(rec.type + "/" + rec.id + " version " +
                                 std::to_string(rec.version));
      break;
    default: r.body = rec.json;
  }
  return r;
}

Result<store::ResourceRecord, FhirError> FhirApi::read_checked(Call& c, Interaction in,
                                                               const std::string& type,
                                                               const std::string& id) {
  auto rec = store_.read(type, id);
  if (!rec) return fail(from_store_error(rec.error()));
  auto constraints = c.policy->constraints(in, type);
  if (constraints.empty()) return std::move(*rec);
  // Constraints on the id alone (a patient token reading its own Patient) are decided here,
  // with the store's semantics (index_matches), instead of by a second query.
  const bool id_only = std::ranges::all_of(constraints, [](const store::Clause& cl) {
    return std::ranges::all_of(cl.any_of, [](const store::Predicate& p) { return p.param == "_id"; });
  });
  if (id_only) {
    if (!index_matches(id, {}, constraints)) {
      return fail(forbidden(type + "/" + id + " is outside what this access token may see"));
    }
    return std::move(*rec);
  }
  store::Query q;
  q.resource_type = type;
  q.all_of = std::move(constraints);
  store::Predicate pid;
  pid.param = "_id";
  pid.code = id;
  q.all_of.push_back({{pid}});
  q.count = 1;
  q.total = store::TotalMode::None;
  auto page = store_.search(q);
  if (!page) return fail(from_store_error(page.error()));
  if (page->resources.empty()) {
    return fail(forbidden(type + "/" + id + " is outside what this access token may see"));
  }
  return std::move(*rec);
}

Result<void, FhirError> FhirApi::check_write(Call& c, Interaction in, const store::WriteOp& op) {
  auto constraints = c.policy->constraints(in, op.type);
  if (constraints.empty() || op.kind == store::WriteOp::Kind::Delete) return {};
  if (!index_matches(op.id, op.index, constraints)) {
    return fail(forbidden("the resource would be outside what this access token may write"));
  }
  return {};
}

Outcome FhirApi::read(Call& c, const std::string& type, const std::string& id) {
  const bool own = c.policy->always_readable(type, id);
  if (!own) {
    if (auto a = c.policy->allow(Interaction::Read, type); !a) return fail(a.error());
  }
  Result<store::ResourceRecord, FhirError> rec = fail(not_found(type + "/" + id));
  if (own) {
    auto r = store_.read(type, id);
    if (r) rec = std::move(*r);
    else rec = fail(from_store_error(r.error()));
  } else {
    rec = read_checked(c, Interaction::Read, type, id);
  }
  if (!rec) return fail(rec.error());
  PreferReturn saved = c.prefer;
  c.prefer = PreferReturn::Representation;  // Prefer applies to writes only
  Reply r = resource_reply(c, 200, *rec, false);
  c.prefer = saved;
  return r;
}

Outcome FhirApi::vread(Call& c, const std::string& type, const std::string& id,
                       const std::string& vid) {
  if (auto a = c.policy->allow(Interaction::VRead, type); !a) return fail(a.error());
  auto version = parse_etag("\"" + vid + "\"");
  if (!version) return fail(bad_request("invalid version id '" + vid + "'"));
  if (!c.policy->constraints(Interaction::VRead, type).empty()) {
    if (auto cur = read_checked(c, Interaction::VRead, type, id); !cur) return fail(cur.error());
  }
  auto rec = store_.vread(type, id, *version);
  if (!rec) return fail(from_store_error(rec.error()));
  Reply r;
  r.headers.emplace_back("ETag", etag_of(rec->version));
  r.headers.emplace_back("Last-Modified", format_http_date(rec->last_updated_ms));
  r.body = std::move(rec->json);
  return r;
}

Outcome FhirApi::create(Call& c, const std::string& type, std::string_view body,
                        std::optional<std::string> if_none_exist) {
  if (is_read_only_type(type)) return fail(read_only(type));
  if (auto a = c.policy->allow(Interaction::Create, type); !a) return fail(a.error());
  auto res = parse_resource(body, type);
  if (!res) return fail(res.error());
  if (if_none_exist) {
    // Conditional create (R4 http.html#ccreate): 0 matches → create, 1 → return it, >1 → 412.
    auto params = http::parse_form(*if_none_exist);
    if (!params) return fail(bad_request("invalid If-None-Exist header"));
    std::vector<std::pair<std::string, std::string>> kv;
    for (auto& p : *params) kv.emplace_back(p.name, p.value);
    auto parsed = parse_search(type, kv, {.strict = true});
    if (!parsed) return fail(bad_request("If-None-Exist: " + parsed.error().message));
    for (auto& cl : c.policy->constraints(Interaction::Create, type)) {
      parsed->query.all_of.push_back(std::move(cl));
    }
    parsed->query.count = 2;
    parsed->query.offset = 0;
    auto page = store_.search(parsed->query);
    if (!page) return fail(from_store_error(page.error()));
    if (page->resources.size() > 1) {
      return fail(conflict(412, "If-None-Exist matches more than one resource"));
    }
    if (page->resources.size() == 1) return resource_reply(c, 200, page->resources[0], false);
  }
  auto op = make_put(type, new_id(), std::move(*res), 0);
  if (auto w = check_write(c, Interaction::Create, op); !w) return fail(w.error());
  std::vector<store::WriteOp> ops;
  ops.push_back(std::move(op));
  auto w = store_.write(std::move(ops));
  if (!w) return fail(from_store_error(w.error()));
  return resource_reply(c, 201, (*w)[0].record, true);
}

Outcome FhirApi::update(Call& c, const std::string& type, const std::string& id,
                        std::string_view body, std::optional<std::int64_t> if_match) {
  if (is_read_only_type(type)) return fail(read_only(type));
  if (auto a = c.policy->allow(Interaction::Update, type); !a) return fail(a.error());
  if (!is_valid_id(id)) return fail(bad_request("invalid id '" + id + "'"));
  auto res = parse_resource(body, type);
  if (!res) return fail(res.error());
  // R4 http.html#update: the body's id must be present and equal the URL's.
  auto body_id = json::get_string(*res, "id");
  if (!body_id) return fail(bad_request("the resource must have an id equal to the URL's ('" + id + "')"));
  if (*body_id != id) {
    return fail(bad_request("the resource id '" + std::string(*body_id) +
                            "' does not match the URL id '" + id + "'"));
  }
  if (!c.policy->constraints(Interaction::Update, type).empty()) {
    // The version being replaced must be within the update scopes too (if it exists).
    auto cur = read_checked(c, Interaction::Update, type, id);
    if (!cur && cur.error().status == 403) return fail(cur.error());
  }
  auto op = make_put(type, id, std::move(*res), if_match);
  if (auto w = check_write(c, Interaction::Update, op); !w) return fail(w.error());
  std::vector<store::WriteOp> ops;
  ops.push_back(std::move(op));
  auto w = store_.write(std::move(ops));
  if (!w) return fail(from_store_error(w.error()));
  return resource_reply(c, (*w)[0].created ? 201 : 200, (*w)[0].record, true);
}

Outcome FhirApi::patch(Call& c, const std::string& type, const std::string& id,
                       std::string_view body, std::optional<std::int64_t> if_match) {
  if (is_read_only_type(type)) return fail(read_only(type));
  if (auto a = c.policy->allow(Interaction::Patch, type); !a) return fail(a.error());
  auto cur = read_checked(c, Interaction::Patch, type, id);
  if (!cur) return fail(cur.error());
  if (if_match && *if_match != cur->version) {
    return fail(conflict(412, "version conflict: " + type + "/" + id + " is at version " +
                                  std::to_string(cur->version)));
  }
  auto patch_doc = json::parse_exact(body, {.unique_keys = true});
  if (!patch_doc) return fail(bad_request("the patch is not valid JSON: " + patch_doc.error().message));
  auto doc = json::parse_exact(cur->json);
  if (!doc) return fail(FhirError{500, "exception", "stored resource is unreadable"});
  if (auto r = apply_json_patch(*doc, *patch_doc); !r) {
    if (r.error().test_failed) return fail(unprocessable(r.error().message));
    return fail(bad_request("invalid JSON Patch: " + r.error().message));
  }
  if (auto v = validate_resource(*doc, type); !v) {
    FhirError e = v.error();
    e.status = 422;
    return fail(e);
  }
  auto& obj = doc->get_object();
  auto new_id = json::get_string(obj, "id");
  if (!new_id || *new_id != id) return fail(unprocessable("a patch must not change the id"));
  auto op = make_put(type, id, std::move(obj), cur->version);
  if (auto w = check_write(c, Interaction::Patch, op); !w) return fail(w.error());
  std::vector<store::WriteOp> ops;
  ops.push_back(std::move(op));
  auto w = store_.write(std::move(ops));
  if (!w) {
    if (w.error().code == store::StoreErrc::VersionConflict) {
      return fail(conflict(409, "the resource changed while it was being patched; retry"));
    }
    return fail(from_store_error(w.error()));
  }
  return resource_reply(c, 200, (*w)[0].record, false);
}

Outcome FhirApi::remove(Call& c, const std::string& type, const std::string& id,
                        std::optional<std::int64_t> if_match) {
  if (is_read_only_type(type)) return fail(read_only(type));
  if (auto a = c.policy->allow(Interaction::Delete, type); !a) return fail(a.error());
  if (!c.policy->constraints(Interaction::Delete, type).empty()) {
    auto cur = read_checked(c, Interaction::Delete, type, id);
    if (!cur && cur.error().status == 403) return fail(cur.error());
  }
  std::vector<store::WriteOp> ops;
  ops.push_back(make_delete(type, id, if_match));
  auto w = store_.write(std::move(ops));
  if (!w) return fail(from_store_error(w.error()));
  Reply r;
  if (c.prefer == PreferReturn::OperationOutcome) {
    r.status = 200;
    r.body = info_outcome_json("deleted " + type + "/" + id);
  } else {
    r.status = 204;
  }
  if ((*w)[0].record.version > 0) r.headers.emplace_back("ETag", etag_of((*w)[0].record.version));
  return r;
}

Outcome FhirApi::capabilities() {
  Reply r;
  r.body = capability_json_;
  return r;
}

bool is_read_only_type(std::string_view type) { return type == "AuditEvent"; }
bool outside_wildcard_scopes(std::string_view type) { return type == "AuditEvent"; }

http::Response FhirApi::handle(const http::Request& req, http::RequestContext& ctx) {
  std::shared_ptr<const AccessPolicy> policy;
  http::Response res = dispatch(req, ctx, policy);
  if (audit::wants(options_.audit, audit::Kind::Read)) record_access(req, ctx, policy.get(), res);
  return res;
}

http::Response FhirApi::dispatch(const http::Request& req, http::RequestContext& ctx,
                                 std::shared_ptr<const AccessPolicy>& authorized) {
  ctx.route = "fhir";
  auto reply_of = [&](Outcome o, std::string_view content_type) {
    http::Response res{bhttp::status::ok, req.version()};
    res.keep_alive(req.keep_alive());
    if (!o) {
      res.result(static_cast<unsigned>(o.error().status));
      res.set(bhttp::field::content_type, kFhirJson);
      if (!o.error().www_authenticate.empty()) {
        res.set(bhttp::field::www_authenticate, o.error().www_authenticate);
      }
      res.body() = outcome_json(o.error());
    } else {
      res.result(static_cast<unsigned>(o->status));
      for (auto& [k, v] : o->headers) res.set(k, v);
      if (!o->body.empty()) {
        res.set(bhttp::field::content_type, content_type);
        res.body() = std::move(o->body);
      }
    }
    res.prepare_payload();
    return res;
  };

  auto target = http::parse_target(std::string_view(req.target().data(), req.target().size()));
  if (!target) return reply_of(fail(bad_request("invalid request URL")), kFhirJson);

  // Content negotiation (R4 http.html#mime-type): JSON only.
  std::string_view content_type = kFhirJson;
  for (const auto& p : target->query) {
    if (p.name == "_format" && !format_ok(p.value)) {
      return reply_of(fail(not_supported("only JSON is supported (_format=" + p.value + ")", 406)),
                      kFhirJson);
    }
  }
  if (auto accept = header(req, "Accept"); accept && !accept_ok(*accept)) {
    return reply_of(fail(not_supported("only application/fhir+json is supported", 406)), kFhirJson);
  }

  std::string_view path = target->path;
  if (!path.starts_with(base_path_)) return reply_of(fail(not_found("not a FHIR path")), kFhirJson);
  auto seg = split_path(path.substr(base_path_.size()));

  std::shared_ptr<const AccessPolicy> policy = open_policy();
  const bool is_metadata = seg.size() == 1 && seg[0] == "metadata";  // always public
  if (options_.authorizer && !is_metadata) {
    auto p = options_.authorizer(req);
    if (!p) {
      http::Response res = reply_of(fail(p.error()), kFhirJson);
      return res;
    }
    policy = std::move(*p);
    authorized = policy;
  }
  Call call{req, policy};
  if (auto prefer = header(req, "Prefer")) {
    if (prefer->find("return=minimal") != std::string_view::npos) call.prefer = PreferReturn::Minimal;
    if (prefer->find("return=OperationOutcome") != std::string_view::npos) {
      call.prefer = PreferReturn::OperationOutcome;
    }
    call.strict = prefer->find("handling=strict") != std::string_view::npos;
  }

  const auto method = req.method();
  const bool get = method == bhttp::verb::get || method == bhttp::verb::head;
  std::string_view body(req.body().data(), req.body().size());
  auto method_not_allowed = [&](std::string allow) {
    Outcome o = fail(FhirError{405, "not-supported", "method not allowed here; allowed: " + allow});
    http::Response res = reply_of(std::move(o), kFhirJson);
    res.set(bhttp::field::allow, allow);
    return res;
  };
  auto needs_body_type = [&]() -> std::optional<http::Response> {
    if (auto t = body_type_ok(req); !t) return reply_of(fail(t.error()), kFhirJson);
    return std::nullopt;
  };

  if (seg.empty()) {
    ctx.route = "fhir_system";
    if (method == bhttp::verb::post) {
      if (auto e = needs_body_type()) return *e;
      return reply_of(batch(call, body), content_type);
    }
    return method_not_allowed("POST");
  }
  if (seg[0] == "metadata" && seg.size() == 1) {
    ctx.route = "fhir_metadata";
    if (!get) return method_not_allowed("GET");
    return reply_of(capabilities(), content_type);
  }
  if (seg[0] == "_history" && seg.size() == 1) {
    ctx.route = "fhir_history";
    if (!get) return method_not_allowed("GET");
    return reply_of(history(call, "", std::nullopt, target->query), content_type);
  }
  const std::string& type = seg[0];
  if (!is_resource_type(type)) {
    return reply_of(fail(not_found("unknown resource type '" + type + "'")), kFhirJson);
  }
  if (is_read_only_type(type) && !get &&
      !(method == bhttp::verb::post && seg.size() == 2 && seg[1] == "_search")) {
    return method_not_allowed(seg.size() == 2 && seg[1] == "_search" ? "POST" : "GET");
  }
  if (seg.size() == 1) {
    if (get) {
      ctx.route = "fhir_search";
      return reply_of(search(call, type, target->query), content_type);
    }
    if (method == bhttp::verb::post) {
      ctx.route = "fhir_create";
      if (auto e = needs_body_type()) return *e;
      std::optional<std::string> ine;
      if (auto h = header(req, "If-None-Exist")) ine = std::string(*h);
      return reply_of(create(call, type, body, ine), content_type);
    }
    return method_not_allowed("GET, POST");
  }
  if (seg.size() == 2 && seg[1] == "_search") {
    ctx.route = "fhir_search";
    if (method != bhttp::verb::post) return method_not_allowed("POST");
    auto ct = header(req, "Content-Type");
    auto m = ct ? http::parse_media_type(*ct) : std::nullopt;
    if (!m || m->essence() != "application/x-www-form-urlencoded") {
      return reply_of(fail(not_supported("POST _search needs application/x-www-form-urlencoded", 415)),
                      kFhirJson);
    }
    auto form = http::parse_form(body);
    if (!form) return reply_of(fail(bad_request("invalid form body")), kFhirJson);
    http::QueryParams all = target->query;
    all.insert(all.end(), form->begin(), form->end());
    return reply_of(search(call, type, all), content_type);
  }
  if (seg.size() == 2 && seg[1] == "_history") {
    ctx.route = "fhir_history";
    if (!get) return method_not_allowed("GET");
    return reply_of(history(call, type, std::nullopt, target->query), content_type);
  }
  const std::string& id = seg[1];
  if (!is_valid_id(id)) return reply_of(fail(not_found("invalid resource id")), kFhirJson);
  if (seg.size() == 2) {
    auto im = if_match_of(req);
    if (!im) return reply_of(fail(im.error()), kFhirJson);
    if (get) {
      ctx.route = "fhir_read";
      return reply_of(read(call, type, id), content_type);
    }
    if (method == bhttp::verb::put) {
      ctx.route = "fhir_update";
      if (auto e = needs_body_type()) return *e;
      return reply_of(update(call, type, id, body, *im), content_type);
    }
    if (method == bhttp::verb::patch) {
      ctx.route = "fhir_patch";
      auto ct = header(req, "Content-Type");
      auto m = ct ? http::parse_media_type(*ct) : std::nullopt;
      if (!m || m->essence() != "application/json-patch+json") {
        return reply_of(fail(not_supported("PATCH needs application/json-patch+json", 415)),
                        kFhirJson);
      }
      return reply_of(patch(call, type, id, body, *im), content_type);
    }
    if (method == bhttp::verb::delete_) {
      ctx.route = "fhir_delete";
      return reply_of(remove(call, type, id, *im), content_type);
    }
    return method_not_allowed("GET, PUT, PATCH, DELETE");
  }
  if (seg[2] == "_history" && seg.size() <= 4) {
    ctx.route = seg.size() == 3 ? "fhir_history" : "fhir_vread";
    if (!get) return method_not_allowed("GET");
    if (seg.size() == 3) return reply_of(history(call, type, id, target->query), content_type);
    return reply_of(vread(call, type, id, seg[3]), content_type);
  }
  return reply_of(fail(not_found("unknown FHIR path")), kFhirJson);
}

http::Handler make_fhir_handler(store::ResourceStore& store, const Clock& clock, Random& random,
                                FhirOptions options) {
  auto api = std::make_shared<FhirApi>(store, clock, random, std::move(options));
  return [api](const http::Request& req, http::RequestContext& ctx) {
    return api->handle(req, ctx);
  };
}

}  // namespace ember::fhir
