// The `produce` task type: a producer of the config (`producer: users`) or one assembled
// from `source`, `mapping` and `topic`, run once through Pipeline::Produce (the same
// construction as the producers `kappa up` autostarts) for its `duration` or `count`, at its
// `rate`. Result: the number of records produced. The seed's stream_data_from_api.
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "app/dag_task.h"
#include "common/units.h"

namespace kappa::app {
namespace {

class ProduceTask final : public orchestrator::TaskType {
 public:
  ProduceTask(const PipelineConfig* config, Pipeline* pipeline) : config_(config), pipeline_(pipeline) {}
  std::string_view name() const override { return "produce"; }

  Status Validate(const nlohmann::json& args) const override {
    return Resolve(args, /*at_load=*/true).status();
  }

  Result<std::string> Run(orchestrator::TaskContext& ctx) override {
    if (!pipeline_) return Status::Unavailable("produce tasks need a running pipeline (kappa up)");
    ASSIGN_OR_RETURN(ProducerConfig pc, Resolve(ctx.args, /*at_load=*/false));
    if (ctx.log) {
      ctx.log(fmt::format("producing with {} ({} -> {} -> {}) {}{}at {}", pc.name, pc.source, pc.mapping, pc.topic,
                          pc.duration_ms ? "for " + FormatDurationMs(pc.duration_ms) + " " : "",
                          pc.count ? fmt::format("up to {} records ", pc.count) : "",
                          pc.rate > 0 ? fmt::format("{}/s", pc.rate) : "full speed"));
    }
    auto sleep = ctx.sleep_or_cancelled;
    if (!sleep) {  // no scheduler (a direct call): poll `cancelled` in real time
      sleep = [&ctx](int64_t ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return ctx.cancelled && ctx.cancelled->load();
      };
    }
    auto stats = pipeline_->Produce(pc, sleep);
    if (!stats.ok()) return stats.status();
    if (ctx.log) {
      ctx.log(fmt::format("produced {} records into {} ({} mapping errors, {} source errors)", stats->produced,
                          pc.topic, stats->mapping_errors, stats->source_errors));
    }
    return std::to_string(stats->produced);
  }

 private:
  // The producer the arguments describe, its references checked against the config. At
  // load, templated values are accepted unchecked (they are checked when the task runs).
  Result<ProducerConfig> Resolve(const nlohmann::json& args, bool at_load) const {
    TaskArgs a(args);
    RETURN_IF_ERROR(a.CheckKeys({"producer", "source", "mapping", "topic", "duration", "count", "rate"}));
    ProducerConfig pc;
    if (a.Has("producer")) {
      for (const char* k : {"source", "mapping", "topic"}) {
        if (a.Has(k)) return a.Error(k, "give either a producer or source, mapping and topic, not both");
      }
      ASSIGN_OR_RETURN(std::string name, a.String("producer"));
      if (!(at_load && a.Templated("producer"))) {
        const ProducerConfig* p = config_->FindProducer(name);
        if (!p) return a.Error("producer", fmt::format("no producer named '{}' under producers", name));
        pc = *p;
      }
    } else {
      for (const char* k : {"source", "mapping", "topic"}) {
        if (!a.Has(k)) return Status::InvalidArgument(fmt::format("produce needs a producer, or a source, a mapping and a topic (missing argument '{}')", k));
      }
      ASSIGN_OR_RETURN(pc.source, a.String("source"));
      ASSIGN_OR_RETURN(pc.mapping, a.String("mapping"));
      ASSIGN_OR_RETURN(pc.topic, a.String("topic"));
      pc.name = pc.source + "->" + pc.topic;
      bool check = !at_load;
      if (check || !a.Templated("source")) {
        if (!config_->FindSource(pc.source)) return a.Error("source", fmt::format("no source named '{}' under sources", pc.source));
      }
      if (check || !a.Templated("mapping")) {
        if (!config_->FindMapping(pc.mapping)) return a.Error("mapping", fmt::format("no mapping named '{}' under mappings", pc.mapping));
      }
      if (check || !a.Templated("topic")) {
        if (!config_->FindTopic(pc.topic)) return a.Error("topic", fmt::format("no topic named '{}' under topics", pc.topic));
      }
    }
    if (a.Has("duration")) {
      if (!(at_load && a.Templated("duration"))) { ASSIGN_OR_RETURN(pc.duration_ms, a.DurationMs("duration")); }
    }
    if (a.Has("count")) {
      if (!(at_load && a.Templated("count"))) { ASSIGN_OR_RETURN(pc.count, a.Int("count", 0, INT64_MAX)); }
    }
    if (a.Has("rate") && !(at_load && a.Templated("rate"))) { ASSIGN_OR_RETURN(pc.rate, a.Double("rate", 0)); }
    // A task must end: a producer that runs until stopped would hold its run forever.
    const bool templated_limit =
        at_load && (a.Templated("duration") || a.Templated("count") || a.Templated("producer"));
    if (!templated_limit && pc.duration_ms == 0 && pc.count == 0) {
      return Status::InvalidArgument(fmt::format(
          "produce needs a duration or a count (argument 'duration': 60s, or 'count'){}",
          a.Has("producer") ? fmt::format("; producer '{}' has neither", pc.name) : ""));
    }
    return pc;
  }

  const PipelineConfig* config_;
  Pipeline* pipeline_;
};

}  // namespace

std::shared_ptr<orchestrator::TaskType> NewProduceTaskType(const PipelineConfig* config, Pipeline* pipeline) {
  return std::make_shared<ProduceTask>(config, pipeline);
}

}  // namespace kappa::app
