#include "proxy/route.h"

#include "fhir/ingest.h"
#include "fhir/search_params.h"

namespace ember::proxy {

namespace {

using bhttp::verb;

RouteError not_allowed(std::string allow) {
  return RouteError{405, "method not allowed here; allowed: " + allow, allow};
}

bool is_operation(std::string_view s) {
  return s.size() > 1 && s.front() == '$';
}

}  // namespace


Result<Route, RouteError> classify(verb method, const std::vector<std::string>& seg) {
  const bool get = method == verb::get || method == verb::head;
  const bool post = method == verb::post;
  Route r;
  auto operation = [&](std::string op) -> Result<Route, RouteError> {
    if (!get && !post) return fail(not_allowed("GET, POST"));
    r.kind = Kind::Operation;
    r.operation = std::move(op);
    return r;
  };
  if (seg.empty()) {
    if (!post) return fail(not_allowed("POST"));
    r.kind = Kind::Batch;
    return r;
  }
  if (seg.size() == 1 && seg[0] == "metadata") {
    if (!get) return fail(not_allowed("GET"));
    r.kind = Kind::Metadata;
    return r;
  }
  if (seg.size() == 1 && seg[0] == "_history") {
    if (!get) return fail(not_allowed("GET"));
    r.kind = Kind::SystemHistory;
    return r;
  }
  if (seg.size() == 1 && is_operation(seg[0])) return operation(seg[0]);
  r.type = seg[0];
  if (!fhir::is_resource_type(r.type)) {
    return fail(RouteError{404, "unknown resource type '" + r.type + "'", ""});
  }
  if (seg.size() == 1) {
    if (get) {
      r.kind = Kind::Search;
    } else if (post) {
      r.kind = Kind::Create;
    } else {
      return fail(not_allowed("GET, POST"));
    }
    return r;
  }
  if (seg.size() == 2 && seg[1] == "_search") {
    if (!post) return fail(not_allowed("POST"));
    r.kind = Kind::SearchPost;
    return r;
  }
  if (seg.size() == 2 && seg[1] == "_history") {
    if (!get) return fail(not_allowed("GET"));
    r.kind = Kind::TypeHistory;
    return r;
  }
  if (seg.size() == 2 && is_operation(seg[1])) return operation(seg[1]);
  r.id = seg[1];
  if (!fhir::is_valid_id(r.id)) return fail(RouteError{404, "invalid resource id", ""});
  if (seg.size() == 2) {
    if (get)
      r.kind = Kind::Read;
    else if (method == verb::put)
      r.kind = Kind::Update;
    else if (method == verb::patch)
      r.kind = Kind::Patch;
    else if (method == verb::delete_)
      r.kind = Kind::Delete;
    else
      return fail(not_allowed("GET, PUT, PATCH, DELETE"));
    return r;
  }
  if (seg.size() == 3 && is_operation(seg[2])) return operation(seg[2]);
  if (seg[2] == "_history" && seg.size() <= 4) {
    if (!get) return fail(not_allowed("GET"));
    if (seg.size() == 3) {
      r.kind = Kind::InstanceHistory;
    } else {
      r.kind = Kind::VRead;
      r.vid = seg[3];
    }
    return r;
  }
  return fail(RouteError{404, "unknown FHIR path", ""});
}

fhir::Interaction interaction_of(const Route& r, verb method) {
  using fhir::Interaction;
  switch (r.kind) {
    case Kind::Batch:
      return Interaction::Batch;
    case Kind::Metadata:
      return Interaction::Capabilities;
    case Kind::SystemHistory:
      return Interaction::HistorySystem;
    case Kind::Search:
    case Kind::SearchPost:
      return Interaction::SearchType;
    case Kind::Create:
      return Interaction::Create;
    case Kind::Read:
      return Interaction::Read;
    case Kind::Update:
      return Interaction::Update;
    case Kind::Patch:
      return Interaction::Patch;
    case Kind::Delete:
      return Interaction::Delete;
    case Kind::TypeHistory:
      return Interaction::HistoryType;
    case Kind::InstanceHistory:
      return Interaction::HistoryInstance;
    case Kind::VRead:
      return Interaction::VRead;
    case Kind::Operation:
      return method == verb::post ? Interaction::Create : Interaction::Read;
  }
  return Interaction::Read;
}

}  // namespace ember::proxy
