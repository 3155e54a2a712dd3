// The seed writer (fhir/seed_writer.cc): every resource put is in the store after flush(), in
// batches written on the writer's own thread; invalid data and store failures reach the caller
// as exceptions, and after a failure nothing more is written.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>

#include "../support/memory_store.h"
#include "core/clock.h"
#include "fhir/api.h"
#include "store/sqlite/sqlite_store.h"

namespace ember::fhir {
namespace {

std::string patient(int i) {
  return R"({"resourceType":"Patient","id":"p)" + std::to_string(i) +
         R"(","name":[{"family":"Doe"}]})";
}

// A store whose writes fail from the `fail_from`-th call on; counts calls and ops written.
class FailingStore final : public store::ResourceStore {
 public:
  FailingStore(store::ResourceStore& inner, int fail_from) : inner_(inner), fail_from_(fail_from) {}
  store::StoreResult<store::ResourceRecord> read(const std::string& t,
                                                 const std::string& i) override {
    return inner_.read(t, i);
  }
  store::StoreResult<store::ResourceRecord> vread(const std::string& t, const std::string& i,
                                                  std::int64_t v) override {
    return inner_.vread(t, i, v);
  }
  store::StoreResult<store::SearchPage> history(const store::HistoryQuery& q) override {
    return inner_.history(q);
  }
  store::StoreResult<store::SearchPage> search(const store::Query& q) override {
    return inner_.search(q);
  }
  store::StoreResult<std::vector<store::ReferenceTarget>> references(
      const std::string& t, const std::vector<std::string>& ids, const std::string& p) override {
    return inner_.references(t, ids, p);
  }
  store::StoreResult<std::vector<store::WriteResult>> write(
      std::vector<store::WriteOp> ops) override {
    if (++calls >= fail_from_) {
      return fail(store::StoreError{store::StoreErrc::Unavailable, "disk full"});
    }
    return inner_.write(std::move(ops));
  }
  void optimize() override {}
  bool ping() override { return true; }
  std::string describe() const override { return "failing"; }

  std::atomic<int> calls{0};

 private:
  store::ResourceStore& inner_;
  int fail_from_;
};

class SeedWriterTest : public test_support::MemoryStoreTest {
 protected:
  std::size_t patients() {
    store::Query q;
    q.resource_type = "Patient";
    q.count = 1000;
    auto page = store_->search(q);
    EXPECT_TRUE(page) << page.error().message;
    return page ? page->resources.size() : 0;
  }
};

TEST_F(SeedWriterTest, EveryResourceIsWrittenByFlush) {
  auto w = make_seed_writer(*store_, clock_, /*batch_size=*/7);
  for (int i = 0; i < 100; ++i) w->put("Patient", "p" + std::to_string(i), patient(i));
  w->flush();
  EXPECT_EQ(patients(), 100u);
  auto rec = store_->read("Patient", "p99");
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->version, 1);
  EXPECT_NE(rec->json.find(R"("versionId":"1")"), std::string::npos);  // stamped like REST
}

TEST_F(SeedWriterTest, InvalidDataThrowsOnTheCallersThread) {
  auto w = make_seed_writer(*store_, clock_, 10);
  EXPECT_THROW(w->put("Patient", "bad", R"({"resourceType":"Patient","id":"bad","gender":null})"),
               std::runtime_error);
  w->flush();
  EXPECT_EQ(patients(), 0u);
}

TEST_F(SeedWriterTest, AStoreFailureReachesTheCallerAndStopsTheWrites) {
  FailingStore failing(*store_, /*fail_from=*/3);
  auto w = make_seed_writer(failing, clock_, 5);
  bool thrown = false;
  try {
    for (int i = 0; i < 200; ++i) w->put("Patient", "p" + std::to_string(i), patient(i));
    w->flush();
  } catch (const std::runtime_error& e) {
    thrown = true;
    EXPECT_NE(std::string(e.what()).find("disk full"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(thrown);
  w.reset();                   // joins the writer thread
  EXPECT_EQ(patients(), 10u);  // the two batches before the failure
  // Batches queued behind the failed one are dropped, not attempted.
  EXPECT_EQ(failing.calls.load(), 3);
}

}  // namespace
}  // namespace ember::fhir
