// The seed writer: sample data goes through the same validation, stamping and indexing as the
// REST API, in batched store transactions.
#include "fhir/api.h"
#include "fhir/ingest.h"

#include <stdexcept>

namespace ember::fhir {

namespace {

class StoreSeedWriter final : public SeedWriter {
 public:
  StoreSeedWriter(store::ResourceStore& store, std::size_t batch) : store_(store), batch_(batch) {}

  void put(std::string_view type, std::string_view id, std::string json) override {
    auto res = parse_resource(json, type);
    if (!res) {
      // Generated data that fails validation is a bug in the generator: stop loudly.
      throw std::runtime_error("seed: invalid " + std::string(type) + "/" + std::string(id) +
                               ": " + res.error().diagnostics);
    }
    pending_.push_back(make_put(std::string(type), std::string(id), std::move(*res)));
    if (pending_.size() >= batch_) flush();
  }

  void flush() override {
    if (pending_.empty()) return;
    auto w = store_.write(std::move(pending_));
    pending_.clear();
    if (!w) throw std::runtime_error("seed: store write failed: " + w.error().message);
  }

 private:
  store::ResourceStore& store_;
  std::size_t batch_;
  std::vector<store::WriteOp> pending_;
};

}  // namespace

std::unique_ptr<SeedWriter> make_seed_writer(store::ResourceStore& store, const Clock&,
                                             std::size_t batch_size) {
  return std::make_unique<StoreSeedWriter>(store, batch_size);
}

}  // namespace ember::fhir
