// Query redaction and patient extraction for the audit trail (see redact.h).
#include "audit/redact.h"

#include <algorithm>
#include <array>

#include "http/url.h"

namespace ember::audit {

namespace {

constexpr std::array<std::string_view, 12> kSecretParams = {
    "access_token", "code",     "code_verifier",         "refresh_token",
    "client_secret", "client_assertion", "assertion",    "password",
    "token",        "id_token_hint", "registration_access_token", "subject_token"};

bool id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.';
}

// The FHIR id at the start of `s` when it is a whole id (1..64 id characters, then the end or a
// character that cannot continue a reference path, e.g. '"' or ','); "" otherwise.
std::string_view leading_id(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && n < 65 && id_char(s[n])) ++n;
  if (n == 0 || n > 64) return {};
  if (n < s.size() && s[n] == '/') return {};  // Patient/x/_history/… is still x, but be strict
  return s.substr(0, n);
}

void add_reference_value(Event& e, std::string_view v, std::string_view fhir_base, bool bare_ok) {
  if (!fhir_base.empty() && v.size() > fhir_base.size() && v.starts_with(fhir_base) &&
      v[fhir_base.size()] == '/') {
    v.remove_prefix(fhir_base.size() + 1);
  }
  if (v.starts_with("Patient/")) {
    v.remove_prefix(8);
  } else if (!bare_ok || v.find('/') != std::string_view::npos) {
    return;
  }
  auto id = leading_id(v);
  if (id.size() == v.size()) add_patient(e, id);
}

void scan(Event& e, std::string_view json, std::string_view needle) {
  std::size_t pos = 0;
  while (e.patients.size() < kMaxPatients) {
    pos = json.find(needle, pos);
    if (pos == std::string_view::npos) return;
    pos += needle.size();
    auto id = leading_id(json.substr(pos));
    if (!id.empty() && pos + id.size() < json.size() && json[pos + id.size()] == '"') {
      add_patient(e, id);
    }
  }
}

}  // namespace

bool is_secret_param(std::string_view name) {
  for (auto s : kSecretParams) {
    if (name == s) return true;
  }
  return false;
}

std::string safe_query(const http::QueryParams& params) {
  http::QueryParams kept;
  kept.reserve(params.size());
  for (const auto& p : params) {
    kept.push_back({p.name, is_secret_param(p.name) ? std::string("[redacted]") : p.value});
  }
  return http::encode_query(kept);
}

void add_patients_from_query(Event& e, std::string_view type, const http::QueryParams& params,
                             std::string_view fhir_base) {
  for (const auto& p : params) {
    std::string_view name = p.name;
    if (auto colon = name.find(':'); colon != std::string_view::npos) {
      // patient:Patient / subject:Patient keep their meaning; other modifiers (:missing, :not …)
      // do not name a patient.
      if (name.substr(colon + 1) != "Patient") continue;
      name = name.substr(0, colon);
    }
    const bool patient_param = name == "patient";
    const bool reference_param = name == "subject" || name == "beneficiary" || name == "focus";
    const bool patient_id = type == "Patient" && name == "_id";
    if (!patient_param && !reference_param && !patient_id) continue;
    std::string_view values = p.value;
    while (!values.empty()) {
      auto comma = values.find(',');
      std::string_view v = values.substr(0, comma);
      add_reference_value(e, v, fhir_base, patient_param || patient_id);
      if (comma == std::string_view::npos) break;
      values.remove_prefix(comma + 1);
    }
  }
}

void add_patients_from_json(Event& e, std::string_view json, std::string_view fhir_base) {
  scan(e, json, "\"reference\":\"Patient/");
  if (!fhir_base.empty()) {
    std::string abs_ref = "\"reference\":\"" + std::string(fhir_base) + "/Patient/";
    scan(e, json, abs_ref);
    std::string full_url = "\"fullUrl\":\"" + std::string(fhir_base) + "/Patient/";
    scan(e, json, full_url);
  }
}

std::string clean_text(std::string_view s, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes));
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    if (c >= 0x20 && c < 0x7f) len = 1;
    else if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c >= 0xe0 && c <= 0xef) len = 3;
    else if (c >= 0xf0 && c <= 0xf4) len = 4;
    bool ok = len > 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    }
    if (ok && len == 3) {  // no overlongs, no surrogates
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xe0 && c1 < 0xa0) && !(c == 0xed && c1 >= 0xa0);
    } else if (ok && len == 4) {
      const auto c1 = static_cast<unsigned char>(s[i + 1]);
      ok = !(c == 0xf0 && c1 < 0x90) && !(c == 0xf4 && c1 >= 0x90);
    }
    if (!ok) len = 1;
    if (out.size() + (ok ? len : 1) > max_bytes) {
      out += "\xe2\x80\xa6";  // …
      break;
    }
    if (ok) out.append(s.substr(i, len));
    else out += '?';
    i += len;
  }
  return out;
}

std::string base64_encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace ember::audit
