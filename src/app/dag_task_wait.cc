// The `wait` task type (a sensor, as Airflow's BaseSensorOperator in poke mode): until
//   topic + offset   the topic's end offset (summed over its partitions, or of `partition`)
//                    reaches `offset` (the embedded log, or with `log: kafka` the cluster's
//                    high watermarks, asked of the partitions' leaders);
//   job (+ lag)      a job's lag (records not yet committed; stream::GetJobStatus) is at most
//                    `lag` (default 0);
//   table + rows     a table of the store has at least `rows` rows;
//   until / seconds  a time (the orchestrator's built-in time sensor, delegated to).
// Every `poke_interval` (default 60 s) until `timeout` (default 7 days): then the try fails
// with TimedOut, or is skipped with `soft_fail: true`. Result: the last value observed.
#include <fmt/format.h>

#include <functional>
#include <memory>
#include <optional>

#include "app/dag_task.h"
#include "log/log.h"
#include "rdkafka/rdkafka.h"

namespace kappa::app {
namespace {

class WaitTask final : public orchestrator::TaskType {
 public:
  WaitTask(const PipelineConfig* config, Pipeline* pipeline,
           std::shared_ptr<const orchestrator::TaskTypes> builtins)
      : config_(config), pipeline_(pipeline), builtins_(std::move(builtins)) {}
  std::string_view name() const override { return "wait"; }

  Status Validate(const nlohmann::json& args) const override {
    TaskArgs a(args);
    if (IsTimeSensor(a)) {
      if (!time_sensor()) return Status::InvalidArgument("the built-in time sensor is not available");
      return time_sensor()->Validate(args);
    }
    RETURN_IF_ERROR(a.CheckKeys({"topic", "offset", "partition", "job", "lag", "table", "rows",
                                 "poke_interval", "timeout", "soft_fail", "until", "seconds"}));
    int kinds = a.Has("topic") + a.Has("job") + a.Has("table");
    if (kinds != 1) {
      return Status::InvalidArgument("wait needs exactly one of: topic (with offset), job (lag), table (with rows), until or seconds");
    }
    RETURN_IF_ERROR(ParseSensorOptions(a).status());
    if (a.Has("topic")) {
      if (!a.Has("offset")) return Status::InvalidArgument("wait on a topic needs an offset (missing argument 'offset')");
      if (!a.Templated("offset")) RETURN_IF_ERROR(a.Int("offset", 0, INT64_MAX).status());
      if (a.Has("partition")) RETURN_IF_ERROR(a.Int("partition", 0, 1 << 20).status());
      ASSIGN_OR_RETURN(std::string t, a.String("topic"));
      if (!a.Templated("topic") && !config_->FindTopic(t)) return a.Error("topic", fmt::format("no topic named '{}' under topics", t));
    } else if (a.Has("job")) {
      if (a.Has("lag")) RETURN_IF_ERROR(a.Int("lag", 0, INT64_MAX).status());
      ASSIGN_OR_RETURN(std::string j, a.String("job"));
      if (!a.Templated("job") && !config_->FindJob(j)) return a.Error("job", fmt::format("no job named '{}' under jobs", j));
    } else {
      if (!a.Has("rows")) return Status::InvalidArgument("wait on a table needs rows (missing argument 'rows')");
      if (!a.Templated("rows")) RETURN_IF_ERROR(a.Int("rows", 0, INT64_MAX).status());
      ASSIGN_OR_RETURN(std::string t, a.String("table"));
      if (!a.Templated("table") && !config_->FindTable(t)) return a.Error("table", fmt::format("no table '{}' under keyspaces (write it as keyspace.table)", t));
    }
    for (const char* k : {"offset", "partition"}) {
      if (a.Has(k) && !a.Has("topic")) return a.Error(k, "goes with topic");
    }
    if (a.Has("lag") && !a.Has("job")) return a.Error("lag", "goes with job");
    if (a.Has("rows") && !a.Has("table")) return a.Error("rows", "goes with table");
    return Status::OK();
  }

