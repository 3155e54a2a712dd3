// The access-log line: one JSON object per request, written by the server through a dedicated
// spdlog logger. Only the path (never the query string), no headers, no bodies: nothing secret.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace ember::http {

inline constexpr std::string_view kAccessLoggerName = "ember.access";

struct AccessRecord {
  std::int64_t ts_ms = 0;  // when the request was received, Unix ms
  std::string_view id;
  std::string_view method;  // "-" when the request line could not be read
  std::string_view path;    // raw path without the query string
  int status = 0;
  std::size_t bytes = 0;  // response body size
  std::int64_t us = 0;    // microseconds from request received to response written
  std::string_view route;
  std::string_view remote;
};

std::string format_access_line(const AccessRecord& r);

// Appends `s` as a JSON string literal (quotes included). Bytes outside printable ASCII are
// escaped as \u00XX, so the line is valid JSON whatever the client sent.
void append_json_string(std::string& out, std::string_view s);

// The process-wide access logger (stdout, message-only pattern). If a logger named
// kAccessLoggerName is already registered (tests, another sink), that one is used.
std::shared_ptr<spdlog::logger> access_logger();

}  // namespace ember::http
