// A small path router: exact paths and path-prefix mounts, each with a method (or any) and a
// low-cardinality route label that it writes into RequestContext::route for logs and metrics.
// Unknown path → 404 JSON; known path, other method → 405 with Allow. A Router is a Handler.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.h"

namespace ember::http {

// std::nullopt as a route's method: the route takes every method.
using MethodFilter = std::optional<bhttp::verb>;
inline constexpr std::nullopt_t kAnyMethod = std::nullopt;

class Router {
 public:
  // Exact path, e.g. "/healthz". A GET route also answers HEAD.
  Router& add(MethodFilter method, std::string path, Handler handler, std::string route_label);
  // Prefix mount: "/fhir" matches "/fhir" and "/fhir/..." but not "/fhirx".
  Router& add_prefix(MethodFilter method, std::string prefix, Handler handler,
                     std::string route_label);

  // Dispatches on the request path (the raw target up to '?'). Exact routes win over prefixes;
  // among prefixes the longest wins.
  Response operator()(const Request& req, RequestContext& ctx) const;

 private:
  struct Route {
    MethodFilter method;
    std::string path;
    bool prefix = false;
    Handler handler;
    std::string label;
  };
  std::vector<Route> routes_;
};

// The path part of a request target, without the query string (and without decoding).
std::string_view target_path(std::string_view target);

}  // namespace ember::http
