#include "fhir/patient_summary.h"

#include "json/exact.h"

namespace ember::fhir {

namespace bj = boost::json;

namespace {

// A string field's value; "" when absent or not a string.
std::string str(const bj::object& o, std::string_view key) {
  auto v = json::get_string(o, key);
  return v ? std::string(*v) : std::string();
}

bool typed_mr(const bj::object& identifier) {
  const bj::value* type = json::find(identifier, "type");
  if (!type || !type->is_object()) return false;
  const bj::value* codings = json::find(type->get_object(), "coding");
  if (!codings || !codings->is_array()) return false;
  for (const auto& c : codings->get_array()) {
    if (c.is_object() && json::get_string(c.get_object(), "code") == "MR") return true;
  }
  return false;
}

}  // namespace

std::string human_name(const bj::object& patient, std::string_view if_none) {
  const bj::value* names = json::find(patient, "name");
  if (!names || !names->is_array() || names->get_array().empty() ||
      !names->get_array()[0].is_object()) {
    return std::string(if_none);
  }
  const auto& name = names->get_array()[0].get_object();
  if (auto text = str(name, "text"); !text.empty()) return text;
  std::string out;
  const auto add = [&out](std::string_view part) {
    if (part.empty()) return;
    if (!out.empty()) out += ' ';
    out += part;
  };
  if (const bj::value* given = json::find(name, "given"); given && given->is_array()) {
    for (const auto& part : given->get_array()) {
      if (part.is_string()) add(part.get_string());
    }
  }
  add(str(name, "family"));
  return out.empty() ? std::string(if_none) : out;
}

std::string mrn_of(const bj::object& patient) {
  const bj::value* ids = json::find(patient, "identifier");
  if (!ids || !ids->is_array()) return "";
  for (const auto& idv : ids->get_array()) {
    if (!idv.is_object()) continue;
    const auto& id = idv.get_object();
    const auto system = json::get_string(id, "system");
    if (typed_mr(id) || (system && system->find("mrn") != std::string_view::npos)) {
      if (auto value = str(id, "value"); !value.empty()) return value;
    }
  }
  return "";
}

}  // namespace ember::fhir
