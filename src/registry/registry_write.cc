// The write side of the Registry: registration, deletes, config and mode, each one or more
// records appended to the log and acknowledged only once the replay applied them
// (registry_impl.h has the protocol; docs/formats/registry-log.md the records).
#include <fmt/format.h>

#include "common/logging.h"
#include "registry/registry_errors.h"
#include "registry/registry_impl.h"

namespace kappa::registry {

namespace {

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    if (n < 0 || s.size() - i <= size_t(n)) return false;
    for (int k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += size_t(n) + 1;
  }
  return true;
}

Status CheckSubjectName(std::string_view subject) {
  if (subject.empty() || !ValidUtf8(subject)) {
    return RegistryError(ErrorCode(42208), "Invalid subject: it must be non-empty UTF-8");
  }
  return Status::OK();
}

SchemaLogRecord SchemaRecord(const SchemaValue& v) {
  return {EncodeKey({KeyType::kSchema, v.subject, v.version}), EncodeSchemaValue(v)};
}

}  // namespace

Status RegistryImpl::CheckWritable(std::string_view subject) const {
  if (state_.EffectiveMode(subject) == Mode::kReadOnly) return ReadOnlyMode(subject);
  return Status::OK();
}

Result<RegistryImpl::Prepared> RegistryImpl::Prepare(const RegisterRequest& r) const {
  RETURN_IF_ERROR(CheckSubjectName(r.subject));
  if (r.schema.empty()) return RegistryError(kInvalidSchema, "Empty schema");
  Prepared p;
  ASSIGN_OR_RETURN(p.refs, state_.PinReferences(r.references));
  ASSIGN_OR_RETURN(p.parsed, state_.Parse(r.type.empty() ? "AVRO" : r.type, r.schema, p.refs));
  p.text = r.normalize ? p.parsed->Text(true) : r.schema;
  p.identity = RegistryState::IdentityOf(*p.parsed, p.refs);
  return p;
}

Status RegistryImpl::AppendAndApply(const std::vector<SchemaLogRecord>& records) {
  auto offset = log_->Append(records);
  if (!offset.ok()) return StoreError(offset.status());
  Status s = CatchUpThrough(*offset);
  if (!s.ok()) return StoreError(s);
  return Status::OK();
}

Result<RegisteredSchema> RegistryImpl::Register(const RegisterRequest& request) {
  MutexLock w(write_mu_);
  Status s = CatchUpThrough(-1);
  if (!s.ok()) return StoreError(s);
  for (int attempt = 0; attempt < std::max(1, options_.max_write_attempts); ++attempt) {
    ASSIGN_OR_RETURN(auto done, TryRegister(request));
    if (done) return *done;
    KLOG_INFO("registry: registration under {} lost a race to another writer; retrying",
              request.subject);
  }
  return RegistryError(kStoreError, "Error while registering the schema: other writers kept "
                                    "winning the race for its id and version; try again");
}

