// The CQL server: an acceptor coroutine and a pool of threads running one io_context.
// Connections live until the client leaves or Stop(); schema changes from the store are
// fanned out as events to the connections that registered for them.
#include <arpa/inet.h>

#include <boost/asio.hpp>

#include <list>
#include <thread>

#include "common/logging.h"
#include "cql/connection.h"
#include "cql/cql.h"
#include "cql/executor.h"

namespace kappa::cql {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

bool IsLoopback(const std::string& host) {
  boost::system::error_code ec;
  auto addr = asio::ip::make_address(host, ec);
  if (ec) return host == "localhost";
  return addr.is_loopback();
}

// The host id is persisted in the store's metadata so it stays stable across restarts.
Uuid StableHostId(store::Store* store) {
  auto existing = store->GetMeta("cql/host_id");
  if (existing.ok() && existing.value()) {
    if (auto u = Uuid::Parse(*existing.value())) return *u;
  }
  Uuid id = Uuid::Random();
  if (!store->read_only()) {
    Status st = store->PutMeta("cql/host_id", id.ToString(), /*sync=*/true);
    if (!st.ok()) KLOG_WARN("cql: could not persist host id: {}", st.ToString());
  }
  return id;
}

class ServerImpl : public Server {
 public:
  ServerImpl(store::Store* store, ServerOptions options)
      : store_(store), options_(std::move(options)), acceptor_(ioc_) {}

  ~ServerImpl() override { Stop(); }

  Status Init() {
    bool required = options_.auth == ServerOptions::Auth::kRequired ||
                    (options_.auth == ServerOptions::Auth::kAuto && !IsLoopback(options_.host));
    if (required && options_.users.empty()) {
      return Status::InvalidArgument(
          "the CQL listener on " + options_.host +
          " requires authentication (it is not a loopback address) but no users are configured: "
          "add users (--cql-user NAME:PASSWORD) or listen on 127.0.0.1");
    }
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(options_.host, ec);
    if (ec) return Status::InvalidArgument("invalid CQL listen address '" + options_.host + "'");
    tcp::endpoint ep(addr, options_.port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::IOError("cannot listen for CQL on " + options_.host + ":" +
                             std::to_string(options_.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    NodeInfo node;
    node.cluster_name = options_.cluster_name;
    node.address = addr.is_unspecified() ? "127.0.0.1" : options_.host;
    node.port = port_;
    node.host_id = StableHostId(store_);
    executor_ = std::make_unique<Executor>(store_, node);
    ctx_.executor = executor_.get();
    ctx_.options = &options_;
    ctx_.auth_required = required;
    listener_id_ = store_->AddSchemaListener([this](const store::SchemaChange& c) { OnSchema(c); });
    listening_ = true;
    asio::co_spawn(ioc_, Accept(), asio::detached);
    int n = options_.threads > 0 ? options_.threads : int(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
    KLOG_INFO("cql: listening on {}:{} (auth {})", options_.host, port_,
              required ? "required" : "off");
    return Status::OK();
  }

  uint16_t port() const override { return port_; }
  bool auth_required() const override { return ctx_.auth_required; }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    if (listening_) store_->RemoveSchemaListener(listener_id_);
    asio::post(ioc_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
    });
    {
      std::lock_guard lock(mu_);
      for (auto& w : conns_) {
        if (auto c = w.lock()) c->Close();
      }
    }
    // Give connections a moment to close, then stop the loop.
    for (int i = 0; i < 50; ++i) {
      bool any = false;
      {
        std::lock_guard lock(mu_);
        for (auto& w : conns_) any = any || !w.expired();
      }
      if (!any) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ioc_.stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket sock = co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        continue;
      }
      auto conn = std::make_shared<Connection>(std::move(sock), &ctx_);
      {
        std::lock_guard lock(mu_);
        conns_.remove_if([](const std::weak_ptr<Connection>& w) { return w.expired(); });
        if (int(conns_.size()) >= options_.max_connections) {
          conn->Close();
          continue;
        }
        conns_.push_back(conn);
      }
      conn->Start();
    }
  }

  void OnSchema(const store::SchemaChange& c) {
    SchemaChangeResult ev;
    ev.change_type = c.type == store::SchemaChangeType::kCreated   ? "CREATED"
                     : c.type == store::SchemaChangeType::kUpdated ? "UPDATED"
                                                                   : "DROPPED";
    ev.target = c.target == store::SchemaTarget::kKeyspace ? "KEYSPACE" : "TABLE";
    ev.keyspace = c.keyspace;
    ev.table = c.table;
    std::lock_guard lock(mu_);
    for (auto& w : conns_) {
      if (auto conn = w.lock()) conn->SendSchemaEvent(ev);
    }
  }

  store::Store* store_;
  ServerOptions options_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::unique_ptr<Executor> executor_;
  ServerContext ctx_;
  uint64_t listener_id_ = 0;
  bool listening_ = false;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  std::list<std::weak_ptr<Connection>> conns_;  // GUARDED_BY(mu_)
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(store::Store* store, const ServerOptions& options) {
  auto s = std::make_unique<ServerImpl>(store, options);
  RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<Server>(std::move(s));
}

}  // namespace kappa::cql
