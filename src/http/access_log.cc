#include "http/access_log.h"

#include <mutex>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "core/clock.h"

namespace ember::http {

void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string format_access_line(const AccessRecord& r) {
  std::string out;
  out.reserve(256);
  out += "{\"ts\":";
  append_json_string(out, format_instant(r.ts_ms));
  out += ",\"id\":";
  append_json_string(out, r.id);
  out += ",\"method\":";
  append_json_string(out, r.method);
  out += ",\"path\":";
  append_json_string(out, r.path);
  out += fmt::format(",\"status\":{},\"bytes\":{},\"us\":{},\"route\":", r.status, r.bytes, r.us);
  append_json_string(out, r.route);
  out += ",\"remote\":";
  append_json_string(out, r.remote);
  out += '}';
  return out;
}

std::shared_ptr<spdlog::logger> access_logger() {
  static std::mutex mu;
  std::lock_guard lock(mu);
  if (auto existing = spdlog::get(std::string(kAccessLoggerName))) return existing;
  auto logger = spdlog::stdout_logger_mt(std::string(kAccessLoggerName));
  logger->set_pattern("%v");
  logger->set_level(spdlog::level::info);
  return logger;
}

}  // namespace ember::http
