#include "cli/listen_check.h"

#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/logging.h"

namespace kappa::cli {

Status CheckKafkaListener(const kafka::KafkaListenerOptions& l, bool has_users, bool insecure,
                          std::string_view where, std::string_view allow,
                          std::string_view users_hint) {
  const std::string addr = HostPort{l.host, l.port}.ToString();
  const char* proto = kafka::SecurityProtocolName(l.protocol);
  if (kafka::UsesSasl(l.protocol)) {
    if (has_users) return Status::OK();
    if (!insecure) {
      return Status::InvalidArgument(fmt::format(
          "{}: the {} listener {} asks every client to log in, but the data directory has no "
          "users yet: add one with `{}` (the running server sees it within a second), or "
          "start anyway with {}",
          where, proto, addr, users_hint, allow));
    }
    KLOG_WARN("the {} listener on {} has no users yet: nobody can log in until `{}` adds one",
              proto, addr, users_hint);
    return Status::OK();
  }
  if (IsLoopbackHost(l.host)) return Status::OK();
  if (!insecure) {
    return Status::InvalidArgument(fmt::format(
        "{}: {}://{} can be reached from other machines, and a {} listener has no "
        "authentication: anyone who can connect could read and write every topic. Use "
        "SASL_PLAINTEXT://{} (or SASL_SSL://) with users from `{}`, listen on 127.0.0.1 (or "
        "another loopback address), or accept the risk with {}",
        where, proto, addr, proto, addr, users_hint, allow));
  }
  KLOG_WARN("the Kafka {} listener on {} accepts anyone who can connect (no authentication; {} "
            "was given): keep it behind a firewall", proto, addr, allow);
  return Status::OK();
}

Status ProbeListen(const HostPort& hp) {
  if (hp.port == 0) return Status::OK();
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port = std::to_string(hp.port);
  int rc = ::getaddrinfo(hp.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    return Status::InvalidArgument(fmt::format("cannot resolve {}: {}", hp.host, gai_strerror(rc)));
  }
  Status result = Status::Unavailable("no address for " + hp.ToString());
  int fd = ::socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
  if (fd < 0) {
    result = Status::IOError(fmt::format("socket: {}", std::strerror(errno)));
  } else {
    int one = 1;
    // As the servers do, so a port in TIME_WAIT after a restart is not reported as busy.
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, res->ai_addr, res->ai_addrlen) == 0) {
      result = Status::OK();
    } else {
      result = Status::Unavailable(fmt::format("cannot listen on {}: {}", hp.ToString(),
                                               std::strerror(errno)));
    }
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return result;
}

}  // namespace kappa::cli
