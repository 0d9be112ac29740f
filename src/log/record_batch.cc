#include "log/record_batch.h"

#include <cstring>

#include "common/coding.h"
#include "common/crc32c.h"

namespace kappa::log {

using namespace coding;

std::string_view CompressionName(Compression c) {
  switch (c) {
    case Compression::kNone: return "none";
    case Compression::kGzip: return "gzip";
    case Compression::kSnappy: return "snappy";
    case Compression::kLz4: return "lz4";
    case Compression::kZstd: return "zstd";
  }
  return "unknown";
}

std::optional<Compression> ParseCompression(std::string_view name) {
  for (auto c : {Compression::kNone, Compression::kGzip, Compression::kSnappy, Compression::kLz4,
                 Compression::kZstd}) {
    if (CompressionName(c) == name) return c;
  }
  return std::nullopt;
}

Record RecordView::ToRecord() const {
  Record r;
  if (key) r.key = std::string(*key);
  if (value) r.value = std::string(*value);
  r.timestamp = timestamp;
  r.headers.reserve(headers.size());
  for (const auto& h : headers) {
    r.headers.push_back(Header{std::string(h.key),
                               h.value ? std::optional<std::string>(std::string(*h.value))
                                       : std::nullopt});
  }
  return r;
}

// ---------------------------------------------------------------------------------------
// Builder

RecordBatchBuilder::RecordBatchBuilder(Compression compression, int64_t now_ms)
    : compression_(compression), now_ms_(now_ms) {}

void RecordBatchBuilder::SetProducer(int64_t producer_id, int16_t producer_epoch,
                                     int32_t base_sequence) {
  producer_id_ = producer_id;
  producer_epoch_ = producer_epoch;
  base_sequence_ = base_sequence;
}

namespace {

inline size_t BytesFieldSize(std::optional<std::string_view> b) {
  return b ? size_t(VarintSize(int64_t(b->size()))) + b->size() : 1;  // varint(-1) is 1 byte
}

inline char* PutVarint(char* p, int64_t v) { return p + PutUVarint(p, ZigZag64(v)); }

inline char* PutBytesField(char* p, std::optional<std::string_view> b) {
  if (!b) return PutVarint(p, -1);
  p = PutVarint(p, int64_t(b->size()));
  if (!b->empty()) std::memcpy(p, b->data(), b->size());
  return p + b->size();
}

}  // namespace

void RecordBatchBuilder::Add(std::optional<std::string_view> key,
                             std::optional<std::string_view> value, TimestampMs timestamp,
                             const std::vector<Header>& headers) {
  int64_t ts = timestamp.value() < 0 ? now_ms_ : timestamp.value();
  if (count_ == 0) base_ts_ = ts;
  if (ts > max_ts_) max_ts_ = ts;
  // Body: attributes, timestampDelta, offsetDelta, key, value, headers.
  size_t body = 1 + VarintSize(ts - base_ts_) + VarintSize(count_) + BytesFieldSize(key) +
                BytesFieldSize(value) + VarintSize(int64_t(headers.size()));
  for (const auto& h : headers) {
    body += VarintSize(int64_t(h.key.size())) + h.key.size();
    body += h.value ? VarintSize(int64_t(h.value->size())) + h.value->size() : 1;
  }
  size_t old = records_.size();
  records_.resize(old + size_t(VarintSize(int64_t(body))) + body);
  char* p = records_.data() + old;
  p = PutVarint(p, int64_t(body));
  *p++ = 0;  // record attributes: unused
  p = PutVarint(p, ts - base_ts_);
  p = PutVarint(p, count_);
  p = PutBytesField(p, key);
  p = PutBytesField(p, value);
  p = PutVarint(p, int64_t(headers.size()));
  for (const auto& h : headers) {
    p = PutBytesField(p, std::string_view(h.key));
    p = PutBytesField(p, h.value ? std::optional<std::string_view>(*h.value) : std::nullopt);
  }
  ++count_;
}

Status RecordBatchBuilder::FinishInto(std::string* out) {
  if (count_ == 0) return Status::InvalidArgument("record batch has no records");
  std::string compressed;
  std::string_view payload = records_;
  if (compression_ != Compression::kNone) {
    auto c = Compress(compression_, records_);
    if (!c.ok()) return c.status();
    compressed = std::move(c).value();
    payload = compressed;
  }
  size_t start = out->size();
  out->resize(start + kBatchHeaderSize + payload.size());
  char* b = out->data() + start;
  PutBE64(b + kBatchBaseOffsetPos, 0);
  PutBE32(b + kBatchLengthPos, uint32_t(kBatchHeaderSize - kBatchLogOverhead + payload.size()));
  PutBE32(b + kBatchLeaderEpochPos, uint32_t(-1));
  b[kBatchMagicPos] = 2;
  PutBE16(b + kBatchAttributesPos, uint16_t(int16_t(compression_) & 0x7));
  PutBE32(b + kBatchLastOffsetDeltaPos, uint32_t(count_ - 1));
  PutBE64(b + kBatchBaseTimestampPos, uint64_t(base_ts_));
  PutBE64(b + kBatchMaxTimestampPos, uint64_t(max_ts_));
  PutBE64(b + kBatchProducerIdPos, uint64_t(producer_id_));
  PutBE16(b + kBatchProducerEpochPos, uint16_t(producer_epoch_));
  PutBE32(b + kBatchBaseSequencePos, uint32_t(base_sequence_));
  PutBE32(b + kBatchRecordCountPos, uint32_t(count_));
  std::memcpy(b + kBatchHeaderSize, payload.data(), payload.size());
  PutBE32(b + kBatchCrcPos, crc32c::Value(b + kBatchAttributesPos,
                                          kBatchHeaderSize - kBatchAttributesPos + payload.size()));
  count_ = 0;
  max_ts_ = -1;
  records_.clear();
  return Status::OK();
}

Result<std::string> RecordBatchBuilder::Finish() {
  std::string out;
  RETURN_IF_ERROR(FinishInto(&out));
  return out;
}

// ---------------------------------------------------------------------------------------
// Parsing

Result<BatchHeader> ParseBatchHeader(std::string_view bytes) {
  if (bytes.size() < kBatchHeaderSize) {
    return Status::Corruption("record batch truncated: " + std::to_string(bytes.size()) +
                              " bytes, header needs " + std::to_string(kBatchHeaderSize));
  }
  const char* b = bytes.data();
  BatchHeader h;
  h.base_offset = Offset(int64_t(GetBE64(b + kBatchBaseOffsetPos)));
  h.batch_length = int32_t(GetBE32(b + kBatchLengthPos));
  h.partition_leader_epoch = int32_t(GetBE32(b + kBatchLeaderEpochPos));
  h.magic = int8_t(b[kBatchMagicPos]);
  h.crc = GetBE32(b + kBatchCrcPos);
  h.attributes = int16_t(GetBE16(b + kBatchAttributesPos));
  h.last_offset_delta = int32_t(GetBE32(b + kBatchLastOffsetDeltaPos));
  h.base_timestamp = TimestampMs(int64_t(GetBE64(b + kBatchBaseTimestampPos)));
  h.max_timestamp = TimestampMs(int64_t(GetBE64(b + kBatchMaxTimestampPos)));
  h.producer_id = int64_t(GetBE64(b + kBatchProducerIdPos));
  h.producer_epoch = int16_t(GetBE16(b + kBatchProducerEpochPos));
  h.base_sequence = int32_t(GetBE32(b + kBatchBaseSequencePos));
  h.record_count = int32_t(GetBE32(b + kBatchRecordCountPos));
  if (h.magic != 2) {
    return Status::Corruption("record batch has magic " + std::to_string(int(h.magic)) +
                              " (only magic 2, Kafka >= 0.11 RecordBatch, is supported)");
  }
  if (h.batch_length < int32_t(kBatchHeaderSize - kBatchLogOverhead) ||
      size_t(h.batch_length) + kBatchLogOverhead > kMaxBatchBytes) {
    return Status::Corruption("record batch length " + std::to_string(h.batch_length) +
                              " is out of range");
  }
  if (h.last_offset_delta < 0 || h.record_count < 0) {
    return Status::Corruption("record batch has a negative record count or offset delta");
  }
  return h;
}

Result<RecordBatchView> RecordBatchView::Parse(std::string_view bytes) {
  ASSIGN_OR_RETURN(BatchHeader h, ParseBatchHeader(bytes));
  if (h.size_bytes() != bytes.size()) {
    return Status::Corruption("record batch declares " + std::to_string(h.size_bytes()) +
                              " bytes but " + std::to_string(bytes.size()) + " are present");
  }
  uint32_t crc = crc32c::Value(bytes.data() + kBatchAttributesPos,
                               bytes.size() - kBatchAttributesPos);
  if (crc != h.crc) {
    return Status::Corruption("record batch CRC-32C mismatch (stored " + std::to_string(h.crc) +
                              ", computed " + std::to_string(crc) + ")");
  }
  return RecordBatchView(bytes, h);
}

namespace {

bool ReadBytesField(const char** p, const char* end, std::optional<std::string_view>* out) {
  int64_t len;
  if (!DecodeVarint(p, end, &len)) return false;
  if (len < 0) {
    if (len != -1) return false;
    *out = std::nullopt;
    return true;
  }
  if (len > end - *p) return false;
  *out = std::string_view(*p, size_t(len));
  *p += len;
  return true;
}

}  // namespace

Status RecordBatchView::ForEachRecord(const std::function<bool(const RecordView&)>& fn) const {
  std::string_view payload = bytes_.substr(kBatchHeaderSize);
  std::string decompressed;
  if (header_.compression() != Compression::kNone) {
    auto d = Decompress(header_.compression(), payload);
    if (!d.ok()) return d.status();
    decompressed = std::move(d).value();
    payload = decompressed;
  }
  const char* p = payload.data();
  const char* end = p + payload.size();
  RecordView r;
  for (int32_t i = 0; i < header_.record_count; ++i) {
    int64_t len;
    if (!DecodeVarint(&p, end, &len) || len < 1 || len > end - p) {
      return Status::Corruption("record " + std::to_string(i) + " of batch at offset " +
                                std::to_string(header_.base_offset.value()) +
                                " has a bad length");
    }
    const char* rend = p + len;
    ++p;  // attributes
    int64_t ts_delta, off_delta, nheaders;
    r.headers.clear();
    bool ok = DecodeVarint(&p, rend, &ts_delta) && DecodeVarint(&p, rend, &off_delta) &&
              ReadBytesField(&p, rend, &r.key) && ReadBytesField(&p, rend, &r.value) &&
              DecodeVarint(&p, rend, &nheaders) && nheaders >= 0 && nheaders <= len;
    for (int64_t h = 0; ok && h < nheaders; ++h) {
      std::optional<std::string_view> hk, hv;
      ok = ReadBytesField(&p, rend, &hk) && hk.has_value() && ReadBytesField(&p, rend, &hv);
      if (ok) r.headers.push_back(HeaderView{*hk, hv});
    }
    if (!ok || p != rend || off_delta < 0 || off_delta > header_.last_offset_delta) {
      return Status::Corruption("record " + std::to_string(i) + " of batch at offset " +
                                std::to_string(header_.base_offset.value()) + " is malformed");
    }
    r.offset = header_.base_offset + off_delta;
    r.timestamp = header_.log_append_time() ? header_.max_timestamp
                                            : header_.base_timestamp + ts_delta;
    if (!fn(r)) return Status::OK();
  }
  if (p != end) {
    return Status::Corruption("batch at offset " + std::to_string(header_.base_offset.value()) +
                              " has bytes after its last record");
  }
  return Status::OK();
}

void SetBatchBaseOffset(char* batch, Offset base) {
  PutBE64(batch + kBatchBaseOffsetPos, uint64_t(base.value()));
}

}  // namespace kappa::log
