// ListGroups (key 16), versions 0..2 (non-flexible). Lists the groups the coordinator
// tracks plus every group with committed offsets (e.g. kappa's own streaming jobs), the
// latter with protocol type "consumer".
//   response v1+ throttle_time_ms, error_code, groups[group_id, protocol_type]
#include <set>

#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleListGroups(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  std::map<std::string, std::string> groups;
  for (const auto& id : b.log().offsets().ListGroups()) groups[id] = "consumer";
  for (const auto& d : b.groups().ListGroups()) {
    groups[d.group_id] = d.protocol_type.empty() ? "consumer" : d.protocol_type;
  }
  Writer w(ctx.flexible);
  if (v >= 1) w.Int32(0);
  w.Int16(0);
  w.ArrayLength(int32_t(groups.size()));
  for (const auto& [id, type] : groups) {
    w.String(id);
    w.String(type);
  }
  Finish(in, w, respond);
}

const ApiSpec kListGroupsApi = {16, "ListGroups", 0, 2, kNeverFlexible, &HandleListGroups};

}  // namespace kappa::kafka
