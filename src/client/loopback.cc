// RFC 8252 §7.3 loopback redirect: a tiny blocking HTTP/1.1 listener on 127.0.0.1 (never on
// other interfaces, §8.3) that serves one browser redirect and answers it with a static page.
// The page has no script or style, a CSP that forbids both, and no-referrer so the code in its
// URL leaks nowhere.
#include "ember/client/loopback.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "http/url.h"

namespace ember::client {

namespace {

// Bounds: connections served while waiting (favicon, probes), size and time of one request.
constexpr int kMaxConnections = 64;
constexpr std::size_t kMaxRequestBytes = 16 * 1024;
constexpr std::chrono::milliseconds kRequestTimeout{5000};

using SteadyClock = std::chrono::steady_clock;

std::string escape_html(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string page(std::string_view title, std::string_view text) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
         escape_html(title) + "</title></head><body><h1>" + escape_html(title) + "</h1><p>" +
         escape_html(text) + "</p></body></html>\n";
}

void respond(int fd, int status, std::string_view reason, const std::string& body) {
  std::string res = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
                    "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
                    std::to_string(body.size()) +
                    "\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n"
                    "Content-Security-Policy: default-src 'none'\r\n"
                    "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n" +
                    body;
  std::size_t sent = 0;
  while (sent < res.size()) {
    const ssize_t n = ::send(fd, res.data() + sent, res.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

int remaining_ms(SteadyClock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

// Reads up to the end of the request head; false on timeout, size or I/O failure.
bool read_head(int fd, SteadyClock::time_point deadline, std::string& head) {
  char buf[2048];
  while (head.find("\r\n\r\n") == std::string::npos) {
    if (head.size() > kMaxRequestBytes) return false;
    pollfd p{fd, POLLIN, 0};
    const int ms = remaining_ms(deadline);
    if (ms == 0 || ::poll(&p, 1, ms) <= 0) return false;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    head.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

struct LoopbackListener::Impl {
  int fd = -1;
  std::uint16_t port = 0;
  std::string path;
  ~Impl() {
    if (fd >= 0) ::close(fd);
  }
};

LoopbackListener::LoopbackListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LoopbackListener::LoopbackListener(LoopbackListener&&) noexcept = default;
LoopbackListener& LoopbackListener::operator=(LoopbackListener&&) noexcept = default;
LoopbackListener::~LoopbackListener() = default;

Result<LoopbackListener> LoopbackListener::open(std::uint16_t port, std::string path) {
  if (path.empty() || path.front() != '/' || path.find_first_of("?#") != std::string::npos) {
    return failure(ErrorKind::InvalidArgument, "the redirect path must start with '/'");
  }
  auto impl = std::make_unique<Impl>();
  impl->path = std::move(path);
  impl->fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (impl->fd < 0) return failure(ErrorKind::Transport, "socket: " + std::string(std::strerror(errno)));
  const int one = 1;
  ::setsockopt(impl->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  if (::bind(impl->fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(impl->fd, 16) != 0) {
    return failure(ErrorKind::Transport,
                   "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno),
                   "bind");
  }
  socklen_t len = sizeof addr;
  ::getsockname(impl->fd, reinterpret_cast<sockaddr*>(&addr), &len);
  impl->port = ntohs(addr.sin_port);
  return LoopbackListener(std::move(impl));
}

std::uint16_t LoopbackListener::port() const { return impl_->port; }

std::string LoopbackListener::redirect_uri() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port) + impl_->path;
}

Result<CallbackParams> LoopbackListener::wait(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  for (int served = 0; served < kMaxConnections; ++served) {
    pollfd p{impl_->fd, POLLIN, 0};
    const int ms = remaining_ms(deadline);
    const int ready = ms == 0 ? 0 : ::poll(&p, 1, ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    const int conn = ::accept4(impl_->fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    std::string head;
    const auto request_deadline = std::min(deadline, SteadyClock::now() + kRequestTimeout);
    if (!read_head(conn, request_deadline, head)) {
      ::close(conn);
      continue;
    }
    // Request line: METHOD SP target SP version.
    const std::string line = head.substr(0, head.find("\r\n"));
    const auto sp1 = line.find(' ');
    const auto sp2 = line.find(' ', sp1 + 1);
    const std::string method = line.substr(0, sp1);
    const std::string target =
        sp1 == std::string::npos || sp2 == std::string::npos ? "" : line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string path = target.substr(0, target.find('?'));
    if (method != "GET" || path != impl_->path) {
      respond(conn, 404, "Not Found", page("Not found", "Nothing here."));
      ::close(conn);
      continue;
    }
    auto params = parse_callback(target);
    if (!params || (params->code.empty() && params->error.empty())) {
      respond(conn, 400, "Bad Request",
              page("Sign-in did not complete", "The redirect carried no authorization response."));
      ::close(conn);
      continue;
    }
    if (!params->error.empty()) {
      respond(conn, 200, "OK",
              page("Sign-in did not complete",
                   "The server answered: " + params->error +
                       (params->error_description.empty() ? "" : " (" + params->error_description + ")") +
                       ". You can close this window and return to the application."));
    } else {
      respond(conn, 200, "OK",
              page("Signed in", "You can close this window and return to the application."));
    }
    ::close(conn);
    return params;
  }
  return failure(ErrorKind::Timeout,
                 "no redirect arrived at " + redirect_uri() + " in time", "timeout");
}

Result<CallbackParams> parse_callback(std::string_view url) {
  std::string_view query = url;
  if (auto q = url.find('?'); q != std::string_view::npos) {
    query = url.substr(q + 1);
  } else if (url.find("://") != std::string_view::npos || url.starts_with("/")) {
    query = {};
  }
  if (auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
  auto form = http::parse_form(query);
  if (!form) return failure(ErrorKind::InvalidResponse, "the redirect's query is not valid", "bad_query");
  CallbackParams out;
  auto get = [&](std::string_view name) {
    auto v = http::find_param(*form, name);
    return v ? std::string(*v) : std::string();
  };
  out.code = get("code");
  out.state = get("state");
  out.error = get("error");
  out.error_description = get("error_description");
  out.error_uri = get("error_uri");
  return out;
}

}  // namespace ember::client
