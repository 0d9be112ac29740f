#include "cli/up_check.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "cli/listen_check.h"
#include "common/logging.h"
#include "security/security.h"

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

// The Kafka listeners: the flag if given, else the config's list; then their advertised
// addresses, the flag's if given, else the config's.
Status ResolveKafka(const app::PipelineConfig& c, const std::string& flag_value,
                    const std::string& advertised_flag, UpPlan* plan) {
  std::string text = flag_value.empty() ? c.listeners.kafka : flag_value;
  plan->kafka_where = flag_value.empty() ? fmt::format("{}: listeners.kafka", c.Where("listeners.kafka"))
                                         : std::string("--kafka-listen");
  plan->kafka.reset();
  plan->kafka_listeners.clear();
  if (text == "off" || text.empty()) return Status::OK();
  auto ls = kafka::ParseKafkaListeners(text);
  if (!ls.ok()) return ls.status().WithContext(plan->kafka_where);
  plan->kafka_listeners = std::move(ls).value();
  plan->kafka = HostPort{plan->kafka_listeners[0].host, plan->kafka_listeners[0].port};
  const std::string& advertised =
      advertised_flag.empty() ? c.listeners.kafka_advertised : advertised_flag;
  if (!advertised.empty()) {
    Status s = kafka::ApplyAdvertisedListeners(advertised, &plan->kafka_listeners);
    if (!s.ok()) {
      return s.WithContext(advertised_flag.empty()
                               ? fmt::format("{}: listeners.kafka_advertised",
                                             c.Where("listeners.kafka_advertised"))
                               : std::string("--kafka-advertised"));
    }
  }
  return Status::OK();
}

// Whether the data directory has users, without creating anything.
bool HasUsers(const std::string& data_dir) {
  std::string dir = security::SecurityDir(data_dir);
  struct stat st{};
  if (::stat((dir + "/users.json").c_str(), &st) != 0) return false;
  auto users = security::UserStore::Open(dir);
  return users.ok() && !(*users)->Empty();
}

}  // namespace

