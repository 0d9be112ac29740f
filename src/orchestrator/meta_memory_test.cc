// NewMemoryMetaStore joins the MetaStore contract suite (meta_store_contract_test.cc), so the
// history the engine's tests run over behaves as kappa's store does.
#include "orchestrator/meta_store_contract_test.h"

namespace kappa::orchestrator {
namespace {

struct MemoryEnv : MetaStoreEnv {
  std::unique_ptr<MetaStore> m = NewMemoryMetaStore();
  MetaStore* meta() override { return m.get(); }
};

INSTANTIATE_TEST_SUITE_P(Memory, MetaStoreContract,
                         ::testing::Values(MetaStoreFactory{
                             "memory",
                             [] { return std::unique_ptr<MetaStoreEnv>(new MemoryEnv); }}),
                         FactoryName);

}  // namespace
}  // namespace kappa::orchestrator
