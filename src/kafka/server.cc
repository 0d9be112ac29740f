// KafkaServer implementation: Boost.Asio with C++20 coroutines. One coroutine per
// connection reads a frame (int32 size + request), decodes the request header, dispatches to
// the API's handler and writes the response before reading the next request, so responses
// go out in request order (Kafka's rule; it mutes a connection while a request is in flight
// too). Each connection runs on its own strand; handlers that answer later (Fetch long-poll,
// JoinGroup/SyncGroup) deliver through a Responder that wakes the connection coroutine.
//
// Limits (common/listener.h, shared with the CQL server): accepting backs off when out of
// descriptors; max_connections, idle and half-received-request timeouts; a request is read
// into memory only as its bytes arrive, paid from the listener's budget of request bytes in
// flight (Kafka's queued.max.request.bytes), so announcing a huge size costs the server
// nothing until the bytes come.
//
// Bad input: a size prefix < 0 or > max_request_bytes, a header that does not decode, an
// unknown API key or an unsupported version (other than ApiVersions, which gets its v0
// UNSUPPORTED_VERSION answer) closes the connection, as Kafka does. Nothing is appended
// before a request has fully decoded and validated.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <charconv>
#include <future>
#include <map>
#include <thread>

#include "common/coding.h"
#include "common/host_port.h"
#include "common/fd_limit.h"
#include "common/input_buffer.h"
#include "common/listener.h"
#include "common/logging.h"
#include "common/mutex.h"
#include "kafka/admin.h"
#include "kafka/api.h"
#include "kafka/broker.h"
#include "kafka/group_ticker.h"
#include "kafka/handlers/handlers.h"
#include "kafka/kafka.h"
#include "kafka/server_metrics.h"

namespace kappa::kafka {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr int16_t kApiVersionsKey = 18;

class StrandScheduler final : public Scheduler {
 public:
  explicit StrandScheduler(asio::any_io_executor ex) : ex_(std::move(ex)) {}
  void RunAfter(int64_t delay_ms, std::function<void()> fn) override {
    auto t = std::make_shared<asio::steady_timer>(ex_, std::chrono::milliseconds(delay_ms));
    t->async_wait([t, fn = std::move(fn)](const boost::system::error_code& ec) {
      if (!ec) fn();
    });
  }
  void Post(std::function<void()> fn) override { asio::post(ex_, std::move(fn)); }

 private:
  asio::any_io_executor ex_;
};

// Where an asynchronously delivered Response waits for the connection coroutine.
struct ResponseSlot {
  explicit ResponseSlot(asio::any_io_executor ex)
      : timer(ex, asio::steady_timer::time_point::max()) {}
  Mutex mu;
  std::optional<Response> response GUARDED_BY(mu);
  bool waiting GUARDED_BY(mu) = false;
  asio::steady_timer timer;          // strand only
};

// One client connection: its socket and the listener's watch over it. Shared so that a
// timeout or Stop() can post a close that finds it gone instead of dangling.
struct Conn {
  Conn(tcp::socket s, std::shared_ptr<ConnectionWatch> w) : sock(std::move(s)), watch(std::move(w)) {}
  tcp::socket sock;
  std::shared_ptr<ConnectionWatch> watch;
};

// Closes a connection from any thread: shuts the socket down on its own executor, which
// ends the pending read or write of its coroutine.
void PostShutdown(const std::weak_ptr<Conn>& weak, const asio::any_io_executor& ex) {
  asio::post(ex, [weak] {
    if (auto c = weak.lock()) {
      boost::system::error_code e;
      c->sock.shutdown(tcp::socket::shutdown_both, e);
      c->sock.close(e);
    }
  });
}

class KafkaServerImpl final : public KafkaServer {
 public:
  KafkaServerImpl(log::Log* log, const KafkaServerOptions& options)
      : options_(options),
        metrics_(options.metrics != nullptr ? options.metrics : &metrics::Registry::Default()),
        listener_("kafka", options.limits),
        acceptor_(io_) {
    log_ = log;
  }
  ~KafkaServerImpl() override { Stop(); }

