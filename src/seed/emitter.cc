#include "seed/emitter.h"

#include "json/exact.h"

namespace ember::seed {

void Emitter::emit(boost::json::object resource) {
  const boost::json::value doc(std::move(resource));
  const auto& type = doc.at("resourceType").get_string();
  const auto& id = doc.at("id").get_string();
  sink_.put(std::string_view(type.data(), type.size()), std::string_view(id.data(), id.size()),
            json::serialize_exact(doc));
  ++count_;
}

}  // namespace ember::seed
