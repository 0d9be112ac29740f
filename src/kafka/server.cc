// KafkaServer implementation: Boost.Asio with C++20 coroutines. One coroutine per
// connection reads a frame (int32 size + request), decodes the request header, dispatches to
// the API's handler and writes the response before reading the next request, so responses
// go out in request order (Kafka's rule; it mutes a connection while a request is in flight
// too). Each connection runs on its own strand; handlers that answer later (Fetch long-poll,
// JoinGroup/SyncGroup) deliver through a Responder that wakes the connection coroutine.
//
// Bad input: a size prefix < 0 or > max_request_bytes, a header that does not decode, an
// unknown API key or an unsupported version (other than ApiVersions, which gets its v0
// UNSUPPORTED_VERSION answer) closes the connection, as Kafka does. Nothing is appended
// before a request has fully decoded and validated.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <charconv>
#include <future>
#include <set>
#include <thread>

#include "common/coding.h"
#include "common/host_port.h"
#include "common/logging.h"
#include "kafka/api.h"
#include "kafka/broker.h"
#include "kafka/group_ticker.h"
#include "kafka/handlers/handlers.h"
#include "kafka/kafka.h"

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
  std::mutex mu;
  std::optional<Response> response;  // GUARDED_BY(mu)
  bool waiting = false;              // GUARDED_BY(mu)
  asio::steady_timer timer;          // strand only
};

class KafkaServerImpl final : public KafkaServer {
 public:
  KafkaServerImpl(log::Log* log, const KafkaServerOptions& options)
      : options_(options), acceptor_(io_) {
    log_ = log;
  }
  ~KafkaServerImpl() override { Stop(); }

  Status Bind() {
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
    broker_ = std::make_unique<Broker>(log_, bc, options_.clock);
    return Status::OK();
  }

  void Run() {
    asio::co_spawn(io_, AcceptLoop(), asio::detached);
    ticker_ = std::make_unique<GroupTicker>(io_, &broker_->groups(), options_.clock);
    ticker_->Start();
    int n = std::max(1, options_.threads);
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  uint16_t port() const override { return port_; }

  void Stop() override {
    std::lock_guard<std::mutex> lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    if (!threads_.empty()) {
      std::promise<void> closed;
      asio::post(io_, [&] {
        boost::system::error_code ec;
        acceptor_.close(ec);
        if (ticker_) ticker_->Stop();
        std::lock_guard<std::mutex> l(sockets_mu_);
        for (tcp::socket* s : sockets_) {
          asio::post(s->get_executor(), [s] {
            boost::system::error_code e;
            s->shutdown(tcp::socket::shutdown_both, e);
          });
        }
        closed.set_value();
      });
      closed.get_future().wait();
    }
    io_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

 private:
  asio::awaitable<void> AcceptLoop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor_.async_accept(
          asio::make_strand(io_), asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
        KLOG_WARN("kafka: accept failed: {}", ec.message());
        continue;
      }
      auto ex = sock.get_executor();
      asio::co_spawn(ex, Session(std::move(sock)), asio::detached);
    }
  }

  asio::awaitable<void> Session(tcp::socket sock) {
    boost::system::error_code ec;
    sock.set_option(tcp::no_delay(true), ec);
    std::string peer = "?";
    {
      auto ep = sock.remote_endpoint(ec);
      if (!ec) peer = ep.address().to_string();
    }
    {
      std::lock_guard<std::mutex> l(sockets_mu_);
      sockets_.insert(&sock);
    }
    auto sched = std::make_shared<StrandScheduler>(sock.get_executor());
    std::string reason;
    try {
      reason = co_await Serve(sock, sched, peer);
    } catch (const std::exception& e) {
      reason = e.what();
    }
    KLOG_DEBUG("kafka: closing connection from {}: {}", peer, reason);
    {
      std::lock_guard<std::mutex> l(sockets_mu_);
      sockets_.erase(&sock);
    }
    sock.close(ec);
  }

