#include "common/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace kappa {

Status NotifySocket(const std::string& socket_path, std::string_view state) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // sd_notify accepts absolute paths and abstract names ('@' stands for the leading NUL).
  if (socket_path.size() < 2 || (socket_path[0] != '/' && socket_path[0] != '@')) {
    return Status::InvalidArgument("NOTIFY_SOCKET '" + socket_path +
                                   "' is neither an absolute path nor an abstract socket (@name)");
  }
  if (socket_path.size() >= sizeof(addr.sun_path)) {
    return Status::InvalidArgument("NOTIFY_SOCKET '" + socket_path + "' is too long");
  }
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';
  // An abstract name's length is exact (no terminating NUL counts); a path's includes it.
  socklen_t len = socklen_t(offsetof(sockaddr_un, sun_path) + socket_path.size() +
                            (socket_path[0] == '@' ? 0 : 1));
  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError(std::string("socket(AF_UNIX): ") + std::strerror(errno));
  ssize_t n = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                       reinterpret_cast<const sockaddr*>(&addr), len);
  int err = errno;
  ::close(fd);
  if (n < 0) {
    return Status::IOError("notifying systemd on " + socket_path + ": " + std::strerror(err));
  }
  if (size_t(n) != state.size()) {
    return Status::IOError("notifying systemd on " + socket_path + ": short datagram");
  }
  return Status::OK();
}

Status NotifySystemd(std::string_view state) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || *socket == '\0') return Status::OK();
  return NotifySocket(socket, state);
}

}  // namespace kappa