Result<std::optional<RegisteredSchema>> RegistryImpl::TryRegister(const RegisterRequest& r) {
  SchemaValue v;
  std::string hint_key;
  std::shared_ptr<const ParsedSchema> parsed;
  std::string identity;
  {
    ReaderMutexLock l(mu_);
    RETURN_IF_ERROR(CheckWritable(r.subject));
    Mode mode = state_.EffectiveMode(r.subject);
    if ((r.id != 0 || r.version != 0) && mode != Mode::kImport) {
      return NotPermitted("Overriding the schema id or version is only permitted in IMPORT mode");
    }
    if (r.id < 0 || r.version < 0) return InvalidVersion(std::to_string(r.version));
    ASSIGN_OR_RETURN(Prepared p, Prepare(r));
    std::optional<int32_t> existing = state_.IdOf(p.identity);
    const SubjectState* s = state_.FindSubject(r.subject);
    if (existing && s != nullptr) {
      for (auto it = s->versions.rbegin(); it != s->versions.rend(); ++it) {
        if (it->second.id != *existing || it->second.deleted) continue;
        if (r.version != 0 && r.version != it->first) continue;
        if (r.id != 0 && r.id != *existing) break;
        RegisteredSchema out = Describe(*existing, *state_.FindSchema(*existing));
        out.subject = r.subject;
        out.version = it->first;
        return std::optional<RegisteredSchema>(out);
      }
    }
    if (mode == Mode::kImport) {
      if (r.id != 0) {
        const StoredSchema* taken = state_.FindSchema(r.id);
        if ((taken != nullptr && taken->identity != p.identity) || (existing && *existing != r.id)) {
          return RegistryError(kIdConflict,
                               fmt::format("Overwrite new schema with id {} is not permitted.",
                                           r.id));
        }
      }
      if (r.version != 0 && s != nullptr && s->versions.count(r.version)) {
        return NotPermitted(fmt::format("Overwrite new schema with version {} of subject '{}' "
                                        "is not permitted.",
                                        r.version, r.subject));
      }
    } else {
      auto reasons = Incompatibilities(*p.parsed, r.subject,
                                       state_.EffectiveCompatibility(r.subject), std::nullopt);
      if (!reasons.empty()) return Incompatible(r.subject, reasons);
    }
    v.subject = r.subject;
    v.id = r.id != 0 ? r.id : existing.value_or(state_.max_id() + 1);
    int32_t max_version = (s == nullptr || s->versions.empty()) ? 0 : s->versions.rbegin()->first;
    v.version = r.version != 0 ? r.version : max_version + 1;
    v.type = std::string(p.parsed->type());
    v.schema = p.text;
    v.references = p.refs;
    hint_key = RegistryState::HintKey(v.type, v.schema, v.references);
    parsed = p.parsed;
    identity = p.identity;
  }
  {
    WriterMutexLock l(mu_);
    state_.AddParseHint(hint_key, parsed);
  }
  RETURN_IF_ERROR(AppendAndApply({SchemaRecord(v)}));
  ReaderMutexLock l(mu_);
  const SubjectState* s = state_.FindSubject(v.subject);
  if (s == nullptr) return std::optional<RegisteredSchema>();
  auto it = s->versions.find(v.version);
  // Won only if the slot holds our id AND the id names our schema: another writer may have
  // claimed the same id and version for a different schema first (then our record was
  // ignored, and the slot shows its id, equal to ours).
  const StoredSchema* stored = it == s->versions.end() ? nullptr : state_.FindSchema(v.id);
  if (it == s->versions.end() || it->second.id != v.id || it->second.deleted ||
      stored == nullptr || stored->identity != identity) {
    return std::optional<RegisteredSchema>();
  }
  RegisteredSchema out = Describe(v.id, *state_.FindSchema(v.id));
  out.subject = v.subject;
  out.version = v.version;
  return std::optional<RegisteredSchema>(out);
}

Result<std::vector<int32_t>> RegistryImpl::DeleteSubject(std::string_view subject,
                                                         bool permanent) {
  MutexLock w(write_mu_);
  Status st = CatchUpThrough(-1);
  if (!st.ok()) return StoreError(st);
  std::vector<SchemaLogRecord> records;
  std::vector<int32_t> versions;
  {
    ReaderMutexLock l(mu_);
    RETURN_IF_ERROR(CheckWritable(subject));
    const SubjectState* s = state_.FindSubject(subject);
    if (s == nullptr || s->versions.empty()) return SubjectNotFound(subject);
    if (!permanent && !s->HasLive()) return SubjectSoftDeleted(subject);
    if (permanent && s->HasLive()) return SubjectNotSoftDeleted(subject);
    for (const auto& [v, vs] : s->versions) {
      if (!permanent && vs.deleted) continue;
      if (!state_.ReferencedBy(subject, v).empty()) return ReferenceExists(subject, v);
      versions.push_back(v);
    }
    if (permanent) {
      for (int32_t v : versions) {
        records.push_back({EncodeKey({KeyType::kSchema, std::string(subject), v}), std::nullopt});
      }
      // Confluent forgets a permanently deleted subject's own config and mode too.
      if (s->compatibility) {
        records.push_back({EncodeKey({KeyType::kConfig, std::string(subject), 0}), std::nullopt});
      }
      if (s->mode) {
        records.push_back({EncodeKey({KeyType::kMode, std::string(subject), 0}), std::nullopt});
      }
    } else {
      records.push_back({EncodeKey({KeyType::kDeleteSubject, std::string(subject), 0}),
                         EncodeDeleteSubjectValue(subject, s->versions.rbegin()->first)});
    }
  }
  RETURN_IF_ERROR(AppendAndApply(records));
  return versions;
}

