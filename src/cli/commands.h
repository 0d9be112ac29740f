// Registration of the command groups of `kappa`. Each *_cmd.cc adds its subcommands to the
// CLI11 app; the parent groups that several files share (bench, topics, tables, jobs, groups)
// are created once in main.cc and passed in.
#pragma once

#include <CLI/CLI.hpp>

namespace kappa::cli {

struct Groups {
  CLI::App* topics;  // kappa topics ...
  CLI::App* tables;  // kappa tables ...
  CLI::App* bench;   // kappa bench ...
  CLI::App* jobs;    // kappa jobs ...
  CLI::App* groups;  // kappa groups ...
};

void RegisterTopicsCommands(CLI::App& app, const Groups& g);  // topics_cmd.cc
void RegisterProduceCommand(CLI::App& app, const Groups& g);  // produce_cmd.cc
void RegisterConsumeCommand(CLI::App& app, const Groups& g);  // consume_cmd.cc
void RegisterTablesCommands(CLI::App& app, const Groups& g);  // tables_cmd.cc
void RegisterBenchLogCommand(CLI::App& app, const Groups& g);  // bench_log_cmd.cc
void RegisterUpCommand(CLI::App& app, const Groups& g);  // up_cmd.cc
void RegisterJobsCommands(CLI::App& app, const Groups& g);  // jobs_cmd.cc
void RegisterBenchPipelineCommand(CLI::App& app, const Groups& g);  // bench_pipeline_cmd.cc
void RegisterConnectCommands(CLI::App& app, const Groups& g);  // connect_cmd.cc
void RegisterBrokerCommand(CLI::App& app, const Groups& g);  // broker_cmd.cc
void RegisterGroupsCommands(CLI::App& app, const Groups& g);  // groups_cmd.cc
void RegisterBenchKafkaCommand(CLI::App& app, const Groups& g);  // bench_kafka_cmd.cc
void RegisterCqlCommands(CLI::App& app, const Groups& g);  // cql_cmd.cc
void RegisterBenchCqlCommand(CLI::App& app, const Groups& g);  // bench_cql_cmd.cc
void RegisterRegistryCommand(CLI::App& app, const Groups& g);  // registry_cmd.cc
void RegisterSchemasCommands(CLI::App& app, const Groups& g);  // schemas_cmd.cc
void RegisterBenchRegistryCommand(CLI::App& app, const Groups& g);  // bench_registry_cmd.cc
void RegisterBenchOrchestratorCommand(CLI::App& app, const Groups& g);  // bench_orchestrator_cmd.cc
void RegisterDagsCommands(CLI::App& app, const Groups& g);  // dags_cmd.cc
void RegisterTasksCommands(CLI::App& app, const Groups& g);  // tasks_cmd.cc
void RegisterConsoleCommands(CLI::App& app, const Groups& g);  // console_cmd.cc
void RegisterBackupCommand(CLI::App& app, const Groups& g);  // backup_cmd.cc
void RegisterUsersCommands(CLI::App& app, const Groups& g);  // users_cmd.cc
void RegisterAclsCommands(CLI::App& app, const Groups& g);  // acls_cmd.cc

}  // namespace kappa::cli
