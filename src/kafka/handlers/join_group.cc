// JoinGroup (key 11), versions 0..5 (non-flexible). Answered when the rebalance completes
// (GroupCoordinator). v4+: a member joining without an id first gets MEMBER_ID_REQUIRED
// with its new id (KIP-394); v5+ carries group_instance_id (static membership).
//   request  group_id, session_timeout_ms, v1+ rebalance_timeout_ms, member_id,
//            v5+ group_instance_id, protocol_type, protocols[name, metadata]
//   response v2+ throttle_time_ms, error_code, generation_id, protocol_name, leader,
//            member_id, members[member_id, v5+ group_instance_id, metadata]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleJoinGroup(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  JoinGroupRequest req;
  req.group_id = std::string(in.String());
  req.session_timeout_ms = in.Int32();
  req.rebalance_timeout_ms = v >= 1 ? in.Int32() : req.session_timeout_ms;
  req.member_id = std::string(in.String());
  if (v >= 5) {
    if (auto id = in.NullableString()) req.group_instance_id = std::string(*id);
  }
  req.protocol_type = std::string(in.String());
  int32_t n = in.ArrayLength(6);
  for (int32_t i = 0; i < n && in.ok(); ++i) {
    ProtocolMetadata p;
    p.name = std::string(in.String());
    p.metadata = std::string(in.Bytes());
    req.protocols.push_back(std::move(p));
  }
  if (!in.ok()) {
    respond.Close("malformed JoinGroup request");
    return;
  }
  req.client_id = ctx.client_id;
  req.client_host = ctx.client_host;
  req.require_known_member_id = v >= 4;
  auto shared = std::make_shared<Responder>(std::move(respond));
  ctx.broker->groups().Join(std::move(req), [shared, v](JoinGroupResult r) {
    Writer w(false);
    if (v >= 2) w.Int32(0);
    w.Int16(Code(r.error));
    w.Int32(r.generation_id);
    w.String(r.protocol_name);
    w.String(r.leader);
    w.String(r.member_id);
    w.ArrayLength(int32_t(r.members.size()));
    for (const auto& m : r.members) {
      w.String(m.member_id);
      if (v >= 5) w.NullableString(m.group_instance_id);
      w.Bytes(m.metadata);
    }
    shared->Send(w.Take());
  });
}

const ApiSpec kJoinGroupApi = {11, "JoinGroup", 0, 5, kNeverFlexible, &HandleJoinGroup};

}  // namespace kappa::kafka