  Status Bind() {
    RETURN_IF_ERROR(ValidateListenerLimits(options_.limits));
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(options_.listen_host, ec);
    if (ec) {
      // A host name: resolve it.
      tcp::resolver resolver(io_);
      auto results = resolver.resolve(options_.listen_host, std::to_string(options_.listen_port), ec);
      if (ec || results.empty()) {
        return Status::InvalidArgument("cannot resolve listen host '" + options_.listen_host +
                                       "': " + ec.message());
      }
      addr = results.begin()->endpoint().address();
    }
    tcp::endpoint ep(addr, options_.listen_port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      // No advice here: the caller knows which setting chose the address (a flag or a
      // config key) and says what to change.
      return Status::Unavailable("cannot listen on " + options_.listen_host + ":" +
                                 std::to_string(options_.listen_port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    BrokerConfig bc;
    bc.node_id = options_.node_id;
    bc.host = options_.advertised_host.empty() ? options_.listen_host : options_.advertised_host;
    if (bc.host == "0.0.0.0" || bc.host == "::") bc.host = "127.0.0.1";
    bc.port = options_.advertised_port ? options_.advertised_port : port_;
    bc.cluster_id = options_.cluster_id;
    bc.auto_create_topics = options_.auto_create_topics;
    bc.default_partitions = std::max(1, options_.default_partitions);
    bc.group_initial_rebalance_delay_ms = std::max(0, options_.group_initial_rebalance_delay_ms);
    bc.max_partitions_per_request = options_.max_partitions_per_request;
    bc.max_partitions = options_.max_partitions;
    bc.authorizer = options_.authorizer;
    broker_ = std::make_unique<Broker>(log_, bc, options_.clock);
    admin_ = std::make_unique<BrokerAdmin>(broker_.get());
    return Status::OK();
  }

  void Run() {
    listener_.Start(
        &acceptor_, [this] { return asio::any_io_executor(asio::make_strand(io_)); },
        [this](tcp::socket sock, std::shared_ptr<ConnectionWatch> watch) {
          auto ex = sock.get_executor();
          asio::co_spawn(ex, Session(std::make_shared<Conn>(std::move(sock), std::move(watch))),
                         asio::detached);
        });
    ticker_ = std::make_unique<GroupTicker>(io_, &broker_->groups(), options_.clock);
    ticker_->Start();
    int n = std::max(1, options_.threads);
    listener_metrics_ = metrics_.WatchListener(&listener_);
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { io_.run(); });
    KLOG_INFO("kafka: listening on {}:{} (threads: {}; {}; max_connections {})",
              options_.listen_host, port_, n, DescribeFdLimit(), options_.limits.max_connections);
  }

  uint16_t port() const override { return port_; }
  KafkaAdmin& admin() override { return *admin_; }

  void Stop() override {
    MutexLock lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    if (!threads_.empty()) {
      std::promise<void> closed;
      listener_.Stop();
      asio::post(io_, [&] {
        if (ticker_) ticker_->Stop();
        MutexLock l(conns_mu_);
        for (auto& [raw, weak] : conns_) {
          if (auto c = weak.lock()) PostShutdown(weak, c->sock.get_executor());
        }
        closed.set_value();
      });
      closed.get_future().wait();
    }
    io_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    listener_.Detach();  // before io_ is destroyed
    listener_metrics_.Reset();
  }

 private:
  asio::awaitable<void> Session(std::shared_ptr<Conn> conn) {
    boost::system::error_code ec;
    conn->sock.set_option(tcp::no_delay(true), ec);
    std::string peer = "?";
    {
      auto ep = conn->sock.remote_endpoint(ec);
      if (!ec) peer = ep.address().to_string();
    }
    std::weak_ptr<Conn> weak = conn;
    auto ex = conn->sock.get_executor();
    conn->watch->OnExpire([weak, ex](const std::string&) { PostShutdown(weak, ex); });
    {
      MutexLock l(conns_mu_);
      conns_[conn.get()] = weak;
    }
    auto sched = std::make_shared<StrandScheduler>(ex);
    std::string reason;
    try {
      reason = co_await Serve(*conn, sched, peer);
    } catch (const std::exception& e) {
      reason = e.what();
    }
    KLOG_DEBUG("kafka: closing connection from {}: {}", peer, reason);
    {
      MutexLock l(conns_mu_);
      conns_.erase(conn.get());
    }
    conn->sock.close(ec);
  }

  // Serves requests until the peer goes away or misbehaves; returns why it stopped.
  // A request is read into memory only as its bytes arrive (InputBuffer), its growth paid
  // from the listener's budget of bytes in flight; the request's bytes are given back once
  // its answer was written.
  asio::awaitable<std::string> Serve(Conn& conn, std::shared_ptr<StrandScheduler> sched,
                                     const std::string& peer) {
    tcp::socket& sock = conn.sock;
    ConnectionWatch& watch = *conn.watch;
    InputBuffer buf(&watch);
    for (;;) {
      watch.AwaitingRequest();
      co_await buf.Fill(sock, 4);
      int32_t size = int32_t(coding::GetBE32(buf.data()));
      if (size < 8 || size_t(size) > options_.max_request_bytes) {
        KLOG_WARN("kafka: {} sent a request of {} bytes (limit {}); closing the connection",
                  peer, size, options_.max_request_bytes);
        co_return "bad request size";
      }
      co_await buf.Fill(sock, 4 + size_t(size));
      watch.Working();
      const auto started = std::chrono::steady_clock::now();
      std::string_view body(buf.data() + 4, size_t(size));

      RequestContext ctx;
      Reader in(body, false);
      ctx.api_key = in.Int16();
      ctx.api_version = in.Int16();
      ctx.correlation_id = in.Int32();
      const ApiSpec* spec = FindApi(ctx.api_key);
      if (spec == nullptr) {
        KLOG_WARN("kafka: {} sent unknown API key {}; closing the connection", peer, ctx.api_key);
        co_return "unknown api key";
      }
      Response resp;
      if (ctx.api_version < spec->min_version || ctx.api_version > spec->max_version) {
        if (ctx.api_key != kApiVersionsKey) {
          KLOG_WARN("kafka: {} sent {} v{} (supported {}..{}); closing the connection", peer,
                    spec->name, ctx.api_version, spec->min_version, spec->max_version);
          co_return "unsupported version";
        }
        resp.body = EncodeApiVersionsResponse(0, ErrorCode::kUnsupportedVersion);
        resp.errors.Add(ErrorCode::kUnsupportedVersion);
      } else {
        auto client_id = in.LegacyNullableString();
        if (client_id) ctx.client_id = std::string(*client_id);
        ctx.flexible = ctx.api_version >= spec->first_flexible_version;
        if (ctx.flexible) {
          in.set_flexible(true);
          in.SkipTaggedFields();
        }
        if (!in.ok()) co_return "malformed request header";
        ctx.client_host = "/" + peer;
        ctx.broker = broker_.get();
        ctx.scheduler = sched;
        resp = co_await Dispatch(*spec, ctx, in, sock.get_executor());
      }
      metrics_.Latency(ctx.api_key).ObserveDuration(std::chrono::steady_clock::now() - started);
      if (resp.kind == Response::Kind::kClose) co_return resp.reason;
      if (!resp.errors.counts.empty()) metrics_.CountErrors(resp.errors);
      if (resp.kind == Response::Kind::kNoResponse) {
        buf.Consume(4 + size_t(size));
        continue;
      }
      // Response header: correlation id, plus an empty tagged-field section for flexible
      // versions (v1) except ApiVersions, whose response header is always v0.
      char header[9];
      size_t header_len = 8;
      coding::PutBE32(header + 4, uint32_t(ctx.correlation_id));
      if (ctx.flexible && ctx.api_key != kApiVersionsKey) header[header_len++] = 0;
      coding::PutBE32(header, uint32_t(header_len - 4 + resp.body.size()));
      std::array<asio::const_buffer, 2> bufs = {asio::buffer(header, header_len),
                                                asio::buffer(resp.body)};
      // The next request is read only after this answer left: a client that does not read
      // holds one answer at most, and is closed after idle_timeout.
      watch.AwaitingClientRead();
      auto [ec3, n3] = co_await asio::async_write(sock, bufs, asio::as_tuple(asio::use_awaitable));
      if (ec3) co_return "write: " + ec3.message();
      buf.Consume(4 + size_t(size));
    }
  }


  asio::awaitable<Response> Dispatch(const ApiSpec& spec, RequestContext& ctx, Reader& in,
                                     asio::any_io_executor ex) {
    auto slot = std::make_shared<ResponseSlot>(ex);
    Responder responder([slot, ex](Response r) {
      MutexLock l(slot->mu);
      slot->response = std::move(r);
      if (slot->waiting) asio::post(ex, [slot] { slot->timer.cancel(); });
    });
    try {
      spec.handler(ctx, in, std::move(responder));
    } catch (const std::exception& e) {
      KLOG_ERROR("kafka: {} handler failed: {}", spec.name, e.what());
      co_return Response{Response::Kind::kClose, {}, std::string("handler error: ") + e.what(), {}};
    }
    {
      MutexLock l(slot->mu);
      if (slot->response) co_return std::move(*slot->response);
      slot->waiting = true;
    }
    for (;;) {
      auto [ec] = co_await slot->timer.async_wait(asio::as_tuple(asio::use_awaitable));
      MutexLock l(slot->mu);
      if (slot->response) co_return std::move(*slot->response);
      if (ec && ec != asio::error::operation_aborted) {
        co_return Response{Response::Kind::kClose, {}, "wait failed", {}};
      }
    }
  }

  KafkaServerOptions options_;
  const ServerMetrics metrics_;
  log::Log* log_ = nullptr;
  std::unique_ptr<Broker> broker_;  // outlives io_ (handlers in io_ refer to it)
  std::unique_ptr<BrokerAdmin> admin_;  // over broker_; kept after Stop
  Listener listener_;               // outlives io_ (connections' watches refer to it)
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::unique_ptr<GroupTicker> ticker_;  // declared after io_: destroyed before it
  uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  Mutex conns_mu_;
  std::map<Conn*, std::weak_ptr<Conn>> conns_ GUARDED_BY(conns_mu_);
  Mutex stop_mu_;
  bool stopped_ GUARDED_BY(stop_mu_) = false;
  metrics::CollectorHandle listener_metrics_;  // reads listener_; reset in Stop
};

}  // namespace

Result<std::unique_ptr<KafkaServer>> KafkaServer::Start(log::Log* log,
                                                        const KafkaServerOptions& options) {
  if (log == nullptr) return Status::InvalidArgument("KafkaServer needs an open log");
  auto server = std::make_unique<KafkaServerImpl>(log, options);
  RETURN_IF_ERROR(server->Bind());
  server->Run();
  return std::unique_ptr<KafkaServer>(std::move(server));
}

}  // namespace kappa::kafka
