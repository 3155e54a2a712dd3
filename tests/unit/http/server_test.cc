// The server over real loopback sockets (127.0.0.1, port 0). Every client socket has a receive
// timeout, so a server bug fails a test instead of hanging it.
#include "http/server.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/metrics.h"
#include "http/access_log.h"
#include "http/request_id.h"
#include "http/responses.h"
#include "http/router.h"

namespace ember::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr int kClientTimeoutSeconds = 5;

class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(ioc_) {
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    timeval tv{kClientTimeoutSeconds, 0};
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  }

  void send_raw(std::string_view data) {
    beast::error_code ec;
    asio::write(socket_, asio::buffer(data.data(), data.size()), ec);
  }

  void send(Request req) {
    req.prepare_payload();
    beast::error_code ec;
    bhttp::write(socket_, req, ec);
  }

  // nullopt on error/timeout/EOF.
  std::optional<Response> read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (head) parser.skip(true);
    beast::error_code ec;
    bhttp::read(socket_, buffer_, parser, ec);
    if (ec) return std::nullopt;
    return parser.release();
  }

  std::optional<Response> get(std::string target) {
    send(Request{bhttp::verb::get, target, 11});
    return read();
  }

  // True when the server closed the connection (EOF or reset) within the client timeout.
  bool closed_by_server() {
    char c;
    beast::error_code ec;
    for (int i = 0; i < 1000; ++i) {  // bounded: discard whatever is still in flight
      socket_.read_some(asio::buffer(&c, 1), ec);
      if (ec) {
        return ec == asio::error::eof || ec == asio::error::connection_reset;
      }
    }
    return false;
  }

 private:
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

ServerOptions test_options() {
  ServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.threads = 2;
  o.access_log = false;
  o.shutdown_grace = 5s;
  return o;
}

std::atomic<bool> g_slow_entered{false};

Handler test_handler() {
  Router router;
  router.add(
      bhttp::verb::get, "/hello",
      [](const Request& req, RequestContext&) {
        return text_response(req, bhttp::status::ok, "hello");
      },
      "hello");
  router.add(
      bhttp::verb::post, "/echo",
      [](const Request& req, RequestContext&) {
        return text_response(req, bhttp::status::ok, req.body());
      },
      "echo");
  router.add(
      bhttp::verb::get, "/throw",
      [](const Request&, RequestContext&) -> Response { throw std::runtime_error("boom"); },
      "throw");
  router.add(
      bhttp::verb::get, "/slow",
      [](const Request& req, RequestContext&) {
        g_slow_entered = true;
        std::this_thread::sleep_for(400ms);
        return text_response(req, bhttp::status::ok, "slow done");
      },
      "slow");
  return router;
}

struct Running {
  explicit Running(ServerOptions o = test_options()) : server(std::move(o), test_handler()) {
    auto r = server.start();
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
  }
  std::uint16_t port() const { return server.port(); }
  Server server;
};

bool is_hex16(std::string_view s) {
  if (s.size() != 16) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

TEST(Server, BindsPortZeroAndReportsPort) {
  Running s;
  EXPECT_NE(s.port(), 0);
  EXPECT_FALSE(s.server.tls());
}

TEST(Server, KeepAliveTwoRequestsOnOneConnection) {
  Running s;
  Client c(s.port());
  auto r1 = c.get("/hello");
  ASSERT_TRUE(r1);
  EXPECT_EQ(r1->result(), bhttp::status::ok);
  EXPECT_EQ(r1->body(), "hello");
  EXPECT_TRUE(r1->keep_alive());
  EXPECT_TRUE(is_hex16((*r1)["X-Request-Id"])) << (*r1)["X-Request-Id"];
  EXPECT_EQ((*r1)[bhttp::field::server], "ember");
  EXPECT_TRUE((*r1)[bhttp::field::date].ends_with(" GMT"));
  auto r2 = c.get("/hello?x=1");
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->body(), "hello");
  EXPECT_NE((*r1)["X-Request-Id"], (*r2)["X-Request-Id"]);
  EXPECT_EQ(s.server.open_connections(), 1u);
}

