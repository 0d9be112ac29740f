// kappa: the whole seed pipeline (Kafka, Spark, Cassandra, Airflow) as one binary.
#include <CLI/CLI.hpp>
#include <sys/stat.h>

#include "cli/commands.h"
#include "common/fd_limit.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  // A data directory holds users' personal data: everything kappa creates (its own files,
  // RocksDB's, the data directory itself) is owner-only, whatever the login's umask.
  ::umask(077);
  kappa::InitLogging();
  // A server holds a descriptor per connection and about two per log partition: take what
  // the hard limit allows (the servers log the result when they start listening).
  (void)kappa::RaiseFdLimit();
  CLI::App app{"kappa: a durable log, a table store and stream processing in one binary"};
  app.set_version_flag("--version", std::string("kappa ") + KAPPA_VERSION);
  app.require_subcommand(1);
  std::string level = "info";
  app.add_option("--log-level", level, "trace, debug, info, warn, error, critical, off")
      ->capture_default_str()
      ->each([](const std::string& l) {
        auto s = kappa::SetLogLevel(l);
        if (!s.ok()) throw CLI::ValidationError("--log-level", s.message());
      });

  kappa::cli::Groups g;
  g.topics = app.add_subcommand("topics", "Create, list and describe topics");
  g.tables = app.add_subcommand("tables", "List, scan and count tables");
  g.bench = app.add_subcommand("bench", "Measure throughput and latency");
  g.jobs = app.add_subcommand("jobs", "Streaming jobs: status, reset, replay");
  g.groups = app.add_subcommand("groups", "Consumer groups: list, describe, reset");
  for (CLI::App* sub : {g.topics, g.tables, g.bench, g.jobs, g.groups}) sub->require_subcommand(1);

  kappa::cli::RegisterTopicsCommands(app, g);
  kappa::cli::RegisterProduceCommand(app, g);
  kappa::cli::RegisterConsumeCommand(app, g);
  kappa::cli::RegisterTablesCommands(app, g);
  kappa::cli::RegisterBenchLogCommand(app, g);
  kappa::cli::RegisterUpCommand(app, g);
  kappa::cli::RegisterJobsCommands(app, g);
  kappa::cli::RegisterBenchPipelineCommand(app, g);
  kappa::cli::RegisterConnectCommands(app, g);
  kappa::cli::RegisterBrokerCommand(app, g);
  kappa::cli::RegisterGroupsCommands(app, g);
  kappa::cli::RegisterBenchKafkaCommand(app, g);
  kappa::cli::RegisterCqlCommands(app, g);
  kappa::cli::RegisterBenchCqlCommand(app, g);
  kappa::cli::RegisterRegistryCommand(app, g);
  kappa::cli::RegisterSchemasCommands(app, g);
  kappa::cli::RegisterBenchRegistryCommand(app, g);
  kappa::cli::RegisterBenchOrchestratorCommand(app, g);
  kappa::cli::RegisterDagsCommands(app, g);
  kappa::cli::RegisterTasksCommands(app, g);
  kappa::cli::RegisterConsoleCommands(app, g);
  kappa::cli::RegisterBackupCommand(app, g);
  kappa::cli::RegisterUsersCommands(app, g);
  kappa::cli::RegisterAclsCommands(app, g);

  CLI11_PARSE(app, argc, argv);
  return 0;
}
