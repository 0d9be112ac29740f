// Console::Start (console.h): the console's own HTTP listener (listeners.console) over the
// route table of console_routes.cc.
#include <fmt/format.h>

#include <atomic>

#include "common/host_port.h"
#include "common/logging.h"
#include "console/routes.h"
#include "http/http.h"

namespace kappa::console {
namespace {

class ConsoleServer : public Console {
 public:
  explicit ConsoleServer(Sources sources) : sources_(std::move(sources)) {}
  ~ConsoleServer() override { Stop(); }

  Status Listen(const ConsoleOptions& options) {
    http::ListenerOptions lo;
    lo.name = "console";
    lo.host = options.listen.host;
    lo.port = options.listen.port;
    // The overview lists the console's own address; known once the port is bound (port 0
    // picks one), so read through an atomic the routes may see before it is set.
    sources_.facts.console_address = [this, host = options.listen.host] {
      const uint16_t port = bound_port_.load(std::memory_order_acquire);
      return port == 0 ? std::string() : HostPort{host, port}.ToString();
    };
    lo.router = ConsoleRoutes(sources_, options);
    http::ServerOptions so;
    // Two threads: a slow page query (a table scan) does not stall the others; the live
    // feeds are written by their own thread, not these.
    so.threads = 2;
    so.observer = options.observer;
    auto s = http::Server::Start(std::move(so), {std::move(lo)});
    if (!s.ok()) return s.status();
    server_ = std::move(s).value();
    bound_port_.store(server_->port("console"), std::memory_order_release);
    return Status::OK();
  }

  uint16_t port() const override { return server_ ? server_->port("console") : 0; }
  void Stop() override {
    if (server_) server_->Stop();
  }

 private:
  Sources sources_;  // outlives the routes, which keep pointers into it; fixed once listening
  std::atomic<uint16_t> bound_port_{0};
  std::unique_ptr<http::Server> server_;
};

Status CheckOptions(const ConsoleOptions& o) {
  const bool loopback = IsLoopbackHost(o.listen.host);
  if (!loopback && o.users.empty()) {
    return Status::InvalidArgument(fmt::format(
        "the console listens on {}, which is not a loopback address, and has no users: add "
        "console.users (hashes from `kappa console hash-password`), or listen on 127.0.0.1",
        o.listen.ToString()));
  }
  for (const User& u : o.users) {
    if (u.name.empty()) return Status::InvalidArgument("console.users: a user has no name");
    Status st = CheckPasswordHash(u.password_hash);
    if (!st.ok()) return st.WithContext("console.users: user " + u.name);
    // Off loopback a guessable password is an open door (on loopback only this machine's
    // users can try it).
    if (!loopback && IsWellKnownPassword(u.name, u.password_hash)) {
      return Status::InvalidArgument(fmt::format(
          "console.users: user {} has a well-known default password (or its own name); "
          "choose another off loopback",
          u.name));
    }
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Console>> Console::Start(const Sources& sources,
                                                const ConsoleOptions& options) {
  RETURN_IF_ERROR(CheckOptions(options));
  auto c = std::make_unique<ConsoleServer>(sources);
  RETURN_IF_ERROR(c->Listen(options));
  KLOG_INFO("console: http://{}:{}/ ({})", options.listen.host, c->port(),
            options.users.empty() ? "open: loopback, no users"
                                  : fmt::format("{} user(s), login required", options.users.size()));
  return std::unique_ptr<Console>(std::move(c));
}

}  // namespace kappa::console
