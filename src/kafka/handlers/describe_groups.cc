// DescribeGroups (key 15), versions 0..5 (v5+ flexible). A group known only from committed
// offsets is "Empty" with protocol type "consumer"; an unknown group is "Dead" (no error),
// as in Kafka.
//   request  groups[], v3+ include_authorized_operations
//   response v1+ throttle_time_ms, groups[error_code, group_id, group_state, protocol_type,
//            protocol_data, members[member_id, v4+ group_instance_id, client_id,
//            client_host, member_metadata, member_assignment], v3+ authorized_operations]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleDescribeGroups(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  std::vector<std::string> ids;
  int32_t n = in.ArrayLength(1);
  for (int32_t i = 0; i < n && in.ok(); ++i) ids.emplace_back(in.String());
  if (v >= 3) in.Bool();
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed DescribeGroups request");
    return;
  }
  Writer w(ctx.flexible);
  if (v >= 1) w.Int32(0);
  w.ArrayLength(int32_t(ids.size()));
  for (const auto& id : ids) {
    // Kafka: DESCRIBE on the group, else GROUP_AUTHORIZATION_FAILED with empty fields.
    if (!GroupAuthorized(ctx, security::AclOperation::kDescribe, id)) {
      w.Error(ErrorCode::kGroupAuthorizationFailed);
      w.String(id);
      w.String("");
      w.String("");
      w.String("");
      w.ArrayLength(0);
      if (v >= 3) w.Int32(INT32_MIN);
      w.EmptyTaggedFields();
      continue;
    }
    auto d = b.groups().Describe(id);
    if (!d) {
      d.emplace();
      d->group_id = id;
      bool has_offsets = !b.log().offsets().FetchGroup(id).empty();
      d->state = has_offsets ? "Empty" : "Dead";
      d->protocol_type = has_offsets ? "consumer" : "";
    }
    w.Int16(0);
    w.String(d->group_id);
    w.String(d->state);
    w.String(d->protocol_type);
    w.String(d->protocol_name);
    w.ArrayLength(int32_t(d->members.size()));
    for (const auto& m : d->members) {
      w.String(m.member_id);
      if (v >= 4) w.NullableString(m.group_instance_id);
      w.String(m.client_id);
      w.String(m.client_host);
      w.Bytes(m.metadata);
      w.Bytes(m.assignment);
      w.EmptyTaggedFields();
    }
    if (v >= 3) w.Int32(INT32_MIN);
    w.EmptyTaggedFields();
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kDescribeGroupsApi = {15, "DescribeGroups", 0, 5, 5, &HandleDescribeGroups};

}  // namespace kappa::kafka
