// SyncGroup (key 14), versions 0..3 (non-flexible). The leader's request carries every
// member's assignment; each member's request is answered once the leader's arrived.
//   request  group_id, generation_id, member_id, v3+ group_instance_id,
//            assignments[member_id, assignment]
//   response v1+ throttle_time_ms, error_code, assignment
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleSyncGroup(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  std::string group(in.String());
  int32_t generation = in.Int32();
  std::string member(in.String());
  std::optional<std::string> instance;
  if (v >= 3) {
    if (auto id = in.NullableString()) instance = std::string(*id);
  }
  std::map<std::string, std::string> assignments;
  int32_t n = in.ArrayLength(6);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    std::string id(in.String());
    assignments[id] = std::string(in.Bytes());
  }
  if (!in.ok()) {
    respond.Close("malformed SyncGroup request");
    return;
  }
  auto shared = std::make_shared<Responder>(std::move(respond));
  ctx.broker->groups().Sync(group, generation, member, instance, std::move(assignments),
                            [shared, v](SyncGroupResult r) {
                              Writer w(false);
                              if (v >= 1) w.Int32(0);
                              w.Int16(Code(r.error));
                              w.Bytes(r.assignment);
                              shared->Send(w.Take());
                            });
}

const ApiSpec kSyncGroupApi = {14, "SyncGroup", 0, 3, kNeverFlexible, &HandleSyncGroup};

}  // namespace kappa::kafka
