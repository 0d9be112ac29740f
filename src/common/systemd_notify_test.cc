#include "common/systemd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "testutil/temp_dir.h"

namespace kappa {
namespace {

// A datagram socket bound where systemd would listen; Receive() returns one datagram.
class FakeSystemd {
 public:
  explicit FakeSystemd(const std::string& name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name.data(), name.size());
    bool abstract = name[0] == '@';
    if (abstract) addr.sun_path[0] = '\0';
    socklen_t len = socklen_t(offsetof(sockaddr_un, sun_path) + name.size() + (abstract ? 0 : 1));
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), len), 0) << std::strerror(errno);
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  ~FakeSystemd() { ::close(fd_); }
  std::string Receive() {
    char buf[512];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    return n < 0 ? std::string("<nothing>") : std::string(buf, size_t(n));
  }

 private:
  int fd_ = -1;
};

TEST(SystemdNotify, SendsTheStateToAPathSocket) {
  testutil::TempDir dir;
  std::string path = dir.path() + "/notify";
  FakeSystemd systemd(path);
  ASSERT_TRUE(NotifySocket(path, "READY=1\nSTATUS=serving").ok());
  EXPECT_EQ(systemd.Receive(), "READY=1\nSTATUS=serving");
}

TEST(SystemdNotify, SendsToAnAbstractSocketAndReadsTheVariable) {
  std::string name = "@kappa-notify-test-" + std::to_string(::getpid());
  FakeSystemd systemd(name);
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  Status s = NotifySystemd("STOPPING=1");
  ::unsetenv("NOTIFY_SOCKET");
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(systemd.Receive(), "STOPPING=1");
}

TEST(SystemdNotify, NothingToDoWithoutTheVariable) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(NotifySystemd("READY=1").ok());
}

TEST(SystemdNotify, BadOrAbsentSocketsAreErrors) {
  EXPECT_EQ(NotifySocket("relative/path", "READY=1").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(NotifySocket("/" + std::string(200, 'x'), "READY=1").code(),
            Status::Code::kInvalidArgument);
  testutil::TempDir dir;
  Status s = NotifySocket(dir.path() + "/nobody-listens", "READY=1");
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_NE(s.ToString().find("nobody-listens"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace kappa
