// DescribeLogDirs (key 35), versions 0..4 (v2+ flexible). kappa has one log directory (the
// data directory's log); it reports every partition asked for (null: all) with its size on
// disk, offset lag 0 (no replicas) and, v4+, the file system's total and usable bytes.
//   request  topics (nullable)[topic, partitions[]]
//   response throttle_time_ms, v3+ error_code, results[error_code, log_dir,
//            topics[name, partitions[partition_index, partition_size, offset_lag,
//            is_future_key]], v4+ total_bytes, v4+ usable_bytes]
#include <sys/statvfs.h>

#include <filesystem>

#include "kafka/handlers/handlers.h"

namespace kappa::kafka {

static void HandleDescribeLogDirs(RequestContext& ctx, Reader& in, Responder respond) {
  const int16_t v = ctx.api_version;
  Broker& b = *ctx.broker;
  std::optional<std::map<std::string, std::vector<int32_t>>> wanted;
  int32_t nt = in.ArrayLength(2);
  if (nt >= 0) {
    wanted.emplace();
    for (int32_t t = 0; t < nt && in.ok(); ++t) {
      std::string name(in.String());
      int32_t np = in.ArrayLength(4);
      auto& parts = (*wanted)[name];
      for (int32_t i = 0; i < np && in.ok(); ++i) parts.push_back(in.Int32());
      in.SkipTaggedFields();
    }
  }
  in.SkipTaggedFields();
  if (!in.ok()) {
    respond.Close("malformed DescribeLogDirs request");
    return;
  }
  // Kafka: DESCRIBE on the cluster, else no results (and v3+ CLUSTER_AUTHORIZATION_FAILED).
  if (!ClusterAuthorized(ctx, security::AclOperation::kDescribe)) {
    Writer w(ctx.flexible);
    w.Int32(0);
    if (v >= 3) w.Error(ErrorCode::kClusterAuthorizationFailed);
    w.ArrayLength(0);
    w.EmptyTaggedFields();
    respond.Send(w);
    return;
  }
  // topic -> (partition, size); unknown topics and partitions are left out, as Kafka does.
  std::map<std::string, std::vector<std::pair<int32_t, int64_t>>> found;
  std::vector<std::string> names;
  if (wanted) {
    for (const auto& [name, parts] : *wanted) names.push_back(name);
  } else {
    names = b.log().ListTopics();
  }
  for (const auto& name : names) {
    auto d = b.log().DescribeTopic(name);
    if (!d.ok()) continue;
    for (const auto& p : d->partitions) {
      int32_t idx = p.partition.value();
      if (wanted) {
        const auto& parts = (*wanted)[name];
        if (std::find(parts.begin(), parts.end(), idx) == parts.end()) continue;
      }
      found[name].emplace_back(idx, int64_t(p.bytes));
    }
  }
  const std::string& dir = b.log().options().dir;
  std::string abs_dir = std::filesystem::absolute(dir).lexically_normal().string();
  int64_t total = -1, usable = -1;
  struct statvfs st;
  if (::statvfs(dir.c_str(), &st) == 0) {
    total = int64_t(st.f_blocks) * int64_t(st.f_frsize);
    usable = int64_t(st.f_bavail) * int64_t(st.f_frsize);
  }
  Writer w(ctx.flexible);
  w.Int32(0);
  if (v >= 3) w.Int16(0);
  w.ArrayLength(1);
  w.Int16(0);
  w.String(abs_dir);
  w.ArrayLength(int32_t(found.size()));
  for (const auto& [name, parts] : found) {
    w.String(name);
    w.ArrayLength(int32_t(parts.size()));
    for (const auto& [idx, size] : parts) {
      w.Int32(idx);
      w.Int64(size);
      w.Int64(0);     // offset_lag: no replicas to lag
      w.Bool(false);  // is_future_key: no replica movement
      w.EmptyTaggedFields();
    }
    w.EmptyTaggedFields();
  }
  if (v >= 4) {
    w.Int64(total);
    w.Int64(usable);
  }
  w.EmptyTaggedFields();
  w.EmptyTaggedFields();
  respond.Send(w);
}

const ApiSpec kDescribeLogDirsApi = {35, "DescribeLogDirs", 0, 4, 2, &HandleDescribeLogDirs};

}  // namespace kappa::kafka
