#include "http/server.h"

#include <openssl/ssl.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/random.h"
#include "http/access_log.h"
#include "http/request_id.h"
#include "http/router.h"

namespace ember::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 4096;
// After an error response (400/413/431) the client may still be sending; read and discard for a
// moment before closing, so the kernel does not answer with a RST that destroys the response.
constexpr std::chrono::seconds kLingerTimeout{1};
constexpr std::size_t kLingerMaxBytes = 1024 * 1024;
constexpr std::chrono::seconds kTlsShutdownTimeout{2};
constexpr std::chrono::milliseconds kStopPollInterval{10};
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// Named (not anonymous): Server::Impl below holds a Shared, and a type with internal linkage
// may not be a member of one with external linkage in a unity build (-Wsubobject-linkage).
namespace server_state {

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  virtual void close_if_idle() = 0;
};

inline std::uint64_t random_start() {
  std::uint64_t v = 0;
  make_system_random()->fill(std::span(reinterpret_cast<std::uint8_t*>(&v), sizeof v));
  return v;
}

// State every session shares with the server; sessions hold it by shared_ptr so it outlives them.
struct Shared {
  ServerOptions options;
  Handler handler;
  std::shared_ptr<ssl::context> tls;
  std::shared_ptr<spdlog::logger> access;
  RequestIds request_ids{random_start()};
  std::atomic<bool> stopping{false};

  mutable std::mutex mu;
  std::unordered_map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;
  std::uint64_t next_id = 0;

  std::uint64_t add(std::weak_ptr<SessionBase> s) {
    std::lock_guard lock(mu);
    sessions.emplace(++next_id, std::move(s));
    return next_id;
  }
  void remove(std::uint64_t id) {
    std::lock_guard lock(mu);
    sessions.erase(id);
  }
  std::size_t count() const {
    std::lock_guard lock(mu);
    return sessions.size();
  }
  std::vector<std::shared_ptr<SessionBase>> snapshot() const {
    std::lock_guard lock(mu);
    std::vector<std::shared_ptr<SessionBase>> out;
    for (const auto& [id, w] : sessions) {
      if (auto s = w.lock()) out.push_back(std::move(s));
    }
    return out;
  }
};

}  // namespace server_state

using server_state::SessionBase;
using server_state::Shared;

namespace {

std::string error_body(std::string_view code) {
  return "{\"error\":\"" + std::string(code) + "\"}";
}

// Adds the headers every response carries and settles keep-alive, HEAD and Content-Length.
void finalize(Response& res, const Request& req, const std::string& request_id, bool stopping) {
  const bool handler_keep_alive = res.keep_alive();
  res.version(req.version() == 10 ? 10 : 11);
  res.set(bhttp::field::server, "ember");
  res.set(bhttp::field::date, format_http_date(wall_ms()));
  res.set("X-Request-Id", request_id);
  res.keep_alive(req.keep_alive() && handler_keep_alive && !stopping);
  const auto status = res.result_int();
  const bool bodiless_status = status / 100 == 1 || status == 204 || status == 304;
  if (req.method() == bhttp::verb::head) {
    // RFC 9110 §9.3.2: the same headers as GET, no content.
    const std::size_t n = res.body().size();
    res.body().clear();
    if (!bodiless_status && !res.has_content_length() && !res.chunked()) res.content_length(n);
    return;
  }
  if (bodiless_status) res.body().clear();
  res.prepare_payload();
}

template <class Stream>
class Session final : public SessionBase, public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  Session(tcp::socket&& socket, std::shared_ptr<Shared> shared, std::string remote)
      : stream_(make_stream(std::move(socket), *shared)),
        shared_(std::move(shared)),
        remote_(std::move(remote)) {}

  ~Session() override {
    if (registry_id_ != 0) shared_->remove(registry_id_);
  }

