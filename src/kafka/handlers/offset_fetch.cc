// OffsetFetch (key 9), versions 0..5 (non-flexible). Reads the log's OffsetStore. A partition
// without a commit answers offset -1 and no error, as Kafka does.
//   request  group_id, topics (v2+ null = every committed partition)[name, partition_indexes]
//   response v3+ throttle_time_ms, topics[name, partitions[partition_index, committed_offset,
//            v5+ committed_leader_epoch, metadata, error_code]], v2+ error_code
#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleOffsetFetch(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  std::string group(in.String());
  std::optional<std::map<std::string, std::vector<int32_t>>> wanted;
  std::vector<std::string> order;
  int32_t nt = in.ArrayLength(6);
  if (nt >= 0) {
    wanted.emplace();
    for (int32_t t = 0; t < nt && in.ok(); ++t) {
      std::string name(in.String());
      int32_t np = in.ArrayLength(4);
      auto& parts = (*wanted)[name];
      if (parts.empty()) order.push_back(name);
      for (int32_t i = 0; i < np && in.ok(); ++i) parts.push_back(in.Int32());
    }
  }
  if (!in.ok()) {
    respond.Close("malformed OffsetFetch request");
    return;
  }
  auto committed = b.log().offsets().FetchGroup(group);
  if (!wanted) {
    wanted.emplace();
    for (const auto& [key, c] : committed) {
      auto& parts = (*wanted)[key.topic];
      if (parts.empty()) order.push_back(key.topic);
      parts.push_back(key.partition.value());
    }
  }
  Writer w(ctx.flexible);
  if (v >= 3) w.Int32(0);
  w.ArrayLength(int32_t(order.size()));
  for (const auto& name : order) {
    const auto& parts = (*wanted)[name];
    w.String(name);
    w.ArrayLength(int32_t(parts.size()));
    for (int32_t p : parts) {
      auto it = committed.find(log::OffsetKey{name, PartitionId(p)});
      w.Int32(p);
      w.Int64(it == committed.end() ? -1 : it->second.offset.value());
      if (v >= 5) w.Int32(-1);
      w.NullableString(it == committed.end() ? std::string_view() : it->second.metadata);
      w.Int16(0);
    }
  }
  if (v >= 2) w.Int16(0);
  respond.Send(w.Take());
}

const ApiSpec kOffsetFetchApi = {9, "OffsetFetch", 0, 5, kNeverFlexible, &HandleOffsetFetch};

}  // namespace kappa::kafka
