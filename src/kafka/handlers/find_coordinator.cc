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
  Writer w(ctx.flexible);
  if (v >= 1) w.Int32(0);
  if (v <= 3) {
    w.Error(e);
    if (v >= 1) w.NullableString(msg);
    w.Int32(known_type ? c.node_id : -1);
    w.String(known_type ? AdvertisedHost(ctx) : "");
    w.Int32(known_type ? AdvertisedPort(ctx) : -1);
  } else {
    w.ArrayLength(int32_t(keys.size()));
    for (const auto& k : keys) {
      w.String(k);
      w.Int32(known_type ? c.node_id : -1);
      w.String(known_type ? AdvertisedHost(ctx) : "");
      w.Int32(known_type ? AdvertisedPort(ctx) : -1);
      w.Error(e);
      w.NullableString(msg);
      w.EmptyTaggedFields();
    }
  }
  w.EmptyTaggedFields();
  Finish(in, w, respond);
}

const ApiSpec kFindCoordinatorApi = {10, "FindCoordinator", 0, 4, 3, &HandleFindCoordinator};

}  // namespace kappa::kafka
