// The outbound HTTP client against loopback servers made in the test: a raw-socket server that
// answers (or stalls) as each case needs, and the Ember server with a self-signed certificate
// for the HTTPS trust and host-name checks.
#include "http/client.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <future>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include "http/responses.h"
#include "http/server.h"
#include "test_cert.h"

namespace ember::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

// Accepts one connection on 127.0.0.1:<any>, reads the request head, then hands the socket to
// `reply`. `reply` may block on released() to play a server that never answers.
class OneShotServer {
 public:
  using Reply = std::function<void(tcp::socket&, OneShotServer&)>;

  explicit OneShotServer(Reply reply)
      : acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        released_(release_.get_future().share()) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this, reply = std::move(reply)] {
      tcp::socket socket(ioc_);
      error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      std::string head;
      asio::read_until(socket, asio::dynamic_buffer(head), "\r\n\r\n", ec);
      read_body(socket, head);
      head_.set_value(head);
      reply(socket, *this);
    });
  }
  ~OneShotServer() {
    stopping_ = true;
    release_.set_value();
    // Wakes a thread still blocked in accept(); harmless when it has moved on.
    tcp::socket poke(ioc_);
    error_code ec;
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
    thread_.join();
  }

  // Appends the rest of a Content-Length body to `request` (read_until may have read part).
  static void read_body(tcp::socket& socket, std::string& request) {
    const std::size_t end = request.find("\r\n\r\n");
    const std::size_t at = request.find("Content-Length: ");
    if (end == std::string::npos || at == std::string::npos || at > end) return;
    const std::size_t length = std::stoul(request.substr(at + 16));
    const std::size_t have = request.size() - (end + 4);
    if (have >= length) return;
    std::string rest(length - have, '\0');
    error_code ec;
    asio::read(socket, asio::buffer(rest), ec);
    request += rest;
  }

  std::uint16_t port() const { return port_; }
  std::string url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
  }
  // The request head the client sent, followed by its body when it had a Content-Length.
  std::string request_head() { return head_.get_future().get(); }
  void wait_released() { released_.wait(); }

 private:
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::promise<void> release_;
  std::shared_future<void> released_;
  std::promise<std::string> head_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

OneShotServer::Reply answer(std::string raw) {
  return [raw = std::move(raw)](tcp::socket& s, OneShotServer&) {
    error_code ec;
    asio::write(s, asio::buffer(raw), ec);
    s.shutdown(tcp::socket::shutdown_send, ec);
  };
}

ClientRequest get(std::string url) {
  ClientRequest r;
  r.url = std::move(url);
  return r;
}

TEST(HttpClient, ReadsStatusHeadersAndBody) {
  OneShotServer server(
      answer("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: max-age=60\r\n"
             "Content-Length: 11\r\n\r\n{\"keys\":[]}"));
  ClientRequest req = get(server.url("/jwks.json?v=1"));
  req.headers.emplace_back("Accept", "application/json");
  auto res = fetch(req);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200u);
  EXPECT_EQ(res->body, "{\"keys\":[]}");
  EXPECT_EQ(res->content_type(), "application/json");
  EXPECT_EQ(res->cache_control(), "max-age=60");
  EXPECT_EQ(res->header("content-length"), "11");
  EXPECT_EQ(res->header("X-Absent"), "");

  const std::string head = server.request_head();
  EXPECT_TRUE(head.starts_with("GET /jwks.json?v=1 HTTP/1.1\r\n")) << head;
  EXPECT_NE(head.find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos)
      << head;
  EXPECT_NE(head.find("Accept: application/json\r\n"), std::string::npos) << head;
}

TEST(HttpClient, BodyDelimitedByClose) {
  OneShotServer server(answer("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-eof"));
  auto res = fetch(get(server.url()));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->body, "until-eof");
}

TEST(HttpClient, RedirectIsReturnedNotFollowed) {
  OneShotServer server(answer(
      "HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\n\r\n"));
  auto res = fetch(get(server.url()));
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 302u);
  EXPECT_EQ(res->header("Location"), "http://169.254.169.254/");
}

