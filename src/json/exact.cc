#include "json/exact.h"

#include <boost/json/basic_parser_impl.hpp>
#include <charconv>
#include <cstdlib>
#include <string>
#include <unordered_set>
#include <vector>

namespace ember::json {

namespace {

constexpr std::string_view kSentinel = "\x01#";
constexpr std::string_view kSerializedSentinel = "\"\\u0001#";

bool has_control_char(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return true;
  }
  return false;
}

// basic_parser handler building a DOM with a value_stack; numbers keep their text.
struct ExactHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  bj::value_stack st;
  std::string num;
  bool bad_char = false;
  // ParseLimits::unique_keys: the member names seen in each open object.
  bool unique_keys = false;
  bool duplicate = false;
  std::vector<std::unordered_set<std::string>> open_objects;
  std::string key;

  bool reject(boost::system::error_code& ec) {
    bad_char = true;
    ec = bj::error::syntax;
    return false;
  }
  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(std::size_t n, boost::system::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_object_begin(boost::system::error_code&) {
    if (unique_keys) open_objects.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t n, boost::system::error_code&) {
    if (unique_keys) open_objects.pop_back();
    st.push_object(n);
    return true;
  }
  bool on_string_part(bj::string_view s, std::size_t, boost::system::error_code& ec) {
    if (has_control_char(s)) return reject(ec);
    st.push_chars(s);
    return true;
  }
  bool on_string(bj::string_view s, std::size_t, boost::system::error_code& ec) {
    if (has_control_char(s)) return reject(ec);
    st.push_string(s);
    return true;
  }
  bool on_key_part(bj::string_view s, std::size_t, boost::system::error_code& ec) {
    if (has_control_char(s)) return reject(ec);
    if (unique_keys) key.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, boost::system::error_code& ec) {
    if (has_control_char(s)) return reject(ec);
    if (unique_keys) {
      key.append(s.data(), s.size());
      if (!open_objects.back().insert(std::move(key)).second) {
        duplicate = true;
        ec = bj::error::syntax;
        return false;
      }
      key.clear();
    }
    st.push_key(s);
    return true;
  }
  bool on_number_part(bj::string_view s, boost::system::error_code&) {
    num.append(s.data(), s.size());
    return true;
  }
  void push_number_text(bj::string_view s) {
    num.append(s.data(), s.size());
    std::string tagged(kSentinel);
    tagged += num;
    st.push_string(tagged);
    num.clear();
  }
  bool on_int64(std::int64_t i, bj::string_view s, boost::system::error_code&) {
    num.append(s.data(), s.size());
    if (num == std::to_string(i)) {
      st.push_int64(i);
      num.clear();
    } else {
      push_number_text({});
    }
    return true;
  }
  bool on_uint64(std::uint64_t u, bj::string_view s, boost::system::error_code&) {
    num.append(s.data(), s.size());
    if (num == std::to_string(u)) {
      st.push_uint64(u);
      num.clear();
    } else {
      push_number_text({});
    }
    return true;
  }
  bool on_double(double, bj::string_view s, boost::system::error_code&) {
    push_number_text(s);
    return true;
  }
  bool on_bool(bool b, boost::system::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(boost::system::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(bj::string_view, boost::system::error_code&) { return true; }
  bool on_comment(bj::string_view, boost::system::error_code&) { return true; }
};

}  // namespace

Result<bj::value, ParseError> parse_exact(std::string_view text, ParseLimits limits) {
  bj::parse_options opt;
  opt.max_depth = limits.max_depth;
  bj::basic_parser<ExactHandler> p(opt);
  p.handler().st.reset();
  p.handler().unique_keys = limits.unique_keys;
  boost::system::error_code ec;
  std::size_t n = p.write_some(false, text.data(), text.size(), ec);
  if (!ec && n < text.size()) ec = bj::error::extra_data;
  if (ec) {
    if (p.handler().duplicate) {
      return fail(ParseError{"an object names the same member twice"});
    }
    if (p.handler().bad_char) {
      return fail(ParseError{"control characters are not allowed in JSON strings"});
    }
    if (ec == bj::error::too_deep) {
      return fail(ParseError{"JSON nesting exceeds " + std::to_string(limits.max_depth) + " levels"});
    }
    return fail(ParseError{"invalid JSON: " + ec.message()});
  }
  return p.handler().st.release();
}

std::string serialize_exact(const bj::value& v) { return restore_exact_numbers(bj::serialize(v)); }

std::string restore_exact_numbers(std::string s) {
  std::size_t pos = s.find(kSerializedSentinel);
  if (pos == std::string::npos) return s;
  std::string out;
  out.reserve(s.size());
  std::size_t from = 0;
  while (pos != std::string::npos) {
    out.append(s, from, pos - from);
    std::size_t start = pos + kSerializedSentinel.size();
    std::size_t end = s.find('"', start);
    out.append(s, start, end - start);
    from = end + 1;
    pos = s.find(kSerializedSentinel, from);
  }
  out.append(s, from, std::string::npos);
  return out;
}

bj::value make_number(std::string_view text) {
  std::string tagged(kSentinel);
  tagged += text;
  return bj::value(bj::string_view(tagged));
}

namespace {
std::optional<std::string_view> sentinel_text(const bj::value& v) {
  if (!v.is_string()) return std::nullopt;
  std::string_view s(v.get_string().data(), v.get_string().size());
  if (s.size() < kSentinel.size() || s.substr(0, kSentinel.size()) != kSentinel) return std::nullopt;
  return s.substr(kSentinel.size());
}
}  // namespace

bool is_number(const bj::value& v) { return v.is_number() || sentinel_text(v).has_value(); }

std::optional<std::string> number_text(const bj::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) return bj::serialize(v);
  if (auto t = sentinel_text(v)) return std::string(*t);
  return std::nullopt;
}

std::optional<double> as_double(const bj::value& v) {
  if (v.is_number()) return v.to_number<double>();
  if (auto t = sentinel_text(v)) {
    std::string s(*t);
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    if (end == s.c_str()) return std::nullopt;
    return d;
  }
  return std::nullopt;
}

const bj::value* find(const bj::object& o, std::string_view key) {
  return o.if_contains(bj::string_view(key.data(), key.size()));
}

std::optional<std::string_view> get_string(const bj::object& o, std::string_view key) {
  const bj::value* v = find(o, key);
  if (!v || !v->is_string() || sentinel_text(*v)) return std::nullopt;
  return std::string_view(v->get_string().data(), v->get_string().size());
}

}  // namespace ember::json