  void run() {
    registry_id_ = shared_->add(this->weak_from_this());
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::begin, this->shared_from_this()));
  }

  void close_if_idle() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->state_ == State::Idle || self->state_ == State::Handshake) self->lowest().close();
    });
  }

 private:
  enum class State { Handshake, Idle, Reading, Busy, Closing };
  enum class CloseMode { Graceful, Linger };

  static Stream make_stream(tcp::socket&& socket, Shared& shared) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *shared.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  auto self() { return this->shared_from_this(); }

  void begin() {
    if (shared_->stopping) return close_now();
    if constexpr (kTls) {
      state_ = State::Handshake;
      lowest().expires_after(shared_->options.read_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&Session::on_handshake, self()));
    } else {
      wait_request();
    }
  }

  void on_handshake(error_code ec) {
    if (ec) return close_now();
    wait_request();
  }

  // Keep-alive wait: the idle timeout runs until the first byte of the next request arrives.
  void wait_request() {
    state_ = State::Idle;
    if (shared_->stopping) return close_now();
    if (buffer_.size() > 0) return read_header();  // a pipelined request is already here
    lowest().expires_after(shared_->options.idle_timeout);
    stream_.async_read_some(buffer_.prepare(kReadChunk),
                            beast::bind_front_handler(&Session::on_first_bytes, self()));
  }

  void on_first_bytes(error_code ec, std::size_t n) {
    buffer_.commit(n);
    if (ec) return close_now();
    read_header();
  }

  void read_header() {
    state_ = State::Reading;
    received_ms_ = wall_ms();
    started_ = std::chrono::steady_clock::now();
    parser_.emplace();
    const auto& opt = shared_->options;
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(opt.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser_->body_limit(static_cast<std::uint64_t>(opt.max_body_bytes));
    // One deadline for the whole request (header and body): slowloris clients are cut off.
    lowest().expires_after(opt.read_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, self()));
  }

  void on_header(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    if (parser_->is_done()) return handle_request();
    const auto& req = parser_->get();
    if (req.version() >= 11 && beast::iequals(req[bhttp::field::expect], "100-continue")) {
      // RFC 9110 §10.1.1: the limits passed, so invite the body.
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = self()](error_code wec, std::size_t) {
                          if (wec) return self->close_now();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_body, self()));
  }

  void on_body(error_code ec, std::size_t) {
    if (ec) return on_read_error(ec);
    handle_request();
  }

  void on_read_error(error_code ec) {
    if (ec == bhttp::error::header_limit) {
      return send_error(bhttp::status::request_header_fields_too_large, "header_too_large");
    }
    if (ec == bhttp::error::body_limit) {
      return send_error(bhttp::status::payload_too_large, "body_too_large");
    }
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
        ec == beast::error::timeout || ec == asio::error::operation_aborted) {
      return close_now();  // the client went away or was too slow: nothing to answer
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category()) {
      return send_error(bhttp::status::bad_request, "bad_request");
    }
    close_now();
  }

  std::string pick_request_id(const Request& req) {
    auto incoming = req["X-Request-Id"];
    if (is_acceptable_request_id(incoming)) return std::string(incoming);
    return shared_->request_ids.next();
  }

  // A protocol-level error: answer and close (the rest of the stream cannot be trusted).
  void send_error(bhttp::status status, std::string_view code) {
    state_ = State::Busy;
    Request req;  // what we know of the request, for the log line
    if (parser_ && parser_->is_header_done()) {
      req.base() = parser_->get().base();
    }
    method_ = parser_ && parser_->is_header_done() ? std::string(req.method_string()) : "-";
    path_ = parser_ && parser_->is_header_done() ? std::string(target_path(req.target())) : "-";
    route_ = "invalid";
    request_id_ = shared_->request_ids.next();
    Response res{status, 11};
    res.set(bhttp::field::content_type, "application/json");
    res.body() = error_body(code);
    res.keep_alive(false);
    Request plain;  // GET, HTTP/1.1: finalize must not treat it as HEAD
    finalize(res, plain, request_id_, true);
    write(std::move(res), CloseMode::Linger);
  }

  void handle_request() {
    state_ = State::Busy;
    Request req = parser_->release();
    parser_.reset();
    RequestContext ctx;
    ctx.request_id = pick_request_id(req);
    ctx.remote_addr = client_address(req, remote_, shared_->options.trusted_proxies);
    ctx.tls = kTls;
    method_ = std::string(req.method_string());
    path_ = std::string(target_path(req.target()));

    Response res;
    try {
      res = shared_->handler(req, ctx);
      finalize(res, req, ctx.request_id, shared_->stopping);
    } catch (const std::exception& e) {
      spdlog::error("request {} {} {}: handler threw: {}", ctx.request_id, method_, path_,
                    e.what());
      res = internal_error(req, ctx);
    } catch (...) {
      spdlog::error("request {} {} {}: handler threw a non-exception", ctx.request_id, method_,
                    path_);
      res = internal_error(req, ctx);
    }
    route_ = ctx.route;
    request_id_ = std::move(ctx.request_id);
    write(std::move(res), CloseMode::Graceful);
  }

  Response internal_error(const Request& req, const RequestContext& ctx) {
    Response res{bhttp::status::internal_server_error, 11};
    res.set(bhttp::field::content_type, "application/json");
    res.body() = error_body("internal");
    finalize(res, req, ctx.request_id, shared_->stopping);
    return res;
  }

  void write(Response res, CloseMode mode) {
    res_ = std::move(res);
    close_mode_ = mode;
    lowest().expires_after(shared_->options.write_timeout);
    bhttp::async_write(stream_, res_, beast::bind_front_handler(&Session::on_write, self()));
  }

  void on_write(error_code ec, std::size_t) {
    record();
    if (ec) return close_now();
    if (!res_.keep_alive()) {
      return close_mode_ == CloseMode::Linger ? linger_close() : graceful_close();
    }
    res_ = {};
    wait_request();
  }

  void record() {
    const auto elapsed = std::chrono::steady_clock::now() - started_;
    const double seconds = std::chrono::duration<double>(elapsed).count();
    const int status = static_cast<int>(res_.result_int());
    metrics::Registry::global().observe_request(route_, status, seconds);
    if (!shared_->access) return;
    AccessRecord r;
    r.ts_ms = received_ms_;
    r.id = request_id_;
    r.method = method_;
    r.path = path_;
    r.status = status;
    r.bytes = res_.body().size();
    r.us = std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count();
    r.route = route_;
    r.remote = remote_;
    shared_->access->info("{}", format_access_line(r));
  }

  void graceful_close() {
    state_ = State::Closing;
    if constexpr (kTls) {
      lowest().expires_after(kTlsShutdownTimeout);
      stream_.async_shutdown([self = self()](error_code) { self->close_now(); });
    } else {
      error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      close_now();
    }
  }

  void linger_close() {
    if constexpr (kTls) {
      graceful_close();
    } else {
      state_ = State::Closing;
      error_code ec;
      lowest().socket().shutdown(tcp::socket::shutdown_send, ec);
      lowest().expires_after(kLingerTimeout);
      drain();
    }
  }

  void drain() {
    buffer_.clear();
    lowest().async_read_some(buffer_.prepare(kReadChunk),
                             [self = self()](error_code ec, std::size_t n) {
                               self->drained_ += n;
                               if (ec || self->drained_ > kLingerMaxBytes) return self->close_now();
                               self->drain();
                             });
  }

  void close_now() {
    state_ = State::Closing;
    lowest().close();
  }

  Stream stream_;
  std::shared_ptr<Shared> shared_;
  std::string remote_;
  std::uint64_t registry_id_ = 0;
  State state_ = State::Idle;
  CloseMode close_mode_ = CloseMode::Graceful;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Response res_;
  std::int64_t received_ms_ = 0;
  std::chrono::steady_clock::time_point started_;
  std::string method_, path_, route_, request_id_;
  std::size_t drained_ = 0;
};

}  // namespace

