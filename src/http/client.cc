#include "http/client.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <exception>
#include <optional>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace ember::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
namespace urls = boost::urls;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Deadline = std::chrono::steady_clock::time_point;
using Outcome = Result<ClientResponse, ClientError>;

namespace {

constexpr std::string_view kUserAgent = "Ember";

struct Endpoint {
  bool https = false;
  bool ip_literal = false;
  std::string host;         // for DNS, SNI and the certificate check (IPv6 without brackets)
  std::string port;         // numeric service
  std::string host_header;  // RFC 9110 §7.2: host[:port] as written in the URL
  std::string target;       // origin-form path and query
};

ClientError error(ClientErrc code, std::string message) {
  return {code, std::move(message)};
}

Result<Endpoint, ClientError> parse_url(std::string_view url) {
  auto u = urls::parse_absolute_uri(url);
  if (!u) return fail(error(ClientErrc::InvalidUrl, "not an absolute URL"));
  Endpoint e;
  if (u->scheme_id() == urls::scheme::https) {
    e.https = true;
  } else if (u->scheme_id() != urls::scheme::http) {
    return fail(error(ClientErrc::InvalidUrl, "only http and https URLs are fetched"));
  }
  if (!u->has_authority() || u->encoded_host().empty()) {
    return fail(error(ClientErrc::InvalidUrl, "URL has no host"));
  }
  if (u->has_userinfo()) return fail(error(ClientErrc::InvalidUrl, "URL carries credentials"));
  // Boost.URL 1.81 reads "http://127.0.0.1.evil.example/" as host 127.0.0.1 with the rest in
  // the path (boostorg/url#755); after an authority a path must be empty or start with '/'.
  if (!u->encoded_path().empty() && !u->encoded_path().starts_with('/')) {
    return fail(error(ClientErrc::InvalidUrl, "host is not a valid name or address"));
  }
  switch (u->host_type()) {
    case urls::host_type::ipv4:
      e.host = u->host_ipv4_address().to_string();
      e.ip_literal = true;
      break;
    case urls::host_type::ipv6:
      e.host = u->host_ipv6_address().to_string();
      e.ip_literal = true;
      break;
    case urls::host_type::name:
      e.host = u->host();
      break;
    default:
      return fail(error(ClientErrc::InvalidUrl, "unsupported host form"));
  }
  e.port = u->has_port() && !u->port().empty() ? std::string(u->port()) : (e.https ? "443" : "80");
  e.host_header = u->encoded_host_and_port();
  e.target = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
  if (u->has_query()) e.target += "?" + std::string(u->encoded_query());
  return e;
}

ClientError transport_error(std::string_view stage, const error_code& ec) {
  std::string msg = std::string(stage) + ": " + ec.message();
  if (ec == beast::error::timeout) return error(ClientErrc::Timeout, std::move(msg));
  if (ec == bhttp::error::body_limit) return error(ClientErrc::BodyTooLarge, std::move(msg));
  if (ec.category() == bhttp::make_error_code(bhttp::error::header_limit).category()) {
    return error(ClientErrc::Protocol, std::move(msg));
  }
  if (ec.category() == asio::error::get_ssl_category() || ec == ssl::error::stream_truncated) {
    return error(ClientErrc::Tls, std::move(msg));
  }
  if (stage == "connect") return error(ClientErrc::Connect, std::move(msg));
  return error(ClientErrc::Io, std::move(msg));
}

Request make_request(const ClientRequest& creq, const Endpoint& e) {
  Request req{creq.method, e.target, 11};
  req.set(bhttp::field::host, e.host_header);
  req.set(bhttp::field::user_agent, kUserAgent);
  for (const auto& [name, value] : creq.headers) req.set(name, value);
  if (!creq.content_type.empty()) req.set(bhttp::field::content_type, creq.content_type);
  if (!creq.body.empty() || creq.method == bhttp::verb::post || creq.method == bhttp::verb::put) {
    req.body() = creq.body;
    req.prepare_payload();  // Content-Length
  }
  req.keep_alive(false);  // one request per connection
  return req;
}

// Writes the request and reads one response under the deadline and the size limits.
template <class Stream>
asio::awaitable<Outcome> exchange(Stream& stream, const Request& req, std::size_t max_body,
                                  Deadline deadline) {
  auto& lowest = beast::get_lowest_layer(stream);
  error_code ec;
  lowest.expires_at(deadline);
  co_await bhttp::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return fail(transport_error("write", ec));

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kClientMaxHeaderBytes);
  parser.body_limit(max_body);
  lowest.expires_at(deadline);
  co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return fail(transport_error("read", ec));

  auto msg = parser.release();
  ClientResponse res;
  res.status = msg.result_int();
  for (const auto& field : msg.base()) res.headers.insert(field.name_string(), field.value());
  res.body = std::move(msg.body());
  co_return res;
}

