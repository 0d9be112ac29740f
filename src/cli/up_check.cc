#include "cli/up_check.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli/listen_check.h"
#include "common/logging.h"

namespace kappa::cli {
namespace {

// The data directory must be a directory we can write, or creatable: checked without
// creating anything.
Status CheckDataDir(const std::string& dir, const std::string& where) {
  struct stat st{};
  if (::stat(dir.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument(fmt::format("{}: data directory {} is a file, not a directory", where, dir));
    }
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
      return Status::InvalidArgument(fmt::format("{}: data directory {} is not writable: {}", where, dir, std::strerror(errno)));
    }
    return Status::OK();
  }
  if (errno != ENOENT) {
    return Status::InvalidArgument(fmt::format("{}: data directory {}: {}", where, dir, std::strerror(errno)));
  }
  // The nearest existing ancestor must be a writable directory.
  std::filesystem::path p = std::filesystem::absolute(dir).lexically_normal();
  while (p.has_parent_path() && p != p.parent_path()) {
    p = p.parent_path();
    if (::stat(p.c_str(), &st) != 0) continue;
    if (!S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument(fmt::format("{}: cannot create data directory {}: {} is a file", where, dir, p.string()));
    }
    if (::access(p.c_str(), W_OK | X_OK) != 0) {
      return Status::InvalidArgument(fmt::format("{}: cannot create data directory {} in {}: {}", where, dir, p.string(), std::strerror(errno)));
    }
    return Status::OK();
  }
  return Status::OK();
}

// The address of one listener: the flag if given, else the config's value.
Status Resolve(const app::PipelineConfig& c, const std::string& flag_value,
               std::string_view flag, std::string_view key, const std::string& config_value,
               std::optional<HostPort>* out, std::string* where) {
  std::string text = flag_value.empty() ? config_value : flag_value;
  *where = flag_value.empty() ? fmt::format("{}: {}", c.Where(key), key) : std::string(flag);
  if (text == "off" || text.empty()) {
    out->reset();
    return Status::OK();
  }
  auto hp = ParseHostPort(text);
  if (!hp.ok()) return hp.status().WithContext(*where);
  *out = *hp;
  return Status::OK();
}

// A listener list (listeners.cql/http/console): the flag if given, else the config's value.
// TLS entries need security.tls.
Status ResolveList(const app::PipelineConfig& c, const std::string& flag_value,
                   std::string_view flag, std::string_view key, const std::string& config_value,
                   std::string_view plain_scheme, std::string_view tls_scheme,
                   std::vector<ListenAddress>* out, std::string* where) {
  std::string text = flag_value.empty() ? config_value : flag_value;
  *where = flag_value.empty() ? fmt::format("{}: {}", c.Where(key), key) : std::string(flag);
  auto list = ParseListenList(text, plain_scheme, tls_scheme);
  if (!list.ok()) return list.status().WithContext(*where);
  for (const ListenAddress& a : *list) {
    if (a.tls && !c.security.tls) {
      return Status::InvalidArgument(fmt::format(
          "{}: {} asks for TLS, but security.tls is not configured: add security: tls: "
          "{{cert: FILE, key: FILE}} to the config (docs/formats/config.md)",
          *where, a.ToString()));
    }
  }
  *out = std::move(list).value();
  return Status::OK();
}

// The first address of `list` other machines can reach, or null.
const ListenAddress* OffLoopback(const std::vector<ListenAddress>& list) {
  for (const ListenAddress& a : list) {
    if (!IsLoopbackHost(a.address.host)) return &a;
  }
  return nullptr;
}

}  // namespace

