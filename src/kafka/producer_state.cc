#include "kafka/producer_state.h"

namespace kappa::kafka {

namespace {
int32_t LastSeq(int32_t base, int32_t count) {
  // Sequences wrap from INT32_MAX to 0 (Kafka's DefaultRecordBatch.incrementSequence).
  int64_t last = int64_t(base) + count - 1;
  return int32_t(last > INT32_MAX ? last - INT32_MAX - 1 : last);
}
int32_t NextSeq(int32_t seq) { return seq == INT32_MAX ? 0 : seq + 1; }
}  // namespace

int64_t ProducerStateTable::NextProducerId() {
  MutexLock lock(mu_);
  return next_id_++;
}

ProducerStateTable::Check ProducerStateTable::CheckBatch(const std::string& topic,
                                                         int32_t partition, int64_t producer_id,
                                                         int16_t epoch, int32_t base_sequence,
                                                         int32_t record_count) {
  Check c;
  if (base_sequence < 0 || record_count <= 0) {
    c.kind = Check::Kind::kError;
    c.error = ErrorCode::kInvalidRecord;
    return c;
  }
  MutexLock lock(mu_);
  auto it = map_.find(Key{producer_id, topic, partition});
  if (it == map_.end()) return c;  // unknown producer: accept and start tracking
  Entry& e = it->second;
  if (epoch < e.epoch) {
    c.kind = Check::Kind::kError;
    c.error = ErrorCode::kInvalidProducerEpoch;
    return c;
  }
  if (epoch > e.epoch) {
    if (base_sequence != 0) {
      c.kind = Check::Kind::kError;
      c.error = ErrorCode::kOutOfOrderSequenceNumber;
    }
    return c;
  }
  int32_t last = LastSeq(base_sequence, record_count);
  for (const auto& b : e.recent) {
    if (b.first_seq == base_sequence && b.last_seq == last) {
      c.kind = Check::Kind::kDuplicate;
      c.base_offset = b.base_offset;
      return c;
    }
  }
  if (base_sequence != NextSeq(e.last_seq)) {
    c.kind = Check::Kind::kError;
    c.error = ErrorCode::kOutOfOrderSequenceNumber;
  }
  return c;
}

bool ProducerStateTable::MarkLoaded(const std::string& topic, int32_t partition) {
  MutexLock lock(mu_);
  bool& loaded = loaded_[{topic, partition}];
  if (loaded) return false;
  loaded = true;
  return true;
}

void ProducerStateTable::Appended(const std::string& topic, int32_t partition,
                                  int64_t producer_id, int16_t epoch, int32_t base_sequence,
                                  int32_t record_count, Offset base_offset) {
  MutexLock lock(mu_);
  Entry& e = map_[Key{producer_id, topic, partition}];
  if (epoch != e.epoch) e.recent.clear();
  e.epoch = epoch;
  e.last_seq = LastSeq(base_sequence, record_count);
  e.recent.push_back({base_sequence, e.last_seq, base_offset});
  while (e.recent.size() > kMaxRecent) e.recent.pop_front();
}

}  // namespace kappa::kafka
