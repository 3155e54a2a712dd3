// Test support: a fixture with a real SQLite auth store in a fresh temporary folder per test,
// removed after it (used by the limiter and sample-app registration tests).
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "store/auth_store.h"

namespace ember::test_support {

class TempAuthStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ember-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = store::open_auth_store(store::StoreOptions{"sqlite:" + (dir_ / "t.db").string()});
    ASSERT_TRUE(s) << s.error().message;
    auth_ = std::move(*s);
  }
  void TearDown() override {
    auth_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::AuthStore> auth_;
};

}  // namespace ember::test_support
