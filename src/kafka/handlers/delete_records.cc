// DeleteRecords (key 21), versions 0..2 (v2+ flexible). Moves each partition's log start
// offset up to the given offset (-1: the high watermark), deleting whole segments below it
// (log::Partition::DeleteRecordsBefore; durable). Answers the new low watermark;
// OFFSET_OUT_OF_RANGE past the high watermark, UNKNOWN_TOPIC_OR_PARTITION if missing.
//   request  topics[name, partitions[partition_index, offset]], timeout_ms
//   response throttle_time_ms, topics[name, partitions[partition_index, low_watermark,
//            error_code]]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleDeleteRecords(RequestContext& ctx, Reader& in, Responder respond) {
  Broker& b = *ctx.broker;
  struct Part {
    int32_t index;
    int64_t offset;
    int64_t low = -1;
    ErrorCode error = ErrorCode::kNone;
  };
  std::vector<std::pair<std::string, std::vector<Part>>> topics;
  int32_t nt = in.ArrayLength(3);
  for (int32_t t = 0; t < nt && in.ok(); ++t) {
    std::pair<std::string, std::vector<Part>> tp;
    tp.first = std::string(in.String());
    int32_t np = in.ArrayLength(12);
    for (int32_t i = 0; i < np && in.ok(); ++i) {
      Part p;
      p.index = in.Int32();
      p.offset = in.Int64();
      in.SkipTaggedFields();
      tp.second.push_back(p);
    }
    in.SkipTaggedFields();
    topics.push_back(std::move(tp));
  }
  in.Int32();  // timeout_ms: deletion is synchronous
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed DeleteRecords request");
    return;
  }
  for (auto& [name, parts] : topics) {
    const bool may_delete = TopicAuthorized(ctx, security::AclOperation::kDelete, name);
    for (auto& p : parts) {
      if (!may_delete) {
        p.error = ErrorCode::kTopicAuthorizationFailed;  // Kafka: DELETE on the topic
        continue;
      }
      auto part = b.log().GetPartition(name, PartitionId(p.index));
      if (!part.ok()) {
        p.error = ErrorCode::kUnknownTopicOrPartition;
        continue;
      }
      int64_t before = p.offset == -1 ? (*part)->EndOffset().value() : p.offset;
      if (before < 0) {
        p.error = ErrorCode::kOffsetOutOfRange;
        continue;
      }
      auto r = (*part)->DeleteRecordsBefore(Offset(before));
      if (r.ok()) {
        p.low = r->value();
      } else {
        p.error = r.status().IsOutOfRange() ? ErrorCode::kOffsetOutOfRange
                                            : ErrorCode::kKafkaStorageError;
      }
    }
  }
  Writer w(ctx.flexible);
  w.Int32(0);
  w.ArrayLength(int32_t(topics.size()));
  for (const auto& [name, parts] : topics) {
    w.String(name);
    w.ArrayLength(int32_t(parts.size()));
    for (const auto& p : parts) {
      w.Int32(p.index);
      w.Int64(p.low);
      w.Error(p.error);
      w.EmptyTaggedFields();
    }
    w.EmptyTaggedFields();
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kDeleteRecordsApi = {21, "DeleteRecords", 0, 2, 2, &HandleDeleteRecords};

}  // namespace kappa::kafka
