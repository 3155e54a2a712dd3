#include "seed/fhir_json.h"

#include <cstdlib>

#include "json/exact.h"

namespace ember::seed {

namespace {
bj::string_view sv(std::string_view s) {
  return bj::string_view(s.data(), s.size());
}
}  // namespace

std::string fixed_text(std::int64_t scaled, int places) {
  std::string digits = std::to_string(scaled < 0 ? -scaled : scaled);
  if (places > 0) {
    if (digits.size() <= static_cast<std::size_t>(places)) {
      digits.insert(0, static_cast<std::size_t>(places) - digits.size() + 1, '0');
    }
    digits.insert(digits.size() - static_cast<std::size_t>(places), 1, '.');
  }
  if (scaled < 0) digits.insert(0, 1, '-');
  return digits;
}

bj::value decimal(std::int64_t scaled, int places) {
  if (places == 0) return bj::value(scaled);
  return json::make_number(fixed_text(scaled, places));
}

bj::object coding(const Code& code) {
  bj::object o;
  o.reserve(3);
  o.emplace("system", sv(code.system));
  o.emplace("code", sv(code.code));
  if (!code.display.empty()) o.emplace("display", sv(code.display));
  return o;
}

bj::object codeable(const Code& code) {
  return codeable(code, code.display);
}

bj::object codeable(const Code& code, std::string_view text) {
  bj::object o;
  o.reserve(2);
  o.emplace("coding", one(coding(code)));
  if (!text.empty()) o.emplace("text", sv(text));
  return o;
}

bj::object text_codeable(std::string_view text) {
  bj::object o;
  o.emplace("text", sv(text));
  return o;
}

bj::object reference(std::string_view type, std::string_view id, std::string_view display) {
  std::string ref;
  ref.reserve(type.size() + 1 + id.size());
  ref.append(type).push_back('/');
  ref.append(id);
  bj::object o;
  o.reserve(2);
  o.emplace("reference", sv(ref));
  if (!display.empty()) o.emplace("display", sv(display));
  return o;
}

bj::object quantity(std::int64_t scaled, int places, const Unit& unit) {
  bj::object o;
  o.reserve(4);
  o.emplace("value", decimal(scaled, places));
  o.emplace("unit", sv(unit.display));
  o.emplace("system", sv(cs::kUcum));
  o.emplace("code", sv(unit.code));
  return o;
}

bj::object identifier(std::string_view system, std::string_view value, std::string_view use) {
  bj::object o;
  o.reserve(3);
  if (!use.empty()) o.emplace("use", sv(use));
  o.emplace("system", sv(system));
  o.emplace("value", sv(value));
  return o;
}

bj::object period(std::string_view start, std::string_view end) {
  bj::object o;
  o.emplace("start", sv(start));
  if (!end.empty()) o.emplace("end", sv(end));
  return o;
}

bj::array one(bj::value v) {
  bj::array a;
  a.emplace_back(std::move(v));
  return a;
}

bj::object resource(std::string_view type, std::string_view id) {
  bj::object o;
  o.reserve(16);
  o.emplace("resourceType", sv(type));
  o.emplace("id", sv(id));
  return o;
}

std::string base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
                   static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 2]));
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
  }
  if (i < bytes.size()) {
    unsigned n = static_cast<unsigned>(static_cast<unsigned char>(bytes[i])) << 16;
    const bool two = i + 1 < bytes.size();
    if (two) n |= static_cast<unsigned>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(two ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace ember::seed
