// The registry's state as the replay of `_schemas` builds it, record by record in log order
// (internal to src/registry). Deterministic: every instance applying the same records in the
// same order reaches the same state, which is what makes several writers safe.
//
// Conflict rule (docs/formats/registry-log.md): a SCHEMA record is ignored when
//   - its id already names a different schema (type, canonical form, references), or
//   - its schema already has a different id, or
//   - its subject/version already holds a different id.
// The first record in log order that claims an id or a subject/version wins.
//
// Not thread-safe: RegistryImpl guards it with its SharedMutex.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "registry/registry.h"
#include "registry/registry_record.h"
#include "registry/schema_type.h"

namespace kappa::registry {

using TypeLookup = std::function<const SchemaType*(std::string_view)>;

struct StoredSchema {
  std::string type;
  std::string text;
  std::vector<SchemaReference> references;
  std::shared_ptr<const ParsedSchema> parsed;
  std::string identity;  // IdentityOf(); one id per identity
  int32_t uses = 0;      // subject versions (live or soft-deleted) holding this id
};

struct VersionState {
  int32_t id = 0;
  bool deleted = false;
};

struct SubjectState {
  std::map<int32_t, VersionState> versions;
  std::optional<Compatibility> compatibility;
  std::optional<Mode> mode;
  bool HasLive() const;
  // The highest live version (0 if none).
  int32_t LatestLive() const;
};

class RegistryState {
 public:
  explicit RegistryState(TypeLookup types) : types_(std::move(types)) {}

  // Applies one record; false (with *why) when it is malformed or loses a conflict.
  bool Apply(std::string_view key, std::optional<std::string_view> value, std::string* why);

  // Resolves `refs` against the current state (soft-deleted versions included; kLatestVersion
  // means the latest live one) and parses. 42201 for an invalid schema or unknown type,
  // 40401/40402 for a reference that names nothing.
  Result<std::shared_ptr<const ParsedSchema>> Parse(std::string_view type, std::string_view text,
                                                    const std::vector<SchemaReference>& refs) const;
  // Reference versions as stored (kLatestVersion replaced by the number it names).
  Result<std::vector<SchemaReference>> PinReferences(
      const std::vector<SchemaReference>& refs) const;
  static std::string IdentityOf(const ParsedSchema& parsed,
                                const std::vector<SchemaReference>& refs);

  // A parse the writer already did, used by Apply for the same text instead of parsing again.
  void AddParseHint(std::string key, std::shared_ptr<const ParsedSchema> parsed);
  static std::string HintKey(std::string_view type, std::string_view text,
                             const std::vector<SchemaReference>& refs);

  const SubjectState* FindSubject(std::string_view subject) const;
  const StoredSchema* FindSchema(int32_t id) const;
  std::optional<int32_t> IdOf(const std::string& identity) const;
  // Live schema ids referencing subject/version.
  std::vector<int32_t> ReferencedBy(std::string_view subject, int32_t version) const;
  Compatibility EffectiveCompatibility(std::string_view subject) const;
  Mode EffectiveMode(std::string_view subject) const;
  bool Empty() const;  // no subject has a version

  const std::map<std::string, SubjectState, std::less<>>& subjects() const { return subjects_; }
  std::optional<Compatibility> global_compatibility() const { return global_compat_; }
  std::optional<Mode> global_mode() const { return global_mode_; }
  int32_t max_id() const { return max_id_; }
  // The last WRITER record's writer (nullopt: none announced yet).
  const std::optional<WriterValue>& writer() const { return writer_; }
  int64_t live_schemas() const { return live_schemas_; }

 private:
  Status ResolveInto(const std::vector<SchemaReference>& refs, int depth,
                     std::vector<ResolvedReference>* out) const;
  bool ApplySchema(const RecordKey& key, std::optional<std::string_view> value, std::string* why);
  void Unuse(int32_t id);

  TypeLookup types_;
  std::map<std::string, SubjectState, std::less<>> subjects_;
  std::unordered_map<int32_t, StoredSchema> schemas_;
  std::unordered_map<std::string, int32_t> ids_by_identity_;
  std::unordered_map<std::string, std::shared_ptr<const ParsedSchema>> hints_;
  std::optional<Compatibility> global_compat_;
  std::optional<Mode> global_mode_;
  std::optional<WriterValue> writer_;
  int32_t max_id_ = 0;
  int64_t live_schemas_ = 0;  // ids with uses > 0
};

}  // namespace kappa::registry
