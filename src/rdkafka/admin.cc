// Admin requests: create and delete topics, add partitions, describe a topic's configs, and
// EnsureTopics on top of them (see rdkafka.h). Each request runs on a temporary queue of its
// own and waits for its result event there, so requests of several threads never mix.
#include <fmt/format.h>

#include "common/logging.h"
#include "rdkafka/rdkafka.h"

namespace kappa::rdkafka {
namespace {

struct EventDeleter {
  void operator()(rd_kafka_event_t* ev) const { rd_kafka_event_destroy(ev); }
};
using EventPtr = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* o) const { rd_kafka_AdminOptions_destroy(o); }
};

// Sends one admin request through `send(options, queue)` and waits for its result event.
// The broker is given `timeout` (request and, where the API has one, operation timeout);
// the wait adds slack for librdkafka's own timer to fire first.
template <typename Send>
Result<EventPtr> RunAdmin(rd_kafka_t* rk, rd_kafka_admin_op_t op,
                          std::chrono::milliseconds timeout, Send&& send) {
  QueuePtr queue(rd_kafka_queue_new(rk));
  std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter> options(
      rd_kafka_AdminOptions_new(rk, op));
  char err[256];
  rd_kafka_AdminOptions_set_request_timeout(options.get(), int(timeout.count()), err,
                                            sizeof(err));
  if (op == RD_KAFKA_ADMIN_OP_CREATETOPICS || op == RD_KAFKA_ADMIN_OP_DELETETOPICS ||
      op == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS) {
    rd_kafka_AdminOptions_set_operation_timeout(options.get(), int(timeout.count()), err,
                                                sizeof(err));
  }
  send(options.get(), queue.get());
  EventPtr ev(rd_kafka_queue_poll(queue.get(), int(timeout.count()) + 5000));
  if (!ev) {
    return Status::TimedOut(
        fmt::format("no answer from the cluster within {} s", timeout.count() / 1000));
  }
  if (rd_kafka_resp_err_t e = rd_kafka_event_error(ev.get())) {
    const char* msg = rd_kafka_event_error_string(ev.get());
    return ErrorStatus(e, msg ? msg : rd_kafka_err2str(e));
  }
  return ev;
}

std::vector<TopicResult> TopicResults(const rd_kafka_topic_result_t** results, size_t n) {
  std::vector<TopicResult> out;
  for (size_t i = 0; i < n; ++i) {
    TopicResult r;
    r.name = rd_kafka_topic_result_name(results[i]);
    r.error = rd_kafka_topic_result_error(results[i]);
    if (r.error) {
      const char* msg = rd_kafka_topic_result_error_string(results[i]);
      r.status = ErrorStatus(r.error,
                             fmt::format("{}: {}", r.name, msg ? msg : rd_kafka_err2str(r.error)));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Status FirstError(const std::vector<TopicResult>& results) {
  for (const TopicResult& r : results) {
    if (!r.status.ok()) return r.status;
  }
  return Status::OK();
}

Result<std::vector<TopicResult>> CreateTopics(rd_kafka_t* rk, const std::vector<NewTopic>& topics,
                                              std::chrono::milliseconds timeout) {
  std::vector<rd_kafka_NewTopic_t*> specs;
  auto destroy = [&] {
    for (rd_kafka_NewTopic_t* t : specs) rd_kafka_NewTopic_destroy(t);
  };
  char err[512];
  for (const NewTopic& t : topics) {
    rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(t.name.c_str(), t.partitions,
                                                    t.replication_factor, err, sizeof(err));
    if (nt == nullptr) {
      destroy();
      return Status::InvalidArgument(fmt::format("{}: {}", t.name, err));
    }
    specs.push_back(nt);
    for (const auto& [k, v] : t.configs) {
      if (rd_kafka_resp_err_t e = rd_kafka_NewTopic_set_config(nt, k.c_str(), v.c_str())) {
        destroy();
        return ToStatus(e, fmt::format("{}: config {}={}", t.name, k, v));
      }
    }
  }
  auto ev = RunAdmin(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout, [&](auto* o, auto* q) {
    rd_kafka_CreateTopics(rk, specs.data(), specs.size(), o, q);
  });
  destroy();
  if (!ev.ok()) return ev.status();
  size_t n = 0;
  const rd_kafka_topic_result_t** res =
      rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev->get()), &n);
  return TopicResults(res, n);
}

Result<std::vector<TopicResult>> DeleteTopics(rd_kafka_t* rk,
                                              const std::vector<std::string>& topics,
                                              std::chrono::milliseconds timeout) {
  std::vector<rd_kafka_DeleteTopic_t*> specs;
  for (const std::string& t : topics) specs.push_back(rd_kafka_DeleteTopic_new(t.c_str()));
  auto ev = RunAdmin(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout, [&](auto* o, auto* q) {
    rd_kafka_DeleteTopics(rk, specs.data(), specs.size(), o, q);
  });
  for (rd_kafka_DeleteTopic_t* t : specs) rd_kafka_DeleteTopic_destroy(t);
  if (!ev.ok()) return ev.status();
  size_t n = 0;
  const rd_kafka_topic_result_t** res =
      rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev->get()), &n);
  return TopicResults(res, n);
}

