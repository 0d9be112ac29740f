// The `replay` task type, the Kappa principle as a task (docs/formats/config.md, "Replay"):
//   job + table:    a new version of a job: the job's topic read again from the start into a
//                   new table (created with the job's table's columns if missing), as a job
//                   named `name` (default JOB__TABLE) with its own committed offsets; the
//                   task ends when the new job has caught up with the topic's end as it was
//                   when it started. Run again, it continues from its offsets. Result: the
//                   rows this try stored.
//   job + reset_to: moves a job's committed offsets (earliest, latest or a time), as `kappa
//                   jobs reset` (stream::ResetJob): for a job that is not running in this
//                   process (kappa up's own jobs are, so they are refused at load). Result:
//                   the job's lag after the reset.
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "app/dag_task.h"

namespace kappa::app {
namespace {

class ReplayTask final : public orchestrator::TaskType {
 public:
  ReplayTask(const PipelineConfig* config, Pipeline* pipeline) : config_(config), pipeline_(pipeline) {}
  std::string_view name() const override { return "replay"; }

  Status Validate(const nlohmann::json& args) const override {
    TaskArgs a(args);
    RETURN_IF_ERROR(a.CheckKeys({"job", "table", "name", "reset_to"}));
    if (!a.Has("job")) return Status::InvalidArgument("replay needs a job (missing argument 'job')");
    if (a.Has("table") == a.Has("reset_to")) {
      return Status::InvalidArgument("replay needs either 'table' (a new version into a new table) or 'reset_to' (move the job's offsets)");
    }
    ASSIGN_OR_RETURN(std::string job, a.String("job"));
    if (a.Templated("job")) return Status::OK();
    if (a.Has("reset_to")) {
      if (config_->FindJob(job)) {
        return a.Error("reset_to", fmt::format("job '{}' runs in kappa up (jobs:), which keeps its own offsets; replay it into a new table instead (argument 'table')", job));
      }
      if (!a.Templated("reset_to")) RETURN_IF_ERROR(Target(a).status());
      return Status::OK();
    }
    const JobConfig* jc = config_->FindJob(job);
    if (!jc) return a.Error("job", fmt::format("no job named '{}' under jobs", job));
    if (a.Has("name")) RETURN_IF_ERROR(a.String("name").status());
    if (!a.Templated("table")) RETURN_IF_ERROR(NewTable(a, *jc).status());
    return Status::OK();
  }

