// Test support: a fixture with a real SQLite auth store in a fresh temporary folder per test,
// removed after it (used by the limiter, sample-app registration and apps-file tests).
#pragma once
#include <memory>

#include "store/auth_store.h"
#include "temp_dir.h"

namespace ember::test_support {

class TempAuthStoreTest : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    auto s = store::open_auth_store(store::StoreOptions{"sqlite:" + (dir_ / "t.db").string()});
    ASSERT_TRUE(s) << s.error().message;
    auth_ = std::move(*s);
  }
  void TearDown() override {
    auth_.reset();
    TempDirTest::TearDown();
  }

  std::unique_ptr<store::AuthStore> auth_;
};

}  // namespace ember::test_support
