// FindCoordinator (key 10), versions 0..2 (non-flexible). This node coordinates every group
// (and would every transactional id).
//   request  key, v1+ key_type
//   response v1+ throttle_time_ms, error_code, v1+ error_message, node_id, host, port
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleFindCoordinator(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  const BrokerConfig& c = ctx.broker->config();
  in.String();  // key
  if (v >= 1) in.Int8();
  Writer w(ctx.flexible);
  if (v >= 1) w.Int32(0);
  w.Int16(0);
  if (v >= 1) w.NullableString(std::nullopt);
  w.Int32(c.node_id);
  w.String(c.host);
  w.Int32(c.port);
  Finish(in, w, respond);
}

const ApiSpec kFindCoordinatorApi = {10, "FindCoordinator", 0, 2, kNeverFlexible,
                                     &HandleFindCoordinator};

}  // namespace kappa::kafka