TEST(HttpClient, TimesOutWhenTheServerNeverAnswers) {
  OneShotServer server([](tcp::socket&, OneShotServer& self) { self.wait_released(); });
  ClientRequest req = get(server.url());
  req.timeout = std::chrono::milliseconds(200);
  const auto start = std::chrono::steady_clock::now();
  auto res = fetch(req);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ClientErrc::Timeout) << res.error().message;
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST(HttpClient, DeadlineCoversASlowlyDrippingBody) {
  OneShotServer server([](tcp::socket& s, OneShotServer& self) {
    error_code ec;
    asio::write(s, asio::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")), ec);
    for (int i = 0; i < 50 && !ec; ++i) {
      asio::write(s, asio::buffer("x", 1), ec);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    self.wait_released();
  });
  ClientRequest req = get(server.url());
  req.timeout = std::chrono::milliseconds(300);
  auto res = fetch(req);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ClientErrc::Timeout) << res.error().message;
}

TEST(HttpClient, RefusesABodyOverTheLimit) {
  struct Case {
    const char* name;
    std::string raw;
  };
  const std::string big(5000, 'x');
  const Case cases[] = {
      {"content-length", "HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + big},
      {"chunked",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1388\r\n" + big + "\r\n0\r\n\r\n"},
      {"until-close", "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big},
  };
  for (const auto& c : cases) {
    OneShotServer server(answer(c.raw));
    ClientRequest req = get(server.url());
    req.max_body_bytes = 1000;
    auto res = fetch(req);
    ASSERT_FALSE(res) << c.name;
    EXPECT_EQ(res.error().code, ClientErrc::BodyTooLarge) << c.name << ": " << res.error().message;
  }
}

TEST(HttpClient, DefaultBodyLimitIsOneMebibyte) {
  EXPECT_EQ(kDefaultClientMaxBodyBytes, 1024u * 1024u);
  EXPECT_EQ(kDefaultClientTimeout, std::chrono::seconds(5));
  OneShotServer server(answer("HTTP/1.1 200 OK\r\nContent-Length: 1048577\r\n\r\n"));
  auto res = fetch(get(server.url()));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ClientErrc::BodyTooLarge);
}

TEST(HttpClient, ConnectionRefused) {
  std::uint16_t port = 0;
  {
    asio::io_context ioc;
    tcp::acceptor a(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  auto res = fetch(get("http://127.0.0.1:" + std::to_string(port) + "/"));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ClientErrc::Connect) << res.error().message;
}

TEST(HttpClient, GarbageIsAProtocolError) {
  OneShotServer server(answer("SSH-2.0-OpenSSH_9.0\r\n\r\n"));
  auto res = fetch(get(server.url()));
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ClientErrc::Protocol) << res.error().message;
}

TEST(HttpClient, RejectsUnusableRequestsBeforeConnecting) {
  struct Case {
    const char* url;
    ClientErrc code;
  };
  const Case cases[] = {
      {"ftp://example.com/jwks", ClientErrc::InvalidUrl},
      {"/relative/jwks", ClientErrc::InvalidUrl},
      {"https://user:secret@example.com/jwks", ClientErrc::InvalidUrl},
      {"http:///no-host", ClientErrc::InvalidUrl},
      {"not a url", ClientErrc::InvalidUrl},
      // boostorg/url#755: Boost 1.81 would read host 127.0.0.1 and path ".evil.example/".
      {"http://127.0.0.1.evil.example/", ClientErrc::InvalidUrl},
  };
  for (const auto& c : cases) {
    auto res = fetch(get(c.url));
    ASSERT_FALSE(res) << c.url;
    EXPECT_EQ(res.error().code, c.code) << c.url;
  }
  ClientRequest patch = get("http://127.0.0.1:1/");
  patch.method = bhttp::verb::patch;
  auto res = fetch(patch);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ClientErrc::UnsupportedMethod);
}

TEST(HttpClient, PostSendsTheBodyWithItsTypeAndLength) {
  OneShotServer server(answer("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}"));
  ClientRequest req = get(server.url("/oauth/token"));
  req.method = bhttp::verb::post;
  req.content_type = "application/x-www-form-urlencoded";
  req.body = "grant_type=refresh_token&refresh_token=abc";
  auto res = fetch(req);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 201u);
  const std::string head = server.request_head();
  EXPECT_TRUE(head.starts_with("POST /oauth/token HTTP/1.1\r\n")) << head;
  EXPECT_NE(head.find("Content-Type: application/x-www-form-urlencoded\r\n"), std::string::npos)
      << head;
  EXPECT_NE(head.find("Content-Length: 42\r\n"), std::string::npos) << head;
  EXPECT_TRUE(head.ends_with("\r\n\r\ngrant_type=refresh_token&refresh_token=abc")) << head;
}

TEST(HttpClient, PutWithAnEmptyBodySaysContentLengthZero) {
  OneShotServer server(answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  ClientRequest req = get(server.url("/fhir/Patient/1"));
  req.method = bhttp::verb::put;
  auto res = fetch(req);
  ASSERT_TRUE(res) << res.error().message;
  const std::string head = server.request_head();
  EXPECT_TRUE(head.starts_with("PUT /fhir/Patient/1 HTTP/1.1\r\n")) << head;
  EXPECT_NE(head.find("Content-Length: 0\r\n"), std::string::npos) << head;
}

TEST(HttpClient, DeleteWithoutBodySendsNoContentHeaders) {
  OneShotServer server(answer("HTTP/1.1 204 No Content\r\n\r\n"));
  ClientRequest req = get(server.url("/fhir/Patient/1"));
  req.method = bhttp::verb::delete_;
  auto res = fetch(req);
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 204u);
  EXPECT_EQ(res->body, "");
  const std::string head = server.request_head();
  EXPECT_TRUE(head.starts_with("DELETE /fhir/Patient/1 HTTP/1.1\r\n")) << head;
  EXPECT_EQ(head.find("Content-Type"), std::string::npos) << head;
  EXPECT_EQ(head.find("Content-Length"), std::string::npos) << head;
}

TEST(HttpClient, BodyTooLargeAppliesToPostAnswersToo) {
  OneShotServer server(answer("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" +
                              std::string(5000, 'x')));
  ClientRequest req = get(server.url());
  req.method = bhttp::verb::post;
  req.body = "a=b";
  req.max_body_bytes = 1000;
  auto res = fetch(req);
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().code, ClientErrc::BodyTooLarge);
}

