// Helpers shared by the command implementations.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "app/app.h"
#include "common/status.h"

namespace kappa::cli {

// Adds `--data-dir` (default ./kappa-data) bound to *dir.
void AddDataDirOption(CLI::App* cmd, std::string* dir);

// The data directory of the commands that change DATA_DIR/security beside a running kappa up
// (`kappa users`, `kappa acls`): `--data-dir`, or the data_dir of `--config`.
struct SecurityDirArgs {
  std::string data_dir = "./kappa-data";
  std::string config_file;
};
void AddSecurityDirOptions(CLI::App* cmd, SecurityDirArgs* a, const char* what);
// DATA_DIR/security of `cmd`'s options (--data-dir wins over --config). Fails (exit 2) on a
// config that does not load.
std::string SecurityDirOf(const CLI::App* cmd, const SecurityDirArgs& a);

// Opens data directory `dir` through app::Runtime, the one data-directory opener: its log,
// its store or both, as owner (the lock) or read-only. `what` names the command in the lock
// file ("kappa topics create"). Errors as Runtime::Open; the caller words them.
using Access = app::RuntimeOptions::Access;
Result<std::unique_ptr<app::Runtime>> OpenDataDir(const std::string& dir, const std::string& what,
                                                  Access access, bool log, bool store,
                                                  log::LogOptions log_options = {});

// Prints "error: <message>" to stderr and ends the command with exit code `code`
// (throws CLI::RuntimeError, which CLI11 turns into the process exit code).
[[noreturn]] void Fail(const Status& s, int code = 1);
[[noreturn]] void Fail(const std::string& message, int code = 1);

// Fails unless s.ok().
inline void Check(const Status& s) {
  if (!s.ok()) Fail(s);
}

// Duration and size flags, the one way every command takes them: the text goes through the
// one parser (common/units.h) while the command line is parsed, so every flag accepts the
// same forms and a bad value ends the command before anything runs, with exit code 2 and
// "error: --duration: '10' has no unit: write 10s, 10ms, 10m, 10h or 10d".
//   durations: 500ms, 10s, 2m, 1.5h, 7d; a bare number only for 0
//   sizes:     4096 (bytes), 64KiB, 16MiB, 1GiB, 1MB
// *ms / *bytes hold the default beforehand; the help shows it in the same syntax unless
// `show_default` is false. Flags named after their unit (--timeout-ms, --segment-bytes as
// Kafka's topic config) stay plain numbers and do not use these.
CLI::Option* AddDurationOption(CLI::App* cmd, const std::string& name, int64_t* ms,
                               const std::string& help, bool show_default = true);
CLI::Option* AddSizeOption(CLI::App* cmd, const std::string& name, int64_t* bytes,
                           const std::string& help, bool show_default = true);

// Checks a --bootstrap list ("host:port[,host:port]", as librdkafka takes it) with the one
// host:port parser (common/host_port.h) while the command line is parsed: a bad entry ends
// the command with exit code 2 and "error: --bootstrap: 'b': expected HOST:PORT ...".
CLI::Option* CheckHostPortList(CLI::Option* option);

// Escapes a record value so it stays on one output line: \n, \r, \t, \\ and bytes < 0x20 or
// 0x7f become C-style escapes; everything else (UTF-8 included) is printed as is.
std::string EscapeLine(std::string_view v);

// Formats "1.2 MB", "3.4 GB".
std::string HumanBytes(uint64_t n);

}  // namespace kappa::cli
