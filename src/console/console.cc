// Console::Start (console.h): the console's own HTTP listener (listeners.console) over the
// route table of console_routes.cc.
#include <fmt/format.h>

#include <atomic>

#include "common/host_port.h"
#include "common/logging.h"
#include "console/routes.h"
#include "http/http.h"
#include "security/security.h"

namespace kappa::console {
namespace {

class ConsoleServer : public Console {
 public:
  explicit ConsoleServer(Sources sources) : sources_(std::move(sources)) {}
  ~ConsoleServer() override { Stop(); }

  Status Listen(const ConsoleOptions& options) {
    // The overview lists the console's own address; known once the port is bound (port 0
    // picks one), so read through an atomic the routes may see before it is set.
    sources_.facts.console_address = [this, host = options.listen.host,
                                      tls = options.listen_tls] {
      const uint16_t port = bound_port_.load(std::memory_order_acquire);
      if (port == 0) return std::string();
      return (tls ? "https://" : "") + HostPort{host, port}.ToString();
    };
    std::vector<http::ListenerOptions> listeners;
    auto router = ConsoleRoutes(sources_, options);
    auto add = [&](const HostPort& hp, bool tls) {
      http::ListenerOptions lo;
      lo.name = listeners.empty() ? "console" : fmt::format("console-{}", listeners.size());
      lo.host = hp.host;
      lo.port = hp.port;
      lo.router = router;
      if (tls) lo.tls = options.tls;
      listeners.push_back(std::move(lo));
    };
    add(options.listen, options.listen_tls);
    for (const ListenAddress& a : options.also_listen) add(a.address, a.tls);
    http::ServerOptions so;
    // Two threads: a slow page query (a table scan) does not stall the others; the live
    // feeds are written by their own thread, not these.
    so.threads = 2;
    so.observer = options.observer;
    auto s = http::Server::Start(std::move(so), std::move(listeners));
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
  bool loopback = IsLoopbackHost(o.listen.host);
  bool tls = o.listen_tls;
  for (const ListenAddress& a : o.also_listen) {
    loopback = loopback && IsLoopbackHost(a.address.host);
    tls = tls || a.tls;
  }
  if (tls && !o.tls) return Status::InvalidArgument("the console: HTTPS without a TLS context");
  const bool store_users = o.user_store && !o.user_store->Empty();
  if (!loopback && o.users.empty() && !store_users) {
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
  KLOG_INFO("console: {}://{}/ ({})", options.listen_tls ? "https" : "http",
            HostPort{options.listen.host, c->port()}.ToString(),
            options.users.empty() && !(options.user_store && !options.user_store->Empty())
                ? "open: loopback, no users"
                                  : fmt::format("{} user(s), login required", options.users.size()));
  return std::unique_ptr<Console>(std::move(c));
}

}  // namespace kappa::console
