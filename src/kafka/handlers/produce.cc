// Produce (key 0), versions 0..7 (non-flexible). Advertising min version 0 matters:
// librdkafka enables gzip/snappy/lz4 only then, and zstd needs v7.
//   request  v3+ transactional_id, acks, timeout_ms, topic_data[name, partition_data[index,
//            records]]
//   response responses[name, partition_responses[index, error_code, base_offset,
//            v2+ log_append_time_ms, v5+ log_start_offset]], v1+ throttle_time_ms
// Batches are validated (framing, magic 2, CRC-32C, every record decodes, decompressing if
// needed) before anything is appended, then stored exactly as sent. Record sets in the old
// message formats (magic 0/1, Produce v0..2) are converted to one v2 batch first
// (legacy_message_set.h). Idempotent producers (producer_id >= 0) go through
// ProducerStateTable: a retried batch is acknowledged with its original offset, a gap in
// sequences is OUT_OF_ORDER_SEQUENCE_NUMBER. acks=0 gets no response. ACLs: WRITE on the
// topic, else TOPIC_AUTHORIZATION_FAILED for its partitions.
#include <algorithm>

#include "common/logging.h"
#include "kafka/handlers/handlers.h"
#include "kafka/legacy_message_set.h"

namespace kappa::kafka {

namespace {

struct PartitionResult {
  int32_t index = 0;
  ErrorCode error = ErrorCode::kNone;
  int64_t base_offset = -1;
  int64_t log_start_offset = -1;
};

// Splits and validates the record set; fills `batches` with views of whole v2 batches.
ErrorCode ValidateRecordSet(std::string_view records, std::vector<std::string_view>* batches) {
  size_t pos = 0;
  while (pos < records.size()) {
    std::string_view rest = records.substr(pos);
    auto header = log::ParseBatchHeader(rest);
    if (!header.ok()) return ErrorCode::kCorruptMessage;
    size_t size = header->size_bytes();
    if (size > log::kMaxBatchBytes) return ErrorCode::kMessageTooLarge;
    if (size > rest.size()) return ErrorCode::kCorruptMessage;
    auto view = log::RecordBatchView::Parse(rest.substr(0, size));
    if (!view.ok()) return ErrorCode::kCorruptMessage;
    if (header->is_control() || header->is_transactional()) {
      return ErrorCode::kInvalidRecord;  // transactions are not supported
    }
    int32_t seen = 0;
    Status s = view->ForEachRecord([&](const log::RecordView&) {
      ++seen;
      return true;
    });
    if (!s.ok() || seen != header->record_count) return ErrorCode::kCorruptMessage;
    batches->push_back(rest.substr(0, size));
    pos += size;
  }
  if (batches->empty()) return ErrorCode::kCorruptMessage;
  return ErrorCode::kNone;
}

// Offsets of partition tail replayed to rebuild idempotent-producer state after a restart.
constexpr int64_t kProducerStateReplayOffsets = 200'000;

void LoadProducerState(Broker& b, const std::string& topic, int32_t index, log::Partition* p) {
  if (!b.producers().MarkLoaded(topic, index)) return;
  Offset from(std::max(p->StartOffset().value(), p->EndOffset().value() - kProducerStateReplayOffsets));
  Status s = p->ForEachBatch(from, [&](const log::BatchInfo& bi) {
    if (bi.producer_id >= 0 && bi.base_sequence >= 0 && !bi.is_control) {
      b.producers().Appended(topic, index, bi.producer_id, bi.producer_epoch, bi.base_sequence,
                             bi.record_count, bi.base_offset);
    }
    return true;
  });
  if (!s.ok()) {
    KLOG_WARN("produce {}-{}: producer state replay stopped: {}", topic, index, s.ToString());
  }
}

PartitionResult ProducePartition(Broker& b, const std::string& topic, int32_t index,
                                 std::optional<std::string_view> records) {
  PartitionResult r;
  r.index = index;
  auto part = b.GetPartition(topic, index, /*may_create=*/true);
  if (!part.ok()) {
    r.error = part.status().IsInvalidArgument() ? ErrorCode::kInvalidTopicException
                                                : ErrorCode::kUnknownTopicOrPartition;
    return r;
  }
  if (!records || records->empty()) {
    r.error = ErrorCode::kCorruptMessage;
    return r;
  }
  std::string converted;
  std::vector<std::string_view> batches;
  if (records->size() > 16 && (*records)[16] != 2) {
    auto c = ConvertLegacyMessageSet(*records, b.clock()->NowMs());
    if (!c.ok()) {
      KLOG_DEBUG("produce {}-{}: legacy message set rejected: {}", topic, index,
                 c.status().ToString());
      r.error = ErrorCode::kCorruptMessage;
      return r;
    }
    converted = std::move(*c);
    records = converted;
  }
  r.error = ValidateRecordSet(*records, &batches);
  if (r.error != ErrorCode::kNone) return r;

  log::Partition* p = *part;
  LoadProducerState(b, topic, index, p);
  for (size_t i = 0; i < batches.size(); ++i) {
    auto h = log::ParseBatchHeader(batches[i]);
    bool idempotent = h->producer_id >= 0;
    if (idempotent) {
      auto check = b.producers().CheckBatch(topic, index, h->producer_id, h->producer_epoch,
                                            h->base_sequence, h->record_count);
      if (check.kind == ProducerStateTable::Check::Kind::kError) {
        r.error = check.error;
        return r;
      }
      if (check.kind == ProducerStateTable::Check::Kind::kDuplicate) {
        if (i == 0) r.base_offset = check.base_offset.value();
        continue;
      }
    }
    auto appended = p->AppendBatch(batches[i]);
    if (!appended.ok()) {
      KLOG_WARN("produce {}-{}: append failed: {}", topic, index, appended.status().ToString());
      r.error = appended.status().IsInvalidArgument() ? ErrorCode::kCorruptMessage
                                                      : ErrorCode::kKafkaStorageError;
      return r;
    }
    if (idempotent) {
      b.producers().Appended(topic, index, h->producer_id, h->producer_epoch, h->base_sequence,
                             h->record_count, appended->base_offset);
    }
    if (i == 0) r.base_offset = appended->base_offset.value();
  }
  r.log_start_offset = p->StartOffset().value();
  return r;
}

}  // namespace

static void HandleProduce(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  std::optional<std::string_view> transactional_id;
  if (v >= 3) transactional_id = in.NullableString();
  int16_t acks = in.Int16();
  in.Int32();  // timeout_ms: appends complete synchronously

  struct TopicResult {
    std::string name;
    std::vector<PartitionResult> partitions;
  };
  std::vector<TopicResult> results;
  int32_t ntopics = in.ArrayLength(6);
  for (int32_t t = 0; t < ntopics && in.ok(); ++t) {
    TopicResult tr;
    tr.name = std::string(in.String());
    // Kafka checks WRITE on the topic before anything else about it (an unauthorized
    // producer learns nothing, and no topic is auto-created for it).
    const bool may_write = TopicAuthorized(ctx, security::AclOperation::kWrite, tr.name);
    int32_t nparts = in.ArrayLength(8);
    for (int32_t i = 0; i < nparts && in.ok(); ++i) {
      int32_t index = in.Int32();
      auto records = in.NullableBytes();
      if (!in.ok()) break;
      if (acks != 0 && acks != 1 && acks != -1) {
        tr.partitions.push_back({index, ErrorCode::kInvalidRequiredAcks, -1, -1});
      } else if (!may_write) {
        tr.partitions.push_back({index, ErrorCode::kTopicAuthorizationFailed, -1, -1});
      } else if (transactional_id) {
        tr.partitions.push_back({index, ErrorCode::kInvalidRequest, -1, -1});
      } else {
        tr.partitions.push_back(ProducePartition(b, tr.name, index, records));
      }
    }
    results.push_back(std::move(tr));
  }
  if (!in.ok()) {
    respond.Close("malformed Produce request");
    return;
  }
  if (acks == 0) {
    respond.NoResponse();
    return;
  }
  Writer w(ctx.flexible);
  w.ArrayLength(int32_t(results.size()));
  for (const auto& tr : results) {
    w.String(tr.name);
    w.ArrayLength(int32_t(tr.partitions.size()));
    for (const auto& pr : tr.partitions) {
      w.Int32(pr.index);
      w.Error(pr.error);
      w.Int64(pr.base_offset);
      if (v >= 2) w.Int64(-1);  // log_append_time_ms: topics use CreateTime
      if (v >= 5) w.Int64(pr.log_start_offset);
    }
  }
  if (v >= 1) w.Int32(0);
  respond.Send(w);
}

const ApiSpec kProduceApi = {0, "Produce", 0, 7, kNeverFlexible, &HandleProduce};

}  // namespace kappa::kafka