  Result<std::string> Run(orchestrator::TaskContext& ctx) override {
    TaskArgs a(ctx.args);
    if (IsTimeSensor(a)) return time_sensor()->Run(ctx);
    ASSIGN_OR_RETURN(SensorOptions o, ParseSensorOptions(a));
    if (a.Has("topic")) {
      ASSIGN_OR_RETURN(std::string topic, a.String("topic"));
      ASSIGN_OR_RETURN(int64_t want, a.Int("offset", 0, INT64_MAX));
      std::optional<int64_t> partition;
      if (a.Has("partition")) { ASSIGN_OR_RETURN(partition, a.Int("partition", 0, 1 << 20)); }
      EndOffsetFn end_offset;
      if (config_->log.kafka()) {
        ASSIGN_OR_RETURN(end_offset, ClusterEndOffset(topic, partition));
      } else {
        if (!pipeline_) return Status::Unavailable("wait tasks on topics, jobs and tables need a running pipeline (kappa up)");
        end_offset = EmbeddedEndOffset(&pipeline_->runtime().log(), topic, partition);
      }
      return RunSensor(ctx, o, [&](std::string* observed) -> Result<bool> {
        ASSIGN_OR_RETURN(int64_t end, end_offset());
        *observed = std::to_string(end);
        return end >= want;
      });
    }
    if (!pipeline_) return Status::Unavailable("wait tasks on topics, jobs and tables need a running pipeline (kappa up)");
    Runtime& rt = pipeline_->runtime();
    if (a.Has("job")) {
      ASSIGN_OR_RETURN(std::string job, a.String("job"));
      int64_t max_lag = 0;
      if (a.Has("lag")) { ASSIGN_OR_RETURN(max_lag, a.Int("lag", 0, INT64_MAX)); }
      return RunSensor(ctx, o, [&](std::string* observed) -> Result<bool> {
        auto st = stream::GetJobStatus(rt.job_storage(), job);
        if (st.status().code() == Status::Code::kNotFound) {  // not started yet: not there
          *observed = "not started";
          return false;
        }
        if (!st.ok()) return st.status();
        *observed = std::to_string(st->lag);
        return st->lag <= max_lag;
      });
    }
    ASSIGN_OR_RETURN(std::string table, a.String("table"));
    ASSIGN_OR_RETURN(int64_t want, a.Int("rows", 0, INT64_MAX));
    size_t dot = table.find('.');
    if (dot == std::string::npos) return a.Error("table", "write it as keyspace.table");
    return RunSensor(ctx, o, [&](std::string* observed) -> Result<bool> {
      ASSIGN_OR_RETURN(auto schema, rt.store().GetTable(table.substr(0, dot), table.substr(dot + 1)));
      ASSIGN_OR_RETURN(uint64_t n, rt.store().Count(*schema));
      *observed = std::to_string(n);
      return int64_t(n) >= want;
    });
  }

 private:
  // The topic's end offset: summed over its partitions, or of `partition`.
  using EndOffsetFn = std::function<Result<int64_t>()>;

  static EndOffsetFn EmbeddedEndOffset(log::Log* log, std::string topic,
                                       std::optional<int64_t> partition) {
    return [log, topic, partition]() -> Result<int64_t> {
      ASSIGN_OR_RETURN(log::TopicDescription d, log->DescribeTopic(topic));
      int64_t end = 0;
      bool found = !partition;
      for (const auto& p : d.partitions) {
        if (partition && p.partition.value() != *partition) continue;
        found = true;
        end += p.end_offset.value();
      }
      if (!found) return Status::NotFound(fmt::format("topic {} has no partition {}", topic, *partition));
      return end;
    };
  }

  // log: kafka: one client for the whole try (its connections are reused between pokes);
  // the partitions are listed again at each poke, so partitions added meanwhile count.
  Result<EndOffsetFn> ClusterEndOffset(std::string topic,
                                       std::optional<int64_t> partition) const {
    rdkafka::ClientConfig cc;
    cc.bootstrap = config_->log.bootstrap;
    cc.client_id = config_->log.client_id;
    cc.properties = config_->log.properties;
    ASSIGN_OR_RETURN(rdkafka::ClientPtr client, rdkafka::NewClient(RD_KAFKA_PRODUCER, cc));
    auto shared = std::make_shared<rdkafka::ClientPtr>(std::move(client));
    return EndOffsetFn([shared, topic, partition]() -> Result<int64_t> {
      rd_kafka_t* rk = shared->get();
      ASSIGN_OR_RETURN(auto topics, rdkafka::ListTopics(rk));
      const rdkafka::TopicMetadata* t = rdkafka::FindTopic(topics, topic);
      if (!t) return Status::NotFound(fmt::format("topic {} is not on the cluster", topic));
      int64_t end = 0;
      bool found = !partition;
      for (int32_t p : t->partitions) {
        if (partition && p != *partition) continue;
        found = true;
        ASSIGN_OR_RETURN(rdkafka::Watermarks w, rdkafka::QueryWatermarks(rk, topic, p));
        end += w.high;
      }
      if (!found) return Status::NotFound(fmt::format("topic {} has no partition {}", topic, *partition));
      return end;
    });
  }

  static bool IsTimeSensor(const TaskArgs& a) { return a.Has("until") || a.Has("seconds"); }
  orchestrator::TaskType* time_sensor() const { return builtins_ ? builtins_->Find("wait") : nullptr; }

  const PipelineConfig* config_;
  Pipeline* pipeline_;
  std::shared_ptr<const orchestrator::TaskTypes> builtins_;
};

}  // namespace

std::shared_ptr<orchestrator::TaskType> NewWaitTaskType(
    const PipelineConfig* config, Pipeline* pipeline,
    std::shared_ptr<const orchestrator::TaskTypes> builtins) {
  return std::make_shared<WaitTask>(config, pipeline, std::move(builtins));
}

}  // namespace kappa::app
