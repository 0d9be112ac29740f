// JoinGroup (key 11), versions 0..9 (v6+ flexible). Answered when the rebalance completes
// (GroupCoordinator). v4+: a member joining without an id first gets MEMBER_ID_REQUIRED
// with its new id (KIP-394); v5+ carries group_instance_id (static membership); v7+ answers
// the protocol type; v8+ sends a reason (logged by Kafka, ignored here); v9+ answers
// skip_assignment, always false (kappa never assigns for the leader).
//   request  group_id, session_timeout_ms, v1+ rebalance_timeout_ms, member_id,
//            v5+ group_instance_id, protocol_type, protocols[name, metadata], v8+ reason
//   response v2+ throttle_time_ms, error_code, generation_id, v7+ protocol_type,
//            protocol_name (v7+ nullable), leader, v9+ skip_assignment, member_id,
//            members[member_id, v5+ group_instance_id, metadata]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleJoinGroup(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  const bool flexible = ctx.flexible;
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
    in.SkipTaggedFields();
    req.protocols.push_back(std::move(p));
  }
  if (v >= 8) in.NullableString();  // reason
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed JoinGroup request");
    return;
  }
  req.client_id = ctx.client_id;
  req.client_host = ctx.client_host;
  req.require_known_member_id = v >= 4;
  auto shared = std::make_shared<Responder>(std::move(respond));
  auto answer = [shared, v, flexible](JoinGroupResult r) {
    Writer w(flexible);
    if (v >= 2) w.Int32(0);
    w.Error(r.error);
    w.Int32(r.generation_id);
    bool has_protocol = r.error == ErrorCode::kNone && !r.protocol_name.empty();
    if (v >= 7) {
      w.NullableString(has_protocol ? std::optional<std::string_view>(r.protocol_type)
                                    : std::nullopt);
      w.NullableString(has_protocol ? std::optional<std::string_view>(r.protocol_name)
                                    : std::nullopt);
    } else {
      w.String(r.protocol_name);
    }
    w.String(r.leader);
    if (v >= 9) w.Bool(false);  // skip_assignment
    w.String(r.member_id);
    w.ArrayLength(int32_t(r.members.size()));
    for (const auto& m : r.members) {
      w.String(m.member_id);
      if (v >= 5) w.NullableString(m.group_instance_id);
      w.Bytes(m.metadata);
      w.EmptyTaggedFields();
    }
    w.EmptyTaggedFields();
    shared->Send(w);
  };
  // Kafka: READ on the group, else GROUP_AUTHORIZATION_FAILED echoing the member id.
  if (!GroupAuthorized(ctx, security::AclOperation::kRead, req.group_id)) {
    JoinGroupResult denied;
    denied.error = ErrorCode::kGroupAuthorizationFailed;
    denied.member_id = req.member_id;
    answer(std::move(denied));
    return;
  }
  ctx.broker->groups().Join(std::move(req), std::move(answer));
}

const ApiSpec kJoinGroupApi = {11, "JoinGroup", 0, 9, 6, &HandleJoinGroup};

}  // namespace kappa::kafka
