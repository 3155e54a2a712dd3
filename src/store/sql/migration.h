// One versioned schema migration. Both backends keep the same versions and descriptions
// (store/sqlite/migrations.cc, store/postgres/migrations.cc), each in its own DDL.
#pragma once
#include <string_view>

namespace ember::store::sql {

struct Migration {
  int version;
  std::string_view description;
  std::string_view sql;
};

}  // namespace ember::store::sql
