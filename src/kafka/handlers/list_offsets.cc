// ListOffsets (key 2), versions 0..5 (non-flexible).
//   request  replica_id, v2+ isolation_level, topics[name, partitions[partition_index,
//            v4+ current_leader_epoch, timestamp, v0 max_num_offsets]]
//   response v2+ throttle_time_ms, topics[name, partitions[partition_index, error_code,
//            v0 old_style_offsets[], v1+ timestamp, offset, v4+ leader_epoch]]
// timestamp -1 = latest (the high watermark), -2 = earliest (log start), otherwise the
// earliest offset whose batch max timestamp >= timestamp (-1/-1 if there is none).
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleListOffsets(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  in.Int32();  // replica_id
  if (v >= 2) in.Int8();
  Writer w(ctx.flexible);
  if (v >= 2) w.Int32(0);
  int32_t nt = in.ArrayLength(6);
  w.ArrayLength(std::max(nt, 0));
  for (int32_t t = 0; t < nt && in.ok(); ++t) {
    std::string name(in.String());
    const bool may_describe = TopicAuthorized(ctx, security::AclOperation::kDescribe, name);
    w.String(name);
    int32_t np = in.ArrayLength(12);
    w.ArrayLength(std::max(np, 0));
    for (int32_t i = 0; i < np && in.ok(); ++i) {
      int32_t index = in.Int32();
      if (v >= 4) in.Int32();
      int64_t ts = in.Int64();
      if (v == 0) in.Int32();  // max_num_offsets
      ErrorCode err = ErrorCode::kNone;
      int64_t offset = -1, out_ts = -1;
      auto part = may_describe ? b.log().GetPartition(name, PartitionId(index))
                               : Result<log::Partition*>(Status::NotFound(name));
      if (!may_describe) {
        err = ErrorCode::kTopicAuthorizationFailed;  // Kafka: DESCRIBE on the topic
      } else if (!part.ok()) {
        err = ErrorCode::kUnknownTopicOrPartition;
      } else if (ts == -1) {
        offset = (*part)->EndOffset().value();
      } else if (ts == -2) {
        offset = (*part)->StartOffset().value();
      } else {
        auto r = (*part)->OffsetForTimestamp(TimestampMs(ts));
        if (!r.ok()) {
          err = ToErrorCode(r.status());
        } else if (r->has_value()) {
          offset = (*r)->value();
          out_ts = ts;
        }
      }
      w.Int32(index);
      w.Error(err);
      if (v == 0) {
        if (offset >= 0) {
          w.ArrayLength(1);
          w.Int64(offset);
        } else {
          w.ArrayLength(0);
        }
      } else {
        w.Int64(out_ts);
        w.Int64(offset);
        if (v >= 4) w.Int32(0);  // leader_epoch
      }
    }
  }
  Finish(in, w, respond);
}

const ApiSpec kListOffsetsApi = {2, "ListOffsets", 0, 5, kNeverFlexible, &HandleListOffsets};

}  // namespace kappa::kafka
