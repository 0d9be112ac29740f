#include "stream/kafka_admin.h"

#include <fmt/format.h>

#include <map>
#include <memory>

#include "common/logging.h"

namespace kappa::stream {
namespace {

constexpr int kAdminTimeoutMs = 15'000;

void OnLog(const rd_kafka_t* rk, int level, const char* fac, const char* buf) {
  if (level <= 3) {
    KLOG_WARN("{}: {}: {}", rd_kafka_name(rk), fac, buf);
  } else {
    KLOG_DEBUG("{}: {}: {}", rd_kafka_name(rk), fac, buf);
  }
}

struct RkDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using RkPtr = std::unique_ptr<rd_kafka_t, RkDeleter>;

// Partition counts of the topics that exist on the cluster.
Result<std::map<std::string, int32_t>> ExistingTopics(rd_kafka_t* rk, const LogConfig& log) {
  const rd_kafka_metadata_t* md = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &md, kAdminTimeoutMs);
  if (err) {
    return Status::Unavailable(fmt::format(
        "reading metadata from the Kafka cluster at {}: {} (is a broker running there? "
        "`log.bootstrap` in the config names it)", log.bootstrap, rd_kafka_err2str(err)));
  }
  std::map<std::string, int32_t> out;
  for (int i = 0; i < md->topic_cnt; ++i) {
    if (md->topics[i].err) continue;
    out[md->topics[i].topic] = md->topics[i].partition_cnt;
  }
  rd_kafka_metadata_destroy(md);
  return out;
}

// Runs one admin request and returns its event (the caller destroys it).
template <typename Fn>
Result<rd_kafka_event_t*> RunAdmin(rd_kafka_t* rk, rd_kafka_admin_op_t op, Fn&& send) {
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* opts = rd_kafka_AdminOptions_new(rk, op);
  char err[512];
  rd_kafka_AdminOptions_set_operation_timeout(opts, kAdminTimeoutMs, err, sizeof(err));
  send(opts, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, kAdminTimeoutMs + 5000);
  rd_kafka_AdminOptions_destroy(opts);
  rd_kafka_queue_destroy(q);
  if (!ev) return Status::TimedOut("no answer from the Kafka cluster to an admin request");
  if (rd_kafka_event_error(ev)) {
    std::string msg = rd_kafka_event_error_string(ev);
    rd_kafka_event_destroy(ev);
    return Status::Unavailable(msg);
  }
  return ev;
}

}  // namespace

Result<rd_kafka_conf_t*> NewKafkaConf(const LogConfig& log, std::string_view role) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& k, const std::string& v) -> Status {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      return Status::InvalidArgument(fmt::format("kafka property {}={}: {}", k, v, err));
    }
    return Status::OK();
  };
  Status st = set("bootstrap.servers", log.bootstrap);
  if (st.ok()) st = set("client.id", fmt::format("{}-{}", log.client_id, role));
  if (st.ok()) st = set("log_level", "4");
  for (const auto& [k, v] : log.properties) {
    if (st.ok()) st = set(k, v);
  }
  if (!st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st.WithContext("log.properties");
  }
  rd_kafka_conf_set_log_cb(conf, OnLog);
  return conf;
}

connect::KafkaSinkOptions KafkaSinkOptionsFor(const LogConfig& log) {
  connect::KafkaSinkOptions o;
  o.bootstrap = log.bootstrap;
  o.client_id = log.client_id + "-producer";
  o.properties = log.properties;
  return o;
}

namespace {

// A client for admin and metadata requests (a consumer when `group` is set, for commits).
Result<RkPtr> AdminClient(const LogConfig& log, const std::string& group = "") {
  ASSIGN_OR_RETURN(rd_kafka_conf_t * conf, NewKafkaConf(log, "admin"));
  char err[512];
  if (!group.empty() &&
      rd_kafka_conf_set(conf, "group.id", group.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(err);
  }
  RkPtr rk(rd_kafka_new(group.empty() ? RD_KAFKA_PRODUCER : RD_KAFKA_CONSUMER, conf, err,
                        sizeof(err)));
  if (!rk) {
    rd_kafka_conf_destroy(conf);
    return Status::InvalidArgument(fmt::format("kafka client for {}: {}", log.bootstrap, err));
  }
  return rk;
}

struct TplDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using TplPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, TplDeleter>;

}  // namespace

Result<std::vector<KafkaPartitionRange>> DescribeKafkaTopic(const LogConfig& log,
                                                            const std::string& topic) {
  ASSIGN_OR_RETURN(RkPtr rk, AdminClient(log));
  ASSIGN_OR_RETURN(auto existing, ExistingTopics(rk.get(), log));
  auto it = existing.find(topic);
  if (it == existing.end()) {
    return Status::NotFound(fmt::format("topic {} does not exist on {}", topic, log.bootstrap));
  }
  std::vector<KafkaPartitionRange> out;
  for (int32_t p = 0; p < it->second; ++p) {
    int64_t lo = 0, hi = 0;
    rd_kafka_resp_err_t e =
        rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &lo, &hi, kAdminTimeoutMs);
    if (e) {
      return Status::Unavailable(fmt::format("offsets of {}/{} on {}: {}", topic, p,
                                             log.bootstrap, rd_kafka_err2str(e)));
    }
    out.push_back({p, lo, hi});
  }
  return out;
}

