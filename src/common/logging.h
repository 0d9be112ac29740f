// Logging: spdlog, one process-wide logger writing to stderr. Levels: trace, debug, info,
// warn, error, critical, off. Use KLOG_INFO("segment {} recovered", name) etc.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

#include "common/status.h"

namespace kappa {

// Routes the default logger to stderr (stdout is for command output) with level `info`.
// Idempotent; call once at process start.
void InitLogging();

// Sets the level by name ("info", "debug", ...). InvalidArgument for an unknown name.
Status SetLogLevel(std::string_view level);

}  // namespace kappa

#define KLOG_TRACE(...) SPDLOG_TRACE(__VA_ARGS__)
#define KLOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define KLOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define KLOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define KLOG_ERROR(...) ::spdlog::error(__VA_ARGS__)

// A broken invariant stops the process with a message; never swallowed.
#define KAPPA_CHECK(cond)                                                        \
  do {                                                                           \
    if (!(cond)) {                                                               \
      ::spdlog::critical("check failed at {}:{}: {}", __FILE__, __LINE__, #cond); \
      ::abort();                                                                 \
    }                                                                            \
  } while (0)
