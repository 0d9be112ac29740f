#include "cli/listen_check.h"

#include <fmt/format.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/logging.h"

namespace kappa::cli {

Status CheckKafkaExposure(const HostPort& hp, bool insecure, std::string_view where,
                          std::string_view allow) {
  if (IsLoopbackHost(hp.host)) return Status::OK();
  if (!insecure) {
    return Status::InvalidArgument(fmt::format(
        "{}: {} can be reached from other machines, and kappa's Kafka listener has no "
        "authentication yet: anyone who can connect could read and write every topic. Listen "
        "on 127.0.0.1 (or another loopback address), or accept the risk with {}",
        where, hp.ToString(), allow));
  }
  KLOG_WARN("the Kafka listener on {} accepts anyone who can connect (no authentication; {} "
            "was given): keep it behind a firewall", hp.ToString(), allow);
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