Result<UpPlan> PlanUp(const app::PipelineConfig& c, const UpFlags& f) {
  UpPlan plan;
  plan.data_dir = f.data_dir ? *f.data_dir : c.data_dir;
  if (plan.data_dir.empty()) return Status::InvalidArgument("--data-dir is empty");
  RETURN_IF_ERROR(CheckDataDir(plan.data_dir, f.data_dir ? "--data-dir" : c.Where("data_dir") + ": data_dir"));
  RETURN_IF_ERROR(ResolveKafka(c, f.kafka_listen, f.kafka_advertised, &plan));
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
  // The data directory's users (`kappa users add`) log in everywhere: CQL, HTTP Basic, the
  // console. Off loopback a listener needs them (or its own older user list).
  const bool store_users = HasUsers(plan.data_dir);
  const std::string add_users = fmt::format("kappa users add NAME --data-dir {}", plan.data_dir);
  if (const ListenAddress* off = OffLoopback(plan.console);
      off && c.console.users.empty() && !store_users) {
    return Status::InvalidArgument(fmt::format(
        "{}: {} can be reached from other machines, so the console needs logins, but no users "
        "are configured: add one with `{}` (or console.users, hashes from `kappa console "
        "hash-password`; docs/formats/config.md), or listen on 127.0.0.1",
        plan.console_where, off->ToString(), add_users));
  }
  plan.cql_users = c.auth.cql_users;
  if (!plan.kafka_listeners.empty()) {
    for (const auto& l : plan.kafka_listeners) {
      if (kafka::UsesTls(l.protocol) && !c.security.tls) {
        return Status::InvalidArgument(fmt::format(
            "{}: {}://{} asks for TLS, but security.tls is not configured: add security: tls: "
            "{{cert: FILE, key: FILE}} (docs/formats/config.md), or use SASL_PLAINTEXT://",
            plan.kafka_where, kafka::SecurityProtocolName(l.protocol),
            HostPort{l.host, l.port}.ToString()));
      }
      RETURN_IF_ERROR(CheckKafkaListener(
          l, store_users, f.insecure || c.security.insecure || c.auth.insecure_kafka, plan.kafka_where,
          "`insecure_kafka: true` under auth: in the config (or kappa up --insecure)",
          fmt::format("kappa users add NAME --data-dir {}", plan.data_dir)));
      if ((l.host == "0.0.0.0" || l.host == "::") && l.advertised_host.empty()) {
        KLOG_WARN("{}: the Kafka listener on {} tells clients to connect to loopback "
                  "(Metadata, FindCoordinator), which reaches only this machine: set "
                  "listeners.kafka_advertised (or --kafka-advertised) to HOST:PORT as other "
                  "machines reach it",
                  plan.kafka_where, HostPort{l.host, l.port}.ToString());
      }
    }
  }
  // /metrics and /health carry no secrets but reveal the pipeline, and the schema registry
  // takes writes; the HTTP listener has no authentication, so other machines reach it only
  // when asked for explicitly.
  // With users, its APIs need HTTP Basic (app/up_http_auth.h).
  const ListenAddress* http_off = OffLoopback(plan.http);
  if (http_off && !store_users && !f.insecure && !c.security.insecure) {
    return Status::InvalidArgument(fmt::format(
        "{}: {} can be reached from other machines, and the HTTP listener (schema registry, "
        "REST API, /metrics) has no authentication (no users to ask for): add one with `{}` (its APIs then need "
        "HTTP Basic auth), listen on 127.0.0.1, or allow it open with kappa up --insecure",
        plan.http_where, http_off->ToString(), add_users));
  }
  if (http_off && !store_users) {
    KLOG_WARN("the HTTP listener on {} answers anyone who can connect (no authentication; "
              "--insecure was given): keep it behind a firewall", http_off->ToString());
  }
  if (const ListenAddress* off = OffLoopback(plan.cql);
      off && plan.cql_users.empty() && !store_users) {
    return Status::InvalidArgument(fmt::format(
        "{}: {} can be reached from other machines, so CQL clients must log in, but no users "
        "are configured: add one with `{}` (auth: cql_users in the config is deprecated), or "
        "listen on 127.0.0.1",
        plan.cql_where, off->ToString(), add_users));
  }
  // Off loopback, the well-known default logins are the first thing an attacker tries.
  const bool any_off = OffLoopback(plan.cql) || OffLoopback(plan.http) ||
                       OffLoopback(plan.console) ||
                       std::any_of(plan.kafka_listeners.begin(), plan.kafka_listeners.end(),
                                   [](const auto& l) { return !IsLoopbackHost(l.host); });
  if (any_off && store_users) {
    auto users = security::UserStore::Open(security::SecurityDir(plan.data_dir));
    for (const auto& [name, password] :
         {std::pair{"cassandra", "cassandra"}, std::pair{"admin", "admin"}}) {
      if (users.ok() && (*users)->CheckPassword(name, password)) {
        return Status::InvalidArgument(fmt::format(
            "user {} has the well-known default password {}, and listeners can be reached "
            "from other machines: change it with `kappa users add {} --data-dir {}` (or "
            "delete the user)",
            name, password, name, plan.data_dir));
      }
    }
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
  for (const auto& l : plan.kafka_listeners) {
    RETURN_IF_ERROR(probe_one(HostPort{l.host, l.port}, "Kafka", plan.kafka_where, "listeners.kafka",
                              "--kafka-listen"));
  }
  RETURN_IF_ERROR(probe(plan.cql, "CQL", plan.cql_where, "listeners.cql", "--cql-listen"));
  RETURN_IF_ERROR(probe(plan.http, "HTTP", plan.http_where, "listeners.http", "--http-listen"));
  // The default console address may be busy (another kappa up): UpServers then runs without
  // a console, so only an address someone asked for is probed.
  if (!plan.console_required) return Status::OK();
  return probe(plan.console, "console", plan.console_where, "listeners.console",
               "--console-listen");
}

}  // namespace kappa::cli
