// A read-only JSON value for callers of the SMART client: FHIR resources, Bundles and token
// responses come back as Json, which navigates without throwing (a missing member or index is
// a null Json) and serializes with every number's original text (FHIR decimals keep "1.50").
// Copies are cheap: they share the parsed document.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ember/client/error.h"

namespace ember::client {

class Json {
 public:
  // A null value.
  Json();

  // Parses JSON text (RFC 8259; depth bounded). InvalidResponse on bad input.
  [[nodiscard]] static Result<Json> parse(std::string_view text);

  bool is_null() const;
  bool is_object() const;
  bool is_array() const;
  bool is_string() const;
  bool is_number() const;
  bool is_bool() const;

  // Member of an object, or null (missing member or not an object).
  Json operator[](std::string_view key) const;
  Json operator[](const char* key) const { return (*this)[std::string_view(key)]; }
  // Element of an array, or null (out of range or not an array).
  Json operator[](std::size_t index) const;
  Json operator[](int index) const { return (*this)[static_cast<std::size_t>(index)]; }
  // Elements of an array or members of an object; 0 for anything else.
  std::size_t size() const;
  // An object's member names in document order; empty for anything else.
  std::vector<std::string> keys() const;
  // An array's elements (each a Json); empty for anything else.
  std::vector<Json> items() const;

  // The string, if this is a string.
  std::optional<std::string> string() const;
  // The string, or `fallback` for anything else (handy for display code).
  std::string string_or(std::string_view fallback = {}) const;
  // The number as a double / an integer (nullopt if not a number or not integral).
  std::optional<double> number() const;
  std::optional<std::int64_t> integer() const;
  std::optional<bool> boolean() const;

  // Compact JSON text, numbers exactly as received.
  std::string dump() const;
  // Indented JSON text (two spaces), numbers exactly as received.
  std::string pretty() const;

 private:
  struct Document;
  Json(std::shared_ptr<const Document> doc, const void* node);
  std::shared_ptr<const Document> doc_;
  const void* node_ = nullptr;  // a node inside doc_; nullptr means null
};

}  // namespace ember::client
