// The MetaStore contract as a parameterized GoogleTest suite: every implementation
// (OpenStoreMetaStore, NewMemoryMetaStore) runs the same tests. An implementation joins with
//   INSTANTIATE_TEST_SUITE_P(Name, MetaStoreContract,
//       ::testing::Values(MetaStoreFactory{"name", [] { return MakeEnv(); }}), FactoryName);
// where the env owns whatever backs the store (a temp dir and a store::Store, or nothing).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "orchestrator/orchestrator.h"

namespace kappa::orchestrator {

// Owns a MetaStore and what it is built on.
struct MetaStoreEnv {
  virtual ~MetaStoreEnv() = default;
  virtual MetaStore* meta() = 0;
};

struct MetaStoreFactory {
  std::string name;
  std::function<std::unique_ptr<MetaStoreEnv>()> make;
};

inline std::string FactoryName(const ::testing::TestParamInfo<MetaStoreFactory>& info) {
  return info.param.name;
}

class MetaStoreContract : public ::testing::TestWithParam<MetaStoreFactory> {
 protected:
  void SetUp() override { env_ = GetParam().make(); }
  MetaStore* meta() { return env_->meta(); }
  std::unique_ptr<MetaStoreEnv> env_;
};

}  // namespace kappa::orchestrator
