// DeleteGroups (key 42), versions 0..2 (v2+ flexible). Deletes an empty group and its
// committed offsets; NON_EMPTY_GROUP while it has members, GROUP_ID_NOT_FOUND if unknown.
//   request  groups_names[]
//   response throttle_time_ms, results[group_id, error_code]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleDeleteGroups(RequestContext& ctx, Reader& in, Responder respond) {
  Broker& b = *ctx.broker;
  std::vector<std::string> ids;
  int32_t n = in.ArrayLength(1);
  for (int32_t i = 0; i < n && in.ok(); ++i) ids.emplace_back(in.String());
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed DeleteGroups request");
    return;
  }
  Writer w(ctx.flexible);
  w.Int32(0);
  w.ArrayLength(int32_t(ids.size()));
  for (const auto& id : ids) {
    if (!GroupAuthorized(ctx, security::AclOperation::kDelete, id)) {  // as Kafka
      w.String(id);
      w.Error(ErrorCode::kGroupAuthorizationFailed);
      w.EmptyTaggedFields();
      continue;
    }
    ErrorCode e = b.groups().Delete(id);
    if (e == ErrorCode::kNone || e == ErrorCode::kGroupIdNotFound) {
      Status s = b.log().offsets().DeleteGroup(id);
      if (s.ok()) {
        e = ErrorCode::kNone;
      } else if (!s.IsNotFound()) {
        e = ErrorCode::kKafkaStorageError;
      }
    }
    w.String(id);
    w.Error(e);
    w.EmptyTaggedFields();
  }
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kDeleteGroupsApi = {42, "DeleteGroups", 0, 2, 2, &HandleDeleteGroups};

}  // namespace kappa::kafka
