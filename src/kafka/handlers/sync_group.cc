// SyncGroup (key 14), versions 0..5 (v4+ flexible). The leader's request carries every
// member's assignment; each member's request is answered once the leader's arrived. v5+
// names the protocol type and name, which must match the group's (else
// INCONSISTENT_GROUP_PROTOCOL) and are echoed back.
//   request  group_id, generation_id, member_id, v3+ group_instance_id, v5+ protocol_type,
//            v5+ protocol_name, assignments[member_id, assignment]
//   response v1+ throttle_time_ms, error_code, v5+ protocol_type, v5+ protocol_name,
//            assignment
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static std::optional<std::string> OptString(Reader& in) {
  auto s = in.NullableString();
  return s ? std::optional<std::string>(std::string(*s)) : std::nullopt;
}

static void HandleSyncGroup(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  const bool flexible = ctx.flexible;
  std::string group(in.String());
  int32_t generation = in.Int32();
  std::string member(in.String());
  std::optional<std::string> instance, protocol_type, protocol_name;
  if (v >= 3) instance = OptString(in);
  if (v >= 5) {
    protocol_type = OptString(in);
    protocol_name = OptString(in);
  }
  std::map<std::string, std::string> assignments;
  int32_t n = in.ArrayLength(6);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    std::string id(in.String());
    assignments[id] = std::string(in.Bytes());
    in.SkipTaggedFields();
  }
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed SyncGroup request");
    return;
  }
  auto shared = std::make_shared<Responder>(std::move(respond));
  auto answer = [shared, v, flexible](SyncGroupResult r) {
    Writer w(flexible);
    if (v >= 1) w.Int32(0);
    w.Error(r.error);
    if (v >= 5) {
      bool ok = r.error == ErrorCode::kNone;
      w.NullableString(ok ? std::optional<std::string_view>(r.protocol_type) : std::nullopt);
      w.NullableString(ok ? std::optional<std::string_view>(r.protocol_name) : std::nullopt);
    }
    w.Bytes(r.assignment);
    w.EmptyTaggedFields();
    shared->Send(w);
  };
  if (!GroupAuthorized(ctx, security::AclOperation::kRead, group)) {  // as Kafka
    answer(SyncGroupResult{ErrorCode::kGroupAuthorizationFailed, {}, {}, {}});
    return;
  }
  ctx.broker->groups().Sync(group, generation, member, instance, std::move(assignments),
                            std::move(answer), protocol_type, protocol_name);
}

const ApiSpec kSyncGroupApi = {14, "SyncGroup", 0, 5, 4, &HandleSyncGroup};

}  // namespace kappa::kafka