Result<std::vector<TopicResult>> CreatePartitions(
    rd_kafka_t* rk, const std::vector<std::pair<std::string, int32_t>>& totals,
    std::chrono::milliseconds timeout) {
  std::vector<rd_kafka_NewPartitions_t*> specs;
  auto destroy = [&] {
    for (rd_kafka_NewPartitions_t* p : specs) rd_kafka_NewPartitions_destroy(p);
  };
  char err[512];
  for (const auto& [name, total] : totals) {
    rd_kafka_NewPartitions_t* np =
        rd_kafka_NewPartitions_new(name.c_str(), size_t(total), err, sizeof(err));
    if (np == nullptr) {
      destroy();
      return Status::InvalidArgument(fmt::format("{}: {}", name, err));
    }
    specs.push_back(np);
  }
  auto ev = RunAdmin(rk, RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, timeout, [&](auto* o, auto* q) {
    rd_kafka_CreatePartitions(rk, specs.data(), specs.size(), o, q);
  });
  destroy();
  if (!ev.ok()) return ev.status();
  size_t n = 0;
  const rd_kafka_topic_result_t** res = rd_kafka_CreatePartitions_result_topics(
      rd_kafka_event_CreatePartitions_result(ev->get()), &n);
  return TopicResults(res, n);
}

Result<TopicConfigs> DescribeTopicConfigs(
    rd_kafka_t* rk, const std::string& topic, std::chrono::milliseconds timeout) {
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  auto ev = RunAdmin(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout, [&](auto* o, auto* q) {
    rd_kafka_DescribeConfigs(rk, &resource, 1, o, q);
  });
  rd_kafka_ConfigResource_destroy(resource);
  if (!ev.ok()) return ev.status();
  size_t n = 0;
  const rd_kafka_ConfigResource_t** rs = rd_kafka_DescribeConfigs_result_resources(
      rd_kafka_event_DescribeConfigs_result(ev->get()), &n);
  TopicConfigs out;
  for (size_t i = 0; i < n; ++i) {
    if (rd_kafka_resp_err_t e = rd_kafka_ConfigResource_error(rs[i])) {
      const char* msg = rd_kafka_ConfigResource_error_string(rs[i]);
      out.status = ErrorStatus(e, fmt::format("{}: {}", topic, msg ? msg : rd_kafka_err2str(e)));
      continue;
    }
    size_t m = 0;
    const rd_kafka_ConfigEntry_t** entries = rd_kafka_ConfigResource_configs(rs[i], &m);
    for (size_t k = 0; k < m; ++k) {
      const char* value = rd_kafka_ConfigEntry_value(entries[k]);
      if (value != nullptr) out.values[rd_kafka_ConfigEntry_name(entries[k])] = value;
    }
  }
  return out;
}

Status EnsureTopics(rd_kafka_t* rk, const std::vector<NewTopic>& topics, std::string_view where,
                    std::chrono::milliseconds timeout) {
  auto listed = ListTopics(rk, timeout);
  if (!listed.ok()) {
    return listed.status().WithContext(fmt::format(
        "reading metadata from the Kafka cluster at {} (is a broker running there?)", where));
  }
  const std::vector<TopicMetadata>& existing = *listed;
  std::vector<NewTopic> create;
  std::vector<std::pair<std::string, int32_t>> grow;
  for (const NewTopic& t : topics) {
    const TopicMetadata* have = FindTopic(existing, t.name);
    if (have == nullptr) {
      create.push_back(t);
    } else if (int32_t(have->partitions.size()) < t.partitions) {
      KLOG_INFO("topic {} on {}: growing from {} to {} partitions", t.name, where,
                have->partitions.size(), t.partitions);
      grow.emplace_back(t.name, t.partitions);
    }
  }
  if (!create.empty()) {
    auto results = CreateTopics(rk, create, timeout);
    if (!results.ok()) return results.status().WithContext(fmt::format("creating topics on {}", where));
    for (const TopicResult& r : *results) {
      if (r.error == RD_KAFKA_RESP_ERR_NO_ERROR) {
        KLOG_INFO("created topic {} on {}", r.name, where);
      } else if (r.error != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {  // a concurrent creator
        return r.status.WithContext(fmt::format("creating topics on {}", where));
      }
    }
  }
  if (!grow.empty()) {
    auto results = CreatePartitions(rk, grow, timeout);
    if (!results.ok()) {
      return results.status().WithContext(fmt::format("adding partitions on {}", where));
    }
    RETURN_IF_ERROR(FirstError(*results).WithContext(fmt::format("adding partitions on {}", where)));
  }
  return Status::OK();
}

}  // namespace kappa::rdkafka
