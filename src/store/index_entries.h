// Search-index rows extracted from one resource at write time (see fhir/indexer.h). The store
// keeps them beside the resource's current version and replaces them on every write.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ember::store {

struct IndexEntries {
  struct String {
    std::string param;
    std::string normalized;  // lower case, accents folded, whitespace collapsed
    std::string exact;       // as written
  };
  struct Token {
    std::string param;
    std::string system;  // "" when the value had none
    std::string code;
    std::string text;  // display / CodeableConcept.text, normalized like String
  };
  struct Reference {
    std::string param;
    std::string target_type;  // "" when not a relative/local reference
    std::string target_id;
    std::string url;  // the reference as written (absolute or relative)
  };
  struct Date {
    std::string param;
    std::int64_t lo_ms = 0;  // inclusive range of the value (its precision, or a Period)
    std::int64_t hi_ms = 0;
  };
  struct Number {  // Number and Quantity
    std::string param;
    double value = 0;
    std::string system;  // Quantity only
    std::string code;    // Quantity only
  };
  struct Uri {
    std::string param;
    std::string value;
  };

  std::vector<String> strings;
  std::vector<Token> tokens;
  std::vector<Reference> references;
  std::vector<Date> dates;
  std::vector<Number> numbers;
  std::vector<Uri> uris;
};

}  // namespace ember::store
