// Kafka's old message formats (magic 0 and 1, "MessageSet"), used by Produce v0..2 and
// Fetch v0..3. kappa stores only RecordBatch v2, so it converts at the protocol edge:
//   up:   a producer's magic 0/1 message set (possibly a compressed wrapper message) becomes
//         one uncompressed v2 batch;
//   down: stored v2 batches become an uncompressed magic 0 or 1 message set for old fetchers.
// Layout of one message: offset i64, message_size i32, crc u32 (CRC-32/IEEE of the rest),
// magic i8, attributes i8 (low 3 bits: codec), v1: timestamp i64, key bytes, value bytes.
// Format notes: docs/formats/kafka.md. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kappa::kafka {

// Corruption for a bad CRC, framing or codec payload; InvalidArgument for an empty set.
Result<std::string> ConvertLegacyMessageSet(std::string_view message_set, int64_t now_ms);

// Converts whole v2 batches (as the log returns them) to a message set of `magic` (0 or 1).
// Control batches are dropped. Corruption if a batch does not decode.
Result<std::string> DownConvertToMessageSet(std::string_view batches, int8_t magic);

}  // namespace kappa::kafka
