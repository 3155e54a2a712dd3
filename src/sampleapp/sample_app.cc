#include "sampleapp/sample_app.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/text.h"
#include "http/responses.h"

namespace ember::sampleapp {

namespace {

// kEmbeddedFiles: web/sample-app/* and fhirclient.js (see cmake/sample_app.cmake).
#include "sample_app/assets.inc"

constexpr std::string_view kIndex = "index.html";
// Files are not fingerprinted in their URLs, so browsers revalidate every time (a 304 when the
// ETag still matches) and an upgraded Ember never runs with a stale script.
constexpr std::string_view kCacheControl = "no-cache";
constexpr std::size_t kEtagHexChars = 32;  // 128 bits of the SHA-256

std::string etag_of(const EmbeddedFile& f) {
  return "\"" + std::string(f.sha256.substr(0, kEtagHexChars)) + "\"";
}

// RFC 9110 §13.1.2: If-None-Match is "*" or a list of entity tags, compared weakly.
bool none_match_hits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view tag = trim_ows(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view{} : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

// Headers every answer under the mount carries, files and errors alike.
void common_headers(http::Response& res) {
  res.set("Content-Security-Policy", kContentSecurityPolicy);
  res.set("X-Content-Type-Options", "nosniff");
  // The redirect page's URL carries the authorization code and state: never send it onwards.
  res.set("Referrer-Policy", "no-referrer");
  res.set(http::bhttp::field::cache_control, kCacheControl);
}

http::Response not_found(const http::Request& req) {
  auto res = http::text_response(req, http::bhttp::status::not_found, "Not found\n");
  common_headers(res);
  return res;
}

// "/apps/sample" → "sample/" (relative, so it also works behind a proxy that adds a path
// prefix), keeping the query: an EHR may launch "{base}/apps/sample?iss=...".
http::Response add_slash(const http::Request& req, std::string_view target) {
  const std::size_t query = target.find('?');
  std::string location = "sample/";
  if (query != std::string_view::npos) location += target.substr(query);
  http::Response res{http::bhttp::status::moved_permanently, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(http::bhttp::field::location, location);
  common_headers(res);
  res.prepare_payload();
  return res;
}

// scheme://authority of an absolute URL (the whole string when it has no path).
std::string origin_of(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  const std::size_t path = url.find('/', scheme_end + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

// Whether two registrations agree on everything sample_app_client() decides.
bool same_managed_fields(const store::ClientRecord& a, const store::ClientRecord& b) {
  return a.name == b.name && a.type == b.type && a.secret_hash == b.secret_hash &&
         a.redirect_uris == b.redirect_uris && a.launch_url == b.launch_url &&
         a.allowed_scopes == b.allowed_scopes && a.jwks == b.jwks && a.jwks_uri == b.jwks_uri &&
         a.allowed_origins == b.allowed_origins && a.auth_method == b.auth_method &&
         a.grant_types == b.grant_types;
}

}  // namespace

std::span<const EmbeddedFile> embedded_files() {
  return kEmbeddedFiles;
}

const EmbeddedFile* find_file(std::string_view name) {
  const auto it = std::ranges::find(kEmbeddedFiles, name, &EmbeddedFile::path);
  return it == std::end(kEmbeddedFiles) ? nullptr : &*it;
}

http::Response serve_sample_app(const http::Request& req) {
  const std::string_view target(req.target().data(), req.target().size());
  const std::string_view path = http::target_path(target);
  if (!path.starts_with(kMountPath)) return not_found(req);
  std::string_view rest = path.substr(kMountPath.size());
  if (rest.empty()) return add_slash(req, target);
  if (!rest.starts_with('/')) return not_found(req);
  rest.remove_prefix(1);
  const EmbeddedFile* file = find_file(rest.empty() ? kIndex : rest);
  if (file == nullptr) return not_found(req);

  const std::string etag = etag_of(*file);
  const auto if_none_match = req.find(http::bhttp::field::if_none_match);
  if (if_none_match != req.end() &&
      none_match_hits(
          std::string_view(if_none_match->value().data(), if_none_match->value().size()), etag)) {
    http::Response res{http::bhttp::status::not_modified, req.version()};
    res.keep_alive(req.keep_alive());
    res.set(http::bhttp::field::etag, etag);
    common_headers(res);
    return res;  // RFC 9110 §15.4.5: no content, no Content-Length to announce
  }
  auto res = http::make_response(
      req, http::bhttp::status::ok, file->content_type,
      std::string(reinterpret_cast<const char*>(file->bytes.data()), file->bytes.size()));
  res.set(http::bhttp::field::etag, etag);
  common_headers(res);
  return res;
}

void mount_sample_app(http::Router& router) {
  router.add_prefix(
      http::bhttp::verb::get, std::string(kMountPath),
      [](const http::Request& req, http::RequestContext&) { return serve_sample_app(req); },
      "sample_app");
}

store::ClientRecord sample_app_client(const std::string& base_url) {
  std::string base = base_url;
  while (base.ends_with('/')) base.pop_back();
  const std::string app = base + std::string(kMountPath);
  store::ClientRecord c;
  c.client_id = std::string(kClientId);
  c.name = std::string(kClientName);
  c.type = store::ClientType::Public;
  c.redirect_uris = {app + "/"};
  c.launch_url = app + "/launch.html";
  c.allowed_scopes = std::string(kAllowedScopes);
  c.allowed_origins = {origin_of(base)};
  return c;
}

void ensure_sample_app(store::AuthStore& auth, const std::string& base_url, std::int64_t now_ms) {
  store::ClientRecord wanted = sample_app_client(base_url);
  auto existing = auth.get_client(wanted.client_id);
  if (existing) {
    if (same_managed_fields(*existing, wanted)) return;
    wanted.created_ms = existing->created_ms;
    wanted.auto_approve = existing->auto_approve;
    wanted.logo_uri = existing->logo_uri;
    wanted.contacts = existing->contacts;
  } else if (existing.error().code == store::StoreErrc::NotFound) {
    wanted.created_ms = now_ms;
  } else {
    spdlog::warn("sample app: cannot read client {}: {}", wanted.client_id,
                 existing.error().message);
    return;
  }
  if (auto put = auth.put_client(wanted); !put) {
    spdlog::warn("sample app: cannot register client {}: {}", wanted.client_id,
                 put.error().message);
  }
}

}  // namespace ember::sampleapp
