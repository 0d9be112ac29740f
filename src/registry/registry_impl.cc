// Opening, replay and the read side of the Registry (writes: registry_write.cc).
#include "registry/registry_impl.h"

#include <fmt/format.h>

#include "common/logging.h"
#include "common/uuid.h"
#include "registry/registry_errors.h"

namespace kappa::registry {

Result<RegisteredSchema> Registry::Register(std::string_view subject, std::string_view schema,
                                            std::string_view type,
                                            const std::vector<SchemaReference>& refs,
                                            bool normalize) {
  RegisterRequest r;
  r.subject = std::string(subject);
  r.schema = std::string(schema);
  r.type = std::string(type);
  r.references = refs;
  r.normalize = normalize;
  return Register(r);
}

std::vector<std::string> SupportedSchemaTypes() { return SchemaTypeNames(); }

Result<std::unique_ptr<Registry>> Registry::Open(RegistryOptions options) {
  if (!options.kafka_bootstrap.empty()) {
    auto log = OpenKafkaSchemaLog(options.kafka_bootstrap, options.kafka_properties,
                                  options.topic);
    if (!log.ok()) return StoreError(log.status());
    return OpenRegistry(std::move(*log), FindSchemaType, options);
  }
  if (options.log == nullptr) return Status::InvalidArgument("registry: no log to store in");
  ASSIGN_OR_RETURN(auto log, OpenEmbeddedSchemaLog(options.log, options.topic));
  return OpenRegistry(std::move(log), FindSchemaType, options);
}

Result<std::unique_ptr<Registry>> OpenRegistry(std::unique_ptr<SchemaLog> log, TypeLookup types,
                                               const RegistryOptions& options) {
  auto impl = std::make_unique<RegistryImpl>(std::move(log), std::move(types), options);
  RETURN_IF_ERROR(impl->Start());
  return std::unique_ptr<Registry>(std::move(impl));
}

RegistryImpl::RegistryImpl(std::unique_ptr<SchemaLog> log, TypeLookup types,
                           RegistryOptions options)
    : log_(std::move(log)),
      options_(std::move(options)),
      state_(std::move(types)),
      instance_id_(Uuid::Random().ToString()) {
  auto& m = options_.metrics ? *options_.metrics : metrics::Registry::Default();
  schemas_gauge_ = m.GetGauge("kappa_registry_schemas",
                              "Distinct schema ids held by a live or soft-deleted version");
  ignored_records_ = m.GetCounter(
      "kappa_registry_log_records_ignored_total",
      "Records of _schemas the replay ignored (malformed, or lost a race to another writer)");
}

RegistryImpl::~RegistryImpl() {
  // Leave the group first: the next writer takes over while this one shuts down.
  std::unique_ptr<WriterElection> election;
  {
    WriterMutexLock l(mu_);
    election = std::move(election_);
  }
  election.reset();
  stopping_ = true;
  if (tail_.joinable()) tail_.join();
}

Status RegistryImpl::Start() {
  Status s = CatchUpThrough(-1);
  if (!s.ok()) return StoreError(s.WithContext("replaying " + options_.topic));
  // Keeps this instance current with records other instances append; its own writes catch
  // up synchronously.
  tail_ = std::thread([this] { TailLoop(); });
  return Status::OK();
}

void RegistryImpl::TailLoop() {
  while (!stopping_) {
    int64_t before = next_offset_.load();
    auto start = std::chrono::steady_clock::now();
    log_->WaitForData(before, std::chrono::milliseconds(200));
    if (stopping_) break;
    Status s = CatchUpThrough(-1);
    // A closed log wakes waiters at once: never spin on it.
    if (s.ok() && next_offset_.load() == before &&
        std::chrono::steady_clock::now() - start < std::chrono::milliseconds(5)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!s.ok()) {
      KLOG_WARN("registry: reading {}: {}", options_.topic, s.ToString());
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
}

Status RegistryImpl::CatchUp() { return CatchUpThrough(-1); }

Status RegistryImpl::CatchUpThrough(int64_t offset) {
  MutexLock l(catchup_mu_);
  for (;;) {
    int64_t from = next_offset_.load();
    if (offset >= 0 && from > offset) return Status::OK();
    struct Rec {
      int64_t offset;
      std::string key;
      std::optional<std::string> value;
    };
    std::vector<Rec> recs;
    ASSIGN_OR_RETURN(int64_t next,
                     log_->ReadFrom(from, [&](int64_t o, std::string_view k,
                                              std::optional<std::string_view> v) {
                       recs.push_back({o, std::string(k),
                                       v ? std::optional<std::string>(std::string(*v))
                                         : std::nullopt});
                     }));
    if (!recs.empty()) {
      WriterMutexLock w(mu_);
      for (const auto& r : recs) {
        std::string why;
        if (!state_.Apply(r.key, r.value, &why)) {
          ignored_records_.Add(1);
          KLOG_INFO("registry: {} offset {} ignored: {}", options_.topic, r.offset, why);
        }
      }
      schemas_gauge_.Set(double(state_.live_schemas()));
    }
    next_offset_ = next;
    if (offset < 0 || next > offset) return Status::OK();
    if (next == from) {
      // The record asked for is not readable yet (an external cluster's replica lag).
      log_->WaitForData(next, std::chrono::milliseconds(100));
    }
  }
}

RegisteredSchema RegistryImpl::Describe(int32_t id, const StoredSchema& s) const {
  RegisteredSchema r;
  r.id = id;
  r.type = s.type;
  r.schema = s.text;
  r.references = s.references;
  return r;
}

Result<RegisteredSchema> RegistryImpl::GetSchemaById(int32_t id) const {
  ReaderMutexLock l(mu_);
  const StoredSchema* s = state_.FindSchema(id);
  if (s == nullptr || s->uses == 0) return SchemaIdNotFound(id);
  return Describe(id, *s);
}

std::vector<std::string> RegistryImpl::ListSubjects(bool include_deleted,
                                                    std::string_view prefix) const {
  ReaderMutexLock l(mu_);
  std::vector<std::string> out;
  for (const auto& [name, s] : state_.subjects()) {
    if (!std::string_view(name).starts_with(prefix)) continue;
    if (include_deleted ? !s.versions.empty() : s.HasLive()) out.push_back(name);
  }
  return out;
}

Result<std::vector<int32_t>> RegistryImpl::ListVersions(std::string_view subject,
                                                        bool include_deleted) const {
  ReaderMutexLock l(mu_);
  const SubjectState* s = state_.FindSubject(subject);
  std::vector<int32_t> out;
  if (s != nullptr) {
    for (const auto& [v, vs] : s->versions) {
      if (include_deleted || !vs.deleted) out.push_back(v);
    }
  }
  if (out.empty()) return SubjectNotFound(subject);
  return out;
}

Result<RegisteredSchema> RegistryImpl::GetVersion(std::string_view subject, int32_t version,
                                                  bool include_deleted) const {
  ReaderMutexLock l(mu_);
  const SubjectState* s = state_.FindSubject(subject);
  if (s == nullptr || (include_deleted ? s->versions.empty() : !s->HasLive())) {
    return SubjectNotFound(subject);
  }
  auto it = s->versions.end();
  if (version == kLatestVersion) {
    for (auto r = s->versions.rbegin(); r != s->versions.rend(); ++r) {
      if (include_deleted || !r->second.deleted) {
        it = s->versions.find(r->first);
        break;
      }
    }
  } else {
    it = s->versions.find(version);
    if (it != s->versions.end() && it->second.deleted && !include_deleted) it = s->versions.end();
  }
  if (it == s->versions.end()) return VersionNotFound(version);
  const StoredSchema* st = state_.FindSchema(it->second.id);
  if (st == nullptr) return VersionNotFound(version);
  RegisteredSchema r = Describe(it->second.id, *st);
  r.subject = std::string(subject);
  r.version = it->first;
  r.deleted = it->second.deleted;
  return r;
}

Result<std::vector<int32_t>> RegistryImpl::ReferencedBy(std::string_view subject,
                                                        int32_t version) const {
  ASSIGN_OR_RETURN(RegisteredSchema v, GetVersion(subject, version, false));
  ReaderMutexLock l(mu_);
  return state_.ReferencedBy(subject, v.version);
}

Result<std::vector<std::pair<std::string, int32_t>>> RegistryImpl::SubjectVersionsById(
    int32_t id, bool include_deleted) const {
  ReaderMutexLock l(mu_);
  const StoredSchema* st = state_.FindSchema(id);
  if (st == nullptr || st->uses == 0) return SchemaIdNotFound(id);
  std::vector<std::pair<std::string, int32_t>> out;
  for (const auto& [name, s] : state_.subjects()) {
    for (const auto& [v, vs] : s.versions) {
      if (vs.id == id && (include_deleted || !vs.deleted)) out.emplace_back(name, v);
    }
  }
  return out;
}

Result<RegisteredSchema> RegistryImpl::LookUp(const RegisterRequest& request,
                                              bool include_deleted) const {
  ReaderMutexLock l(mu_);
  const SubjectState* s = state_.FindSubject(request.subject);
  if (s == nullptr || (include_deleted ? s->versions.empty() : !s->HasLive())) {
    return SubjectNotFound(request.subject);
  }
  ASSIGN_OR_RETURN(Prepared p, Prepare(request));
  auto id = state_.IdOf(p.identity);
  if (id) {
    // The newest version of the subject holding the schema.
    for (auto it = s->versions.rbegin(); it != s->versions.rend(); ++it) {
      if (it->second.id != *id || (it->second.deleted && !include_deleted)) continue;
      RegisteredSchema r = Describe(*id, *state_.FindSchema(*id));
      r.subject = request.subject;
      r.version = it->first;
      r.deleted = it->second.deleted;
      return r;
    }
  }
  return SchemaNotFound();
}

Result<Compatibility> RegistryImpl::GetCompatibility(std::optional<std::string_view> subject,
                                                     bool default_to_global) const {
  ReaderMutexLock l(mu_);
  if (!subject) return state_.global_compatibility().value_or(Compatibility::kBackward);
  const SubjectState* s = state_.FindSubject(*subject);
  if (s != nullptr && s->compatibility) return *s->compatibility;
  if (default_to_global) return state_.global_compatibility().value_or(Compatibility::kBackward);
  return RegistryError(kSubjectLevelCompatibilityNotConfigured,
                       fmt::format("Subject '{}' does not have subject-level compatibility "
                                   "configured",
                                   *subject));
}

Result<Mode> RegistryImpl::GetMode(std::optional<std::string_view> subject,
                                   bool default_to_global) const {
  ReaderMutexLock l(mu_);
  if (!subject) return state_.global_mode().value_or(Mode::kReadWrite);
  const SubjectState* s = state_.FindSubject(*subject);
  if (s != nullptr && s->mode) return *s->mode;
  if (default_to_global) return state_.global_mode().value_or(Mode::kReadWrite);
  return RegistryError(kSubjectLevelModeNotConfigured,
                       fmt::format("Subject '{}' does not have subject-level mode configured",
                                   *subject));
}

int64_t RegistryImpl::SchemaCount() const {
  ReaderMutexLock l(mu_);
  return state_.live_schemas();
}

}  // namespace kappa::registry
