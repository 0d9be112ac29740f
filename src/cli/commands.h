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

void RegisterTopicsCommands(CLI::App& app, const Groups& g);   // topics_cmd.cc
void RegisterProduceCommand(CLI::App& app, const Groups& g);   // produce_cmd.cc
void RegisterConsumeCommand(CLI::App& app, const Groups& g);   // consume_cmd.cc
void RegisterTablesCommands(CLI::App& app, const Groups& g);   // tables_cmd.cc
void RegisterBenchLogCommand(CLI::App& app, const Groups& g);  // bench_log_cmd.cc

}  // namespace kappa::cli
