#include "jose/strict_json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <string>
#include <vector>

namespace ember::jose {

namespace {

namespace bj = boost::json;

// A SAX pass that only watches member names, one name list per open object.
struct DuplicateFinder {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::vector<std::vector<std::string>> open_objects;
  std::string key;
  bool duplicate = false;

  bool on_document_begin(bj::error_code&) { return true; }
  bool on_document_end(bj::error_code&) { return true; }
  bool on_array_begin(bj::error_code&) { return true; }
  bool on_array_end(std::size_t, bj::error_code&) { return true; }
  bool on_object_begin(bj::error_code&) {
    open_objects.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, bj::error_code&) {
    open_objects.pop_back();
    return true;
  }
  bool on_string_part(bj::string_view, std::size_t, bj::error_code&) { return true; }
  bool on_string(bj::string_view, std::size_t, bj::error_code&) { return true; }
  bool on_key_part(bj::string_view s, std::size_t, bj::error_code&) {
    key.append(s.data(), s.size());
    return true;
  }
  bool on_key(bj::string_view s, std::size_t, bj::error_code& ec) {
    key.append(s.data(), s.size());
    auto& names = open_objects.back();
    for (const auto& n : names) {
      if (n == key) {
        duplicate = true;
        ec = bj::error::syntax;
        return false;
      }
    }
    names.push_back(std::move(key));
    key.clear();
    return true;
  }
  bool on_number_part(bj::string_view, bj::error_code&) { return true; }
  bool on_int64(std::int64_t, bj::string_view, bj::error_code&) { return true; }
  bool on_uint64(std::uint64_t, bj::string_view, bj::error_code&) { return true; }
  bool on_double(double, bj::string_view, bj::error_code&) { return true; }
  bool on_bool(bool, bj::error_code&) { return true; }
  bool on_null(bj::error_code&) { return true; }
  bool on_comment_part(bj::string_view, bj::error_code&) { return true; }
  bool on_comment(bj::string_view, bj::error_code&) { return true; }
};

bj::parse_options options() {
  bj::parse_options opt;
  opt.max_depth = kMaxJsonDepth;
  return opt;
}

}  // namespace

Result<bj::object, Error> parse_object_strict(std::string_view text) {
  {
    bj::basic_parser<DuplicateFinder> scan(options());
    bj::error_code ec;
    scan.write_some(false, text.data(), text.size(), ec);
    if (scan.handler().duplicate) return fail(Error::DuplicateMember);
    if (ec || !scan.done()) return fail(Error::Malformed);
  }
  bj::error_code ec;
  bj::value v = bj::parse(text, ec, {}, options());
  if (ec || !v.is_object()) return fail(Error::Malformed);
  return std::move(v.as_object());
}

}  // namespace ember::jose
