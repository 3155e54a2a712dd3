#include "store/postgres/url.h"

#include <cctype>

#include "store/postgres/backend.h"

namespace ember::store::postgres {

namespace {

bool is_uri(std::string_view url) {
  return url.starts_with("postgresql://") || url.starts_with("postgres://");
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

struct Split {
  std::string redacted;
  std::vector<std::string> passwords;
};

// URI form: postgresql://[user[:password]@][host][:port][/db][?key=value&…].
Split split_uri(const std::string& url) {
  Split out;
  std::size_t scheme_end = url.find("://") + 3;
  std::size_t q = url.find('?', scheme_end);
  std::string_view pre(url.data() + scheme_end,
                       (q == std::string::npos ? url.size() : q) - scheme_end);
  out.redacted = url.substr(0, scheme_end);
  std::size_t at = pre.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = pre.substr(0, at);
    std::size_t colon = userinfo.find(':');
    if (colon != std::string_view::npos) {
      out.passwords.emplace_back(userinfo.substr(colon + 1));
      userinfo = userinfo.substr(0, colon);
    }
    out.redacted += std::string(userinfo) + "@";
    pre = pre.substr(at + 1);
  }
  out.redacted += pre;
  if (q == std::string::npos) return out;
  std::string_view query(url.data() + q + 1, url.size() - q - 1);
  std::string kept;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (param.starts_with("password=")) {
      out.passwords.emplace_back(param.substr(9));
      continue;
    }
    if (!kept.empty()) kept += '&';
    kept += param;
  }
  if (!kept.empty()) out.redacted += "?" + kept;
  return out;
}

// key=value form: host=… dbname=… password='…' (values may be quoted, with \ escapes).
Split split_keywords(const std::string& s) {
  Split out;
  std::size_t i = 0;
  auto space = [&](std::size_t k) { return std::isspace(static_cast<unsigned char>(s[k])); };
  while (i < s.size()) {
    while (i < s.size() && space(i)) ++i;
    if (i >= s.size()) break;
    std::size_t start = i;
    while (i < s.size() && s[i] != '=' && !space(i)) ++i;
    std::string key = s.substr(start, i - start);
    while (i < s.size() && (space(i) || s[i] == '=')) ++i;
    std::string value;
    if (i < s.size() && s[i] == '\'') {
      for (++i; i < s.size() && s[i] != '\''; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value.push_back(s[i]);
      }
      ++i;
    } else {
      while (i < s.size() && !space(i)) value.push_back(s[i++]);
    }
    if (key == "password") {
      out.passwords.push_back(value);
      continue;
    }
    if (!out.redacted.empty()) out.redacted += ' ';
    out.redacted += s.substr(start, std::min(i, s.size()) - start);
  }
  return out;
}

Split split(const std::string& url) {
  return is_uri(url) ? split_uri(url) : split_keywords(url);
}

}  // namespace

std::string redact_url(const std::string& url) {
  return split(url).redacted;
}

std::vector<std::string> url_passwords(const std::string& url) {
  std::vector<std::string> out;
  for (auto& p : split(url).passwords) {
    if (p.empty()) continue;
    std::string decoded = percent_decode(p);
    if (decoded != p) out.push_back(std::move(decoded));
    out.push_back(std::move(p));
  }
  return out;
}

std::string redact_message(std::string msg, const std::string& url) {
  for (const auto& p : url_passwords(url)) {
    for (std::size_t at = msg.find(p); at != std::string::npos; at = msg.find(p, at + 3)) {
      msg.replace(at, p.size(), "***");
    }
  }
  return msg;
}

}  // namespace ember::store::postgres
