// Pipeline::Setup: makes the data directory hold what the config declares (topics,
// keyspaces, tables). Idempotent; never drops or rewrites anything that exists.
#include <fmt/format.h>

#include <algorithm>

#include "common/logging.h"
#include "log/log.h"
#include "store/store.h"
#include "app/app.h"

namespace kappa::app {
namespace {

Result<store::TableSchema> ToSchema(const TableConfig& t) {
  store::TableSchema s;
  s.keyspace = t.keyspace;
  s.name = t.name;
  auto column = [&](const std::string& name) -> const ColumnConfig* {
    for (const auto& c : t.columns) {
      if (c.name == name) return &c;
    }
    return nullptr;
  };
  auto add = [&](const ColumnConfig& c, store::ColumnKind kind, int pos) -> Status {
    auto type = store::Type::Parse(c.type);
    if (!type.ok()) {
      return type.status().WithContext(fmt::format("column {}.{}", t.FullName(), c.name));
    }
    store::ColumnSchema col;
    col.name = c.name;
    col.type = *type;
    col.kind = kind;
    col.position = pos;
    s.columns.push_back(std::move(col));
    return Status::OK();
  };
  for (size_t i = 0; i < t.partition_key.size(); ++i) {
    RETURN_IF_ERROR(add(*column(t.partition_key[i]), store::ColumnKind::kPartitionKey, int(i)));
  }
  for (size_t i = 0; i < t.clustering.size(); ++i) {
    RETURN_IF_ERROR(add(*column(t.clustering[i]), store::ColumnKind::kClustering, int(i)));
  }
  for (const auto& c : t.columns) {
    bool is_key = std::find(t.partition_key.begin(), t.partition_key.end(), c.name) !=
                      t.partition_key.end() ||
                  std::find(t.clustering.begin(), t.clustering.end(), c.name) != t.clustering.end();
    if (!is_key) RETURN_IF_ERROR(add(c, store::ColumnKind::kRegular, -1));
  }
  RETURN_IF_ERROR(s.Finish().WithContext("table " + t.FullName()));
  return s;
}

// Same columns (name, type, kind, position), order of regular columns aside.
bool SameShape(const store::TableSchema& a, const store::TableSchema& b) {
  if (a.columns.size() != b.columns.size()) return false;
  for (const auto& ca : a.columns) {
    int i = b.FindColumn(ca.name);
    if (i < 0) return false;
    const auto& cb = b.columns[i];
    if (!(ca.type == cb.type) || ca.kind != cb.kind ||
        (ca.kind != store::ColumnKind::kRegular && ca.position != cb.position)) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status Pipeline::Setup(Runtime* rt, const PipelineConfig& config) {
  if (rt->read_only()) return Status::Unavailable("the data directory is open read-only");
  log::Log& log = rt->log();
  store::Store& store = rt->store();
  // Everything that can refuse is checked before anything is created, so a refused start
  // leaves the data directory as it was.
  for (const KeyspaceConfig& ks : config.keyspaces) {
    for (const TableConfig& t : ks.tables) {
      ASSIGN_OR_RETURN(store::TableSchema want, ToSchema(t));
      auto have = store.GetTable(t.keyspace, t.name);
      if (have.ok() && !SameShape(**have, want)) {
        return Status::InvalidArgument(fmt::format(
            "table {} exists with a different schema:\n  stored: {}\n  config: {}\nUse a new "
            "table name in the config (and a new job starting at earliest to fill it)",
            t.FullName(), (*have)->ToCql(), want.ToCql()));
      }
    }
  }
  if (config.log.kafka()) {
    RETURN_IF_ERROR(stream::EnsureKafkaTopics(config.log, config.topics));
  }
  for (const TopicConfig& t : config.log.kafka() ? std::vector<TopicConfig>{} : config.topics) {
    if (log.TopicExists(t.name)) {
      ASSIGN_OR_RETURN(log::TopicDescription d, log.DescribeTopic(t.name));
      int32_t have = static_cast<int32_t>(d.partitions.size());
      if (have < t.partitions) {
        KLOG_INFO("topic {}: growing from {} to {} partitions", t.name, have, t.partitions);
        RETURN_IF_ERROR(log.AddPartitions(t.name, t.partitions));
      }
      continue;
    }
    log::TopicConfig tc;
    if (t.retention_bytes >= 0) tc.retention_bytes = t.retention_bytes > 0 ? t.retention_bytes : -1;
    if (t.retention_ms >= 0) tc.retention_ms = t.retention_ms > 0 ? t.retention_ms : -1;
    RETURN_IF_ERROR(log.CreateTopic(t.name, t.partitions, tc).WithContext("creating topic " + t.name));
    KLOG_INFO("created topic {} ({} partitions)", t.name, t.partitions);
  }
  for (const KeyspaceConfig& ks : config.keyspaces) {
    store::KeyspaceSchema kss;
    kss.name = ks.name;
    kss.replication = ks.replication;
    Status st = store.CreateKeyspace(kss, /*if_not_exists=*/true);
    RETURN_IF_ERROR(st.WithContext("creating keyspace " + ks.name));
    for (const TableConfig& t : ks.tables) {
      ASSIGN_OR_RETURN(store::TableSchema want, ToSchema(t));
      if (store.GetTable(t.keyspace, t.name).ok()) continue;  // same shape: checked above
      RETURN_IF_ERROR(store.CreateTable(want, /*if_not_exists=*/true)
                          .WithContext("creating table " + t.FullName()));
      KLOG_INFO("created table {}", t.FullName());
    }
  }
  return Status::OK();
}

}  // namespace kappa::app
