// NewRegistrySchemaResolver: connect::SchemaResolver over the runtime's registry (app.h). The
// seam keeps the registry free of connect and stream: they see only connect.h's interface.
#include <fmt/format.h>

#include "app/app.h"
#include "avro/avro.h"
#include "registry/registry.h"

namespace kappa::app {
namespace {

bool IsSchemaNotFound(const Status& s) {
  return s.protocol_code() == registry::kSchemaNotFound || s.IsNotFound();
}

class RegistrySchemaResolver final : public connect::SchemaResolver {
 public:
  explicit RegistrySchemaResolver(Runtime* runtime) : runtime_(runtime) {}

  Result<int32_t> Register(std::string_view subject, std::string_view schema,
                           std::string_view type) override {
    ASSIGN_OR_RETURN(std::shared_ptr<registry::Registry> reg, runtime_->SchemaRegistry());
    ASSIGN_OR_RETURN(registry::RegisteredSchema r, reg->Register(subject, schema, type));
    return r.id;
  }

  Result<connect::ResolvedSchema> Lookup(int32_t id) override {
    ASSIGN_OR_RETURN(std::shared_ptr<registry::Registry> reg, runtime_->SchemaRegistry());
    auto r = reg->GetSchemaById(id);
    if (!r.ok() && IsSchemaNotFound(r.status())) {
      // Another registry instance on the same log (another process on the cluster) may have
      // written it since this one last read the log.
      RETURN_IF_ERROR(reg->CatchUp());
      r = reg->GetSchemaById(id);
    }
    if (!r.ok()) {
      if (IsSchemaNotFound(r.status())) {
        return Status::NotFound(fmt::format("schema id {} is not registered", id));
      }
      return r.status();
    }
    connect::ResolvedSchema out{id, r->type, r->schema};
    if (r->type == "AVRO" && !r->references.empty()) {
      // libavro-c takes one self-contained schema: the referenced named types written out.
      std::vector<std::string> refs;
      RETURN_IF_ERROR(Referenced(*reg, r->references, 0, &refs));
      ASSIGN_OR_RETURN(std::shared_ptr<const avro::Schema> parsed, avro::Parse(r->schema, refs));
      out.schema = parsed->SelfContainedForm();
    }
    return out;
  }

 private:
  // The texts of `refs` and of what they reference, each after the ones it uses.
  Status Referenced(const registry::Registry& reg, const std::vector<registry::SchemaReference>& refs,
                    int depth, std::vector<std::string>* out) {
    if (depth > 32) return Status::InvalidArgument("schema references nest deeper than 32");
    for (const registry::SchemaReference& ref : refs) {
      ASSIGN_OR_RETURN(registry::RegisteredSchema s,
                       reg.GetVersion(ref.subject, ref.version, /*include_deleted=*/true));
      RETURN_IF_ERROR(Referenced(reg, s.references, depth + 1, out));
      if (std::find(out->begin(), out->end(), s.schema) == out->end()) out->push_back(s.schema);
    }
    return Status::OK();
  }

  Runtime* runtime_;
};

}  // namespace

std::unique_ptr<connect::SchemaResolver> NewRegistrySchemaResolver(Runtime* runtime) {
  return std::make_unique<RegistrySchemaResolver>(runtime);
}

}  // namespace kappa::app
