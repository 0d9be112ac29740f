// The Registry over a SchemaLog (internal to src/registry). Reads take the state's shared
// lock; writes are serialized by write_mu_ and follow one protocol (registry_write.cc):
//   1. catch up with the log;
//   2. decide under the shared lock (checks, new numbers) and build the record(s);
//   3. append them;
//   4. catch up through the appended offset, so the records went through the same
//      deterministic replay as every other instance's;
//   5. check the state shows the write; if another writer's record won, go to 1;
//   6. make it durable (SchemaLog::Sync; registrations do it after releasing write_mu_, so
//      concurrent ones share fsyncs), then acknowledge.
#pragma once

#include <atomic>
#include <thread>

#include "common/mutex.h"
#include "metrics/metrics.h"
#include "registry/registry.h"
#include "registry/registry_state.h"
#include "registry/schema_log.h"
#include "registry/writer_election.h"

namespace kappa::registry {

// For tests: a Registry whose schema types come from `types` (a fake type) and whose log is
// `log`. The product's Open uses FindSchemaType.
Result<std::unique_ptr<Registry>> OpenRegistry(std::unique_ptr<SchemaLog> log, TypeLookup types,
                                               const RegistryOptions& options);

class RegistryImpl final : public Registry {
 public:
  RegistryImpl(std::unique_ptr<SchemaLog> log, TypeLookup types, RegistryOptions options);
  ~RegistryImpl() override;
  Status Start();  // replay, then the tail thread

  using Registry::Register;
  Result<RegisteredSchema> Register(const RegisterRequest& request) override;
  Result<RegisteredSchema> GetSchemaById(int32_t id) const override;
  Result<RegisteredSchema> LookUp(const RegisterRequest& request,
                                  bool include_deleted) const override;
  std::vector<std::string> ListSubjects(bool include_deleted,
                                        std::string_view prefix) const override;
  Result<std::vector<int32_t>> ListVersions(std::string_view subject,
                                            bool include_deleted) const override;
  Result<RegisteredSchema> GetVersion(std::string_view subject, int32_t version,
                                      bool include_deleted) const override;
  Result<std::vector<int32_t>> ReferencedBy(std::string_view subject,
                                            int32_t version) const override;
  Result<std::vector<std::pair<std::string, int32_t>>> SubjectVersionsById(
      int32_t id, bool include_deleted) const override;
  Result<std::vector<int32_t>> DeleteSubject(std::string_view subject, bool permanent) override;
  Result<int32_t> DeleteVersion(std::string_view subject, int32_t version,
                                bool permanent) override;
  Result<std::vector<std::string>> CheckCompatibility(
      const RegisterRequest& request, std::optional<int32_t> version) const override;
  Result<Compatibility> GetCompatibility(std::optional<std::string_view> subject,
                                         bool default_to_global) const override;
  Status SetCompatibility(std::optional<std::string_view> subject, Compatibility c) override;
  Result<Compatibility> DeleteCompatibility(std::optional<std::string_view> subject) override;
  Result<Mode> GetMode(std::optional<std::string_view> subject,
                       bool default_to_global) const override;
  Status SetMode(std::optional<std::string_view> subject, Mode m, bool force) override;
  Result<Mode> DeleteMode(std::optional<std::string_view> subject) override;
  int64_t SchemaCount() const override;
  Status CatchUp() override;
  Status JoinWriterElection(std::string advertised_url) override;
  WriterRoute Writer() const override;

 private:
  // Reads and applies records until the state covers `offset` (all there is for -1).
  Status CatchUpThrough(int64_t offset);
  // Appends and catches up through the records (steps 3 and 4 above), then (`sync`) makes
  // them durable. REQUIRES write_mu_.
  Status AppendAndApply(const std::vector<SchemaLogRecord>& records, bool sync = true);
  // Register's steps 1-5 under write_mu_; the caller syncs.
  Result<RegisteredSchema> RegisterLocked(const RegisterRequest& request);
  void TailLoop();
  // The election's callback (registry_writer.cc): appends the WRITER record when elected.
  bool OnWriterChange(bool is_writer);
  RegisteredSchema Describe(int32_t id, const StoredSchema& s) const;
  // Messages of `candidate` against the subject's versions per `level` (registry_compat.cc).
  std::vector<std::string> Incompatibilities(const ParsedSchema& candidate,
                                             std::string_view subject, Compatibility level,
                                             std::optional<int32_t> only_version) const
      REQUIRES_SHARED(mu_);
  // A write's request checked and parsed: the schema and its pinned references.
  struct Prepared {
    std::shared_ptr<const ParsedSchema> parsed;
    std::vector<SchemaReference> refs;
    std::string text;
    std::string identity;
  };
  Result<Prepared> Prepare(const RegisterRequest& r) const REQUIRES_SHARED(mu_);
  // One attempt of Register (steps 2-5); nullopt: lost a race, try again.
  Result<std::optional<RegisteredSchema>> TryRegister(const RegisterRequest& r);
  Status CheckWritable(std::string_view subject) const REQUIRES_SHARED(mu_);

  std::unique_ptr<SchemaLog> log_;
  RegistryOptions options_;

  mutable SharedMutex mu_;
  RegistryState state_ GUARDED_BY(mu_);
  Mutex catchup_mu_;  // one replay at a time; taken before mu_
  std::atomic<int64_t> next_offset_{0};  // the first record not applied yet
  Mutex write_mu_;                       // one write at a time; taken before catchup_mu_

  // Who writes (registry_writer.cc). instance_id_ is random per process start.
  const std::string instance_id_;
  std::string advertised_url_ GUARDED_BY(mu_);  // set once by JoinWriterElection
  std::unique_ptr<WriterElection> election_ GUARDED_BY(mu_);

  std::atomic<bool> stopping_{false};
  std::thread tail_;
  metrics::Gauge schemas_gauge_;     // kappa_registry_schemas
  metrics::Counter ignored_records_;  // kappa_registry_log_records_ignored_total
};

}  // namespace kappa::registry
