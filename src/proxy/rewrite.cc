#include "proxy/rewrite.h"

#include <algorithm>

namespace ember::proxy {

namespace bj = boost::json;

std::optional<std::string> rebase_url(std::string_view url, std::string_view from,
                                      std::string_view to) {
  if (from.empty() || !url.starts_with(from)) return std::nullopt;
  std::string_view rest = url.substr(from.size());
  if (!rest.empty() && rest.front() != '/' && rest.front() != '?' && rest.front() != '#') {
    return std::nullopt;
  }
  return std::string(to) + std::string(rest);
}

std::size_t rebase_json(bj::value& v, std::string_view from, std::string_view to) {
  std::size_t n = 0;
  // Iterative walk: resource nesting is bounded by the parser's depth limit, but a worklist
  // keeps the stack flat whatever the document.
  std::vector<bj::value*> work{&v};
  while (!work.empty()) {
    bj::value* cur = work.back();
    work.pop_back();
    if (cur->is_string()) {
      const bj::string& s = cur->get_string();
      if (auto r = rebase_url(std::string_view(s.data(), s.size()), from, to)) {
        *cur = bj::string(*r);
        ++n;
      }
    } else if (cur->is_object()) {
      for (auto& kv : cur->get_object()) work.push_back(&kv.value());
    } else if (cur->is_array()) {
      for (auto& e : cur->get_array()) work.push_back(&e);
    }
  }
  return n;
}

std::string rebase_link_header(std::string_view value, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t i = 0;
  while (i < value.size()) {
    std::size_t open = value.find('<', i);
    if (open == std::string_view::npos) break;
    std::size_t close = value.find('>', open + 1);
    if (close == std::string_view::npos) break;
    out.append(value.substr(i, open + 1 - i));
    std::string_view uri = value.substr(open + 1, close - open - 1);
    auto r = rebase_url(uri, from, to);
    out += r ? *r : std::string(uri);
    out += '>';
    i = close + 1;
  }
  out.append(value.substr(i));
  return out;
}

std::string without_params(std::string_view url, const http::QueryParams& params) {
  std::size_t q = url.find('?');
  if (q == std::string_view::npos || params.empty()) return std::string(url);
  std::size_t hash = url.find('#', q);
  std::string_view query = url.substr(q + 1, hash == std::string_view::npos ? hash : hash - q - 1);
  auto parsed = http::parse_form(query);
  if (!parsed) return std::string(url);
  http::QueryParams kept = std::move(*parsed);
  bool removed = false;
  for (const auto& p : params) {
    auto it = std::find(kept.begin(), kept.end(), p);
    if (it != kept.end()) {
      kept.erase(it);
      removed = true;
    }
  }
  if (!removed) return std::string(url);
  std::string out(url.substr(0, q));
  if (!kept.empty()) out += "?" + http::encode_query(kept);
  if (hash != std::string_view::npos) out.append(url.substr(hash));
  return out;
}

}  // namespace ember::proxy
