// The `command` task: a shell command, as Airflow's BashOperator runs one: `/bin/sh -c`,
// stdout and stderr together into the try's log line by line, the last line the result,
// exit code 99 a skip (BashOperator's skip_on_exit_code), any other non-zero a failure.
// Refused unless the config enables commands (a DAG file must not be a way to run code on
// the server by default).
//
//   type: command
//   args: {command: "echo {{ ds }}", env: {NAME: value}, cwd: /tmp, skip_exit_code: 99}
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>

#include "orchestrator/task_args.h"
#include "orchestrator/task_builtin.h"

extern char** environ;

namespace kappa::orchestrator {

namespace {

constexpr size_t kMaxLine = 64 * 1024;  // longer lines are cut into pieces in the log

class CommandTask final : public TaskType {
 public:
  explicit CommandTask(bool allowed) : allowed_(allowed) {}
  std::string_view name() const override { return "command"; }

  Status Validate(const nlohmann::json& args) const override {
    if (!allowed_) {
      return Status::InvalidArgument(
          "command tasks are disabled; set orchestrator.allow_commands: true to enable");
    }
    RETURN_IF_ERROR(CheckArgs(args, {{"command", ArgType::kString, true},
                                     {"env", ArgType::kObject},
                                     {"cwd", ArgType::kString},
                                     {"skip_exit_code", ArgType::kInt}}));
    if (args["command"].get<std::string>().empty()) {
      return Status::InvalidArgument("argument 'command' is empty");
    }
    return Status::OK();
  }

  Result<std::string> Run(TaskContext& ctx) override {
    RETURN_IF_ERROR(Validate(ctx.args));
    const nlohmann::json& a = ctx.args;
    const std::string command = a["command"].get<std::string>();
    const int skip_code = a.value("skip_exit_code", 99);

    // The environment: ours, Airflow's AIRFLOW_CTX_* names, then the task's `env`.
    std::map<std::string, std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string_view kv(*e);
      size_t eq = kv.find('=');
      if (eq != kv.npos) env[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
    }
    if (ctx.dag) env["AIRFLOW_CTX_DAG_ID"] = ctx.dag->dag_id;
    if (ctx.dag) env["AIRFLOW_CTX_DAG_OWNER"] = ctx.dag->owner;
    if (ctx.task) env["AIRFLOW_CTX_TASK_ID"] = ctx.task->task_id;
    if (ctx.run) env["AIRFLOW_CTX_DAG_RUN_ID"] = ctx.run->run_id;
    if (ctx.run) env["AIRFLOW_CTX_EXECUTION_DATE"] = FormatIso(ctx.run->logical_date);
    env["AIRFLOW_CTX_TRY_NUMBER"] = std::to_string(ctx.try_number);
    if (a.contains("env")) {
      for (const auto& [k, v] : a["env"].items()) {
        env[k] = v.is_string() ? v.get<std::string>() : v.dump();
      }
    }
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);

    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
      return Status::IOError(fmt::format("pipe: {}", std::strerror(errno)));
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    std::string cwd = a.value("cwd", std::string());
    if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // Its own process group, so that cancelling kills the command's children too; default
    // signal handling, whatever this process blocks or ignores.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const char* argv[] = {"/bin/sh", "-c", command.c_str(), nullptr};
    pid_t pid = 0;
    int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, const_cast<char**>(argv), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(fds[1]);
    if (rc != 0) {
      close(fds[0]);
      return Status::IOError(fmt::format("cannot run /bin/sh: {}", std::strerror(rc)));
    }
    Log(ctx, "$ " + command);

    std::string partial, last_line;
    auto emit = [&](std::string line) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      Log(ctx, line);
      if (!line.empty()) last_line = std::move(line);
    };
    bool cancelled = false, killed = false;
    auto cancelled_at = std::chrono::steady_clock::now();
    char buf[8192];
    while (true) {
      if (!cancelled && Cancelled(ctx)) {
        cancelled = true;
        cancelled_at = std::chrono::steady_clock::now();
        kill(-pid, SIGTERM);
        Log(ctx, "cancelled: sent SIGTERM");
      }
      if (cancelled && !killed &&
          std::chrono::steady_clock::now() - cancelled_at > std::chrono::seconds(2)) {
        killed = true;  // it ignored SIGTERM for 2 s
        kill(-pid, SIGKILL);
        Log(ctx, "cancelled: sent SIGKILL");
      }
      pollfd p{fds[0], POLLIN, 0};
      int n = poll(&p, 1, 100);
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) continue;
      ssize_t got = read(fds[0], buf, sizeof(buf));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;  // EOF: every writer (the command and its children) is done
      partial.append(buf, static_cast<size_t>(got));
      size_t nl;
      while ((nl = partial.find('\n')) != partial.npos) {
        emit(partial.substr(0, nl));
        partial.erase(0, nl + 1);
      }
      while (partial.size() > kMaxLine) {
        emit(partial.substr(0, kMaxLine));
        partial.erase(0, kMaxLine);
      }
    }
    close(fds[0]);
    if (!partial.empty()) emit(partial);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    if (cancelled) return Status::Aborted("command cancelled");
    if (WIFSIGNALED(wstatus)) {
      return Status::Aborted(fmt::format("command killed by signal {}", WTERMSIG(wstatus)));
    }
    int code = WEXITSTATUS(wstatus);
    if (code == skip_code) return SkipTask(fmt::format("command exited with {}", code));
    if (code != 0) {
      return Status::Internal(fmt::format("command exited with status {}", code));
    }
    return last_line;
  }

 private:
  const bool allowed_;
};

}  // namespace

std::shared_ptr<TaskType> NewCommandTaskType(bool allowed) {
  return std::make_shared<CommandTask>(allowed);
}

}  // namespace kappa::orchestrator
