// FHIR R4 REST over a Session (http.html): read, search with Bundle paging (search.html#paging:
// follow link[relation=next] as given), create, update, delete; OperationOutcome errors.
#include "ember/client/fhir.h"

#include <set>

#include "client/internal.h"
#include "ember/client/session.h"
#include "http/url.h"

namespace ember::client {

namespace {

constexpr std::string_view kFhirJson = "application/fhir+json";

std::vector<Issue> outcome_issues(const Json& body) {
  std::vector<Issue> out;
  if (body["resourceType"].string_or() != "OperationOutcome") return out;
  for (const auto& issue : body["issue"].items()) {
    Issue i;
    i.severity = issue["severity"].string_or();
    i.code = issue["code"].string_or();
    i.diagnostics = issue["diagnostics"].string_or(issue["details"]["text"].string_or());
    out.push_back(std::move(i));
  }
  return out;
}

bool valid_segment(std::string_view s) {
  return !s.empty() && s.find_first_of("/?#") == std::string_view::npos;
}

}  // namespace

namespace {

// The absolute URL for `path` under `base`; InvalidArgument for an absolute URL elsewhere (the
// access token must not travel to other servers).
Result<std::string> resolve(const std::string& base, std::string_view path) {
  if (path.starts_with("http://") || path.starts_with("https://")) {
    if (path == base || path.starts_with(base + "/") || path.starts_with(base + "?")) {
      return std::string(path);
    }
    return failure(ErrorKind::InvalidArgument,
                   "refusing to send the access token to a URL outside the FHIR base: " +
                       std::string(path),
                   "outside_base");
  }
  if (path.starts_with("/")) return base + std::string(path);
  return base + "/" + std::string(path);
}

Result<Json> perform(Session& session, std::string method, std::string url, std::string body) {
  auto token = session.access_token();
  if (!token) return failure(token.error());
  HttpRequest req;
  req.method = std::move(method);
  req.url = std::move(url);
  req.headers.emplace_back("Authorization", "Bearer " + *token);
  req.headers.emplace_back("Accept", std::string(kFhirJson));
  if (!body.empty()) {
    req.body = std::move(body);
    req.content_type = std::string(kFhirJson);
  }
  auto res = detail::send(session.services(), req);
  if (!res) return failure(res.error());
  const bool ok = res->status >= 200 && res->status <= 299;
  auto parsed = res->body.empty() ? Json::parse("{}") : Json::parse(res->body);
  if (!ok) {
    Error e;
    e.kind = ErrorKind::FhirError;
    e.http_status = res->status;
    e.reason = "http_" + std::to_string(res->status);
    e.message = req.method + " " + req.url + ": HTTP " + std::to_string(res->status);
    if (parsed) e.issues = outcome_issues(*parsed);
    return failure(std::move(e));
  }
  if (!parsed) {
    return failure(ErrorKind::InvalidResponse, req.method + " " + req.url + ": the body is not JSON",
                   "not_json");
  }
  return *parsed;
}

}  // namespace

Result<Json> FhirClient::read(std::string_view type, std::string_view id) {
  if (!valid_segment(type) || !valid_segment(id)) {
    return failure(ErrorKind::InvalidArgument, "a read needs a resource type and an id");
  }
  return get(std::string(type) + "/" + http::percent_encode(id));
}

Result<Json> FhirClient::get(std::string_view path) {
  auto url = resolve(session_->fhir_base(), path);
  if (!url) return failure(url.error());
  return perform(*session_, "GET", std::move(*url), {});
}

Result<std::vector<Json>> FhirClient::search_pages(std::string_view type_or_url,
                                                   const SearchParams& params,
                                                   std::size_t max_pages) {
  auto url = resolve(session_->fhir_base(), type_or_url);
  if (!url) return failure(url.error());
  if (!params.empty()) {
    *url += (url->find('?') == std::string::npos ? "?" : "&") + detail::encode_form(params);
  }
  std::vector<Json> pages;
  std::set<std::string> seen;
  while (pages.size() < max_pages && seen.insert(*url).second) {
    auto page = perform(*session_, "GET", *url, {});
    if (!page) return failure(page.error());
    if ((*page)["resourceType"].string_or() != "Bundle") {
      return failure(ErrorKind::InvalidResponse, "a search answered something else than a Bundle",
                     "not_bundle");
    }
    std::string next;
    for (const auto& link : (*page)["link"].items()) {
      if (link["relation"].string_or() == "next") next = link["url"].string_or();
    }
    pages.push_back(std::move(*page));
    if (next.empty()) break;
    auto next_url = resolve(session_->fhir_base(), next);
    if (!next_url) return failure(next_url.error());
    *url = std::move(*next_url);
  }
  return pages;
}

Result<Json> FhirClient::search(std::string_view type_or_url, const SearchParams& params,
                                std::size_t max_pages) {
  auto pages = search_pages(type_or_url, params, max_pages);
  if (!pages) return failure(pages.error());
  std::string text = R"({"resourceType":"Bundle","type":"searchset")";
  if (!pages->empty() && (*pages)[0]["total"].is_number()) {
    text += R"(,"total":)" + (*pages)[0]["total"].dump();
  }
  text += R"(,"entry":[)";
  bool first = true;
  for (const auto& page : *pages) {
    for (const auto& entry : page["entry"].items()) {
      if (!first) text += ',';
      first = false;
      text += entry.dump();
    }
  }
  text += "]}";
  return Json::parse(text);
}

Result<Json> FhirClient::create(std::string_view type, std::string_view resource_json) {
  if (!valid_segment(type)) return failure(ErrorKind::InvalidArgument, "no resource type");
  auto url = resolve(session_->fhir_base(), type);
  if (!url) return failure(url.error());
  return perform(*session_, "POST", std::move(*url), std::string(resource_json));
}

Result<Json> FhirClient::update(std::string_view type, std::string_view id,
                                std::string_view resource_json) {
  if (!valid_segment(type) || !valid_segment(id)) {
    return failure(ErrorKind::InvalidArgument, "an update needs a resource type and an id");
  }
  auto url = resolve(session_->fhir_base(), std::string(type) + "/" + http::percent_encode(id));
  if (!url) return failure(url.error());
  return perform(*session_, "PUT", std::move(*url), std::string(resource_json));
}

Result<void> FhirClient::remove(std::string_view type, std::string_view id) {
  if (!valid_segment(type) || !valid_segment(id)) {
    return failure(ErrorKind::InvalidArgument, "a delete needs a resource type and an id");
  }
  auto url = resolve(session_->fhir_base(), std::string(type) + "/" + http::percent_encode(id));
  if (!url) return failure(url.error());
  auto res = perform(*session_, "DELETE", std::move(*url), {});
  if (!res) return failure(res.error());
  return {};
}

}  // namespace ember::client
