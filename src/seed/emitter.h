// Hands finished resources to the caller's Sink as exact JSON text and counts them. The type and
// id passed to Sink::put are read from the resource itself, so they can never disagree with it.
#pragma once
#include <boost/json.hpp>
#include <cstddef>

#include "seed/seed.h"

namespace ember::seed {

class Emitter {
 public:
  explicit Emitter(Sink& sink) : sink_(sink) {}

  // `resource` must start with resourceType and id (see fhir_json.h resource()). Taken by
  // value: serialize_exact needs a json::value, and moving the object into one avoids a copy.
  void emit(boost::json::object resource);
  std::size_t count() const { return count_; }

 private:
  Sink& sink_;
  std::size_t count_ = 0;
};

}  // namespace ember::seed
