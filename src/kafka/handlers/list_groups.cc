// ListGroups (key 16), versions 0..4 (v3+ flexible). Lists the groups the coordinator
// tracks plus every group with committed offsets (e.g. kappa's own streaming jobs), the
// latter "Empty" with protocol type "consumer". v4+ reports each group's state and filters
// by states (case-insensitive, as Kafka; empty filter = all).
//   request  v4+ states_filter[]
//   response v1+ throttle_time_ms, error_code, groups[group_id, protocol_type, v4+ group_state]
#include <algorithm>
#include <cctype>

#include "common/strings.h"
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleListGroups(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  std::vector<std::string> states;
  if (v >= 4) {
    int32_t n = in.ArrayLength(1);
    for (int32_t i = 0; i < n && in.ok(); ++i) states.push_back(AsciiLower(std::string(in.String())));
  }
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed ListGroups request");
    return;
  }
  struct Listed {
    std::string type, state;
  };
  std::map<std::string, Listed> groups;
  for (const auto& id : b.log().offsets().ListGroups()) groups[id] = {"consumer", "Empty"};
  for (const auto& d : b.groups().ListGroups()) {
    groups[d.group_id] = {d.protocol_type.empty() ? "consumer" : d.protocol_type, d.state};
  }
  // Kafka: DESCRIBE on the cluster lists every group; else only the groups the principal
  // may DESCRIBE.
  const bool all = ClusterAuthorized(ctx, security::AclOperation::kDescribe);
  std::vector<std::pair<std::string, Listed>> shown;
  for (auto& [id, g] : groups) {
    if (!all && !GroupAuthorized(ctx, security::AclOperation::kDescribe, id)) continue;
    if (states.empty() ||
        std::find(states.begin(), states.end(), AsciiLower(g.state)) != states.end()) {
      shown.emplace_back(id, g);
    }
  }
  Writer w(ctx.flexible);
  if (v >= 1) w.Int32(0);
  w.Int16(0);
  w.ArrayLength(int32_t(shown.size()));
  for (const auto& [id, g] : shown) {
    w.String(id);
    w.String(g.type);
    if (v >= 4) w.String(g.state);
    w.EmptyTaggedFields();
  }
  w.EmptyTaggedFields();
  Finish(in, w, respond);
}

const ApiSpec kListGroupsApi = {16, "ListGroups", 0, 4, 3, &HandleListGroups};

}  // namespace kappa::kafka
