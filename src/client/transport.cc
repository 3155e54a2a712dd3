// The real Services: http::fetch as the transport, the system clock, OpenSSL's CSPRNG.
#include <strings.h>

#include <memory>

#include "core/random.h"
#include "ember/client/http.h"
#include "http/client.h"

namespace ember::client {

namespace {

std::optional<http::bhttp::verb> verb_of(std::string_view method) {
  if (method == "GET") return http::bhttp::verb::get;
  if (method == "POST") return http::bhttp::verb::post;
  if (method == "PUT") return http::bhttp::verb::put;
  if (method == "DELETE") return http::bhttp::verb::delete_;
  return std::nullopt;
}

Result<HttpResponse> perform(const TransportOptions& options, const HttpRequest& request) {
  auto verb = verb_of(request.method);
  if (!verb) {
    return failure(ErrorKind::InvalidArgument, "unsupported HTTP method " + request.method);
  }
  http::ClientRequest creq;
  creq.method = *verb;
  creq.url = request.url;
  creq.headers = request.headers;
  creq.body = request.body;
  creq.content_type = request.content_type;
  creq.timeout = options.timeout;
  creq.max_body_bytes = options.max_body_bytes;
  creq.ca_file = options.ca_file;
  auto res = http::fetch(creq);
  if (!res) {
    const auto code = res.error().code;
    auto kind = code == http::ClientErrc::InvalidUrl ? ErrorKind::InvalidArgument
                                                     : ErrorKind::Transport;
    return failure(kind, request.method + " " + request.url + ": " + res.error().message,
                   std::string(http::to_string(code)));
  }
  HttpResponse out;
  out.status = static_cast<int>(res->status);
  for (const auto& field : res->headers) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(res->body);
  return out;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() == name.size() && strncasecmp(n.data(), name.data(), n.size()) == 0) return v;
  }
  return {};
}

Transport default_transport(TransportOptions options) {
  return [options = std::move(options)](const HttpRequest& request) {
    return perform(options, request);
  };
}

Services Services::system(TransportOptions options) {
  Services s;
  s.transport = default_transport(std::move(options));
  s.now = [] { return std::chrono::system_clock::now(); };
  // One CSPRNG shared by copies of the Services; OpenSSL's RAND_bytes is thread-safe.
  std::shared_ptr<Random> random = make_system_random();
  s.random = [random](std::size_t n) {
    std::string bytes(n, '\0');
    random->fill(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t*>(bytes.data()), n));
    return bytes;
  };
  return s;
}

}  // namespace ember::client