TEST(HttpClient, SupportedMethods) {
  EXPECT_TRUE(is_supported_method(bhttp::verb::get));
  EXPECT_TRUE(is_supported_method(bhttp::verb::post));
  EXPECT_TRUE(is_supported_method(bhttp::verb::put));
  EXPECT_TRUE(is_supported_method(bhttp::verb::delete_));
  EXPECT_FALSE(is_supported_method(bhttp::verb::patch));
  EXPECT_FALSE(is_supported_method(bhttp::verb::connect));
}

TEST(HttpClient, HttpsVerifiesTheChainAndTheHostName) {
  TestCert files("ember-client-test-");
  ServerOptions o;
  o.port = 0;
  o.threads = 1;
  o.access_log = false;
  o.tls_cert_file = files.cert.string();
  o.tls_key_file = files.key.string();
  Server server(o, [](const Request& req, RequestContext& ctx) {
    return text_response(req, bhttp::status::ok, ctx.tls ? "tls" : "plain");
  });
  auto started = server.start();
  ASSERT_TRUE(started) << started.error().message;
  const std::string port = std::to_string(server.port());

  ClientRequest trusted = get("https://localhost:" + port + "/");
  trusted.ca_file = files.cert.string();
  auto ok = fetch(trusted);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->status, 200u);
  EXPECT_EQ(ok->body, "tls");

  // Trusted chain, but the certificate names "localhost", not this IP address.
  ClientRequest wrong_host = get("https://127.0.0.1:" + port + "/");
  wrong_host.ca_file = files.cert.string();
  auto mismatch = fetch(wrong_host);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, ClientErrc::Tls) << mismatch.error().message;

  // The system store does not know a self-signed certificate.
  auto untrusted = fetch(get("https://localhost:" + port + "/"));
  ASSERT_FALSE(untrusted);
  EXPECT_EQ(untrusted.error().code, ClientErrc::Tls) << untrusted.error().message;
  server.stop();
}

}  // namespace
}  // namespace ember::http
