// A scripted SMART server for the client library's tests: the injected Transport answers from
// handlers keyed by "METHOD URL" (URL without its query for GETs that carry one), records every
// request, and the clock and random bytes are deterministic.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "ember/client/http.h"
#include "http/url.h"
#include "jose/jwk.h"
#include "jose/jwt.h"

namespace ember::client::testing {

inline constexpr const char* kBase = "https://ehr.example/fhir";
inline constexpr const char* kIssuer = "https://ehr.example";
inline constexpr const char* kAuthorize = "https://ehr.example/oauth/authorize";
inline constexpr const char* kToken = "https://ehr.example/oauth/token";
inline constexpr const char* kRevoke = "https://ehr.example/oauth/revoke";
inline constexpr const char* kJwksUri = "https://ehr.example/oauth/jwks";
inline constexpr std::int64_t kNow = 1700000000;  // seconds

inline HttpResponse json_response(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

inline std::string smart_configuration(bool with_revocation = true) {
  boost::json::object c;
  c["issuer"] = kIssuer;
  c["authorization_endpoint"] = kAuthorize;
  c["token_endpoint"] = kToken;
  c["jwks_uri"] = kJwksUri;
  if (with_revocation) c["revocation_endpoint"] = kRevoke;
  c["capabilities"] = boost::json::array{"launch-standalone", "client-public", "permission-offline"};
  c["code_challenge_methods_supported"] = boost::json::array{"S256"};
  return boost::json::serialize(c);
}

// The form fields of a request body.
inline std::map<std::string, std::string> form_of(const HttpRequest& req) {
  std::map<std::string, std::string> out;
  auto params = http::parse_form(req.body);
  if (!params) return out;
  for (const auto& p : *params) out[p.name] = p.value;
  return out;
}

class FakeServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  FakeServer() : signing_key_(*jose::Key::generate_rsa(2048)) {
    signing_key_.set_kid("id-key");
    on("GET", std::string(kBase) + "/.well-known/smart-configuration",
       [](const HttpRequest&) { return json_response(200, smart_configuration()); });
    on("GET", kJwksUri, [this](const HttpRequest&) {
      jose::KeySet set;
      set.add(*signing_key_.public_key());
      return json_response(200, boost::json::serialize(set.to_public_json()));
    });
  }

  FakeServer(const FakeServer&) = delete;  // handlers capture `this`
  FakeServer& operator=(const FakeServer&) = delete;

  void on(std::string method, std::string url, Handler h) {
    handlers_[method + " " + url] = std::move(h);
  }

  Services services() {
    Services s;
    s.transport = [this](const HttpRequest& req) -> Result<HttpResponse> {
      requests.push_back(req);
      auto it = handlers_.find(req.method + " " + req.url);
      if (it == handlers_.end()) {
        it = handlers_.find(req.method + " " + req.url.substr(0, req.url.find('?')));
      }
      if (it == handlers_.end()) return json_response(404, R"({"resourceType":"OperationOutcome"})");
      return it->second(req);
    };
    s.now = [this] {
      return std::chrono::system_clock::time_point(std::chrono::seconds(now_s));
    };
    s.random = [this](std::size_t n) {
      std::string out(n, '\0');
      for (auto& c : out) c = static_cast<char>(++counter_ * 37 + 11);
      return out;
    };
    return s;
  }

  // An id_token with the usual claims, adjusted by `edit`, signed with `key` (default: ours).
  std::string id_token(const std::string& nonce,
                       const std::function<void(boost::json::object&)>& edit = {},
                       const jose::Key* key = nullptr) {
    boost::json::object claims;
    claims["iss"] = kIssuer;
    claims["sub"] = "user-1";
    claims["aud"] = "app";
    claims["nonce"] = nonce;
    claims["iat"] = now_s;
    claims["exp"] = now_s + 300;
    claims["fhirUser"] = "Patient/alice";
    if (edit) edit(claims);
    return *jose::sign_jwt(key ? *key : signing_key_, jose::Alg::RS256, claims);
  }

  std::vector<HttpRequest> requests;
  std::int64_t now_s = kNow;

 private:
  std::map<std::string, Handler> handlers_;
  jose::Key signing_key_;
  std::uint64_t counter_ = 0;
};

}  // namespace ember::client::testing
