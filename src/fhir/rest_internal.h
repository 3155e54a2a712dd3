// The FHIR REST API's request handling, split by concern across rest.cc (routing, content
// negotiation, instance interactions), rest_search.cc (search, includes, history) and
// transaction.cc (batch/transaction). Internal to the fhir module.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "fhir/access.h"
#include "fhir/api.h"
#include "fhir/outcome.h"
#include "fhir/policy.h"
#include "http/url.h"
#include "store/store.h"

namespace ember::fhir {

// What one interaction answers, before it becomes an http::Response.
struct Reply {
  int status = 200;
  std::string body;  // JSON text; empty = no body
  std::vector<std::pair<std::string, std::string>> headers;
};

enum class PreferReturn { Representation, Minimal, OperationOutcome };

// Per-request facts the interactions need.
struct Call {
  const http::Request& req;
  std::shared_ptr<const AccessPolicy> policy;
  PreferReturn prefer = PreferReturn::Representation;
  bool strict = false;  // Prefer: handling=strict
};

using Outcome = Result<Reply, FhirError>;

class FhirApi {
 public:
  FhirApi(store::ResourceStore& store, const Clock& clock, Random& random, FhirOptions options);
  // dispatch() and then the request's AuditEvent (record_access, rest_audit.cc).
  http::Response handle(const http::Request& req, http::RequestContext& ctx);
  // Routes and answers the request; `policy` is set once the request is authorized.
  http::Response dispatch(const http::Request& req, http::RequestContext& ctx,
                          std::shared_ptr<const AccessPolicy>& policy);
  // One AuditEvent for the request (nothing for metadata and non-interactions); `policy` is null
  // when the request was not authorized.
  void record_access(const http::Request& req, const http::RequestContext& ctx,
                     const AccessPolicy* policy, const http::Response& res);

  // Interactions (also used by batch/transaction entries).
  Outcome read(Call& c, const std::string& type, const std::string& id);
  Outcome vread(Call& c, const std::string& type, const std::string& id, const std::string& vid);
  Outcome create(Call& c, const std::string& type, std::string_view body,
                 std::optional<std::string> if_none_exist);
  Outcome update(Call& c, const std::string& type, const std::string& id, std::string_view body,
                 std::optional<std::int64_t> if_match);
  Outcome patch(Call& c, const std::string& type, const std::string& id, std::string_view body,
                std::optional<std::int64_t> if_match);
  Outcome remove(Call& c, const std::string& type, const std::string& id,
                 std::optional<std::int64_t> if_match);
  Outcome search(Call& c, const std::string& type, const http::QueryParams& params);
  Outcome history(Call& c, const std::string& type, const std::optional<std::string>& id,
                  const http::QueryParams& params);
  Outcome batch(Call& c, std::string_view body);
  Outcome capabilities();

  // Helpers shared by the interaction files.
  Reply resource_reply(Call& c, int status, const store::ResourceRecord& rec, bool location);
  std::string full_url(const std::string& type, const std::string& id) const {
    return options_.base_url + "/" + type + "/" + id;
  }
  // The current record of type/id if it exists and the policy's constraints admit it.
  Result<store::ResourceRecord, FhirError> read_checked(Call& c, Interaction in,
                                                        const std::string& type,
                                                        const std::string& id);
  // Whether a resource about to be written satisfies the policy's constraints.
  Result<void, FhirError> check_write(Call& c, Interaction in, const store::WriteOp& op);
  std::string new_id() { return random_.uuid(); }
  const FhirOptions& options() const { return options_; }
  store::ResourceStore& store() { return store_; }
  const Clock& clock() const { return clock_; }

 private:
  store::ResourceStore& store_;
  const Clock& clock_;
  Random& random_;
  FhirOptions options_;
  std::string base_path_;  // path part of base_url, e.g. "/fhir"
  std::string capability_json_;
};

FhirError from_store_error(const store::StoreError& e);
std::string etag_of(std::int64_t version);
// Parses If-Match / version ETags: W/"3" or "3" → 3.
std::optional<std::int64_t> parse_etag(std::string_view v);

}  // namespace ember::fhir
