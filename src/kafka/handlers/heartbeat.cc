// Heartbeat (key 12), versions 0..4 (v4+ flexible).
//   request  group_id, generation_id, member_id, v3+ group_instance_id
//   response v1+ throttle_time_ms, error_code
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleHeartbeat(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  std::string group(in.String());
  int32_t generation = in.Int32();
  std::string member(in.String());
  std::optional<std::string> instance;
  if (v >= 3) {
    if (auto id = in.NullableString()) instance = std::string(*id);
  }
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed Heartbeat request");
    return;
  }
  ErrorCode e = GroupAuthorized(ctx, security::AclOperation::kRead, group)
                    ? ctx.broker->groups().Heartbeat(group, generation, member, instance)
                    : ErrorCode::kGroupAuthorizationFailed;
  Writer w(ctx.flexible);
  if (v >= 1) w.Int32(0);
  w.Error(e);
  w.EmptyTaggedFields();
  Finish(in, w, respond);
}

const ApiSpec kHeartbeatApi = {12, "Heartbeat", 0, 4, 4, &HandleHeartbeat};

}  // namespace kappa::kafka
