// TLS on: a self-signed P-256 certificate made in the test, a Beast TLS client over loopback.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "http/responses.h"
#include "http/server.h"
#include "test_cert.h"

namespace ember::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

TEST(ServerTls, ServesHttpsAndRefusesOldProtocols) {
  TestCert files;
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
  EXPECT_TRUE(server.tls());

  auto connect = [&](ssl::context& ctx, beast::error_code& ec) {
    auto ioc = std::make_shared<asio::io_context>();
    auto stream = std::make_shared<ssl::stream<tcp::socket>>(*ioc, ctx);
    stream->next_layer().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.port()));
    timeval tv{5, 0};
    setsockopt(stream->next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    stream->handshake(ssl::stream_base::client, ec);
    return std::make_pair(ioc, stream);
  };

  ssl::context good(ssl::context::tls_client);
  good.set_verify_mode(ssl::verify_none);
  beast::error_code ec;
  auto [ioc, stream] = connect(good, ec);
  ASSERT_FALSE(ec) << ec.message();
  Request req{bhttp::verb::get, "/", 11};
  req.set(bhttp::field::host, "localhost");
  bhttp::write(*stream, req, ec);
  ASSERT_FALSE(ec);
  beast::flat_buffer buffer;
  Response res;
  bhttp::read(*stream, buffer, res, ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(res.body(), "tls");
  EXPECT_FALSE(res["X-Request-Id"].empty());

  ssl::context old(ssl::context::tls_client);
  old.set_verify_mode(ssl::verify_none);
  SSL_CTX_set_min_proto_version(old.native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(old.native_handle(), TLS1_1_VERSION);
  SSL_CTX_set_security_level(old.native_handle(), 0);
  beast::error_code old_ec;
  auto old_conn = connect(old, old_ec);
  EXPECT_TRUE(old_ec);  // TLS 1.1 refused
  server.stop();
}

}  // namespace
}  // namespace ember::http
