// OffsetCommit (key 8), versions 0..8 (v8+ flexible). Offsets go to the log's OffsetStore
// (durable, shared with kappa's own streaming jobs), all partitions of one request in one
// atomic commit. Generation/member are checked by the GroupCoordinator; generation -1 with
// an empty member id is a "simple" commit from a consumer outside any group (allowed while
// the group is Empty), validated as Kafka does (GroupCoordinator::ValidateCommit).
//   request  group_id, v1+ generation_id, member_id, v7+ group_instance_id,
//            v2-4 retention_time_ms, topics[name, partitions[partition_index,
//            committed_offset, v6+ committed_leader_epoch, v1 commit_timestamp,
//            committed_metadata]]
//   response v3+ throttle_time_ms, topics[name, partitions[partition_index, error_code]]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static constexpr size_t kMaxMetadataBytes = 4096;  // Kafka's offset.metadata.max.bytes

static void HandleOffsetCommit(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  std::string group(in.String());
  int32_t generation = -1;
  std::string member;
  if (v >= 1) {
    generation = in.Int32();
    member = std::string(in.String());
  }
  std::optional<std::string> instance;
  if (v >= 7) {
    if (auto id = in.NullableString()) instance = std::string(*id);
  }
  if (v >= 2 && v <= 4) in.Int64();
  struct Item {
    int32_t partition;
    int64_t offset;
    std::string metadata;
    ErrorCode error = ErrorCode::kNone;
  };
  std::vector<std::pair<std::string, std::vector<Item>>> topics;
  int32_t nt = in.ArrayLength(3);
  for (int32_t t = 0; t < nt && in.ok(); ++t) {
    std::pair<std::string, std::vector<Item>> tp;
    tp.first = std::string(in.String());
    int32_t np = in.ArrayLength(14);
    for (int32_t i = 0; i < np && in.ok(); ++i) {
      Item it;
      it.partition = in.Int32();
      it.offset = in.Int64();
      if (v >= 6) in.Int32();
      if (v == 1) in.Int64();
      auto md = in.NullableString();
      if (md) it.metadata = std::string(*md);
      in.SkipTaggedFields();
      tp.second.push_back(std::move(it));
    }
    in.SkipTaggedFields();
    topics.push_back(std::move(tp));
  }
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed OffsetCommit request");
    return;
  }
  // Kafka: READ on the group (else every partition GROUP_AUTHORIZATION_FAILED), then READ
  // on each topic (else its partitions TOPIC_AUTHORIZATION_FAILED).
  ErrorCode group_error =
      !GroupAuthorized(ctx, security::AclOperation::kRead, group) ? ErrorCode::kGroupAuthorizationFailed
      : group.empty() ? ErrorCode::kInvalidGroupId
                      : b.groups().ValidateCommit(group, generation, member, instance);
  std::map<log::OffsetKey, log::CommittedOffset> batch;
  int64_t now = b.clock()->NowMs();
  for (auto& [name, items] : topics) {
    const bool may_read = TopicAuthorized(ctx, security::AclOperation::kRead, name);
    for (auto& it : items) {
      if (group_error != ErrorCode::kNone) {
        it.error = group_error;
      } else if (!may_read) {
        it.error = ErrorCode::kTopicAuthorizationFailed;
      } else if (it.metadata.size() > kMaxMetadataBytes) {
        it.error = ErrorCode::kOffsetMetadataTooLarge;
      } else if (!b.log().GetPartition(name, PartitionId(it.partition)).ok()) {
        it.error = ErrorCode::kUnknownTopicOrPartition;
      } else {
        batch[log::OffsetKey{name, PartitionId(it.partition)}] =
            log::CommittedOffset{Offset(it.offset), it.metadata, TimestampMs(now)};
      }
    }
  }
  if (!batch.empty()) {
    Status s = b.log().offsets().Commit(group, batch);
    if (!s.ok()) {
      for (auto& [name, items] : topics) {
        for (auto& it : items) {
          if (it.error == ErrorCode::kNone) it.error = ErrorCode::kKafkaStorageError;
        }
      }
    }
  }
  Writer w(ctx.flexible);
  if (v >= 3) w.Int32(0);
  w.ArrayLength(int32_t(topics.size()));
  for (const auto& [name, items] : topics) {
    w.String(name);
    w.ArrayLength(int32_t(items.size()));
    for (const auto& it : items) {
      w.Int32(it.partition);
      w.Error(it.error);
      w.EmptyTaggedFields();
    }
    w.EmptyTaggedFields();
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kOffsetCommitApi = {8, "OffsetCommit", 0, 8, 8, &HandleOffsetCommit};

}  // namespace kappa::kafka
