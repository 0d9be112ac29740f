// NewMemorySchemaResolver: a registry in memory for tests and benchmarks (connect.h).
#include <map>

#include "common/mutex.h"
#include "connect/connect.h"

namespace kappa::connect {
namespace {

class MemorySchemaResolver final : public SchemaResolver {
 public:
  Result<int32_t> Register(std::string_view subject, std::string_view schema,
                           std::string_view type) override {
    MutexLock l(mu_);
    auto key = std::make_pair(std::string(type), std::string(schema));
    auto it = ids_.find(key);
    if (it != ids_.end()) return it->second;
    const int32_t id = int32_t(schemas_.size()) + 1;
    ids_.emplace(key, id);
    schemas_.push_back(ResolvedSchema{id, key.first, key.second});
    (void)subject;
    return id;
  }
  Result<ResolvedSchema> Lookup(int32_t id) override {
    MutexLock l(mu_);
    if (id < 1 || size_t(id) > schemas_.size()) {
      return Status::NotFound("schema id " + std::to_string(id) + " is not registered");
    }
    return schemas_[size_t(id) - 1];
  }

 private:
  Mutex mu_;
  std::map<std::pair<std::string, std::string>, int32_t> ids_ GUARDED_BY(mu_);
  std::vector<ResolvedSchema> schemas_ GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<SchemaResolver> NewMemorySchemaResolver() {
  return std::make_unique<MemorySchemaResolver>();
}

}  // namespace kappa::connect