TEST(Server, PipelinedRequestsAnsweredInOrder) {
  Running s;
  Client c(s.port());
  c.send_raw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none"
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\ntwo"
      "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto a = c.read(), b = c.read(), d = c.read();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->body(), "one");
  EXPECT_EQ(b->body(), "two");
  EXPECT_EQ(d->body(), "hello");
  EXPECT_FALSE(d->keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST(Server, HonoursSaneIncomingRequestId) {
  Running s;
  Client c(s.port());
  Request req{bhttp::verb::get, "/hello", 11};
  req.set("X-Request-Id", "trace.ABC_123-x");
  c.send(req);
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)["X-Request-Id"], "trace.ABC_123-x");

  req.set("X-Request-Id", std::string(65, 'a'));
  c.send(req);
  r = c.read();
  ASSERT_TRUE(r);
  EXPECT_TRUE(is_hex16((*r)["X-Request-Id"]));

  req.set("X-Request-Id", "a/b");
  c.send(req);
  r = c.read();
  ASSERT_TRUE(r);
  EXPECT_TRUE(is_hex16((*r)["X-Request-Id"]));
}

TEST(Server, RequestIdValidation) {
  EXPECT_TRUE(is_acceptable_request_id("a"));
  EXPECT_TRUE(is_acceptable_request_id(std::string(64, 'z')));
  EXPECT_FALSE(is_acceptable_request_id(""));
  EXPECT_FALSE(is_acceptable_request_id(std::string(65, 'z')));
  EXPECT_FALSE(is_acceptable_request_id("a b"));
  EXPECT_FALSE(is_acceptable_request_id("a\"b"));
}

TEST(Server, OversizeBodyIs413AndCloses) {
  auto o = test_options();
  o.max_body_bytes = 1024;
  Running s(o);
  Client c(s.port());
  c.send_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" +
             std::string(2000, 'x'));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), bhttp::status::payload_too_large);
  EXPECT_FALSE(r->keep_alive());
  EXPECT_TRUE(c.closed_by_server());
}

TEST(Server, OversizeChunkedBodyIs413) {
  auto o = test_options();
  o.max_body_bytes = 1024;
  Running s(o);
  Client c(s.port());
  std::string chunk(800, 'y');
  c.send_raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk +
             "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n");
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), bhttp::status::payload_too_large);
}

TEST(Server, BodyWithinLimitIsAccepted) {
  auto o = test_options();
  o.max_body_bytes = 1024;
  Running s(o);
  Client c(s.port());
  Request req{bhttp::verb::post, "/echo", 11};
  req.body() = std::string(1024, 'q');
  c.send(req);
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), bhttp::status::ok);
  EXPECT_EQ(r->body().size(), 1024u);
}

TEST(Server, ExpectContinueGets100) {
  Running s;
  Client c(s.port());
  c.send_raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  auto interim = c.read();  // Beast's parser returns the 100 as a message of its own
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result(), bhttp::status::continue_);
  c.send_raw("data");
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "data");
}

TEST(Server, OversizeHeadersAre431) {
  auto o = test_options();
  o.max_header_bytes = 1024;
  Running s(o);
  Client c(s.port());
  c.send_raw("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'h') + "\r\n\r\n");
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), bhttp::status::request_header_fields_too_large);
  EXPECT_TRUE(c.closed_by_server());
}

TEST(Server, GarbageRequestLineIs400AndCloses) {
  Running s;
  for (std::string_view garbage :
       {"GARBAGE\r\n\r\n", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
        "GET /a HTTP/9.9x\r\n\r\n"}) {
    Client c(s.port());
    c.send_raw(garbage);
    auto r = c.read();
    ASSERT_TRUE(r) << garbage;
    EXPECT_EQ(r->result(), bhttp::status::bad_request) << garbage;
    EXPECT_FALSE((*r)["X-Request-Id"].empty());
    EXPECT_TRUE(c.closed_by_server()) << garbage;
  }
}

TEST(Server, HandlerExceptionIs500AndConnectionSurvives) {
  Running s;
  Client c(s.port());
  auto r = c.get("/throw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), bhttp::status::internal_server_error);
  EXPECT_EQ(r->body(), "{\"error\":\"internal\"}");
  EXPECT_EQ((*r)[bhttp::field::content_type], "application/json");
  auto again = c.get("/hello");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body(), "hello");
}