Result<int32_t> RegistryImpl::DeleteVersion(std::string_view subject, int32_t version,
                                            bool permanent) {
  MutexLock w(write_mu_);
  Status st = CatchUpThrough(-1);
  if (!st.ok()) return StoreError(st);
  SchemaLogRecord record;
  int32_t number = 0;
  {
    ReaderMutexLock l(mu_);
    RETURN_IF_ERROR(CheckWritable(subject));
    const SubjectState* s = state_.FindSubject(subject);
    if (s == nullptr || s->versions.empty()) return SubjectNotFound(subject);
    if (version == kLatestVersion) {
      number = permanent ? s->versions.rbegin()->first : s->LatestLive();
      if (number == 0) return SubjectNotFound(subject);
    } else {
      number = version;
    }
    auto it = s->versions.find(number);
    if (it == s->versions.end()) return VersionNotFound(version);
    if (!permanent && it->second.deleted) return VersionSoftDeleted(subject, number);
    if (permanent && !it->second.deleted) return VersionNotSoftDeleted(subject, number);
    if (!state_.ReferencedBy(subject, number).empty()) return ReferenceExists(subject, number);
    RecordKey key{KeyType::kSchema, std::string(subject), number};
    if (permanent) {
      record = {EncodeKey(key), std::nullopt};
    } else {
      const StoredSchema* schema = state_.FindSchema(it->second.id);
      SchemaValue v;
      v.subject = std::string(subject);
      v.version = number;
      v.id = it->second.id;
      v.type = schema->type;
      v.schema = schema->text;
      v.references = schema->references;
      v.deleted = true;
      record = SchemaRecord(v);
    }
  }
  RETURN_IF_ERROR(AppendAndApply({record}));
  return number;
}

Status RegistryImpl::SetCompatibility(std::optional<std::string_view> subject, Compatibility c) {
  MutexLock w(write_mu_);
  std::optional<std::string> name;
  if (subject) {
    RETURN_IF_ERROR(CheckSubjectName(*subject));
    name = std::string(*subject);
  }
  return AppendAndApply({{EncodeKey({KeyType::kConfig, name, 0}), EncodeConfigValue(c)}});
}

Result<Compatibility> RegistryImpl::DeleteCompatibility(std::optional<std::string_view> subject) {
  MutexLock w(write_mu_);
  Status st = CatchUpThrough(-1);
  if (!st.ok()) return StoreError(st);
  Compatibility previous;
  std::optional<std::string> name;
  {
    ReaderMutexLock l(mu_);
    if (subject) {
      const SubjectState* s = state_.FindSubject(*subject);
      if (s == nullptr || !s->compatibility) return SubjectNotFound(*subject);
      previous = *s->compatibility;
      name = std::string(*subject);
    } else {
      previous = state_.global_compatibility().value_or(Compatibility::kBackward);
    }
  }
  RETURN_IF_ERROR(AppendAndApply({{EncodeKey({KeyType::kConfig, name, 0}), std::nullopt}}));
  return previous;
}

Status RegistryImpl::SetMode(std::optional<std::string_view> subject, Mode m, bool force) {
  MutexLock w(write_mu_);
  Status st = CatchUpThrough(-1);
  if (!st.ok()) return StoreError(st);
  std::optional<std::string> name;
  if (subject) {
    RETURN_IF_ERROR(CheckSubjectName(*subject));
    name = std::string(*subject);
  }
  if (m == Mode::kImport && !force) {
    ReaderMutexLock l(mu_);
    const SubjectState* s = subject ? state_.FindSubject(*subject) : nullptr;
    bool empty = subject ? (s == nullptr || s->versions.empty()) : state_.Empty();
    if (!empty) {
      return NotPermitted("Cannot import since found existing subjects");
    }
  }
  return AppendAndApply({{EncodeKey({KeyType::kMode, name, 0}), EncodeModeValue(m)}});
}

Result<Mode> RegistryImpl::DeleteMode(std::optional<std::string_view> subject) {
  MutexLock w(write_mu_);
  Status st = CatchUpThrough(-1);
  if (!st.ok()) return StoreError(st);
  Mode previous;
  std::optional<std::string> name;
  {
    ReaderMutexLock l(mu_);
    if (subject) {
      const SubjectState* s = state_.FindSubject(*subject);
      if (s == nullptr || !s->mode) return SubjectNotFound(*subject);
      previous = *s->mode;
      name = std::string(*subject);
    } else {
      previous = state_.global_mode().value_or(Mode::kReadWrite);
    }
  }
  RETURN_IF_ERROR(AppendAndApply({{EncodeKey({KeyType::kMode, name, 0}), std::nullopt}}));
  return previous;
}

}  // namespace kappa::registry
