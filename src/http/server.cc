// The HTTP server: one io_context run by `threads` threads; each listener has its own
// acceptor, Listener (limits, deadlines) and route table; each connection lives on a strand
// of its own, so a request's handler and its answer stay in order on that connection while
// other connections run in parallel.
#include <boost/asio.hpp>

#include <list>
#include <thread>

#include "common/fd_limit.h"
#include "common/listener.h"
#include "common/logging.h"
#include "common/mutex.h"
#include "common/thread_annotations.h"
#include "http/connection.h"
#include "http/http.h"

namespace kappa::http {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

Status Validate(const ServerOptions& o, const std::vector<ListenerOptions>& listeners) {
  if (o.threads < 0) return Status::InvalidArgument("http: threads must not be negative");
  if (o.gzip_level < 1 || o.gzip_level > 9) {
    return Status::InvalidArgument("http: gzip_level must be between 1 and 9");
  }
  if (o.stop_grace_ms < 0) return Status::InvalidArgument("http: stop_grace must not be negative");
  if (listeners.empty()) return Status::InvalidArgument("http: no listener to serve");
  for (size_t i = 0; i < listeners.size(); ++i) {
    const ListenerOptions& l = listeners[i];
    std::string at = "http listener '" + l.name + "': ";
    if (!l.router) return Status::InvalidArgument(at + "no router");
    if (l.max_header_bytes < 1024) {
      return Status::InvalidArgument(at + "max_header_bytes must be at least 1KiB");
    }
    if (l.max_pipelined < 1) return Status::InvalidArgument(at + "max_pipelined must be at least 1");
    Status st = ValidateListenerLimits(l.limits);
    if (!st.ok()) return Status::InvalidArgument(at + st.message());
    for (size_t j = 0; j < i; ++j) {
      if (listeners[j].name == l.name) {
        return Status::InvalidArgument("two http listeners are named '" + l.name + "'");
      }
    }
  }
  return Status::OK();
}

class ServerImpl final : public Server {
 public:
  explicit ServerImpl(ServerOptions options) : options_(std::move(options)) {}
  ~ServerImpl() override {
    Stop();
    for (auto& b : bound_) b->acceptor.reset();  // before the io_context they belong to
  }

  Status Init(std::vector<ListenerOptions> listeners) {
    RETURN_IF_ERROR(Validate(options_, listeners));
    for (ListenerOptions& lo : listeners) {
      auto b = std::make_unique<Bound>();
      b->ctx.options = std::move(lo);
      b->ctx.server = &options_;
      b->ctx.parse_limits.max_header_bytes = b->ctx.options.max_header_bytes;
      b->ctx.parse_limits.max_body_bytes = b->ctx.options.max_body_bytes;
      b->listener = std::make_unique<Listener>(b->ctx.options.name, b->ctx.options.limits);
      b->acceptor.emplace(ioc_);
      RETURN_IF_ERROR(Bind(b.get()));
      bound_.push_back(std::move(b));
    }
    for (auto& b : bound_) {
      Bound* raw = b.get();
      raw->listener->Start(
          &*raw->acceptor, [this] { return asio::any_io_executor(asio::make_strand(ioc_)); },
          [this, raw](tcp::socket sock, std::shared_ptr<ConnectionWatch> watch) {
            auto conn = std::make_shared<Connection>(std::move(sock), std::move(watch), &raw->ctx);
            {
              MutexLock l(mu_);
              conns_.remove_if([](const std::weak_ptr<Connection>& w) { return w.expired(); });
              conns_.push_back(conn);
            }
            conn->Start();
          });
      KLOG_INFO("{}: {} on {}:{} (max_connections {}, {})", raw->ctx.options.name,
                raw->ctx.options.tls ? "HTTPS" : "HTTP",
                raw->ctx.options.host, raw->port, raw->ctx.options.limits.max_connections,
                DescribeFdLimit());
    }
    int n = options_.threads > 0 ? options_.threads
                                 : int(std::max(1u, std::thread::hardware_concurrency()));
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
    return Status::OK();
  }

  uint16_t port(std::string_view listener) const override {
    for (const auto& b : bound_) {
      if (b->ctx.options.name == listener) return b->port;
    }
    return 0;
  }

  void Stop() override {
    if (stopped_.exchange(true)) return;
    for (auto& b : bound_) b->listener->Stop();
    std::vector<std::shared_ptr<Connection>> live;
    {
      MutexLock l(mu_);
      for (auto& w : conns_) {
        if (auto c = w.lock()) live.push_back(c);
      }
    }
    for (auto& c : live) c->Shutdown();
    live.clear();  // the connections end on their own threads, not here
    if (!WaitForConnections(options_.stop_grace_ms)) {
      {
        MutexLock l(mu_);
        for (auto& w : conns_) {
          if (auto c = w.lock()) live.push_back(c);
        }
      }
      KLOG_WARN("http: closing {} connection(s) still busy after the stop grace of {} ms",
                live.size(), options_.stop_grace_ms);
      for (auto& c : live) c->Close();
      live.clear();
      WaitForConnections(1000);
    }
    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
    // Before the io_context goes (its destructor frees what still runs on it).
    for (auto& b : bound_) b->listener->Detach();
  }

 private:
  struct Bound {
    ListenerContext ctx;
    std::unique_ptr<Listener> listener;
    std::optional<tcp::acceptor> acceptor;
    uint16_t port = 0;
  };

  Status Bind(Bound* b) {
    const ListenerOptions& lo = b->ctx.options;
    std::string where = lo.host + ":" + std::to_string(lo.port);
    boost::system::error_code ec;
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(lo.host, std::to_string(lo.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec || results.empty()) {
      return Status::InvalidArgument("http listener '" + lo.name + "': cannot resolve '" +
                                     lo.host + "': " + ec.message());
    }
    tcp::endpoint ep = results.begin()->endpoint();
    tcp::acceptor& a = *b->acceptor;
    a.open(ep.protocol(), ec);
    if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) a.bind(ep, ec);
    if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return Status::IOError("http listener '" + lo.name + "': cannot listen on " + where +
                             ": " + ec.message());
    }
    b->port = a.local_endpoint().port();
    return Status::OK();
  }

  // True once every connection ended, false after `ms`.
  bool WaitForConnections(int64_t ms) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      {
        MutexLock l(mu_);
        conns_.remove_if([](const std::weak_ptr<Connection>& w) { return w.expired(); });
        if (conns_.empty()) return true;
      }
      if (std::chrono::steady_clock::now() >= until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  ServerOptions options_;
  // Declared before the io_context: the listeners' watches and contexts are referred to by
  // connections that the io_context's destructor may destroy. (The acceptors are reset in
  // ~ServerImpl, before the io_context.)
  std::vector<std::unique_ptr<Bound>> bound_;
  asio::io_context ioc_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      ioc_.get_executor()};
  std::vector<std::thread> threads_;
  std::atomic<bool> stopped_{false};
  Mutex mu_;
  std::list<std::weak_ptr<Connection>> conns_ GUARDED_BY(mu_);
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Start(ServerOptions options,
                                              std::vector<ListenerOptions> listeners) {
  auto s = std::make_unique<ServerImpl>(std::move(options));
  Status st = s->Init(std::move(listeners));
  if (!st.ok()) return st;
  return std::unique_ptr<Server>(std::move(s));
}

}  // namespace kappa::http
