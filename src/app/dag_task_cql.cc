// The `cql` task type: CQL statements against the embedded store (in-process, through the
// CQL server's statement executor: cql::ExecuteLocal; no listener needed), or against the
// external Cassandra cluster of a job's `sink: {type: cassandra}` (`cluster: JOB`), through
// kappa's CQL client with that sink's contact points, credentials and consistency. As
// Airflow's SQLExecuteQueryOperator: statements run in order, the first failure fails the
// try. Result: the number of rows the last statement returned.
#include <fmt/format.h>

#include "app/dag_task.h"
#include "cql/client.h"
#include "cql/cql.h"

namespace kappa::app {
namespace {

class CqlTask final : public orchestrator::TaskType {
 public:
  CqlTask(const PipelineConfig* config, Pipeline* pipeline) : config_(config), pipeline_(pipeline) {}
  std::string_view name() const override { return "cql"; }

  Status Validate(const nlohmann::json& args) const override {
    TaskArgs a(args);
    RETURN_IF_ERROR(a.CheckKeys({"statements", "keyspace", "cluster"}));
    if (!a.Has("statements")) return Status::InvalidArgument("cql needs statements (missing argument 'statements')");
    ASSIGN_OR_RETURN(std::vector<std::string> st, Statements(a));
    if (st.empty()) return a.Error("statements", "has no statement");
    if (a.Has("keyspace")) RETURN_IF_ERROR(a.String("keyspace").status());
    if (a.Has("cluster") && !a.Templated("cluster")) RETURN_IF_ERROR(Cluster(a).status());
    return Status::OK();
  }

  Result<std::string> Run(orchestrator::TaskContext& ctx) override {
    TaskArgs a(ctx.args);
    ASSIGN_OR_RETURN(std::vector<std::string> statements, Statements(a));
    std::string keyspace;
    if (a.Has("keyspace")) { ASSIGN_OR_RETURN(keyspace, a.String("keyspace")); }
    int64_t rows = 0;
    if (a.Has("cluster")) {
      ASSIGN_OR_RETURN(const JobConfig* job, Cluster(a));
      ASSIGN_OR_RETURN(rows, RunOnCluster(ctx, job->sink.cassandra, keyspace, statements));
    } else {
      if (!pipeline_) return Status::Unavailable("cql tasks need a running pipeline (kappa up)");
      for (const auto& s : statements) {
        if (ctx.log) ctx.log("cql (embedded store): " + s);
      }
      ASSIGN_OR_RETURN(rows, cql::ExecuteLocal(&pipeline_->runtime().store(), statements, keyspace));
    }
    if (ctx.log) ctx.log(fmt::format("{} statement(s) done; the last returned {} row(s)", statements.size(), rows));
    return std::to_string(rows);
  }

 private:
  // One string holding statements separated by ';' (as a cqlsh -f file), or a list.
  static Result<std::vector<std::string>> Statements(const TaskArgs& a) {
    ASSIGN_OR_RETURN(std::vector<std::string> items, a.Strings("statements"));
    std::vector<std::string> out;
    for (const auto& item : items) {
      std::string rest;
      for (auto& s : cql::SplitStatements(item, &rest)) out.push_back(std::move(s));
      if (rest.find_first_not_of(" \t\r\n") != std::string::npos) out.push_back(rest);
    }
    return out;
  }

  Result<const JobConfig*> Cluster(const TaskArgs& a) const {
    ASSIGN_OR_RETURN(std::string name, a.String("cluster"));
    const JobConfig* job = config_->FindJob(name);
    if (!job) return a.Error("cluster", fmt::format("no job named '{}' under jobs", name));
    if (job->sink.type != SinkConfig::Type::kCassandra) {
      return a.Error("cluster", fmt::format("job '{}' writes to the embedded store; leave out cluster to use it", name));
    }
    return job;
  }

  static Result<int64_t> RunOnCluster(orchestrator::TaskContext& ctx, const CassandraSinkConfig& c,
                                      const std::string& keyspace,
                                      const std::vector<std::string>& statements) {
    cql::ClientOptions o;
    o.contact_points = c.contact_points;
    o.username = c.username;
    o.password = c.password;
    o.local_datacenter = c.local_datacenter;
    o.request_timeout_ms = int(c.request_timeout_ms);
    o.keyspace = keyspace;
    ASSIGN_OR_RETURN(o.consistency, cql::ParseConsistency(c.consistency));
    auto client = cql::Client::Connect(o);
    if (!client.ok()) return client.status().WithContext("connecting to the Cassandra cluster");
    int64_t rows = 0;
    for (size_t i = 0; i < statements.size(); ++i) {
      if (ctx.cancelled && ctx.cancelled->load()) return Status::Aborted("cql task cancelled");
      if (ctx.log) ctx.log("cql (cluster): " + statements[i]);
      auto r = (*client)->Query(statements[i]);
      if (!r.ok()) return r.status().WithContext(fmt::format("statement {}", i + 1));
      rows = r->kind == cql::ClientResult::Kind::kRows ? int64_t(r->rows.size()) : 0;
    }
    return rows;
  }

  const PipelineConfig* config_;
  Pipeline* pipeline_;
};

}  // namespace

std::shared_ptr<orchestrator::TaskType> NewCqlTaskType(const PipelineConfig* config, Pipeline* pipeline) {
  return std::make_shared<CqlTask>(config, pipeline);
}

}  // namespace kappa::app
