#include "http/router.h"

#include <algorithm>

#include "http/responses.h"

namespace ember::http {

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

Router& Router::add(MethodFilter method, std::string path, Handler handler,
                    std::string route_label) {
  routes_.push_back({method, std::move(path), false, std::move(handler), std::move(route_label)});
  return *this;
}

Router& Router::add_prefix(MethodFilter method, std::string prefix, Handler handler,
                           std::string route_label) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  routes_.push_back({method, std::move(prefix), true, std::move(handler), std::move(route_label)});
  return *this;
}

namespace {

bool prefix_matches(std::string_view prefix, std::string_view path) {
  if (prefix == "/") return true;
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/';
}

bool method_allows(const MethodFilter& m, bhttp::verb v) {
  if (!m) return true;
  return *m == v || (*m == bhttp::verb::get && v == bhttp::verb::head);
}

}  // namespace

Response Router::operator()(const Request& req, RequestContext& ctx) const {
  const std::string_view path = target_path(req.target());

  // Candidates: every exact route for this path, or else the routes of the longest prefix.
  std::vector<const Route*> candidates;
  for (const auto& r : routes_) {
    if (!r.prefix && r.path == path) candidates.push_back(&r);
  }
  if (candidates.empty()) {
    std::size_t best = 0;
    for (const auto& r : routes_) {
      if (!r.prefix || !prefix_matches(r.path, path)) continue;
      if (candidates.empty() || r.path.size() > best) {
        candidates.clear();
        best = r.path.size();
      }
      if (r.path.size() == best) candidates.push_back(&r);
    }
  }
  if (candidates.empty()) {
    ctx.route = "not_found";
    return json_error(req, bhttp::status::not_found, "not_found");
  }

  for (const Route* r : candidates) {
    if (method_allows(r->method, req.method())) {
      ctx.route = r->label;
      return r->handler(req, ctx);
    }
  }

  // RFC 9110 §15.5.6: a 405 lists the methods the target supports.
  std::vector<std::string> allow;
  for (const Route* r : candidates) {
    if (!r->method) continue;
    allow.emplace_back(bhttp::to_string(*r->method));
    if (*r->method == bhttp::verb::get) allow.emplace_back("HEAD");
  }
  std::sort(allow.begin(), allow.end());
  allow.erase(std::unique(allow.begin(), allow.end()), allow.end());
  std::string allow_value;
  for (const auto& m : allow) {
    if (!allow_value.empty()) allow_value += ", ";
    allow_value += m;
  }
  ctx.route = candidates.front()->label;
  Response res = json_error(req, bhttp::status::method_not_allowed, "method_not_allowed");
  res.set(bhttp::field::allow, allow_value);
  return res;
}

}  // namespace ember::http