// TLS client context: at least TLS 1.2, peer verification against the chosen trust anchors.
Result<void, ClientError> configure_tls(ssl::context& ctx, const ClientRequest& creq) {
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
  error_code ec;
  if (creq.ca_file.empty()) {
    ctx.set_default_verify_paths(ec);
  } else {
    ctx.load_verify_file(creq.ca_file, ec);
  }
  if (ec) return fail(transport_error("trust store", ec));
  ctx.set_verify_mode(ssl::verify_peer, ec);
  if (ec) return fail(transport_error("trust store", ec));
  return {};
}

// SNI for names (RFC 6066 §3 forbids IP literals there) and the RFC 6125 identity check.
Result<void, ClientError> bind_peer_identity(SSL* ssl, const Endpoint& e) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  bool ok = e.ip_literal ? X509_VERIFY_PARAM_set1_ip_asc(param, e.host.c_str()) == 1
                         : X509_VERIFY_PARAM_set1_host(param, e.host.c_str(), 0) == 1 &&
                               SSL_set_tlsext_host_name(ssl, e.host.c_str()) == 1;
  if (!ok) return fail(error(ClientErrc::Tls, "cannot set the expected peer identity"));
  return {};
}

asio::awaitable<Outcome> run(const ClientRequest& creq, const Endpoint& e, Deadline deadline) {
  auto executor = co_await asio::this_coro::executor;
  error_code ec;
  tcp::resolver resolver(executor);
  auto endpoints = co_await resolver.async_resolve(e.host, e.port,
                                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return fail(error(ClientErrc::Resolve, "resolve: " + ec.message()));
  if (std::chrono::steady_clock::now() >= deadline) {
    co_return fail(error(ClientErrc::Timeout, "resolve: deadline passed"));
  }
  const Request req = make_request(creq, e);

  if (!e.https) {
    beast::tcp_stream stream(executor);
    stream.expires_at(deadline);
    co_await stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return fail(transport_error("connect", ec));
    auto res = co_await exchange(stream, req, creq.max_body_bytes, deadline);
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    co_return res;
  }

  ssl::context ctx(ssl::context::tls_client);
  if (auto ok = configure_tls(ctx, creq); !ok) co_return fail(ok.error());
  beast::ssl_stream<beast::tcp_stream> stream(executor, ctx);
  if (auto ok = bind_peer_identity(stream.native_handle(), e); !ok) co_return fail(ok.error());
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_at(deadline);
  co_await lowest.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return fail(transport_error("connect", ec));
  lowest.expires_at(deadline);
  co_await stream.async_handshake(ssl::stream_base::client,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    // Beast reports a handshake cut short by the deadline as a timeout, everything else as TLS.
    if (ec == beast::error::timeout) co_return fail(transport_error("handshake", ec));
    co_return fail(error(ClientErrc::Tls, "handshake: " + ec.message()));
  }
  // The response is framed by Content-Length or chunking (or a truncated stream is an error),
  // so skipping close_notify loses nothing; waiting for the peer's would only add latency.
  co_return co_await exchange(stream, req, creq.max_body_bytes, deadline);
}

}  // namespace

std::string ClientResponse::header(std::string_view name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : std::string(it->value());
}

bool is_supported_method(bhttp::verb method) {
  return method == bhttp::verb::get || method == bhttp::verb::post ||
         method == bhttp::verb::put || method == bhttp::verb::delete_;
}

std::string_view to_string(ClientErrc e) {
  switch (e) {
    case ClientErrc::InvalidUrl:
      return "invalid_url";
    case ClientErrc::UnsupportedMethod:
      return "unsupported_method";
    case ClientErrc::Resolve:
      return "resolve";
    case ClientErrc::Connect:
      return "connect";
    case ClientErrc::Tls:
      return "tls";
    case ClientErrc::Timeout:
      return "timeout";
    case ClientErrc::BodyTooLarge:
      return "body_too_large";
    case ClientErrc::Protocol:
      return "protocol";
    case ClientErrc::Io:
      return "io";
  }
  return "unknown";
}

Result<ClientResponse, ClientError> fetch(const ClientRequest& request) {
  if (!is_supported_method(request.method)) {
    return fail(error(ClientErrc::UnsupportedMethod, "only GET, POST, PUT and DELETE are supported"));
  }
  auto endpoint = parse_url(request.url);
  if (!endpoint) return fail(endpoint.error());
  const Deadline deadline = std::chrono::steady_clock::now() + request.timeout;

  asio::io_context ioc;
  std::optional<Outcome> outcome;
  asio::co_spawn(ioc, run(request, *endpoint, deadline),
                 [&outcome](std::exception_ptr ex, Outcome result) {
                   if (ex) {
                     outcome = fail(error(ClientErrc::Io, "unexpected failure in the client"));
                   } else {
                     outcome = std::move(result);
                   }
                 });
  ioc.run();
  if (!outcome) return fail(error(ClientErrc::Io, "request did not complete"));
  return std::move(*outcome);
}

}  // namespace ember::http
