// Shared helpers for the seed tests: a Sink that keeps everything it is given, and a walk over
// every "reference" in a resource.
#pragma once
#include <boost/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "seed/seed.h"

namespace ember::seed::testing {

struct Put {
  std::string type;
  std::string id;
  std::string json;
};

class CollectingSink final : public Sink {
 public:
  void put(std::string_view type, std::string_view id, std::string json) override {
    puts.push_back({std::string(type), std::string(id), std::move(json)});
  }
  std::vector<Put> puts;
};

inline std::vector<Put> run(int patients, std::uint64_t seed = 1) {
  CollectingSink sink;
  generate(SeedOptions{patients, seed}, sink);
  return std::move(sink.puts);
}

// Calls f with each string value of a key named "reference", anywhere in v.
inline void for_each_reference(const boost::json::value& v,
                               const std::function<void(std::string_view)>& f) {
  if (v.is_object()) {
    for (const auto& [key, child] : v.get_object()) {
      if (key == "reference" && child.is_string()) {
        f(std::string_view(child.get_string().data(), child.get_string().size()));
      } else {
        for_each_reference(child, f);
      }
    }
  } else if (v.is_array()) {
    for (const auto& child : v.get_array()) for_each_reference(child, f);
  }
}

}  // namespace ember::seed::testing
