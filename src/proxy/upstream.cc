#include "proxy/upstream.h"

#include <spdlog/spdlog.h>

#include "json/exact.h"
#include "proxy/rewrite.h"

namespace ember::proxy {

namespace bj = boost::json;

namespace {

std::string issue_code(unsigned status) {
  switch (status) {
    case 400:
      return "invalid";
    case 403:
      return "forbidden";
    case 404:
      return "not-found";
    case 405:
    case 406:
    case 415:
      return "not-supported";
    case 409:
    case 412:
      return "conflict";
    case 410:
      return "deleted";
    case 422:
      return "processing";
    case 429:
      return "throttled";
    default:
      return "invalid";
  }
}

bool is_operation_outcome(const std::optional<bj::value>& v) {
  return v && v->is_object() &&
         json::get_string(v->get_object(), "resourceType") == "OperationOutcome";
}

}  // namespace

Reply error_reply(const fhir::FhirError& e) {
  Reply r;
  r.status = e.status;
  r.body = fhir::outcome_json(e);
  if (!e.www_authenticate.empty()) r.headers.emplace_back("WWW-Authenticate", e.www_authenticate);
  return r;
}

std::vector<std::pair<std::string, std::string>> forwarded_headers(const http::Request& req) {
  std::vector<std::pair<std::string, std::string>> out;
  auto it = req.find("Prefer");
  if (it != req.end()) out.emplace_back("Prefer", std::string(it->value()));
  return out;
}

fhir::FhirError transport_failure(const http::ClientError& e) {
  spdlog::warn("upstream FHIR request failed: {} ({})", http::to_string(e.code), e.message);
  switch (e.code) {
    case http::ClientErrc::Timeout:
      return fhir::FhirError{504, "timeout", "the upstream FHIR server did not answer in time"};
    case http::ClientErrc::BodyTooLarge:
      return fhir::FhirError{502, "too-costly", "the upstream FHIR server's answer is too large"};
    case http::ClientErrc::Protocol:
      return fhir::FhirError{502, "exception",
                             "the upstream FHIR server's answer is not valid HTTP"};
    default:
      return fhir::FhirError{502, "transient", "the upstream FHIR server cannot be reached"};
  }
}

Answer answer_of(http::ClientResponse res) {
  Answer a;
  a.status = res.status;
  a.headers = std::move(res.headers);
  a.has_body = !res.body.empty();
  if (a.has_body) {
    auto v = json::parse_exact(res.body);
    if (v) a.json = std::move(*v);
  }
  return a;
}

Reply relay_failure(const Answer& a, const Bases& bases) {
  const unsigned s = a.status;
  if (s >= 400 && s < 500 && s != 401 && s != 407) {
    if (is_operation_outcome(a.json)) {
      bj::value v = *a.json;
      rebase_json(v, bases.upstream, bases.ember);
      Reply r;
      r.status = static_cast<int>(s);
      r.body = json::serialize_exact(v);
      return r;
    }
    return error_reply(
        fhir::FhirError{static_cast<int>(s), issue_code(s),
                        "the upstream FHIR server answered HTTP " + std::to_string(s)});
  }
  if (s == 503) {
    Reply r = error_reply(
        fhir::FhirError{503, "transient", "the upstream FHIR server is unavailable; retry later"});
    if (auto it = a.headers.find(bhttp::field::retry_after); it != a.headers.end()) {
      r.headers.emplace_back("Retry-After", std::string(it->value()));
    }
    return r;
  }
  if (s == 504) {
    return error_reply(fhir::FhirError{504, "timeout", "the upstream FHIR server timed out"});
  }
  std::string why =
      s >= 500               ? "failed (HTTP " + std::to_string(s) + ")"
      : s == 401 || s == 407 ? "refused Ember's request (HTTP " + std::to_string(s) + ")"
      : s >= 300 && s < 400  ? "answered with a redirect (HTTP " + std::to_string(s) + ")"
                             : "answered HTTP " + std::to_string(s);
  return error_reply(fhir::FhirError{502, "exception", "the upstream FHIR server " + why});
}

Reply relay(Answer a, const Bases& bases) {
  if (a.status < 200 || a.status > 299) return relay_failure(a, bases);
  Reply r;
  r.status = static_cast<int>(a.status);
  if (a.has_body) {
    if (!a.json || !a.json->is_object()) {
      return error_reply(fhir::FhirError{502, "exception",
                                         "the upstream FHIR server answered something that is "
                                         "not FHIR JSON"});
    }
    rebase_json(*a.json, bases.upstream, bases.ember);
    r.body = json::serialize_exact(*a.json);
  }
  for (auto field : {bhttp::field::etag, bhttp::field::last_modified}) {
    if (auto it = a.headers.find(field); it != a.headers.end()) {
      r.headers.emplace_back(std::string(it->name_string()), std::string(it->value()));
    }
  }
  for (auto field : {bhttp::field::location, bhttp::field::content_location}) {
    if (auto it = a.headers.find(field); it != a.headers.end()) {
      std::string v(it->value());
      r.headers.emplace_back(std::string(it->name_string()),
                             rebase_url(v, bases.upstream, bases.ember).value_or(v));
    }
  }
  if (auto it = a.headers.find(bhttp::field::link); it != a.headers.end()) {
    r.headers.emplace_back("Link", rebase_link_header(it->value(), bases.upstream, bases.ember));
  }
  return r;
}

std::optional<std::string> etag_version(std::string_view v) {
  if (v.starts_with("W/")) v.remove_prefix(2);
  if (v.size() < 3 || v.front() != '"' || v.back() != '"') return std::nullopt;
  return std::string(v.substr(1, v.size() - 2));
}

}  // namespace ember::proxy
