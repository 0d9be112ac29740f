// OffsetFetch (key 9), versions 0..8 (v6+ flexible). Reads the log's OffsetStore. A
// partition without a commit answers offset -1 and no error, as Kafka does. A null topic
// list (v2+) means every partition the group committed. v7+ require_stable changes nothing
// (kappa has no pending transactional commits); v8+ asks for several groups at once.
// ACLs as Kafka: DESCRIBE on the group, else GROUP_AUTHORIZATION_FAILED (v2+ the group's
// error code with no topics; v0-1 on every requested partition); DESCRIBE on each topic,
// else its partitions TOPIC_AUTHORIZATION_FAILED (left out when all topics are asked).
//   request  v0-7 group_id, topics[name, partition_indexes] (v2+ nullable), v7+ require_stable
//            v8+ groups[group_id, topics (nullable)[name, partition_indexes]], require_stable
//   response v3+ throttle_time_ms,
//            v0-7 topics[name, partitions[partition_index, committed_offset,
//                 v5+ committed_leader_epoch, metadata, error_code]], v2-7 error_code
//            v8+  groups[group_id, topics[name, partitions[...as above]], error_code]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

namespace {

struct GroupQuery {
  std::string group;
  std::optional<std::map<std::string, std::vector<int32_t>>> wanted;  // nullopt: all
  std::vector<std::string> order;
};

void ReadTopics(Reader& in, GroupQuery* q) {
  int32_t nt = in.ArrayLength(2);
  if (nt < 0) return;
  q->wanted.emplace();
  for (int32_t t = 0; t < nt && in.ok(); ++t) {
    std::string name(in.String());
    int32_t np = in.ArrayLength(4);
    auto& parts = (*q->wanted)[name];
    if (parts.empty()) q->order.push_back(name);
    for (int32_t i = 0; i < np && in.ok(); ++i) parts.push_back(in.Int32());
    in.SkipTaggedFields();
  }
}

// The topics part of one group's answer.
// Returns the group's error code.
ErrorCode WriteTopics(Writer& w, int16_t v, const RequestContext& ctx, Broker& b,
                      GroupQuery& q) {
  const ErrorCode group_error = GroupAuthorized(ctx, security::AclOperation::kDescribe, q.group)
                                    ? ErrorCode::kNone
                                    : ErrorCode::kGroupAuthorizationFailed;
  if (group_error != ErrorCode::kNone && (v >= 2 || !q.wanted)) {
    w.ArrayLength(0);
    return group_error;
  }
  std::map<log::OffsetKey, log::CommittedOffset> committed;
  if (group_error == ErrorCode::kNone) committed = b.log().offsets().FetchGroup(q.group);
  if (!q.wanted) {
    q.wanted.emplace();
    for (const auto& [key, c] : committed) {
      if (!TopicAuthorized(ctx, security::AclOperation::kDescribe, key.topic)) continue;
      auto& parts = (*q.wanted)[key.topic];
      if (parts.empty()) q.order.push_back(key.topic);
      parts.push_back(key.partition.value());
    }
  }
  w.ArrayLength(int32_t(q.order.size()));
  for (const auto& name : q.order) {
    const auto& parts = (*q.wanted)[name];
    ErrorCode err = group_error;
    if (err == ErrorCode::kNone && !TopicAuthorized(ctx, security::AclOperation::kDescribe, name)) {
      err = ErrorCode::kTopicAuthorizationFailed;
    }
    w.String(name);
    w.ArrayLength(int32_t(parts.size()));
    for (int32_t p : parts) {
      auto it = err == ErrorCode::kNone ? committed.find(log::OffsetKey{name, PartitionId(p)})
                                        : committed.end();
      w.Int32(p);
      w.Int64(it == committed.end() ? -1 : it->second.offset.value());
      if (v >= 5) w.Int32(-1);
      w.NullableString(it == committed.end() ? std::string_view() : it->second.metadata);
      w.Error(err);
      w.EmptyTaggedFields();
    }
    w.EmptyTaggedFields();
  }
  return group_error;
}

}  // namespace

static void HandleOffsetFetch(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  std::vector<GroupQuery> queries;
  if (v <= 7) {
    GroupQuery q;
    q.group = std::string(in.String());
    ReadTopics(in, &q);
    queries.push_back(std::move(q));
  } else {
    int32_t ng = in.ArrayLength(3);
    for (int32_t g = 0; g < ng && in.ok(); ++g) {
      GroupQuery q;
      q.group = std::string(in.String());
      ReadTopics(in, &q);
      in.SkipTaggedFields();
      queries.push_back(std::move(q));
    }
  }
  if (v >= 7) in.Bool();  // require_stable
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed OffsetFetch request");
    return;
  }
  Writer w(ctx.flexible);
  if (v >= 3) w.Int32(0);
  if (v <= 7) {
    ErrorCode e = WriteTopics(w, v, ctx, b, queries[0]);
    if (v >= 2) w.Error(e);
  } else {
    w.ArrayLength(int32_t(queries.size()));
    for (auto& q : queries) {
      w.String(q.group);
      w.Error(WriteTopics(w, v, ctx, b, q));
      w.EmptyTaggedFields();
    }
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kOffsetFetchApi = {9, "OffsetFetch", 0, 8, 6, &HandleOffsetFetch};

}  // namespace kappa::kafka