Result<UpPlan> PlanUp(const app::PipelineConfig& c, const UpFlags& f) {
  UpPlan plan;
  plan.data_dir = f.data_dir ? *f.data_dir : c.data_dir;
  if (plan.data_dir.empty()) return Status::InvalidArgument("--data-dir is empty");
  RETURN_IF_ERROR(CheckDataDir(plan.data_dir, f.data_dir ? "--data-dir" : c.Where("data_dir") + ": data_dir"));
  RETURN_IF_ERROR(Resolve(c, f.kafka_listen, "--kafka-listen", "listeners.kafka",
                          c.listeners.kafka, &plan.kafka, &plan.kafka_where));
  RETURN_IF_ERROR(ResolveList(c, f.cql_listen, "--cql-listen", "listeners.cql",
                              c.listeners.cql, "tcp", "tls", &plan.cql, &plan.cql_where));
  RETURN_IF_ERROR(ResolveList(c, f.http_listen, "--http-listen", "listeners.http",
                              c.listeners.http, "http", "https", &plan.http, &plan.http_where));
  RETURN_IF_ERROR(ResolveList(c, f.console_listen, "--console-listen", "listeners.console",
                              c.listeners.console, "http", "https", &plan.console,
                              &plan.console_where));
  plan.console_required = !f.console_listen.empty() || c.positions.count("listeners.console") > 0;
  if (!plan.console_required) plan.console_where = "listeners.console (default)";
  // The console itself refuses to start off loopback without users (console.h); say so
  // here too, so --check catches it.
  if (const ListenAddress* off = OffLoopback(plan.console); off && c.console.users.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{}: {} can be reached from other machines, so the console needs logins, but no users "
        "are configured: add console.users (hashes from `kappa console hash-password`; "
        "docs/formats/config.md), or listen on 127.0.0.1",
        plan.console_where, off->ToString()));
  }
  plan.cql_users = c.auth.cql_users;
  if (plan.kafka) {
    RETURN_IF_ERROR(CheckKafkaExposure(*plan.kafka,
                                       f.insecure || c.security.insecure || c.auth.insecure_kafka,
                                       plan.kafka_where,
                                       "`insecure_kafka: true` under auth: in the config (or "
                                       "kappa up --insecure)"));
  }
  // /metrics and /health carry no secrets but reveal the pipeline, and the schema registry
  // takes writes; the HTTP listener has no authentication, so other machines reach it only
  // when asked for explicitly.
  const ListenAddress* http_off = OffLoopback(plan.http);
  if (http_off && !f.insecure && !c.security.insecure) {
    return Status::InvalidArgument(fmt::format(
        "{}: {} can be reached from other machines, and the HTTP listener (schema registry, "
        "/metrics, /health) "
        "has no authentication: listen on 127.0.0.1, or allow it with kappa up --insecure",
        plan.http_where, http_off->ToString()));
  }
  if (http_off) {
    KLOG_WARN("the HTTP listener on {} answers anyone who can connect (no authentication; "
              "--insecure was given): keep it behind a firewall", http_off->ToString());
  }
  if (const ListenAddress* off = OffLoopback(plan.cql); off && plan.cql_users.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{}: {} can be reached from other machines, so CQL clients must log in, but no users "
        "are configured: add them to the config under auth: cql_users: (- {{name: NAME, "
        "password: PASSWORD}}; docs/formats/config.md), or listen on 127.0.0.1",
        plan.cql_where, off->ToString()));
  }
  return plan;
}

Status ProbeUpListeners(const UpPlan& plan) {
  auto probe_one = [](const std::optional<HostPort>& hp, std::string_view what,
                      const std::string& where, std::string_view key, std::string_view flag) {
    if (!hp) return Status::OK();
    Status s = ProbeListen(*hp);
    if (s.ok()) return s;
    return Status::Unavailable(fmt::format(
        "{} (set by {}): {}. Is another kappa or {} running? Choose another address with {} in "
        "the config's listeners: section (or {} HOST:PORT), or turn the listener off with "
        "`{}: off`", what, where, s.message(),
        what == "Kafka" ? "Kafka broker" : what == "CQL" ? "Cassandra" : "HTTP server",
        key, flag, key));
  };
  auto probe = [&](const auto& addrs, std::string_view what, const std::string& where,
                   std::string_view key, std::string_view flag) {
    if constexpr (std::is_same_v<std::decay_t<decltype(addrs)>, std::optional<HostPort>>) {
      return probe_one(addrs, what, where, key, flag);
    } else {
      for (const ListenAddress& a : addrs) {
        RETURN_IF_ERROR(probe_one(a.address, what, where, key, flag));
      }
      return Status::OK();
    }
  };
  RETURN_IF_ERROR(probe(plan.kafka, "Kafka", plan.kafka_where, "listeners.kafka", "--kafka-listen"));
  RETURN_IF_ERROR(probe(plan.cql, "CQL", plan.cql_where, "listeners.cql", "--cql-listen"));
  RETURN_IF_ERROR(probe(plan.http, "HTTP", plan.http_where, "listeners.http", "--http-listen"));
  // The default console address may be busy (another kappa up): UpServers then runs without
  // a console, so only an address someone asked for is probed.
  if (!plan.console_required) return Status::OK();
  return probe(plan.console, "console", plan.console_where, "listeners.console",
               "--console-listen");
}

}  // namespace kappa::cli
