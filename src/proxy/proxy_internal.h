// The proxy's request handling, split by concern: handler.cc (negotiation, authorization,
// routing, the upstream exchange), instance.cc (read, vread, create, update, patch, delete),
// search.cc (search, history), system.cc (metadata, batch/transaction, $operations). Internal
// to the proxy module.
#pragma once
#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "fhir/outcome.h"
#include "fhir/policy.h"
#include "http/url.h"
#include "proxy/proxy.h"
#include "proxy/route.h"
#include "proxy/upstream.h"

namespace ember::proxy {

inline constexpr std::string_view kFhirJson = "application/fhir+json";

// Per-request facts the flows need.
struct Call {
  const http::Request& req;
  const http::RequestContext& ctx;
  std::shared_ptr<const fhir::AccessPolicy> policy;
  bool strict = false;                  // Prefer: handling=strict
  std::optional<std::string> if_match;  // version of the client's If-Match, if any
};

// The current version of a resource upstream, as the write checks see it.
struct Current {
  Answer answer;                                // the upstream's answer to GET Type/id
  std::optional<boost::json::object> resource;  // set when it exists (200)
  std::optional<std::string> version;           // from ETag or meta.versionId
};

class Proxy {
 public:
  explicit Proxy(ProxyOptions options);
  http::Response handle(const http::Request& req, http::RequestContext& ctx);

  Reply metadata(Call& c);
  Reply read(Call& c, const Route& r);
  Reply vread(Call& c, const Route& r);
  Reply create(Call& c, const Route& r, std::string_view body);
  Reply update(Call& c, const Route& r, std::string_view body);
  Reply patch(Call& c, const Route& r, std::string_view body);
  Reply remove(Call& c, const Route& r);
  Reply search(Call& c, const Route& r, const http::QueryParams& params, bool post);
  Reply history(Call& c, const Route& r, const http::QueryParams& params);
  Reply batch(Call& c, std::string_view body);
  Reply operation(Call& c, const Route& r, const http::Target& target, std::string_view body);

  // One upstream exchange to bases_.upstream + path_and_query. Transport failures are already
  // the 502/504 errors; `client_headers` adds the client's forwarded headers (the main request
  // of a flow, not the checks it makes first).
  Result<Answer, fhir::FhirError> send(Call& c, bhttp::verb method,
                                       const std::string& path_and_query, std::string body = {},
                                       std::string content_type = {},
                                       std::vector<std::pair<std::string, std::string>> extra = {},
                                       bool client_headers = true);
  // GET Type/id upstream (no client headers). An error reply for anything but 200/404/410.
  Result<Current, Reply> current(Call& c, const std::string& type, const std::string& id);

  const Bases& bases() const { return bases_; }

 private:
  ProxyOptions options_;
  Bases bases_;
  std::optional<boost::json::value> security_;  // CapabilityStatement rest.security, if any
  std::string base_path_;                       // path of base_url, e.g. "/fhir"
};

// The resource of `a` if it is a JSON object of `type` (and `id` when given).
const boost::json::object* resource_of(const Answer& a, std::string_view type,
                                       std::string_view id = {});
// 502: the upstream answered something else than the resource asked for.
Reply unexpected_answer(std::string_view what);
// 403 for a resource outside what the token may see / write (the built-in store's messages).
fhir::FhirError outside_read(const std::string& type, const std::string& id);
fhir::FhirError outside_write();
// Whether the policy grants every write on every type without constraints, as well as
// unrestricted reads and searches: nothing a forwarded request could do needs enforcing.
bool full_access(const fhir::AccessPolicy& policy);
// The `security` element of the CapabilityStatement the built-in API would serve for these
// endpoints (SMART oauth-uris …), so both modes announce the same; nullopt without endpoints.
std::optional<boost::json::value> smart_security(const std::string& base,
                                                 const fhir::SecurityEndpoints& s);
// `?` + the encoded query, or "" when there are no parameters.
std::string query_suffix(const http::QueryParams& params);

}  // namespace ember::proxy
