// kappa backup: a consistent copy of a data directory, taken while kappa up runs
// (app::BackupDataDir; docs/deploy.md, "Backups").
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "app/app.h"
#include "cli/cli_common.h"
#include "cli/commands.h"

namespace kappa::cli {
namespace {

struct BackupArgs {
  std::string data_dir;
  std::string to;
  bool json = false;
};

void RunBackup(const BackupArgs& a) {
  auto st = app::BackupDataDir(a.data_dir, a.to);
  if (!st.ok()) Fail(st.status(), st.status().IsAlreadyExists() || st.status().IsNotFound() ? 2 : 1);
  if (a.json) {
    std::cout << fmt::format(
        "{{\"to\":\"{}\",\"store_bytes\":{},\"log_bytes\":{},\"files\":{},\"seconds\":{:.3f}}}\n",
        a.to, st->store_bytes, st->log_bytes, st->files, st->seconds);
    return;
  }
  std::cout << fmt::format(
      "backup of {} in {}: store {}, log {} ({} files, {:.1f} s); start from it with "
      "kappa up --data-dir {}\n",
      a.data_dir, a.to, HumanBytes(st->store_bytes), HumanBytes(st->log_bytes), st->files,
      st->seconds, a.to);
}

}  // namespace

void RegisterBackupCommand(CLI::App& app, const Groups&) {
  auto args = std::make_shared<BackupArgs>();
  CLI::App* cmd = app.add_subcommand(
      "backup",
      "Copy a data directory consistently, also while kappa up runs on it: the table store as "
      "of one point, then the log (so every offset the store committed is in the copied "
      "log), then users and ACLs. `kappa up --data-dir DIR` starts from the copy.");
  AddDataDirOption(cmd, &args->data_dir);
  cmd->add_option("--to", args->to, "New directory to write the copy to (must not exist)")
      ->required();
  cmd->add_flag("--json", args->json, "Print the summary as one JSON object");
  cmd->callback([args] { RunBackup(*args); });
}

}  // namespace kappa::cli
