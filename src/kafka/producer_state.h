// ProducerStateTable: idempotent-producer bookkeeping (KIP-98), per (producer id, topic,
// partition): the producer epoch, the last sequence appended, and the offsets of the last
// five batches so that a retried batch is acknowledged with its original offsets instead of
// being appended twice. Kept in memory and rebuilt per partition on first use after a
// restart from the batch headers of the partition's tail (MarkLoaded/Appended), so a retry
// that races a broker restart is still recognised. A producer not found there is accepted at
// whatever sequence it carries (as Kafka does once producer state has expired), and
// tracking resumes from there. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "common/mutex.h"
#include "common/types.h"
#include "kafka/error_codes.h"

namespace kappa::kafka {

class ProducerStateTable {
 public:
  // First id handed out; ids only grow. Seeded from the wall clock so ids stay unique across
  // restarts without persisting a counter.
  explicit ProducerStateTable(int64_t first_id) : next_id_(first_id) {}

  int64_t NextProducerId();

  struct Check {
    enum class Kind { kAppend, kDuplicate, kError } kind = Kind::kAppend;
    ErrorCode error = ErrorCode::kNone;
    Offset base_offset{-1};  // kDuplicate: offsets of the original append
  };
  // Decides what to do with a batch from `producer_id` (>= 0) carrying `record_count` records
  // starting at `base_sequence`.
  Check CheckBatch(const std::string& topic, int32_t partition, int64_t producer_id,
                   int16_t epoch, int32_t base_sequence, int32_t record_count);
  // True the first time it is called for (topic, partition): the caller then replays the
  // partition's recent batch headers through Appended() before checking a batch.
  bool MarkLoaded(const std::string& topic, int32_t partition);
  // Records a successful append of a batch that CheckBatch allowed.
  void Appended(const std::string& topic, int32_t partition, int64_t producer_id, int16_t epoch,
                int32_t base_sequence, int32_t record_count, Offset base_offset);

 private:
  struct BatchMeta {
    int32_t first_seq;
    int32_t last_seq;
    Offset base_offset;
  };
  struct Entry {
    int16_t epoch = -1;
    int32_t last_seq = -1;
    std::deque<BatchMeta> recent;  // at most kMaxRecent, oldest first
  };
  struct Key {
    int64_t producer_id;
    std::string topic;
    int32_t partition;
    auto operator<=>(const Key&) const = default;
  };
  static constexpr size_t kMaxRecent = 5;

  Mutex mu_;
  int64_t next_id_ GUARDED_BY(mu_);
  std::map<Key, Entry> map_ GUARDED_BY(mu_);
  std::map<std::pair<std::string, int32_t>, bool> loaded_ GUARDED_BY(mu_);
};

}  // namespace kappa::kafka