struct Server::Impl {
  Impl(ServerOptions options, Handler handler) : shared(std::make_shared<Shared>()) {
    shared->options = std::move(options);
    shared->handler = std::move(handler);
  }

  unsigned thread_count() const {
    unsigned n = shared->options.threads;
    if (n == 0) n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
  }

  Result<std::uint16_t, ServerError> listen() {
    if (bound_port != 0) return bound_port.load();
    const auto& opt = shared->options;
    if (opt.max_header_bytes == 0 || opt.max_body_bytes == 0) {
      return fail(ServerError{ServerErrc::InvalidOptions, "size limits must be positive"});
    }
    if (opt.tls_cert_file.empty() != opt.tls_key_file.empty()) {
      return fail(
          ServerError{ServerErrc::InvalidOptions, "TLS needs both a certificate and a key file"});
    }
    if (!opt.tls_cert_file.empty()) {
      if (auto r = make_tls_context(); !r) return fail(r.error());
    }
    std::string host = opt.address;
    if (host == "localhost") host = "127.0.0.1";
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec) {
      return fail(ServerError{ServerErrc::InvalidOptions, "not an IP address: " + opt.address});
    }
    tcp::endpoint endpoint{address, opt.port};
    auto bind_error = [&](std::string_view what) {
      error_code ignored;
      acceptor.close(ignored);
      return fail(ServerError{ServerErrc::Bind, std::string(what) + " " + opt.address + ":" +
                                                    std::to_string(opt.port) + ": " +
                                                    ec.message()});
    };
    if (acceptor.open(endpoint.protocol(), ec)) return bind_error("open");
    if (acceptor.set_option(asio::socket_base::reuse_address(true), ec)) {
      return bind_error("setsockopt");
    }
    if (acceptor.bind(endpoint, ec)) return bind_error("bind");
    if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
      return bind_error("listen");
    }
    if (shared->options.access_log) shared->access = access_logger();
    bound_port = acceptor.local_endpoint().port();
    return bound_port.load();
  }

  Result<void, ServerError> make_tls_context() {
    const auto& opt = shared->options;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    error_code ec;
    ctx->use_certificate_chain_file(opt.tls_cert_file, ec);
    if (ec) {
      return fail(
          ServerError{ServerErrc::Tls, "certificate " + opt.tls_cert_file + ": " + ec.message()});
    }
    ctx->use_private_key_file(opt.tls_key_file, ssl::context::pem, ec);
    if (ec || SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
      return fail(ServerError{ServerErrc::Tls, "private key " + opt.tls_key_file +
                                                   " unreadable or not matching the certificate"});
    }
    shared->tls = std::move(ctx);
    return {};
  }

  void do_accept() {
    acceptor.async_accept(asio::make_strand(ioc), [this](error_code ec, tcp::socket socket) {
      on_accept(ec, std::move(socket));
    });
  }

  void on_accept(error_code ec, tcp::socket socket) {
    if (!acceptor.is_open() || ec == asio::error::operation_aborted) return;
    if (ec) {  // e.g. out of file descriptors: back off instead of spinning
      spdlog::warn("accept failed: {}", ec.message());
      accept_retry.expires_after(kAcceptRetryDelay);
      accept_retry.async_wait([this](error_code wec) {
        if (!wec && acceptor.is_open()) do_accept();
      });
      return;
    }
    if (shared->stopping) return;
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);  // Nagle would add 40 ms stalls
    auto remote = socket.remote_endpoint(ignored).address().to_string();
    if (shared->tls) {
      std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), shared,
                                                                      std::move(remote))
          ->run();
    } else {
      std::make_shared<Session<beast::tcp_stream>>(std::move(socket), shared, std::move(remote))
          ->run();
    }
    do_accept();
  }

  void request_stop() {
    bool expected = false;
    if (!shared->stopping.compare_exchange_strong(expected, true)) return;
    asio::post(acceptor.get_executor(), [this] {
      error_code ignored;
      acceptor.close(ignored);
      accept_retry.cancel();
      if (signals) signals->cancel(ignored);
      for (auto& s : shared->snapshot()) s->close_if_idle();
      stop_deadline = std::chrono::steady_clock::now() + shared->options.shutdown_grace;
      poll_stop();
    });
  }

  void poll_stop() {
    if (shared->count() == 0 || std::chrono::steady_clock::now() >= stop_deadline) {
      if (shared->count() != 0) {
        spdlog::warn("shutdown grace expired with {} connection(s) open", shared->count());
      }
      ioc.stop();
      return;
    }
    stop_timer.expires_after(kStopPollInterval);
    stop_timer.async_wait([this](error_code) { poll_stop(); });
  }

  void run_thread() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {  // handlers catch their own; this is a last resort
        spdlog::error("io thread: {}", e.what());
      }
    }
  }

  std::shared_ptr<Shared> shared;
  asio::io_context ioc;
  tcp::acceptor acceptor{asio::make_strand(ioc)};
  asio::steady_timer stop_timer{acceptor.get_executor()};
  asio::steady_timer accept_retry{acceptor.get_executor()};
  std::optional<asio::signal_set> signals;
  std::chrono::steady_clock::time_point stop_deadline;
  std::mutex threads_mu;
  std::vector<std::thread> threads;
  bool started = false;
  std::atomic<std::uint16_t> bound_port{0};
};