  // Serves requests until the peer goes away or misbehaves; returns why it stopped.
  asio::awaitable<std::string> Serve(tcp::socket& sock, std::shared_ptr<StrandScheduler> sched,
                                     const std::string& peer) {
    std::string body;
    char size_buf[4];
    for (;;) {
      auto [ec1, n1] = co_await asio::async_read(sock, asio::buffer(size_buf, 4),
                                                 asio::as_tuple(asio::use_awaitable));
      if (ec1) co_return "read: " + ec1.message();
      int32_t size = int32_t(coding::GetBE32(size_buf));
      if (size < 8 || size_t(size) > options_.max_request_bytes) {
        KLOG_WARN("kafka: {} sent a request of {} bytes (limit {}); closing the connection",
                  peer, size, options_.max_request_bytes);
        co_return "bad request size";
      }
      body.resize(size_t(size));
      auto [ec2, n2] = co_await asio::async_read(sock, asio::buffer(body),
                                                 asio::as_tuple(asio::use_awaitable));
      if (ec2) co_return "read: " + ec2.message();

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
      if (resp.kind == Response::Kind::kClose) co_return resp.reason;
      if (resp.kind == Response::Kind::kNoResponse) continue;
      // Response header: correlation id, plus an empty tagged-field section for flexible
      // versions (v1) except ApiVersions, whose response header is always v0.
      char header[9];
      size_t header_len = 8;
      coding::PutBE32(header + 4, uint32_t(ctx.correlation_id));
      if (ctx.flexible && ctx.api_key != kApiVersionsKey) header[header_len++] = 0;
      coding::PutBE32(header, uint32_t(header_len - 4 + resp.body.size()));
      std::array<asio::const_buffer, 2> bufs = {asio::buffer(header, header_len),
                                                asio::buffer(resp.body)};
      auto [ec3, n3] = co_await asio::async_write(sock, bufs, asio::as_tuple(asio::use_awaitable));
      if (ec3) co_return "write: " + ec3.message();
    }
  }

  asio::awaitable<Response> Dispatch(const ApiSpec& spec, RequestContext& ctx, Reader& in,
                                     asio::any_io_executor ex) {
    auto slot = std::make_shared<ResponseSlot>(ex);
    Responder responder([slot, ex](Response r) {
      std::lock_guard<std::mutex> l(slot->mu);
      slot->response = std::move(r);
      if (slot->waiting) asio::post(ex, [slot] { slot->timer.cancel(); });
    });
    try {
      spec.handler(ctx, in, std::move(responder));
    } catch (const std::exception& e) {
      KLOG_ERROR("kafka: {} handler failed: {}", spec.name, e.what());
      co_return Response{Response::Kind::kClose, {}, std::string("handler error: ") + e.what()};
    }
    {
      std::lock_guard<std::mutex> l(slot->mu);
      if (slot->response) co_return std::move(*slot->response);
      slot->waiting = true;
    }
    for (;;) {
      auto [ec] = co_await slot->timer.async_wait(asio::as_tuple(asio::use_awaitable));
      std::lock_guard<std::mutex> l(slot->mu);
      if (slot->response) co_return std::move(*slot->response);
      if (ec && ec != asio::error::operation_aborted) {
        co_return Response{Response::Kind::kClose, {}, "wait failed"};
      }
    }
  }

  KafkaServerOptions options_;
  log::Log* log_ = nullptr;
  std::unique_ptr<Broker> broker_;  // outlives io_ (handlers in io_ refer to it)
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::unique_ptr<GroupTicker> ticker_;  // declared after io_: destroyed before it
  uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::mutex sockets_mu_;
  std::set<tcp::socket*> sockets_;  // GUARDED_BY(sockets_mu_)
  std::mutex stop_mu_;
  bool stopped_ = false;  // GUARDED_BY(stop_mu_)
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

Result<std::pair<std::string, uint16_t>> ParseHostPort(std::string_view s) {
  ASSIGN_OR_RETURN(HostPort hp, kappa::ParseHostPort(s));
  return std::make_pair(std::move(hp.host), hp.port);
}

}  // namespace kappa::kafka
