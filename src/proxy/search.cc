// Search and history through the proxy. A search is narrowed upstream by the constraints
// written as search parameters (proxy/criteria.h) and every entry of the answer is checked
// again (defense in depth, and the only enforcement of clauses that have no parameter form):
// entries outside are dropped, and `total` is removed whenever it could count them. Page links
// point at Ember without the added criteria, so the next page is enforced the same way.
#include "fhir/access.h"
#include "fhir/search_parser.h"
#include "json/exact.h"
#include "proxy/criteria.h"
#include "proxy/enforce.h"
#include "proxy/proxy_internal.h"
#include "proxy/rewrite.h"

namespace ember::proxy {

namespace bj = boost::json;
using bhttp::verb;
using fhir::Interaction;

namespace {

std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = s.find(',', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

bool is_bundle(const Answer& a) {
  return a.json && a.json->is_object() &&
         json::get_string(a.json->get_object(), "resourceType") == "Bundle";
}

// Links of a Bundle rebased to Ember (already done by rebase_json) and cleaned of the criteria
// Ember added upstream.
void clean_links(bj::object& bundle, const http::QueryParams& added) {
  bj::value* links = bundle.if_contains("link");
  if (links == nullptr || !links->is_array()) return;
  for (auto& l : links->get_array()) {
    if (!l.is_object()) continue;
    bj::value* url = l.get_object().if_contains("url");
    if (url == nullptr || !url->is_string()) continue;
    const bj::string& s = url->get_string();
    *url = bj::string(without_params(std::string_view(s.data(), s.size()), added));
  }
}

Reply bundle_reply(bj::value bundle) {
  Reply r;
  r.body = json::serialize_exact(bundle);
  return r;
}

}  // namespace

Reply Proxy::search(Call& c, const Route& r, const http::QueryParams& params, bool post) {
  if (auto a = c.policy->allow(Interaction::SearchType, r.type); !a) return error_reply(a.error());
  http::QueryParams upstream;
  std::vector<std::pair<std::string, std::string>> kv;
  for (const auto& p : params) {
    if (p.name == "_format" || p.name == "_pretty") continue;
    kv.emplace_back(p.name, p.value);
  }
  fhir::SearchLimits limits;
  limits.strict = c.strict;
  auto parsed = fhir::parse_search(r.type, kv, limits);
  if (!parsed && parsed.error().code == fhir::SearchError::Code::Invalid) {
    return error_reply(fhir::bad_request(parsed.error().message));
  }
  // Features Ember's parser does not evaluate (chains, composites …) are the upstream's to
  // judge; whatever they return is still checked entry by entry.
  auto constraints = c.policy->constraints(Interaction::SearchType, r.type);
  if (parsed) {
    if (auto pid = fhir::confined_patient(r.type, constraints)) {
      if (auto other = fhir::names_other_patient(r.type, parsed->query.all_of, *pid)) {
        return error_reply(fhir::forbidden(
            "this access token is limited to the patient in context; it cannot search " + *other));
      }
    }
  }
  const bool constrained = !constraints.empty();
  PushDown pd = push_down(r.type, constraints);
  std::vector<std::string> elements;  // applied here when the upstream must send everything
  for (auto& [name, value] : kv) {
    if (constrained && name == "_elements") {
      // The check needs whole resources; the subset is taken afterwards.
      for (auto& e : split_commas(value)) elements.push_back(std::move(e));
      continue;
    }
    if (constrained && name == "_summary") {
      if (value != "count") continue;  // summaries are hints; whole resources are checked
      if (!pd.complete) {
        return error_reply(fhir::forbidden(
            "_summary=count cannot be answered under this access token's restrictions"));
      }
    }
    upstream.push_back({name, value});
  }
  for (const auto& p : pd.params) upstream.push_back(p);

  Result<Answer, fhir::FhirError> a = fail(fhir::FhirError{});
  if (post) {
    a = send(c, verb::post, "/" + r.type + "/_search", http::encode_query(upstream),
             "application/x-www-form-urlencoded");
  } else {
    a = send(c, verb::get, "/" + r.type + query_suffix(upstream));
  }
  if (!a) return error_reply(a.error());
  if (a->status != 200) return relay_failure(*a, bases());
  if (!is_bundle(*a)) return unexpected_answer("a search with something that is not a Bundle");
  bj::object& bundle = a->json->get_object();
  const SearchsetCheck check = filter_searchset(bundle, *c.policy, r.type);
  // `total` counts matches: one dropped, or a clause only enforced here, would make it count
  // resources the token may not see. Dropped includes do not change it.
  if (check.matches_dropped > 0 || !pd.complete) bundle.erase("total");
  if (!elements.empty()) {
    if (bj::value* entries = bundle.if_contains("entry"); entries && entries->is_array()) {
      for (auto& e : entries->get_array()) {
        bj::value* res = e.get_object().if_contains("resource");
        if (res == nullptr || resource_type_of(*res) != r.type) continue;
        const bj::value* search = e.get_object().if_contains("search");
        if (search && search->is_object() &&
            json::get_string(search->get_object(), "mode").value_or("match") != "match") {
          continue;
        }
        subset_elements(res->get_object(), elements);
      }
    }
  }
  rebase_json(*a->json, bases().upstream, bases().ember);
  clean_links(bundle, pd.params);
  return bundle_reply(std::move(*a->json));
}

Reply Proxy::history(Call& c, const Route& r, const http::QueryParams& params) {
  http::QueryParams q;
  for (const auto& p : params) {
    if (p.name != "_format" && p.name != "_pretty") q.push_back(p);
  }
  std::optional<std::string> id;
  std::string path = "/_history";
  if (r.kind == Kind::SystemHistory) {
    if (!c.policy->unrestricted()) {
      return error_reply(fhir::forbidden("system history needs unrestricted access"));
    }
  } else {
    const Interaction in =
        r.kind == Kind::InstanceHistory ? Interaction::HistoryInstance : Interaction::HistoryType;
    if (auto a = c.policy->allow(in, r.type); !a) return error_reply(a.error());
    auto constraints = c.policy->constraints(in, r.type);
    if (r.kind == Kind::TypeHistory) {
      if (!constraints.empty()) {
        return error_reply(
            fhir::forbidden("type history is not available under compartment-restricted access"));
      }
      path = "/" + r.type + "/_history";
    } else {
      id = r.id;
      path = "/" + r.type + "/" + r.id + "/_history";
      if (!constraints.empty()) {
        // As the built-in store: the resource must be inside (a deleted one has no content
        // left to judge and its history is answered).
        auto cur = current(c, r.type, r.id);
        if (!cur) return cur.error();
        if (cur->resource && !admits(r.type, *cur->resource, constraints)) {
          return error_reply(outside_read(r.type, r.id));
        }
        if (!cur->resource && cur->answer.status != 410) return relay_failure(cur->answer, bases());
      }
    }
  }
  auto a = send(c, verb::get, path + query_suffix(q));
  if (!a) return error_reply(a.error());
  if (a->status != 200) return relay_failure(*a, bases());
  if (!is_bundle(*a)) return unexpected_answer("a history with something that is not a Bundle");
  bj::object& bundle = a->json->get_object();
  if (filter_history(bundle, r.type, id) > 0) bundle.erase("total");
  rebase_json(*a->json, bases().upstream, bases().ember);
  return bundle_reply(std::move(*a->json));
}

}  // namespace ember::proxy
