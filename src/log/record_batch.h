// Kafka RecordBatch v2 (magic 2): the unit the log stores, byte for byte as Kafka defines it
// (DefaultRecordBatch), so a Kafka fetch can be served from the segment file without
// re-encoding. Format in prose: docs/formats/log.md ("Record batches").
//
//   RecordBatchBuilder  encodes records into one batch (optionally compressed).
//   RecordBatchView     validates and reads one batch in a byte buffer (no copy).
//   DecodeRecords       iterates the records of a batch, decompressing if needed.
//
// Compression codecs: gzip (zlib, gzip framing), snappy (raw, or xerial-framed as the Java
// client writes it; both are accepted on decode, the builder writes xerial framing), lz4
// (LZ4 frame format), zstd. All functions are pure and thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/types.h"

namespace kappa::log {

// Header layout offsets (bytes from the start of the batch), see docs/formats/log.md.
inline constexpr size_t kBatchBaseOffsetPos = 0;        // int64, assigned by the log
inline constexpr size_t kBatchLengthPos = 8;            // int32, bytes after this field
inline constexpr size_t kBatchLeaderEpochPos = 12;      // int32
inline constexpr size_t kBatchMagicPos = 16;            // int8 = 2
inline constexpr size_t kBatchCrcPos = 17;              // uint32 CRC-32C of [21, end)
inline constexpr size_t kBatchAttributesPos = 21;       // int16
inline constexpr size_t kBatchLastOffsetDeltaPos = 23;  // int32
inline constexpr size_t kBatchBaseTimestampPos = 27;    // int64
inline constexpr size_t kBatchMaxTimestampPos = 35;     // int64
inline constexpr size_t kBatchProducerIdPos = 43;       // int64
inline constexpr size_t kBatchProducerEpochPos = 51;    // int16
inline constexpr size_t kBatchBaseSequencePos = 53;     // int32
inline constexpr size_t kBatchRecordCountPos = 57;      // int32
inline constexpr size_t kBatchHeaderSize = 61;          // records follow
// Bytes before batchLength's coverage starts (baseOffset + batchLength).
inline constexpr size_t kBatchLogOverhead = 12;
// Largest batch the log accepts (Kafka's default message.max.bytes is ~1 MB; we allow more).
inline constexpr size_t kMaxBatchBytes = 64u << 20;

enum class Compression : int8_t { kNone = 0, kGzip = 1, kSnappy = 2, kLz4 = 3, kZstd = 4 };
std::string_view CompressionName(Compression c);
// "none", "gzip", "snappy", "lz4", "zstd"; nullopt otherwise.
std::optional<Compression> ParseCompression(std::string_view name);

struct Header {
  std::string key;
  std::optional<std::string> value;  // nullopt = null (distinct from empty)
  bool operator==(const Header&) const = default;
};

// An owned record, as a producer hands it in. A null key/value (nullopt) is distinct from an
// empty one. timestamp < 0 means "now" (the log's clock at append).
struct Record {
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;
  TimestampMs timestamp{-1};
  bool operator==(const Record&) const = default;
};

struct HeaderView {
  std::string_view key;
  std::optional<std::string_view> value;
};

// A decoded record. The views point into the batch bytes (uncompressed batches) or into a
// decompression buffer owned by the decoder; valid only during the visitor call.
struct RecordView {
  Offset offset;
  TimestampMs timestamp;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::vector<HeaderView> headers;
  Record ToRecord() const;  // deep copy (timestamp kept)
};

// Encodes records into one RecordBatch v2 (CreateTime timestamps). The base offset is
// written as 0; the log assigns the real one on append. Not thread-safe; reusable after
// Finish().
class RecordBatchBuilder {
 public:
  // Records added with a negative timestamp get `now_ms`.
  explicit RecordBatchBuilder(Compression compression = Compression::kNone, int64_t now_ms = 0);

  // Idempotent/transactional producer fields (default: -1, i.e. none).
  void SetProducer(int64_t producer_id, int16_t producer_epoch, int32_t base_sequence);
  void SetNow(int64_t now_ms) { now_ms_ = now_ms; }
  void Add(std::optional<std::string_view> key, std::optional<std::string_view> value,
           TimestampMs timestamp = TimestampMs(-1), const std::vector<Header>& headers = {});
  void Add(const Record& r) {
    Add(r.key ? std::optional<std::string_view>(*r.key) : std::nullopt,
        r.value ? std::optional<std::string_view>(*r.value) : std::nullopt, r.timestamp,
        r.headers);
  }
  int32_t record_count() const { return count_; }
  // Bytes of the batch so far if uncompressed: for size-based cuts.
  size_t EstimatedBytes() const { return kBatchHeaderSize + records_.size(); }
  bool empty() const { return count_ == 0; }

  // Produces the batch bytes (CRC filled in) and resets the builder for reuse.
  // InvalidArgument if empty; Internal if a codec fails.
  Result<std::string> Finish();
  // Same, appending the batch to *out (avoids a copy when many batches go into one buffer).
  Status FinishInto(std::string* out);

 private:
  Compression compression_;
  int64_t now_ms_;
  int64_t producer_id_ = -1;
  int16_t producer_epoch_ = -1;
  int32_t base_sequence_ = -1;
  int32_t count_ = 0;
  int64_t base_ts_ = 0;  // timestamp of the first record
  int64_t max_ts_ = -1;
  std::string records_;  // encoded records (uncompressed)
};

// The fields of a batch header (the first 61 bytes).
struct BatchHeader {
  Offset base_offset;
  int32_t batch_length = 0;  // bytes after the length field
  int32_t partition_leader_epoch = -1;
  int8_t magic = 2;
  uint32_t crc = 0;
  int16_t attributes = 0;
  int32_t last_offset_delta = 0;
  TimestampMs base_timestamp;
  TimestampMs max_timestamp;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;

  Compression compression() const { return Compression(attributes & 0x7); }
  bool log_append_time() const { return attributes & 0x8; }
  bool is_transactional() const { return attributes & 0x10; }
  bool is_control() const { return attributes & 0x20; }
  Offset last_offset() const { return base_offset + last_offset_delta; }
  size_t size_bytes() const { return kBatchLogOverhead + size_t(batch_length); }
};

// Parses the header at the start of `bytes` (needs >= kBatchHeaderSize bytes); no CRC check.
// Corruption if too short, magic != 2 or the length is impossible.
Result<BatchHeader> ParseBatchHeader(std::string_view bytes);

// A view over one complete batch. Validate() checks framing, magic and CRC.
class RecordBatchView {
 public:
  // `bytes` must hold exactly one batch (use ParseBatchHeader().size_bytes() to cut it).
  static Result<RecordBatchView> Parse(std::string_view bytes);  // framing + magic + CRC
  const BatchHeader& header() const { return header_; }
  std::string_view bytes() const { return bytes_; }
  // Calls fn for each record, decompressing if needed. Corruption on malformed records,
  // a record count mismatch or a codec error; stops early if fn returns false.
  Status ForEachRecord(const std::function<bool(const RecordView&)>& fn) const;

 private:
  RecordBatchView(std::string_view b, BatchHeader h) : bytes_(b), header_(h) {}
  std::string_view bytes_;
  BatchHeader header_;
};

// Overwrites the baseOffset field of the batch at `batch` (not covered by the CRC).
void SetBatchBaseOffset(char* batch, Offset base);

// Codecs, exposed for tests and for producers that batch themselves.
Result<std::string> Compress(Compression c, std::string_view raw);
Result<std::string> Decompress(Compression c, std::string_view compressed);

}  // namespace kappa::log
