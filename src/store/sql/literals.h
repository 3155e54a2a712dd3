// Values in the text forms PostgreSQL parses: exact doubles and array literals. The PostgreSQL
// connection sends every parameter as text; the resource store passes index rows as arrays.
#pragma once
#include <string>
#include <vector>

namespace ember::store::sql {

// The shortest text that reads back as exactly v; NaN and ±Infinity as PostgreSQL spells them.
std::string double_text(double v);

// An array literal with every element quoted: {"a","b\"c"}. It casts to TEXT[], and to
// BIGINT[] or DOUBLE PRECISION[] when the elements are numbers.
std::string array_literal(const std::vector<std::string>& values);

}  // namespace ember::store::sql
