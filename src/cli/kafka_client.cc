#include "cli/kafka_client.h"

#include <algorithm>

#include "cli/cli_common.h"

namespace kappa::cli {

void AddBootstrapOption(CLI::App* cmd, std::string* bootstrap) {
  CheckHostPortList(cmd->add_option("--bootstrap", *bootstrap,
                                    "host:port of a Kafka-protocol broker (kappa or Kafka): "
                                    "work through the Kafka protocol instead of reading "
                                    "--data-dir directly"));
}

rd_kafka_conf_t* NewKafkaConf(const std::string& bootstrap, const KafkaSettings& settings) {
  rd_kafka_conf_t* c = rd_kafka_conf_new();
  char err[512];
  auto set = [&](const std::string& k, const std::string& v) {
    if (rd_kafka_conf_set(c, k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(c);
      Fail("librdkafka setting " + k + "=" + v + ": " + err);
    }
  };
  set("bootstrap.servers", bootstrap);
  set("log_level", "3");  // errors only: connection trouble shows up as our own message
  set("socket.nagle.disable", "true");
  for (const auto& [k, v] : settings) set(k, v);
  return c;
}

KafkaClient NewKafkaClient(rd_kafka_type_t type, rd_kafka_conf_t* conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf, err, sizeof(err));
  if (!rk) {
    rd_kafka_conf_destroy(conf);  // rd_kafka_new takes ownership only on success
    Fail(std::string("librdkafka: ") + err);
  }
  return KafkaClient(rk);
}

std::vector<RemoteTopic> ListRemoteTopics(rd_kafka_t* rk, const std::string& bootstrap) {
  const rd_kafka_metadata_t* md = nullptr;
  // all_topics=1 lists what exists; naming a topic could auto-create it on kappa and Kafka.
  rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, nullptr, &md, kKafkaTimeoutMs);
  if (e) {
    Fail("no metadata from the broker at " + bootstrap + " within " +
         std::to_string(kKafkaTimeoutMs / 1000) + " s (" + rd_kafka_err2str(e) +
         "); is a Kafka-protocol broker listening there?");
  }
  std::vector<RemoteTopic> out;
  for (int t = 0; t < md->topic_cnt; ++t) {
    const auto& mt = md->topics[t];
    if (mt.err) continue;  // e.g. a topic being deleted
    RemoteTopic rt{mt.topic, {}, {}};
    std::vector<std::pair<int32_t, int32_t>> parts;
    for (int p = 0; p < mt.partition_cnt; ++p) {
      parts.emplace_back(mt.partitions[p].id, mt.partitions[p].leader);
    }
    std::sort(parts.begin(), parts.end());
    for (auto [id, leader] : parts) {
      rt.partitions.push_back(id);
      rt.leaders.push_back(leader);
    }
    out.push_back(std::move(rt));
  }
  rd_kafka_metadata_destroy(md);
  std::sort(out.begin(), out.end(),
            [](const RemoteTopic& a, const RemoteTopic& b) { return a.name < b.name; });
  return out;
}

const RemoteTopic* FindTopic(const std::vector<RemoteTopic>& topics, const std::string& name) {
  for (const auto& t : topics) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::pair<int64_t, int64_t> Watermarks(rd_kafka_t* rk, const std::string& topic,
                                       int32_t partition) {
  int64_t lo = 0, hi = 0;
  rd_kafka_resp_err_t e =
      rd_kafka_query_watermark_offsets(rk, topic.c_str(), partition, &lo, &hi, kKafkaTimeoutMs);
  if (e) {
    Fail("offsets of " + topic + "/" + std::to_string(partition) + ": " + rd_kafka_err2str(e));
  }
  return {lo, hi};
}

rd_kafka_AdminOptions_t* NewAdminOptions(rd_kafka_t* rk, rd_kafka_admin_op_t op) {
  rd_kafka_AdminOptions_t* o = rd_kafka_AdminOptions_new(rk, op);
  char err[256];
  rd_kafka_AdminOptions_set_request_timeout(o, kKafkaTimeoutMs, err, sizeof(err));
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
      op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS) {
    rd_kafka_AdminOptions_set_operation_timeout(o, kKafkaTimeoutMs, err, sizeof(err));
  }
  return o;
}

rd_kafka_event_t* WaitAdminResult(rd_kafka_queue_t* queue, rd_kafka_event_type_t type,
                                  const char* what) {
  rd_kafka_event_t* ev = rd_kafka_queue_poll(queue, kKafkaTimeoutMs + 5000);
  if (!ev) Fail(std::string(what) + ": no answer from the broker");
  if (rd_kafka_event_type(ev) != type || rd_kafka_event_error(ev)) {
    std::string msg = std::string(what) + ": " +
                      (rd_kafka_event_error(ev) ? rd_kafka_event_error_string(ev)
                                                : "unexpected librdkafka event");
    rd_kafka_event_destroy(ev);
    Fail(msg);
  }
  return ev;
}

void CheckTopicResults(const rd_kafka_topic_result_t** results, size_t n, const char* what) {
  for (size_t i = 0; i < n; ++i) {
    if (rd_kafka_topic_result_error(results[i])) {
      const char* s = rd_kafka_topic_result_error_string(results[i]);
      Fail(std::string(what) + " " + rd_kafka_topic_result_name(results[i]) + ": " +
           (s ? s : rd_kafka_err2str(rd_kafka_topic_result_error(results[i]))));
    }
  }
}

}  // namespace kappa::cli