Result<std::map<int32_t, int64_t>> KafkaOffsetsForTime(const LogConfig& log,
                                                       const std::string& topic,
                                                       const std::vector<int32_t>& partitions,
                                                       int64_t timestamp_ms) {
  ASSIGN_OR_RETURN(RkPtr rk, AdminClient(log));
  TplPtr q(rd_kafka_topic_partition_list_new(int(partitions.size())));
  for (int32_t p : partitions) {
    rd_kafka_topic_partition_list_add(q.get(), topic.c_str(), p)->offset = timestamp_ms;
  }
  if (rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(rk.get(), q.get(), kAdminTimeoutMs)) {
    return Status::Unavailable(fmt::format("offsets for a time of {} on {}: {}", topic,
                                           log.bootstrap, rd_kafka_err2str(e)));
  }
  std::map<int32_t, int64_t> out;
  for (int i = 0; i < q->cnt; ++i) out[q->elems[i].partition] = q->elems[i].offset;
  return out;
}

Status CommitKafkaGroupOffsets(const LogConfig& log, const std::string& group,
                               const std::string& topic,
                               const std::map<int32_t, int64_t>& offsets) {
  if (offsets.empty()) return Status::OK();
  ASSIGN_OR_RETURN(RkPtr rk, AdminClient(log, group));
  TplPtr l(rd_kafka_topic_partition_list_new(int(offsets.size())));
  for (const auto& [p, o] : offsets) {
    rd_kafka_topic_partition_list_add(l.get(), topic.c_str(), p)->offset = o;
  }
  if (rd_kafka_resp_err_t e = rd_kafka_commit(rk.get(), l.get(), 0)) {
    return Status::Unavailable(fmt::format(
        "committing offsets of group {} on {}: {} (a group can be reset only while it has no "
        "active members)", group, log.bootstrap, rd_kafka_err2str(e)));
  }
  rd_kafka_consumer_close(rk.get());
  return Status::OK();
}

Status EnsureKafkaTopics(const LogConfig& log, const std::vector<TopicConfig>& topics) {
  char err[512];
  ASSIGN_OR_RETURN(RkPtr rk, AdminClient(log));
  ASSIGN_OR_RETURN(auto existing, ExistingTopics(rk.get(), log));

  std::vector<rd_kafka_NewTopic_t*> create;
  std::vector<rd_kafka_NewPartitions_t*> grow;
  auto cleanup = [&] {
    for (auto* t : create) rd_kafka_NewTopic_destroy(t);
    for (auto* p : grow) rd_kafka_NewPartitions_destroy(p);
  };
  for (const TopicConfig& t : topics) {
    auto it = existing.find(t.name);
    if (it == existing.end()) {
      rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions,
                                                      log.replication_factor, err, sizeof(err));
      if (!nt) {
        cleanup();
        return Status::InvalidArgument(fmt::format("topic {}: {}", t.name, err));
      }
      if (t.retention_bytes > 0) {
        rd_kafka_NewTopic_set_config(nt, "retention.bytes", std::to_string(t.retention_bytes).c_str());
      }
      if (t.retention_ms > 0) {
        rd_kafka_NewTopic_set_config(nt, "retention.ms", std::to_string(t.retention_ms).c_str());
      }
      create.push_back(nt);
    } else if (it->second < t.partitions) {
      KLOG_INFO("topic {} on {}: growing from {} to {} partitions", t.name, log.bootstrap,
                it->second, t.partitions);
      grow.push_back(rd_kafka_NewPartitions_new(t.name.c_str(), size_t(t.partitions), err, sizeof(err)));
    }
  }
  Status result;
  if (!create.empty()) {
    auto ev = RunAdmin(rk.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, [&](auto* opts, auto* q) {
      rd_kafka_CreateTopics(rk.get(), create.data(), create.size(), opts, q);
    });
    if (!ev.ok()) {
      result = ev.status().WithContext("creating topics on " + log.bootstrap);
    } else {
      size_t n = 0;
      const rd_kafka_topic_result_t** res =
          rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(*ev), &n);
      for (size_t i = 0; i < n; ++i) {
        rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
        const char* name = rd_kafka_topic_result_name(res[i]);
        if (e == RD_KAFKA_RESP_ERR_NO_ERROR) {
          KLOG_INFO("created topic {} on {}", name, log.bootstrap);
        } else if (e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS && result.ok()) {
          const char* msg = rd_kafka_topic_result_error_string(res[i]);
          result = Status::Unavailable(fmt::format("creating topic {} on {}: {}", name,
                                                   log.bootstrap, msg ? msg : rd_kafka_err2str(e)));
        }
      }
      rd_kafka_event_destroy(*ev);
    }
  }
  if (result.ok() && !grow.empty()) {
    auto ev = RunAdmin(rk.get(), RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, [&](auto* opts, auto* q) {
      rd_kafka_CreatePartitions(rk.get(), grow.data(), grow.size(), opts, q);
    });
    if (!ev.ok()) {
      result = ev.status().WithContext("adding partitions on " + log.bootstrap);
    } else {
      size_t n = 0;
      const rd_kafka_topic_result_t** res = rd_kafka_CreatePartitions_result_topics(
          rd_kafka_event_CreatePartitions_result(*ev), &n);
      for (size_t i = 0; i < n && result.ok(); ++i) {
        if (rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i])) {
          result = Status::Unavailable(fmt::format("adding partitions to {} on {}: {}",
                                                   rd_kafka_topic_result_name(res[i]),
                                                   log.bootstrap, rd_kafka_err2str(e)));
        }
      }
      rd_kafka_event_destroy(*ev);
    }
  }
  cleanup();
  return result;
}

}  // namespace kappa::stream