TEST(Server, HeadHasLengthButNoBody) {
  Running s;
  Client c(s.port());
  c.send(Request{bhttp::verb::head, "/hello", 11});
  auto r = c.read(/*head=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), bhttp::status::ok);
  EXPECT_EQ((*r)[bhttp::field::content_length], "5");
  EXPECT_TRUE(r->body().empty());
  auto next = c.get("/hello");  // no stray body bytes left on the connection
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body(), "hello");
}

TEST(Server, NotFoundFromRouterIsPassedThrough) {
  Running s;
  Client c(s.port());
  auto r = c.get("/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->result(), bhttp::status::not_found);
}

TEST(Server, SlowClientIsCutOff) {
  auto o = test_options();
  o.read_timeout = 300ms;
  Running s(o);
  Client c(s.port());
  c.send_raw("GET /hello HTTP/1.1\r\nHost: x\r\n");  // never finishes the header
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(Server, IdleKeepAliveConnectionIsClosed) {
  auto o = test_options();
  o.idle_timeout = 300ms;
  Running s(o);
  Client c(s.port());
  ASSERT_TRUE(c.get("/hello"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(Server, GracefulStopFinishesInFlightRequest) {
  auto s = std::make_unique<Running>();
  Client idle(s->port());
  ASSERT_TRUE(idle.get("/hello"));  // an idle keep-alive connection must not hold up the stop
  Client c(s->port());
  g_slow_entered = false;
  c.send(Request{bhttp::verb::get, "/slow", 11});
  for (int i = 0; i < 500 && !g_slow_entered; ++i) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(g_slow_entered);
  const auto start = std::chrono::steady_clock::now();
  s->server.stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body(), "slow done");
  EXPECT_FALSE(r->keep_alive());
  EXPECT_TRUE(idle.closed_by_server());
  // No longer accepting.
  beast::error_code ec;
  asio::io_context ioc;
  tcp::socket probe(ioc);
  probe.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), s->port()), ec);
  EXPECT_TRUE(ec);
}

TEST(Server, StopWithoutStartAndTwice) {
  Server server(test_options(), test_handler());
  server.stop();
  server.stop();
}

TEST(Server, RecordsMetricsByRoute) {
  Running s;
  Client c(s.port());
  ASSERT_TRUE(c.get("/hello"));
  ASSERT_TRUE(c.get("/throw"));
  std::this_thread::sleep_for(50ms);  // the record happens after the write completes
  const std::string text = metrics::Registry::global().render_prometheus();
  EXPECT_NE(text.find("ember_http_requests_total{route=\"hello\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(text.find("ember_http_requests_total{route=\"throw\",status=\"500\"}"),
            std::string::npos);
}

TEST(Server, AccessLogLineHasNoQueryOrSecrets) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  spdlog::drop(std::string(kAccessLoggerName));
  auto logger = std::make_shared<spdlog::logger>(std::string(kAccessLoggerName), sink);
  logger->set_pattern("%v");
  spdlog::register_logger(logger);
  {
    auto o = test_options();
    o.access_log = true;
    Running s(o);
    Client c(s.port());
    Request req{bhttp::verb::get, "/hello?access_token=SECRET", 11};
    req.set(bhttp::field::authorization, "Bearer SECRET2");
    req.set(bhttp::field::cookie, "sid=SECRET3");
    req.set("X-Request-Id", "log-test-1");
    c.send(req);
    ASSERT_TRUE(c.read());
    s.server.stop();
  }
  spdlog::drop(std::string(kAccessLoggerName));
  const std::string line = out.str();
  EXPECT_EQ(line.find("SECRET"), std::string::npos) << line;
  EXPECT_NE(line.find("\"id\":\"log-test-1\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"path\":\"/hello\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"status\":200"), std::string::npos) << line;
  EXPECT_NE(line.find("\"bytes\":5"), std::string::npos) << line;
  EXPECT_NE(line.find("\"route\":\"hello\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"remote\":\"127.0.0.1\""), std::string::npos) << line;
}

TEST(Server, RejectsBadOptions) {
  auto o = test_options();
  o.address = "not-an-ip";
  Server a(o, test_handler());
  auto r = a.listen();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ServerErrc::InvalidOptions);

  o = test_options();
  o.tls_cert_file = "/nonexistent/cert.pem";
  Server b(o, test_handler());
  EXPECT_EQ(b.listen().error().code, ServerErrc::InvalidOptions);  // key missing

  o.tls_key_file = "/nonexistent/key.pem";
  Server c(o, test_handler());
  EXPECT_EQ(c.listen().error().code, ServerErrc::Tls);
}

TEST(Server, PortInUseIsBindError) {
  Running s;
  auto o = test_options();
  o.port = s.port();
  Server other(o, test_handler());
  auto r = other.listen();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ServerErrc::Bind);
}

}  // namespace
}  // namespace ember::http
