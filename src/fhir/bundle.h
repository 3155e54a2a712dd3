// Bundles written as text around the stored resource text (never re-serialized, so decimals
// stay exact): searchset, history, batch-response and transaction-response (R4 bundle.html).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ember::fhir {

struct BundleEntry {
  std::string full_url;
  std::string resource;     // raw JSON text of the resource; empty = none
  std::string search_mode;  // "match" / "include" / "outcome"; empty = no search element
  std::string request_method, request_url;  // history entries
  std::string response_status;              // e.g. "201 Created"
  std::string response_location, response_etag, response_last_modified;
  std::string response_outcome;  // raw JSON OperationOutcome
};

struct BundleText {
  std::string type;  // searchset, history, batch-response, transaction-response
  std::string id;
  std::int64_t timestamp_ms = 0;
  std::optional<std::int64_t> total;
  std::vector<std::pair<std::string, std::string>> links;  // relation, url
  std::vector<BundleEntry> entries;
};

std::string render_bundle(const BundleText& b);
// A JSON string literal (quoted and escaped).
std::string json_quote(std::string_view s);

}  // namespace ember::fhir
