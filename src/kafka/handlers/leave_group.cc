// LeaveGroup (key 13), versions 0..5 (v4+ flexible). v3+ removes a batch of members
// (KIP-345), identified by member id, or by group instance id alone (administrative removal).
// Before v3 the one member's error is the response's error, as Kafka answers.
//   request  group_id, v0-2 member_id, v3+ members[member_id, group_instance_id, v5+ reason]
//   response v1+ throttle_time_ms, error_code, v3+ members[member_id, group_instance_id,
//            error_code]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleLeaveGroup(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  std::string group(in.String());
  std::vector<LeaveGroupMember> members;
  if (v <= 2) {
    members.push_back({std::string(in.String()), std::nullopt});
  } else {
    int32_t n = in.ArrayLength(4);
    for (int32_t i = 0; i < n && in.ok(); ++i) {
      LeaveGroupMember m;
      m.member_id = std::string(in.String());
      if (auto id = in.NullableString()) m.group_instance_id = std::string(*id);
      if (v >= 5) in.NullableString();  // reason
      in.SkipTaggedFields();
      members.push_back(std::move(m));
    }
  }
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed LeaveGroup request");
    return;
  }
  std::vector<ErrorCode> per_member;
  ErrorCode overall = ErrorCode::kGroupAuthorizationFailed;  // Kafka: READ on the group
  if (GroupAuthorized(ctx, security::AclOperation::kRead, group)) {
    overall = ctx.broker->groups().Leave(group, members, &per_member);
  } else {
    per_member.assign(members.size(), ErrorCode::kGroupAuthorizationFailed);
  }
  Writer w(ctx.flexible);
  if (v >= 1) w.Int32(0);
  if (v <= 2) {
    w.Error(per_member.empty() ? overall : per_member[0]);
  } else {
    w.Error(overall);
    w.ArrayLength(int32_t(members.size()));
    for (size_t i = 0; i < members.size(); ++i) {
      w.String(members[i].member_id);
      w.NullableString(members[i].group_instance_id);
      w.Error(per_member[i]);
      w.EmptyTaggedFields();
    }
  }
  w.EmptyTaggedFields();
  Finish(in, w, respond);
}

const ApiSpec kLeaveGroupApi = {13, "LeaveGroup", 0, 5, 4, &HandleLeaveGroup};

}  // namespace kappa::kafka
