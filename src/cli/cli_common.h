// Helpers shared by the command implementations.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "app/app.h"
#include "common/status.h"

namespace kappa::cli {

// Adds `--data-dir` (default ./kappa-data) bound to *dir.
void AddDataDirOption(CLI::App* cmd, std::string* dir);

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

// A duration flag through the one parser (common/units.h): "10s" -> 10000. A bare number,
// a negative one or an unknown unit ends the command with exit code 2 and a message naming
// the flag ("--duration: '10' has no unit: write 10s, 10ms, ...").
int64_t ParseDurationFlag(const std::string& flag, const std::string& text);

// Escapes a record value so it stays on one output line: \n, \r, \t, \\ and bytes < 0x20 or
// 0x7f become C-style escapes; everything else (UTF-8 included) is printed as is.
std::string EscapeLine(std::string_view v);

// Formats "1.2 MB", "3.4 GB".
std::string HumanBytes(uint64_t n);

}  // namespace kappa::cli
