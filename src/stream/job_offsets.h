// Where a job's progress lives: store metadata, written in the same atomic batch as the rows
// (the exactly-once commit). Private to src/stream.
//
//   stream/job/<job>                         registration: topic, table, group (text lines
//                                            "key=value"), written when a job first starts
//   stream/offsets/<job>/<partition:010d>    PartitionProgress, text "k=v" fields
//
// The offset is the next offset to consume. dlq_end is the end offset of the dead-letter
// partition this partition writes to, observed after the batch's dead letters were
// appended; on restart, dead letters at or after it that name this source partition and an
// offset >= the committed one were written by a batch that never committed, and are not
// written again (so dead letters are exactly-once too).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/types.h"
#include "store/store.h"

namespace kappa::stream {

struct JobRegistration {
  std::string topic;
  std::string table;
  std::string group;
  std::string dead_letter_topic;
  std::string bootstrap;  // log: kafka: the cluster the topic is on; empty = embedded log
};

struct PartitionProgress {
  Offset next{0};          // next offset to consume
  uint64_t stored = 0;     // rows written from this partition, cumulative
  uint64_t dead_letters = 0;
  int64_t dlq_end = -1;    // see above; -1 = unknown
};

std::string JobMetaKey(std::string_view job);
std::string OffsetsMetaPrefix(std::string_view job);
std::string OffsetMetaKey(std::string_view job, PartitionId p);

std::string EncodeRegistration(const JobRegistration& r);
Result<JobRegistration> DecodeRegistration(std::string_view text);
std::string EncodeProgress(const PartitionProgress& p);
Result<PartitionProgress> DecodeProgress(std::string_view text);

// Reads the registration; nullopt if the job never ran.
Result<std::optional<JobRegistration>> ReadRegistration(const store::Store& store,
                                                        std::string_view job);
// Reads every partition's progress of a job.
Result<std::map<int32_t, PartitionProgress>> ReadProgress(const store::Store& store,
                                                          std::string_view job);

}  // namespace kappa::stream
