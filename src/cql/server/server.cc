// The CQL server: one io_context per thread ("shard"), an acceptor on the first that hands
// each new connection to the shard with the fewest connections. A connection lives on its
// shard: it reads, runs its statements and writes there, so a request never changes thread
// (connection.h). Connections live until the client leaves or Stop(); schema changes from
// the store are fanned out as events to the connections that registered for them.
#include <arpa/inet.h>

#include <boost/asio.hpp>

#include <algorithm>
#include <list>
#include <optional>
#include <thread>

#include "common/fd_limit.h"
#include "common/listener.h"
#include "common/logging.h"
#include "common/mutex.h"
#include "cql/server/connection.h"
#include "cql/server/server_metrics.h"
#include "cql/cql.h"
#include "security/security.h"
#include "cql/server/executor.h"

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
      : store_(store),
        options_(std::move(options)),
        metrics_(options_.metrics != nullptr ? options_.metrics : &metrics::Registry::Default()),
        listener_("cql", options_.limits),
        shards_(MakeShards(options_.threads)), acceptor_(shards_[0]->ioc) {}

  ~ServerImpl() override { Stop(); }

  Status Init() {
    RETURN_IF_ERROR(ValidateListenerLimits(options_.limits));
    if (options_.max_frame_bytes < 64 * 1024 || options_.max_frame_bytes > kMaxFrameBody) {
      return Status::InvalidArgument("max_frame_size must be between 64KiB and " +
                                     std::to_string(kMaxFrameBody >> 20) + "MiB");
    }
    if (options_.max_statement_bytes < 1024) {
      return Status::InvalidArgument("max_statement_size must be at least 1KiB");
    }
    bool required = options_.auth == ServerOptions::Auth::kRequired ||
                    (options_.auth == ServerOptions::Auth::kAuto && !IsLoopback(options_.host));
    const bool store_users = options_.user_store && !options_.user_store->Empty();
    if (required && options_.users.empty() && !store_users) {
      return Status::InvalidArgument(
          "the CQL listener on " + options_.host +
          " requires authentication (it is not a loopback address) but no users are configured: "
          "add users (kappa users add NAME) or listen on 127.0.0.1");
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
    ExecutorOptions eo;
    eo.max_statement_bytes = options_.max_statement_bytes;
    eo.prepared_cache_bytes = options_.prepared_cache_bytes;
    eo.max_result_bytes = std::max<size_t>(1024, options_.max_result_bytes);
    eo.users = options_.user_store;
    eo.authorizer = options_.authorizer;
    executor_ = std::make_unique<Executor>(store_, node, eo);
    ctx_.executor = executor_.get();
    ctx_.metrics = &metrics_;
    ctx_.options = &options_;
    ctx_.auth_required = required;
    ctx_.login_throttle = &login_throttle_;
    listener_id_ = store_->AddSchemaListener([this](const store::SchemaChange& c) { OnSchema(c); });
    listening_ = true;
    listener_.Start(
        &acceptor_,
        [this] {
          MutexLock lock(mu_);
          return asio::any_io_executor(shards_[PickShard()]->ioc.get_executor());
        },
        [this](tcp::socket sock, std::shared_ptr<ConnectionWatch> watch) {
          OnAccept(std::move(sock), std::move(watch));
        });
    listener_metrics_ = metrics_.WatchListener(&listener_);
    for (auto& sh : shards_) {
      Shard* raw = sh.get();
      sh->thread = std::thread([raw] { raw->ioc.run(); });
    }
    KLOG_INFO("cql: listening on {}{}:{} (auth {}; threads: {}; {}; max_connections {})",
              options_.tls ? "tls://" : "", options_.host, port_, required ? "required" : "off", shards_.size(),
              DescribeFdLimit(), options_.limits.max_connections);
    return Status::OK();
  }

  uint16_t port() const override { return port_; }
  bool auth_required() const override { return ctx_.auth_required; }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    if (listening_) store_->RemoveSchemaListener(listener_id_);
    listener_.Stop();
    {
      MutexLock lock(mu_);
      for (auto& e : conns_) {
        if (auto c = e.conn.lock()) c->Close();
      }
    }
    // Give connections a moment to close, then stop the loop.
    for (int i = 0; i < 50; ++i) {
      bool any = false;
      {
        MutexLock lock(mu_);
        for (auto& e : conns_) any = any || !e.conn.expired();
      }
      if (!any) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (auto& sh : shards_) {
      sh->work.reset();
      sh->ioc.stop();
    }
    for (auto& sh : shards_) {
      if (sh->thread.joinable()) sh->thread.join();
    }
    listener_.Detach();  // before the shards' io_contexts are destroyed
    listener_metrics_.Reset();
  }

 private:
  // A thread and its io_context; the connections placed on it run there and only there.
  struct Shard {
    asio::io_context ioc{1};  // concurrency hint: one thread runs it
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{ioc.get_executor()};
    std::thread thread;
  };
  struct ConnEntry {
    std::weak_ptr<Connection> conn;
    size_t shard;
  };

  static std::vector<std::unique_ptr<Shard>> MakeShards(int threads) {
    int n = threads > 0 ? threads : int(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::unique_ptr<Shard>> shards;
    for (int i = 0; i < n; ++i) shards.push_back(std::make_unique<Shard>());
    return shards;
  }

  // Forgets closed connections. Under mu_.
  void PruneClosedLocked() REQUIRES(mu_) {
    conns_.remove_if([](const ConnEntry& e) { return e.conn.expired(); });
  }

  // The shard with the fewest live connections (the lowest index on a tie). Under mu_.
  size_t PickShard() REQUIRES(mu_) {
    PruneClosedLocked();
    std::vector<size_t> load(shards_.size(), 0);
    for (const auto& e : conns_) ++load[e.shard];
    return size_t(std::min_element(load.begin(), load.end()) - load.begin());
  }

  // A new connection, already on its shard (Listener picked it with PickShard).
  void OnAccept(tcp::socket sock, std::shared_ptr<ConnectionWatch> watch) {
    auto ex = sock.get_executor();
    size_t shard = 0;
    auto& ctx = asio::query(ex, asio::execution::context);
    for (size_t i = 0; i < shards_.size(); ++i) {
      if (&shards_[i]->ioc == &ctx) shard = i;
    }
    auto conn = std::make_shared<Connection>(std::move(sock), &ctx_, std::move(watch));
    {
      MutexLock lock(mu_);
      PruneClosedLocked();
      conns_.push_back(ConnEntry{conn, shard});
    }
    conn->Start();
  }

  void OnSchema(const store::SchemaChange& c) {
    SchemaChangeResult ev;
    ev.change_type = c.type == store::SchemaChangeType::kCreated   ? "CREATED"
                     : c.type == store::SchemaChangeType::kUpdated ? "UPDATED"
                                                                   : "DROPPED";
    ev.target = c.target == store::SchemaTarget::kKeyspace ? "KEYSPACE" : "TABLE";
    ev.keyspace = c.keyspace;
    ev.table = c.table;
    MutexLock lock(mu_);
    for (auto& e : conns_) {
      if (auto conn = e.conn.lock()) conn->SendSchemaEvent(ev);
    }
  }

  store::Store* store_;
  ServerOptions options_;
  const ServerMetrics metrics_;  // before listener_ and the shards: connections use it
  Listener listener_;  // outlives the shards (connections' watches refer to it)
  metrics::CollectorHandle listener_metrics_;  // reads listener_; reset in Stop
  std::vector<std::unique_ptr<Shard>> shards_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::unique_ptr<Executor> executor_;
  security::LoginThrottle login_throttle_;  // failed logins per peer address
  ServerContext ctx_;
  uint64_t listener_id_ = 0;
  bool listening_ = false;
  std::atomic<bool> stopped_{false};
  Mutex mu_;
  std::list<ConnEntry> conns_ GUARDED_BY(mu_);
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(store::Store* store, const ServerOptions& options) {
  auto s = std::make_unique<ServerImpl>(store, options);
  RETURN_IF_ERROR(s->Init());
  return std::unique_ptr<Server>(std::move(s));
}

}  // namespace kappa::cql