Server::Server(ServerOptions options, Handler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

Server::~Server() {
  stop();
}

Result<std::uint16_t, ServerError> Server::listen() {
  return impl_->listen();
}

Result<void, ServerError> Server::start() {
  std::lock_guard lock(impl_->threads_mu);
  if (impl_->shared->stopping) return fail(ServerError{ServerErrc::State, "server is stopping"});
  if (impl_->started) return {};
  if (auto r = impl_->listen(); !r) return fail(r.error());
  impl_->started = true;
  asio::dispatch(impl_->acceptor.get_executor(), [impl = impl_.get()] { impl->do_accept(); });
  const unsigned n = impl_->thread_count();
  impl_->threads.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    impl_->threads.emplace_back([impl = impl_.get()] { impl->run_thread(); });
  }
  return {};
}

std::uint16_t Server::port() const {
  return impl_->bound_port;
}

bool Server::tls() const {
  return impl_->shared->tls != nullptr;
}

void Server::request_stop() {
  impl_->request_stop();
}

void Server::wait() {
  std::lock_guard lock(impl_->threads_mu);
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->threads.clear();
}

void Server::stop() {
  request_stop();
  wait();
}

void Server::stop_on_signals() {
  impl_->signals.emplace(impl_->acceptor.get_executor(), SIGINT, SIGTERM);
  impl_->signals->async_wait([impl = impl_.get()](error_code ec, int signal) {
    if (ec) return;
    spdlog::info("signal {} received: stopping", signal);
    impl->request_stop();
  });
}

std::size_t Server::open_connections() const {
  return impl_->shared->count();
}

}  // namespace ember::http
