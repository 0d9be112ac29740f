// The synthetic randomuser source: pages first_page, first_page+1, ... of one generator.
#include <atomic>
#include <mutex>

#include "connect/connect.h"
#include "connect/randomuser_data.h"
#include "connect/randomuser_generator.h"

namespace kappa::connect {
namespace {

class RandomUserSource final : public Source, public StructuredSource {
 public:
  RandomUserSource(std::unique_ptr<RandomUserGenerator> gen, const RandomUserOptions& opts)
      : gen_(std::move(gen)), opts_(opts), next_page_(opts.first_page) {}

  Status NextPage(std::string* page) override { return NextPageStructured(page, nullptr); }
  StructuredSource* AsStructured() override { return this; }

  Status NextPageStructured(std::string* page, std::vector<SyntheticUser>* users,
                            bool digests = true) override {
    if (stopped_.load(std::memory_order_acquire)) return Status::Aborted("source stopped");
    uint32_t n = gen_->GeneratePage(next_page_++, page, users, digests);
    pages_.fetch_add(1, std::memory_order_relaxed);
    users_.fetch_add(n, std::memory_order_relaxed);
    return Status::OK();
  }
  void Stop() override { stopped_.store(true, std::memory_order_release); }
  SourceStats stats() const override {
    SourceStats s;
    s.pages = pages_.load(std::memory_order_relaxed);
    s.users = users_.load(std::memory_order_relaxed);
    return s;
  }
  std::string Describe() const override {
    return "randomuser(seed=" + opts_.seed + ", results=" + std::to_string(opts_.results) + ")";
  }

 private:
  std::unique_ptr<RandomUserGenerator> gen_;
  RandomUserOptions opts_;
  uint64_t next_page_;  // only touched by the NextPage thread
  std::atomic<bool> stopped_{false};
  std::atomic<uint64_t> pages_{0}, users_{0};
};

}  // namespace

Result<std::unique_ptr<Source>> NewRandomUserSource(const RandomUserOptions& opts) {
  ASSIGN_OR_RETURN(auto gen, RandomUserGenerator::Create(opts));
  return std::unique_ptr<Source>(new RandomUserSource(std::move(gen), opts));
}

Result<uint32_t> GenerateRandomUserPage(const RandomUserOptions& opts, uint64_t page,
                                        std::string* out) {
  ASSIGN_OR_RETURN(auto gen, RandomUserGenerator::Create(opts));
  return gen->GeneratePage(page, out);
}

std::vector<std::string> SupportedNationalities() {
  std::vector<std::string> v;
  for (const Nationality& n : Nationalities()) v.emplace_back(n.code);
  return v;
}

}  // namespace kappa::connect
