#include "fhir/patient_search.h"

#include <string>

#include "fhir/normalize.h"

namespace ember::fhir {

store::Query patient_search_query(std::string_view text, std::size_t limit) {
  store::Query q;
  q.resource_type = "Patient";
  q.count = limit;
  q.total = store::TotalMode::None;
  q.sort.push_back({"family", store::ParamType::String, false});
  if (!text.empty()) {
    store::Predicate name;
    name.param = "name";
    name.type = store::ParamType::String;
    name.text = normalize_string(text);
    store::Predicate identifier;  // an MRN typed exactly
    identifier.param = "identifier";
    identifier.type = store::ParamType::Token;
    identifier.code = std::string(text);
    q.all_of.push_back({{name, identifier}});  // one clause: name OR identifier
  }
  return q;
}

}  // namespace ember::fhir
