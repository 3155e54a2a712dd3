#include "proxy/enforce.h"

#include <algorithm>

#include "fhir/access.h"
#include "fhir/indexer.h"
#include "fhir/search_params.h"
#include "json/exact.h"

namespace ember::proxy {

namespace bj = boost::json;

bool admits(std::string_view type, const bj::object& resource,
            const std::vector<store::Clause>& clauses) {
  if (clauses.empty()) return true;
  std::string id(json::get_string(resource, "id").value_or(""));
  return fhir::index_matches(id, fhir::extract_index(type, resource), clauses);
}

std::optional<std::string> resource_type_of(const bj::value& v) {
  if (!v.is_object()) return std::nullopt;
  auto t = json::get_string(v.get_object(), "resourceType");
  if (!t || !fhir::is_resource_type(*t)) return std::nullopt;
  return std::string(*t);
}

namespace {

std::string search_mode(const bj::object& entry) {
  const bj::value* s = json::find(entry, "search");
  if (s == nullptr || !s->is_object()) return "";
  return std::string(json::get_string(s->get_object(), "mode").value_or(""));
}

// Keeps the entries `keep` accepts; returns how many were removed.
template <class Keep>
std::size_t filter_entries(bj::object& bundle, Keep keep) {
  bj::value* entries = bundle.if_contains("entry");
  if (entries == nullptr) return 0;
  if (!entries->is_array()) {
    bundle.erase("entry");
    return 1;
  }
  bj::array& arr = entries->get_array();
  bj::array kept;
  std::size_t dropped = 0;
  for (auto& e : arr) {
    if (e.is_object() && keep(e.get_object())) {
      kept.push_back(std::move(e));
    } else {
      ++dropped;
    }
  }
  if (kept.empty()) {
    bundle.erase("entry");
  } else {
    arr = std::move(kept);
  }
  return dropped;
}

}  // namespace

SearchsetCheck filter_searchset(bj::object& bundle, const fhir::AccessPolicy& policy,
                                const std::string& type) {
  using fhir::Interaction;
  SearchsetCheck check;
  const auto match_constraints = policy.constraints(Interaction::SearchType, type);
  const std::size_t dropped = filter_entries(bundle, [&](const bj::object& entry) {
    const bj::value* res = json::find(entry, "resource");
    if (res == nullptr) return false;  // a searchset entry without a resource carries nothing
    auto rtype = resource_type_of(*res);
    if (!rtype) return false;
    const std::string mode = search_mode(entry);
    if (mode == "outcome") return *rtype == "OperationOutcome";
    const bool match = mode == "match" || (mode.empty() && *rtype == type);
    if (match) {
      const bool keep = *rtype == type && admits(type, res->get_object(), match_constraints);
      if (!keep) ++check.matches_dropped;
      return keep;
    }
    if (!policy.allow(Interaction::SearchType, *rtype)) return false;
    return admits(*rtype, res->get_object(), policy.constraints(Interaction::SearchType, *rtype));
  });
  check.others_dropped = dropped - check.matches_dropped;
  return check;
}

std::size_t filter_history(bj::object& bundle, const std::string& type,
                           const std::optional<std::string>& id) {
  return filter_entries(bundle, [&](const bj::object& entry) {
    const bj::value* res = json::find(entry, "resource");
    if (res == nullptr) {
      // A deletion: only its request line names the resource.
      if (type.empty()) return true;
      const bj::value* req = json::find(entry, "request");
      if (req == nullptr || !req->is_object()) return false;
      std::string_view url = json::get_string(req->get_object(), "url").value_or("");
      std::string want = type + "/" + (id ? *id : "");
      return id ? url == want : url.starts_with(want);
    }
    auto rtype = resource_type_of(*res);
    if (!rtype) return false;
    if (type.empty()) return true;
    if (*rtype != type) return false;
    return !id || json::get_string(res->get_object(), "id") == *id;
  });
}

void subset_elements(bj::object& resource, const std::vector<std::string>& keep) {
  bj::object out;
  for (auto& kv : resource) {
    std::string_view k(kv.key().data(), kv.key().size());
    bool wanted = k == "resourceType" || k == "id" || k == "meta" ||
                  std::find(keep.begin(), keep.end(), k) != keep.end();
    if (wanted) out[kv.key()] = std::move(kv.value());
  }
  bj::object& meta =
      out["meta"].is_object() ? out["meta"].get_object() : out["meta"].emplace_object();
  bj::array& tags = meta["tag"].is_array() ? meta["tag"].get_array() : meta["tag"].emplace_array();
  tags.push_back(bj::object{{"system", "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"},
                            {"code", "SUBSETTED"},
                            {"display", "Resource content has been reduced"}});
  resource = std::move(out);
}

}  // namespace ember::proxy
