#include "fhir/normalize.h"

#include <cstdint>

namespace ember::fhir {

namespace {

// Base letters of U+00C0..U+00FF; "" keeps the character (× and ÷).
constexpr std::string_view kLatin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // C0-CF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",  // D0-DF
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",   // E0-EF
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y",   // F0-FF
};

// Base letters of U+0100..U+017F (Latin Extended-A), one entry per code point.
constexpr std::string_view kLatinExtA[128] = {
    "a", "a", "a",  "a",  "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",  // 100
    "d", "d", "e",  "e",  "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",  // 110
    "g", "g", "g",  "g",  "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",  // 120
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",  // 130
    "l", "l", "l",  "n",  "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",  // 140
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  // 150
    "s", "s", "t",  "t",  "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",  // 160
    "u", "u", "u",  "u",  "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",  // 170
};

bool is_space(std::uint32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
         cp == 0xA0;
}

// Decodes one UTF-8 sequence at s[i]; returns its length, or 0 when it is not well-formed.
std::size_t decode(std::string_view s, std::size_t i, std::uint32_t& cp) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t len = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
  if (len == 0 || i + len > s.size()) return 0;
  if (len == 1) {
    cp = c;
    return 1;
  }
  cp = c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  return len;
}

}  // namespace

std::string normalize_string(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  const auto emit = [&](std::string_view piece) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out += piece;
  };
  for (std::size_t i = 0; i < text.size();) {
    std::uint32_t cp = 0;
    std::size_t len = decode(text, i, cp);
    if (len == 0) {  // not UTF-8: keep the byte as it is
      emit(text.substr(i, 1));
      ++i;
      continue;
    }
    std::string_view raw = text.substr(i, len);
    i += len;
    if (is_space(cp)) {
      pending_space = true;
    } else if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      emit(std::string_view(&c, 1));
    } else if (cp >= 0x300 && cp <= 0x36F) {
      // combining mark: dropped, as its base letter was already emitted
    } else if (cp >= 0xC0 && cp <= 0xFF && !kLatin1[cp - 0xC0].empty()) {
      emit(kLatin1[cp - 0xC0]);
    } else if (cp >= 0x100 && cp <= 0x17F) {
      emit(kLatinExtA[cp - 0x100]);
    } else {
      emit(raw);
    }
  }
  return out;
}

}  // namespace ember::fhir
