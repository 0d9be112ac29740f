// OffsetStoreImpl: committed consumer-group offsets in `<log dir>/offsets/commits.log`, an
// append-only file of CRC-framed commit records replayed at open and compacted (rewritten
// atomically with only the live entries) when it grows past 4x the live size. Format:
// docs/formats/log.md ("Committed offsets").
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/mutex.h"
#include "log/log.h"

namespace kappa::log {

class OffsetStoreImpl final : public OffsetStore {
 public:
  // read_only: replays without repairing a torn tail; Commit/DeleteGroup return NotSupported.
  static Result<std::unique_ptr<OffsetStoreImpl>> Open(Env* env, Clock* clock,
                                                       const std::string& dir, bool read_only);
  using OffsetStore::Commit;
  Status Commit(std::string_view group,
                const std::map<OffsetKey, CommittedOffset>& offsets) override;
  Result<CommittedOffset> Fetch(std::string_view group, std::string_view topic,
                                PartitionId p) const override;
  std::map<OffsetKey, CommittedOffset> FetchGroup(std::string_view group) const override;
  std::vector<std::string> ListGroups() const override;
  Status DeleteGroup(std::string_view group) override;
  Status DeleteOffsets(std::string_view group, const std::vector<OffsetKey>& keys) override;

 private:
  OffsetStoreImpl(Env* env, Clock* clock, std::string dir, bool read_only)
      : env_(env), clock_(clock), dir_(std::move(dir)), read_only_(read_only) {}
  Status Replay();
  Status AppendRecord(const std::string& payload) REQUIRES(mu_);
  Status CompactLocked() REQUIRES(mu_);

  Env* env_;
  Clock* clock_;
  const std::string dir_;
  const bool read_only_;
  mutable Mutex mu_;
  using GroupOffsets = std::map<OffsetKey, CommittedOffset>;
  std::map<std::string, GroupOffsets, std::less<>> groups_ GUARDED_BY(mu_);
  std::unique_ptr<WritableFile> file_ GUARDED_BY(mu_);
  uint64_t live_bytes_ GUARDED_BY(mu_) = 0;  // estimate
};

}  // namespace kappa::log
