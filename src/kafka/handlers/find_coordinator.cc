// FindCoordinator (key 10), versions 0..4 (v3+ flexible). This node coordinates every group
// (key type 0) and would every transactional id (1); other key types are INVALID_REQUEST.
// v4+ asks for several keys at once (KIP-699) and answers one coordinator per key.
//   request  v0-3 key, v1+ key_type, v4+ coordinator_keys[]
//   response v1+ throttle_time_ms, v0-3 error_code, v1-3 error_message, node_id, host, port,
//            v4+ coordinators[key, node_id, host, port, error_code, error_message]
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleFindCoordinator(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  const BrokerConfig& c = ctx.broker->config();
  std::vector<std::string> keys;
  if (v <= 3) keys.emplace_back(in.String());
  int8_t key_type = v >= 1 ? in.Int8() : 0;
  if (v >= 4) {
    int32_t n = in.ArrayLength(1);
    for (int32_t i = 0; i < n && in.ok(); ++i) keys.emplace_back(in.String());
  }
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed FindCoordinator request");
    return;
  }
  bool known_type = key_type == 0 || key_type == 1;
  ErrorCode e = known_type ? ErrorCode::kNone : ErrorCode::kInvalidRequest;
  std::optional<std::string> msg;
  if (!known_type) msg = "unknown coordinator key type " + std::to_string(key_type);
  // Kafka: DESCRIBE on the group (key type 0) or transactional id (1), else
  // GROUP_/TRANSACTIONAL_ID_AUTHORIZATION_FAILED and no coordinator.
  auto error_for = [&](const std::string& key) {
    if (!known_type) return e;
    if (key_type == 0) {
      return GroupAuthorized(ctx, security::AclOperation::kDescribe, key)
                 ? ErrorCode::kNone
                 : ErrorCode::kGroupAuthorizationFailed;
    }
    return Authorized(ctx, security::AclOperation::kDescribe,
                      security::ResourceType::kTransactionalId, key)
               ? ErrorCode::kNone
               : ErrorCode::kTransactionalIdAuthorizationFailed;
  };
  Writer w(ctx.flexible);
  if (v >= 1) w.Int32(0);
  if (v <= 3) {
    ErrorCode ke = error_for(keys[0]);
    bool found = ke == ErrorCode::kNone;
    w.Error(ke);
    if (v >= 1) w.NullableString(msg);
    w.Int32(found ? c.node_id : -1);
    w.String(found ? AdvertisedHost(ctx) : "");
    w.Int32(found ? AdvertisedPort(ctx) : -1);
  } else {
    w.ArrayLength(int32_t(keys.size()));
    for (const auto& k : keys) {
      ErrorCode ke = error_for(k);
      bool found = ke == ErrorCode::kNone;
      w.String(k);
      w.Int32(found ? c.node_id : -1);
      w.String(found ? AdvertisedHost(ctx) : "");
      w.Int32(found ? AdvertisedPort(ctx) : -1);
      w.Error(ke);
      w.NullableString(msg);
      w.EmptyTaggedFields();
    }
  }
  w.EmptyTaggedFields();
  Finish(in, w, respond);
}

const ApiSpec kFindCoordinatorApi = {10, "FindCoordinator", 0, 4, 3, &HandleFindCoordinator};

}  // namespace kappa::kafka
