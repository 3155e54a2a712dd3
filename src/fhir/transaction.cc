// Batch and transaction Bundles (R4 http.html#transaction). A transaction is applied as one
// store write — every entry or none — after its POST entries get their ids and every reference
// to an entry's fullUrl (urn:uuid:… or absolute) is rewritten to the entry's Type/id. A batch
// runs each entry on its own and reports each outcome.
#include <map>

#include "fhir/bundle.h"
#include "fhir/ingest.h"
#include "fhir/rest_internal.h"
#include "fhir/search_params.h"
#include "fhir/search_parser.h"
#include "json/exact.h"

namespace ember::fhir {

namespace bj = boost::json;

namespace {

struct EntryUrl {
  std::string type, id, vid;
  std::optional<std::string> query;  // after '?'
};

Result<EntryUrl, FhirError> parse_entry_url(std::string_view url) {
  EntryUrl u;
  if (auto q = url.find('?'); q != std::string_view::npos) {
    u.query = std::string(url.substr(q + 1));
    url = url.substr(0, q);
  }
  while (url.starts_with("/")) url.remove_prefix(1);
  std::vector<std::string> seg;
  std::size_t i = 0;
  while (i <= url.size()) {
    std::size_t j = url.find('/', i);
    if (j == std::string_view::npos) j = url.size();
    if (j > i) seg.emplace_back(url.substr(i, j - i));
    i = j + 1;
  }
  if (seg.empty() || !is_resource_type(seg[0])) {
    return fail(bad_request("entry request.url must start with a resource type: '" +
                            std::string(url) + "'"));
  }
  u.type = seg[0];
  if (seg.size() >= 2) u.id = seg[1];
  if (seg.size() == 4 && seg[2] == "_history") {
    u.vid = seg[3];
  } else if (seg.size() > 2) {
    return fail(bad_request("unsupported entry request.url '" + std::string(url) + "'"));
  }
  return u;
}

std::string status_line(int status) {
  switch (status) {
    case 200: return "200 OK";
    case 201: return "201 Created";
    case 204: return "204 No Content";
    default: return std::to_string(status);
  }
}

void rewrite_references(bj::value& v, const std::map<std::string, std::string>& map) {
  if (v.is_object()) {
    for (auto& kv : v.get_object()) {
      if (kv.key() == "reference" && kv.value().is_string()) {
        auto it = map.find(std::string(kv.value().get_string()));
        if (it != map.end()) kv.value() = it->second;
      } else {
        rewrite_references(kv.value(), map);
      }
    }
  } else if (v.is_array()) {
    for (auto& e : v.get_array()) rewrite_references(e, map);
  }
}

std::optional<std::int64_t> if_match_of(const bj::object& request) {
  if (auto s = json::get_string(request, "ifMatch")) return parse_etag(*s);
  return std::nullopt;
}

BundleEntry entry_from_reply(const Reply& r) {
  BundleEntry e;
  e.response_status = status_line(r.status);
  for (const auto& [k, v] : r.headers) {
    if (k == "Location") e.response_location = v;
    if (k == "ETag") e.response_etag = v;
  }
  e.resource = r.body;
  return e;
}

}  // namespace

Outcome FhirApi::batch(Call& c, std::string_view body) {
  auto bundle = parse_resource(body, "Bundle");
  if (!bundle) return fail(bundle.error());
  auto btype = json::get_string(*bundle, "type");
  if (!btype || (*btype != "batch" && *btype != "transaction")) {
    return fail(bad_request("POST to the base needs a Bundle of type batch or transaction"));
  }
  const bool is_tx = *btype == "transaction";
  bj::array empty;
  bj::array* entries = &empty;
  if (bj::value* e = bundle->if_contains("entry"); e && e->is_array()) entries = &e->get_array();
  if (entries->size() > options_.max_bundle_entries) {
    return fail(bad_request("too many entries (at most " +
                            std::to_string(options_.max_bundle_entries) + ")"));
  }
  BundleText out;
  out.type = is_tx ? "transaction-response" : "batch-response";
  out.id = random_.uuid();
  out.timestamp_ms = clock_.now_ms();
  out.entries.resize(entries->size());

  struct Planned {
    std::string method;
    EntryUrl url;
    bj::object* request = nullptr;
    bj::object* resource = nullptr;
    std::string full_url;
    std::string assigned_id;  // POST
    bool existing = false;    // conditional create matched
  };
  std::vector<Planned> plan(entries->size());
  for (std::size_t i = 0; i < entries->size(); ++i) {
    auto entry_error = [&](FhirError e) -> std::optional<FhirError> {
      if (is_tx) {
        e.diagnostics = "entry " + std::to_string(i) + ": " + e.diagnostics;
        return e;
      }
      out.entries[i].response_status = std::to_string(e.status);
      out.entries[i].response_outcome = outcome_json(e);
      plan[i].method.clear();
      return std::nullopt;
    };
    auto& ev = (*entries)[i];
    Planned& p = plan[i];
    bj::object* entry = ev.if_object();
    bj::value* req = entry ? entry->if_contains("request") : nullptr;
    if (!req || !req->is_object()) {
      if (auto e = entry_error(bad_request("every entry needs a request"))) return fail(*e);
      continue;
    }
    p.request = &req->get_object();
    auto method = json::get_string(*p.request, "method");
    auto url = json::get_string(*p.request, "url");
    if (!method || !url) {
      if (auto e = entry_error(bad_request("entry request needs method and url"))) return fail(*e);
      continue;
    }
    p.method = std::string(*method);
    auto parsed = parse_entry_url(*url);
    if (!parsed) {
      if (auto e = entry_error(parsed.error())) return fail(*e);
      continue;
    }
    p.url = std::move(*parsed);
    if (auto fu = json::get_string(*entry, "fullUrl")) p.full_url = std::string(*fu);
    if (p.method == "POST" || p.method == "PUT") {
      bj::value* res = entry->if_contains("resource");
      if (!res) {
        if (auto e = entry_error(bad_request(p.method + " entry needs a resource"))) return fail(*e);
        continue;
      }
      if (auto v = validate_resource(*res, p.url.type); !v) {
        if (auto e = entry_error(v.error())) return fail(*e);
        continue;
      }
      p.resource = &res->get_object();
    } else if (p.method != "GET" && p.method != "DELETE" && p.method != "HEAD") {
      if (auto e = entry_error(not_supported("entry method " + p.method + " is not supported"))) {
        return fail(*e);
      }
      continue;
    }
  }

  if (!is_tx) {
    for (std::size_t i = 0; i < plan.size(); ++i) {
      Planned& p = plan[i];
      if (p.method.empty()) continue;
      Outcome o = fail(bad_request("unsupported entry"));
      std::optional<std::int64_t> im = p.request ? if_match_of(*p.request) : std::nullopt;
      if (p.method == "POST" && p.url.id.empty()) {
        std::optional<std::string> ine;
        if (auto s = json::get_string(*p.request, "ifNoneExist")) ine = std::string(*s);
        o = create(c, p.url.type, json::serialize_exact(*p.resource), ine);
      } else if (p.method == "PUT" && !p.url.id.empty()) {
        o = update(c, p.url.type, p.url.id, json::serialize_exact(*p.resource), im);
      } else if (p.method == "DELETE" && !p.url.id.empty()) {
        o = remove(c, p.url.type, p.url.id, im);
      } else if (p.method == "GET" || p.method == "HEAD") {
        if (!p.url.vid.empty()) {
          o = vread(c, p.url.type, p.url.id, p.url.vid);
        } else if (!p.url.id.empty()) {
          o = read(c, p.url.type, p.url.id);
        } else {
          auto q = http::parse_form(p.url.query.value_or(""));
          o = q ? search(c, p.url.type, *q) : fail(bad_request("invalid query in entry url"));
        }
      }
      if (o) {
        out.entries[i] = entry_from_reply(*o);
      } else {
        out.entries[i].response_status = std::to_string(o.error().status);
        out.entries[i].response_outcome = outcome_json(o.error());
      }
    }
    Reply r;
    r.body = render_bundle(out);
    return r;
  }

  // Transaction: ids first, then references, then one atomic write (R4 http.html#trules).
  std::map<std::string, std::string> refmap;
  for (auto& p : plan) {
    if (p.method == "POST") {
      if (!p.url.id.empty()) return fail(bad_request("POST entry url must be a type, not an id"));
      if (auto ine = json::get_string(*p.request, "ifNoneExist")) {
        auto params = http::parse_form(*ine);
        if (!params) return fail(bad_request("invalid ifNoneExist"));
        std::vector<std::pair<std::string, std::string>> kv;
        for (auto& q : *params) kv.emplace_back(q.name, q.value);
        auto parsed = parse_search(p.url.type, kv, {.strict = true});
        if (!parsed) return fail(bad_request("ifNoneExist: " + parsed.error().message));
        for (auto& cl : c.policy->constraints(Interaction::Create, p.url.type)) {
          parsed->query.all_of.push_back(cl);
        }
        parsed->query.count = 2;
        auto page = store_.search(parsed->query);
        if (!page) return fail(from_store_error(page.error()));
        if (page->resources.size() > 1) {
          return fail(conflict(412, "ifNoneExist matches more than one resource"));
        }
        if (page->resources.size() == 1) {
          p.existing = true;
          p.assigned_id = page->resources[0].id;
        }
      }
      if (p.assigned_id.empty()) p.assigned_id = new_id();
      if (!p.full_url.empty()) refmap[p.full_url] = p.url.type + "/" + p.assigned_id;
    } else if (p.method == "PUT") {
      if (p.url.id.empty()) return fail(bad_request("PUT entry url must name an id"));
      if (!p.full_url.empty()) refmap[p.full_url] = p.url.type + "/" + p.url.id;
    }
  }
  std::vector<store::WriteOp> ops;
  std::vector<std::size_t> op_entry;
  // R4 order: DELETE, POST, PUT, then GET after the writes.
  for (const char* phase : {"DELETE", "POST", "PUT"}) {
    for (std::size_t i = 0; i < plan.size(); ++i) {
      Planned& p = plan[i];
      if (p.method != phase || p.existing) continue;
      Interaction in = p.method == "DELETE" ? Interaction::Delete
                       : p.method == "POST" ? Interaction::Create
                                            : Interaction::Update;
      if (auto a = c.policy->allow(in, p.url.type); !a) return fail(a.error());
      std::optional<std::int64_t> im = if_match_of(*p.request);
      if (p.method == "DELETE") {
        if (p.url.id.empty()) return fail(bad_request("DELETE entry url must name an id"));
        if (!c.policy->constraints(Interaction::Delete, p.url.type).empty()) {
          auto cur = read_checked(c, Interaction::Delete, p.url.type, p.url.id);
          if (!cur && cur.error().status == 403) return fail(cur.error());
        }
        ops.push_back(make_delete(p.url.type, p.url.id, im));
      } else {
        bj::value res(std::move(*p.resource));
        rewrite_references(res, refmap);
        bj::object obj = std::move(res.get_object());
        std::string id = p.method == "POST" ? p.assigned_id : p.url.id;
        if (p.method == "PUT") {
          auto bid = json::get_string(obj, "id");
          if (!bid || *bid != id) return fail(bad_request("PUT entry resource id must equal its url id"));
        }
        ops.push_back(make_put(p.url.type, id, std::move(obj),
                               p.method == "POST" ? std::optional<std::int64_t>(0) : im));
        if (auto w = check_write(c, in, ops.back()); !w) return fail(w.error());
      }
      op_entry.push_back(i);
    }
  }
  auto written = store_.write(std::move(ops));
  if (!written) return fail(from_store_error(written.error()));
  for (std::size_t k = 0; k < written->size(); ++k) {
    const auto& w = (*written)[k];
    Planned& p = plan[op_entry[k]];
    BundleEntry& e = out.entries[op_entry[k]];
    if (p.method == "DELETE") {
      e.response_status = "204 No Content";
      continue;
    }
    e.full_url = full_url(w.record.type, w.record.id);
    e.response_status = w.created ? "201 Created" : "200 OK";
    e.response_location = w.record.type + "/" + w.record.id + "/_history/" +
                          std::to_string(w.record.version);
    e.response_etag = etag_of(w.record.version);
    e.response_last_modified = format_instant(w.record.last_updated_ms);
    if (c.prefer != PreferReturn::Minimal) e.resource = w.record.json;
  }
  for (std::size_t i = 0; i < plan.size(); ++i) {
    Planned& p = plan[i];
    if (p.existing) {
      auto rec = store_.read(p.url.type, p.assigned_id);
      if (!rec) return fail(from_store_error(rec.error()));
      out.entries[i].full_url = full_url(rec->type, rec->id);
      out.entries[i].response_status = "200 OK";
      out.entries[i].response_etag = etag_of(rec->version);
      out.entries[i].resource = rec->json;
    } else if (p.method == "GET" || p.method == "HEAD") {
      Outcome o = fail(bad_request("unsupported entry"));
      if (!p.url.vid.empty()) {
        o = vread(c, p.url.type, p.url.id, p.url.vid);
      } else if (!p.url.id.empty()) {
        o = read(c, p.url.type, p.url.id);
      } else {
        auto q = http::parse_form(p.url.query.value_or(""));
        o = q ? search(c, p.url.type, *q) : fail(bad_request("invalid query in entry url"));
      }
      if (!o) return fail(o.error());
      out.entries[i] = entry_from_reply(*o);
    }
  }
  Reply r;
  r.body = render_bundle(out);
  return r;
}

}  // namespace ember::fhir