  Result<std::string> Run(orchestrator::TaskContext& ctx) override {
    if (!pipeline_) return Status::Unavailable("replay tasks need a running pipeline (kappa up)");
    TaskArgs a(ctx.args);
    ASSIGN_OR_RETURN(std::string job, a.String("job"));
    Runtime& rt = pipeline_->runtime();
    if (a.Has("reset_to")) {
      for (const auto& j : pipeline_->jobs()) {
        if (j->config().name == job) return Status::InvalidArgument(fmt::format("job '{}' is running in this kappa up", job));
      }
      ASSIGN_OR_RETURN(stream::ResetTarget target, Target(a));
      ASSIGN_OR_RETURN(stream::JobStatus st, stream::ResetJob(rt.job_storage(), job, target));
      if (ctx.log) ctx.log(fmt::format("job {}: offsets reset; lag now {}", job, st.lag));
      return std::to_string(st.lag);
    }
    const JobConfig* old = config_->FindJob(job);
    if (!old) return a.Error("job", fmt::format("no job named '{}' under jobs", job));
    ASSIGN_OR_RETURN(auto table, NewTable(a, *old));
    auto [keyspace, name] = table;
    RETURN_IF_ERROR(CreateTableLike(rt, *old, keyspace, name));
    JobConfig jc = *old;
    jc.name = job + "__" + name;
    if (a.Has("name")) { ASSIGN_OR_RETURN(jc.name, a.String("name")); }
    jc.group = jc.name;
    jc.table = keyspace + "." + name;
    jc.start = StartPosition{};  // earliest: the whole topic again
    stream::JobOptions jo;
    auto schemas = NewRegistrySchemaResolver(&rt);
    jo.schemas = schemas.get();
    auto created = config_->log.kafka() ? stream::StreamJob::CreateOnKafka(rt.job_storage(), jc, config_->log, jo)
                                        : stream::StreamJob::Create(rt.job_storage(), jc, jo);
    if (!created.ok()) return created.status().WithContext("replay job " + jc.name);
    std::unique_ptr<stream::StreamJob> j = std::move(created).value();
    if (ctx.log) ctx.log(fmt::format("replaying {} into {} as job {}", jc.topic, jc.table, jc.name));
    RETURN_IF_ERROR(j->Start());
    j->Drain();  // up to the end offsets as they are now
    while (!j->Finished()) {
      if (ctx.sleep_or_cancelled && ctx.sleep_or_cancelled(100)) {
        j->Stop();
        (void)j->Wait();
        return Status::Aborted(fmt::format("replay cancelled after {} rows", j->stats().stored));
      }
      if (!ctx.sleep_or_cancelled) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    RETURN_IF_ERROR(j->Wait());
    stream::JobStats s = j->stats();
    if (ctx.log) ctx.log(fmt::format("job {}: {} rows stored, {} dead letters", jc.name, s.stored, s.dead_letters));
    return std::to_string(s.stored);
  }

 private:
  static Result<stream::ResetTarget> Target(const TaskArgs& a) {
    ASSIGN_OR_RETURN(std::string to, a.String("reset_to"));
    stream::ResetTarget t;
    if (to == "earliest") return t;
    if (to == "latest") {
      t.kind = stream::ResetTarget::Kind::kLatest;
      return t;
    }
    auto ts = ParseTimestampMs(to);
    if (!ts.ok()) return a.Error("reset_to", "must be earliest, latest or a time: " + std::string(ts.status().message()));
    t.kind = stream::ResetTarget::Kind::kTimestamp;
    t.value = *ts;
    return t;
  }

  // "keyspace.table" of a keyspace in the config, not the job's own table.
  Result<std::pair<std::string, std::string>> NewTable(const TaskArgs& a, const JobConfig& jc) const {
    ASSIGN_OR_RETURN(std::string full, a.String("table"));
    size_t dot = full.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == full.size()) {
      return a.Error("table", fmt::format("write it as keyspace.table, not '{}'", full));
    }
    std::string ks = full.substr(0, dot), name = full.substr(dot + 1);
    if (full == jc.table) return a.Error("table", "is the job's own table; name a new one");
    bool known = false;
    for (const auto& k : config_->keyspaces) known |= k.name == ks;
    if (!known) return a.Error("table", fmt::format("no keyspace '{}' under keyspaces", ks));
    return std::pair{ks, name};
  }

  // The new table gets the job's table's columns, key and options as stored.
  static Status CreateTableLike(Runtime& rt, const JobConfig& jc, const std::string& ks,
                                const std::string& name) {
    store::Store& store = rt.store();
    if (store.GetTable(ks, name).ok()) return Status::OK();
    size_t dot = jc.table.find('.');
    ASSIGN_OR_RETURN(auto old, store.GetTable(jc.table.substr(0, dot), jc.table.substr(dot + 1)));
    store::TableSchema s;
    s.keyspace = ks;
    s.name = name;
    s.columns = old->columns;
    s.options = old->options;
    RETURN_IF_ERROR(s.Finish());
    return store.CreateTable(s, /*if_not_exists=*/true).WithContext("creating table " + ks + "." + name);
  }

  const PipelineConfig* config_;
  Pipeline* pipeline_;
};

}  // namespace

std::shared_ptr<orchestrator::TaskType> NewReplayTaskType(const PipelineConfig* config, Pipeline* pipeline) {
  return std::make_shared<ReplayTask>(config, pipeline);
}

}  // namespace kappa::app
