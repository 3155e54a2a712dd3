// The FHIR API's audit hook: one AuditEvent per interaction (IHE BALP RESTful patterns, see
// audit/balp.h), built from what handling the request already produced — the authorized policy's
// principal, the URL, and the answer. Cheap on the request thread: a URL parse, a scan of the
// answer's text for Patient references, and a queue push (audit/writer.h does the rest).
#include <boost/json.hpp>

#include "audit/redact.h"
#include "fhir/negotiation.h"
#include "fhir/rest_internal.h"
#include "fhir/search_params.h"

namespace ember::fhir {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t kMaxOutcomeDesc = 300;

// The diagnostics of an OperationOutcome answer (why the request failed), bounded.
std::string diagnostics_of(std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto* issues = v.get_object().if_contains("issue");
  if (!issues || !issues->is_array() || issues->get_array().empty()) return {};
  const auto& first = issues->get_array()[0];
  if (!first.is_object()) return {};
  const auto* d = first.get_object().if_contains("diagnostics");
  if (!d || !d->is_string()) return {};
  std::string out(d->get_string());
  if (out.size() > kMaxOutcomeDesc) out.resize(kMaxOutcomeDesc);
  return out;
}

}  // namespace

void FhirApi::record_access(const http::Request& req, const http::RequestContext& ctx,
                            const AccessPolicy* policy, const http::Response& res) {
  auto target = http::parse_target(std::string_view(req.target().data(), req.target().size()));
  if (!target) return;
  std::string_view path = target->path;
  if (!path.starts_with(base_path_)) return;
  auto seg = split_path(path.substr(base_path_.size()));
  const auto method = req.method();
  const bool get = method == bhttp::verb::get || method == bhttp::verb::head;
  const bool post = method == bhttp::verb::post;

  audit::Event e;
  bool query = false;  // search or history: the query is recorded
  bool form = false;   // POST _search: its parameters are in the form body
  if (seg.empty()) {
    if (!post) return;
    e.kind = audit::Kind::Batch;
  } else if (seg[0] == "metadata" || seg[0] == ".well-known") {
    return;  // public documents, not data access
  } else if (seg[0] == "_history" && seg.size() == 1) {
    if (!get) return;
    e.kind = audit::Kind::History;
    query = true;
  } else {
    if (!is_resource_type(seg[0])) return;
    e.resource_type = seg[0];
    if (seg.size() == 1) {
      if (get) {
        e.kind = audit::Kind::Search;
        query = true;
      } else if (post) {
        e.kind = audit::Kind::Create;
      } else {
        return;
      }
    } else if (seg.size() == 2 && seg[1] == "_search") {
      if (!post) return;
      e.kind = audit::Kind::Search;
      query = form = true;
    } else if (seg.size() == 2 && seg[1] == "_history") {
      if (!get) return;
      e.kind = audit::Kind::History;
      query = true;
    } else if (seg.size() == 2) {
      e.resource_id = seg[1];
      if (get) e.kind = audit::Kind::Read;
      else if (method == bhttp::verb::put) e.kind = audit::Kind::Update;
      else if (method == bhttp::verb::patch) e.kind = audit::Kind::Patch;
      else if (method == bhttp::verb::delete_) e.kind = audit::Kind::Delete;
      else return;
    } else if (seg.size() == 3 && seg[2] == "_history" && get) {
      e.resource_id = seg[1];
      e.kind = audit::Kind::History;
    } else if (seg.size() == 4 && seg[2] == "_history" && get) {
      e.resource_id = seg[1];
      e.version_id = seg[3];
      e.kind = audit::Kind::VRead;
    } else {
      return;
    }
  }

  const int status = static_cast<int>(res.result_int());
  e.http_status = status;
  e.outcome = audit::outcome_of_status(status);
  if (e.outcome != audit::Outcome::Success) {
    e.outcome_desc = "HTTP " + std::to_string(status);
    if (auto d = diagnostics_of(res.body()); !d.empty()) e.outcome_desc += ": " + d;
  }
  e.remote_addr = ctx.remote_addr;
  e.request_id = ctx.request_id;
  if (policy) {
    const Principal& who = policy->principal();
    e.user = who.subject;
    e.client_id = who.client_id;
    e.fhir_user = who.fhir_user;
    audit::add_patient(e, who.patient_id);  // a patient-scoped token: its launch patient
  }
  if (e.resource_type == "Patient") audit::add_patient(e, e.resource_id);
  if (query) {
    http::QueryParams params = target->query;
    if (form) {
      if (auto f = http::parse_form(std::string_view(req.body().data(), req.body().size()))) {
        params.insert(params.end(), f->begin(), f->end());
      }
    }
    e.query = audit::safe_query(params);
    audit::add_patients_from_query(e, e.resource_type, params, options_.base_url);
  }
  // The patients the answer names (the resource read or written, a search's matches); the request
  // body is never looked at.
  if (e.outcome == audit::Outcome::Success && !res.body().empty()) {
    audit::add_patients_from_json(e, res.body(), options_.base_url);
  }
  options_.audit->record(std::move(e));
}

}  // namespace ember::fhir
