// Search (with _include/_revinclude, paging links, _elements, _summary=count) and history.
#include <map>
#include <set>

#include "fhir/access.h"
#include "fhir/bundle.h"
#include "fhir/datetime.h"
#include "fhir/rest_internal.h"
#include "fhir/search_params.h"
#include "fhir/search_parser.h"
#include "json/exact.h"

namespace ember::fhir {

namespace bj = boost::json;

namespace {

// At most this many resources are added by all _include/_revinclude of one page together.
constexpr std::size_t kMaxIncluded = 1000;

std::string page_url(const std::string& base, const std::string& type,
                     const std::vector<std::pair<std::string, std::string>>& applied,
                     std::size_t count, std::size_t offset) {
  http::QueryParams q;
  for (const auto& [k, v] : applied) {
    if (k == "_count" || k == "_offset") continue;
    q.push_back({k, v});
  }
  q.push_back({"_count", std::to_string(count)});
  if (offset > 0) q.push_back({"_offset", std::to_string(offset)});
  return base + "/" + type + "?" + http::encode_query(q);
}

// _elements (R4 search.html#elements): keep the listed top-level elements plus the mandatory
// ones, and mark the result SUBSETTED.
std::string subset_elements(const std::string& json_text, const std::vector<std::string>& keep) {
  auto v = json::parse_exact(json_text);
  if (!v || !v->is_object()) return json_text;
  bj::object out;
  for (const auto& kv : v->get_object()) {
    std::string_view k(kv.key().data(), kv.key().size());
    bool wanted = k == "resourceType" || k == "id" || k == "meta";
    for (const auto& e : keep) wanted = wanted || e == k;
    if (wanted) out[kv.key()] = kv.value();
  }
  bj::object& meta = out["meta"].is_object() ? out["meta"].get_object()
                                               : out["meta"].emplace_object();
  bj::array& tags = meta["tag"].is_array() ? meta["tag"].get_array() : meta["tag"].emplace_array();
  tags.push_back(bj::object{{"system", "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"},
                            {"code", "SUBSETTED"},
                            {"display", "Resource content has been reduced"}});
  return json::serialize_exact(out);
}

}  // namespace

// The patient a compartment constraint confines `type` to: a clause whose every predicate is a
// reference to the same Patient (or, for Patient itself, `_id`).
std::optional<std::string> confined_patient(const std::string& type,
                                            const std::vector<store::Clause>& constraints) {
  for (const auto& cl : constraints) {
    std::optional<std::string> pid;
    bool all = !cl.any_of.empty();
    for (const auto& p : cl.any_of) {
      std::string id;
      if (type == "Patient" && p.param == "_id") {
        id = p.code;
      } else if (p.type == store::ParamType::Reference && p.target_type == "Patient") {
        id = p.target_id;
      } else {
        all = false;
        break;
      }
      if (pid && *pid != id) all = false;
      pid = id;
    }
    if (all && pid && !pid->empty()) return pid;
  }
  return std::nullopt;
}

// A clause of the request that names only patients other than `pid` through the Patient
// compartment's parameters (e.g. Observation?patient=other), described for the message.
std::optional<std::string> names_other_patient(const std::string& type,
                                               const std::vector<store::Clause>& request,
                                               const std::string& pid) {
  auto params = patient_compartment_params(type);
  for (const auto& cl : request) {
    bool about_patients = !cl.any_of.empty(), self = false;
    std::string other;
    for (const auto& p : cl.any_of) {
      std::string id;
      if (type == "Patient" && p.param == "_id" && p.modifier == store::Modifier::None) {
        id = p.code;
      } else if (p.type == store::ParamType::Reference && p.modifier == store::Modifier::None &&
                 !p.target_id.empty() &&
                 (p.target_type == "Patient" ||
                  (p.target_type.empty() &&
                   std::find(params.begin(), params.end(), p.param) != params.end()))) {
        id = p.target_id;
      } else {
        about_patients = false;
        break;
      }
      if (id == pid) self = true;
      else other = "Patient/" + id;
    }
    if (about_patients && !self && !other.empty()) return other;
  }
  return std::nullopt;
}

namespace {

// A plain reference to a Patient by id: no modifier, no absolute URL (which would also match
// rows stored with that URL, whatever they point to).
bool plain_patient_reference(const store::Predicate& p) {
  return p.type == store::ParamType::Reference && p.modifier == store::Modifier::None &&
         p.target_type == "Patient" && !p.target_id.empty() && p.url.empty();
}

// Whether every value `narrow` indexes is also indexed by `wide` with a Patient target: each
// path of `narrow` is a path of `wide` that keeps Patient references.
bool paths_within(const SearchParamDef& narrow, const SearchParamDef& wide) {
  if (narrow.type != store::ParamType::Reference || wide.type != store::ParamType::Reference ||
      narrow.paths.empty()) {
    return false;
  }
  for (const auto& n : narrow.paths) {
    bool found = false;
    for (const auto& w : wide.paths) {
      if (w.path == n.path && (w.ref_type.empty() || w.ref_type == "Patient")) found = true;
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

bool implied_by_request(const std::string& type, const store::Clause& constraint,
                        const std::vector<store::Clause>& request) {
  if (constraint.any_of.empty()) return false;
  const std::string& pid = constraint.any_of.front().target_id;
  for (const auto& p : constraint.any_of) {
    if (!plain_patient_reference(p) || p.target_id != pid) return false;
  }
  for (const auto& cl : request) {
    if (cl.any_of.size() != 1) continue;
    const store::Predicate& r = cl.any_of.front();
    if (!plain_patient_reference(r) || r.target_id != pid) continue;
    const SearchParamDef* narrow = find_search_param(type, r.param);
    if (!narrow) continue;
    for (const auto& p : constraint.any_of) {
      const SearchParamDef* wide = find_search_param(type, p.param);
      if (wide && paths_within(*narrow, *wide)) return true;
    }
  }
  return false;
}

Outcome FhirApi::search(Call& c, const std::string& type, const http::QueryParams& params) {
  if (auto a = c.policy->allow(Interaction::SearchType, type); !a) return fail(a.error());
  std::vector<std::pair<std::string, std::string>> kv;
  kv.reserve(params.size());
  for (const auto& p : params) {
    if (p.name == "_format" || p.name == "_pretty") continue;
    kv.emplace_back(p.name, p.value);
  }
  SearchLimits limits{options_.default_page_size, options_.max_page_size, c.strict};
  auto parsed = parse_search(type, kv, limits);
  if (!parsed) {
    const auto& e = parsed.error();
    return fail(e.code == SearchError::Code::NotSupported
                    ? not_supported(e.message)
                    : bad_request(e.message));
  }
  store::Query& q = parsed->query;
  auto constraints = c.policy->constraints(Interaction::SearchType, type);
  if (auto pid = confined_patient(type, constraints)) {
    if (auto other = names_other_patient(type, q.all_of, *pid)) {
      // SMART (checklist API-06): naming another patient is refused, not answered empty.
      return fail(forbidden("this access token is limited to the patient in context; it cannot "
                            "search " + *other));
    }
  }
  for (auto& cl : constraints) {
    // E.g. a patient token's compartment clause under `Observation?patient=<that patient>`:
    // a third of the page query's time in SQLite, for nothing (docs/performance.md).
    if (implied_by_request(type, cl, q.all_of)) continue;
    q.all_of.push_back(std::move(cl));
  }
  auto page = store_.search(q);
  if (!page) return fail(from_store_error(page.error()));

  BundleText b;
  b.type = "searchset";
  b.id = random_.uuid();
  b.timestamp_ms = clock_.now_ms();
  b.total = page->total;
  const std::size_t count = q.count;
  b.links.emplace_back("self", page_url(options_.base_url, type, parsed->applied, count, q.offset));
  if (!q.count_only && count > 0) {
    bool more = page->total ? static_cast<std::int64_t>(q.offset + count) < *page->total
                            : page->resources.size() == count;
    if (more) {
      b.links.emplace_back("next",
                           page_url(options_.base_url, type, parsed->applied, count, q.offset + count));
    }
    if (q.offset > 0) {
      std::size_t prev = q.offset > count ? q.offset - count : 0;
      b.links.emplace_back("previous",
                           page_url(options_.base_url, type, parsed->applied, count, prev));
    }
  }
  std::set<std::string> seen;
  std::vector<std::string> ids;
  for (auto& rec : page->resources) {
    seen.insert(rec.type + "/" + rec.id);
    ids.push_back(rec.id);
    BundleEntry e;
    e.full_url = full_url(rec.type, rec.id);
    e.resource = parsed->elements.empty() ? std::move(rec.json)
                                          : subset_elements(rec.json, parsed->elements);
    e.search_mode = "match";
    b.entries.push_back(std::move(e));
  }

  std::size_t included = 0;
  auto add_included = [&](std::vector<store::ResourceRecord>& recs) {
    for (auto& rec : recs) {
      if (included >= kMaxIncluded) return;
      if (!seen.insert(rec.type + "/" + rec.id).second) continue;
      BundleEntry e;
      e.full_url = full_url(rec.type, rec.id);
      e.resource = std::move(rec.json);
      e.search_mode = "include";
      b.entries.push_back(std::move(e));
      ++included;
    }
  };
  // _include: the targets of the page's references, each type under its own constraints.
  for (const auto& inc : parsed->includes) {
    if (ids.empty()) break;
    auto refs = store_.references(type, ids, inc.param);
    if (!refs) return fail(from_store_error(refs.error()));
    std::map<std::string, std::vector<std::string>> by_type;
    for (auto& r : *refs) {
      if (!inc.target_type.empty() && r.target_type != inc.target_type) continue;
      if (r.target_type.empty() || !is_resource_type(r.target_type)) continue;
      by_type[r.target_type].push_back(r.target_id);
    }
    for (auto& [ttype, tids] : by_type) {
      if (!c.policy->allow(Interaction::SearchType, ttype)) continue;  // not granted: left out
      store::Query iq;
      iq.resource_type = ttype;
      iq.all_of = c.policy->constraints(Interaction::SearchType, ttype);
      store::Clause idc;
      for (auto& id : tids) {
        store::Predicate p;
        p.param = "_id";
        p.code = id;
        idc.any_of.push_back(std::move(p));
      }
      iq.all_of.push_back(std::move(idc));
      iq.count = kMaxIncluded;
      iq.total = store::TotalMode::None;
      auto ip = store_.search(iq);
      if (!ip) return fail(from_store_error(ip.error()));
      add_included(ip->resources);
    }
  }
  // _revinclude: resources of the source type whose param points at a page resource.
  for (const auto& rev : parsed->revincludes) {
    if (ids.empty()) break;
    if (!c.policy->allow(Interaction::SearchType, rev.source_type)) continue;
    if (!rev.target_type.empty() && rev.target_type != type) continue;
    store::Query rq;
    rq.resource_type = rev.source_type;
    rq.all_of = c.policy->constraints(Interaction::SearchType, rev.source_type);
    store::Clause refc;
    for (auto& id : ids) {
      store::Predicate p;
      p.param = rev.param;
      p.type = store::ParamType::Reference;
      p.target_type = type;
      p.target_id = id;
      refc.any_of.push_back(std::move(p));
    }
    rq.all_of.push_back(std::move(refc));
    rq.count = kMaxIncluded;
    rq.total = store::TotalMode::None;
    auto rp = store_.search(rq);
    if (!rp) return fail(from_store_error(rp.error()));
    add_included(rp->resources);
  }
  if (!parsed->ignored.empty()) {
    std::string list;
    for (const auto& n : parsed->ignored) list += (list.empty() ? "" : ", ") + n;
    FhirError info{200, "informational", "unknown or unsupported parameters ignored: " + list};
    info.severity = "warning";
    BundleEntry e;
    e.resource = outcome_json(info);
    e.search_mode = "outcome";
    b.entries.push_back(std::move(e));
  }
  Reply r;
  r.body = render_bundle(b);
  return r;
}

Outcome FhirApi::history(Call& c, const std::string& type, const std::optional<std::string>& id,
                         const http::QueryParams& params) {
  Interaction in = id ? Interaction::HistoryInstance
                      : (type.empty() ? Interaction::HistorySystem : Interaction::HistoryType);
  if (type.empty()) {
    if (!c.policy->unrestricted()) return fail(forbidden("system history needs unrestricted access"));
  } else if (auto a = c.policy->allow(in, type); !a) {
    return fail(a.error());
  }
  if (!type.empty() && !id && !c.policy->constraints(in, type).empty()) {
    return fail(forbidden("type history is not available under compartment-restricted access"));
  }
  if (id) {
    auto cur = read_checked(c, in, type, *id);
    if (!cur && cur.error().status != 410) return fail(cur.error());
  }
  store::HistoryQuery hq;
  hq.type = type;
  hq.id = id;
  hq.count = options_.default_page_size;
  http::QueryParams applied;
  for (const auto& p : params) {
    if (p.name == "_count" || p.name == "_offset") {
      char* end = nullptr;
      long long n = std::strtoll(p.value.c_str(), &end, 10);
      if (p.value.empty() || *end != '\0' || n < 0) {
        return fail(bad_request(p.name + " must be a non-negative integer"));
      }
      if (p.name == "_count") {
        hq.count = std::min<std::size_t>(static_cast<std::size_t>(n), options_.max_page_size);
      } else {
        hq.offset = static_cast<std::size_t>(n);
      }
    } else if (p.name == "_since") {
      auto range = parse_date_range(p.value);
      if (!range) return fail(bad_request("_since must be an instant"));
      hq.since_ms = range->lo_ms;
      applied.push_back(p);
    } else if (p.name == "_format" || p.name == "_pretty") {
      continue;
    } else if (c.strict) {
      return fail(bad_request("unsupported history parameter '" + p.name + "'"));
    }
  }
  auto page = store_.history(hq);
  if (!page) return fail(from_store_error(page.error()));
  std::string path = options_.base_url + (type.empty() ? "" : "/" + type) +
                     (id ? "/" + *id : "") + "/_history";
  auto link = [&](std::size_t offset) {
    http::QueryParams q = applied;
    q.push_back({"_count", std::to_string(hq.count)});
    if (offset) q.push_back({"_offset", std::to_string(offset)});
    return path + "?" + http::encode_query(q);
  };
  BundleText b;
  b.type = "history";
  b.id = random_.uuid();
  b.timestamp_ms = clock_.now_ms();
  b.total = page->total;
  b.links.emplace_back("self", link(hq.offset));
  if (page->total && static_cast<std::int64_t>(hq.offset + hq.count) < *page->total) {
    b.links.emplace_back("next", link(hq.offset + hq.count));
  }
  if (hq.offset > 0) b.links.emplace_back("previous", link(hq.offset > hq.count ? hq.offset - hq.count : 0));
  // System history under a wildcard scope: the audit trail needs its own grant (AuditEvent is
  // not covered by `*`, smart/policy.cc), so its versions are left out of the page.
  const bool hide_audit =
      type.empty() && !c.policy->allow(Interaction::HistoryType, "AuditEvent");
  for (auto& rec : page->resources) {
    if (hide_audit && is_read_only_type(rec.type)) continue;
    BundleEntry e;
    e.full_url = full_url(rec.type, rec.id);
    if (rec.deleted) {
      e.request_method = "DELETE";
      e.request_url = rec.type + "/" + rec.id;
      e.response_status = "204 No Content";
    } else {
      e.resource = std::move(rec.json);
      e.request_method = rec.version == 1 ? "POST" : "PUT";
      e.request_url = rec.version == 1 ? rec.type : rec.type + "/" + rec.id;
      e.response_status = rec.version == 1 ? "201 Created" : "200 OK";
    }
    e.response_etag = etag_of(rec.version);
    e.response_last_modified = format_instant(rec.last_updated_ms);
    b.entries.push_back(std::move(e));
  }
  Reply r;
  r.body = render_bundle(b);
  return r;
}

}  // namespace ember::fhir
