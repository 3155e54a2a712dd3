// Test support: a private in-memory SQLite resource store per test, on a manual clock. The base
// of the FHIR-layer fixtures (REST handlers, patient search, the audit hooks, the seed writer).
#pragma once
#include <gtest/gtest.h>

#include <memory>

#include "core/clock.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"

namespace ember::test_support {

class MemoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = store::sqlite::open_sqlite_store(":memory:", clock_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }

  ManualClock clock_;
  std::unique_ptr<store::ResourceStore> store_;
};

}  // namespace ember::test_support
