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
// Listeners: one acceptor and Listener per entry of KafkaServerOptions::listeners, all
// serving the same Broker. A request carries the advertised address of the listener it came
// in on, and each connection its SaslSession (sasl_session.h): on a SASL_* listener only
// ApiVersions, SaslHandshake and SaslAuthenticate are served before the login. SSL and
// SASL_SSL connections run the same loop over a TlsServerStream (common/tls_stream.h: many
// TLS records per socket read, not one) after the TLS handshake, which has the listener's
// request timeout.
//
// Bad input: a size prefix < 0 or > max_request_bytes, a header that does not decode, an
// unknown API key or an unsupported version (other than ApiVersions, which gets its v0
// UNSUPPORTED_VERSION answer) closes the connection, as Kafka does. Nothing is appended
// before a request has fully decoded and validated.
#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ssl.hpp>

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
#include "common/tls_stream.h"
#include "kafka/admin.h"
#include "kafka/api.h"
#include "kafka/broker.h"
#include "kafka/group_ticker.h"
#include "kafka/handlers/handlers.h"
#include "kafka/kafka.h"
#include "kafka/sasl_session.h"
#include "kafka/server_metrics.h"

namespace kappa::kafka {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

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

// One client connection: its stream (a TCP socket, or TLS over one) and the listener's watch
// over it. Shared so that a timeout or Stop() can post a close that finds it gone instead of
// dangling.
template <typename Stream>
struct Conn {
  Conn(Stream s, std::shared_ptr<ConnectionWatch> w) : stream(std::move(s)), watch(std::move(w)) {}
  tcp::socket::lowest_layer_type& socket() { return stream.lowest_layer(); }
  Stream stream;
  std::shared_ptr<ConnectionWatch> watch;
};

// Closes a connection from any thread: shuts the socket down on its own executor, which
// ends the pending read, write or TLS handshake of its coroutine.
template <typename Stream>
void PostShutdown(const std::weak_ptr<Conn<Stream>>& weak, const asio::any_io_executor& ex) {
  asio::post(ex, [weak] {
    if (auto c = weak.lock()) {
      boost::system::error_code e;
      c->socket().shutdown(tcp::socket::shutdown_both, e);
      c->socket().close(e);
    }
  });
}

using TlsStream = TlsServerStream;

// A listener of the server: its options, acceptor and limits, and what its clients are told.
struct ListenerState {
  ListenerState(KafkaListenerOptions o, const ListenerLimits& limits)
      : options(std::move(o)),
        listener(std::string("kafka ") + SecurityProtocolName(options.protocol), limits) {}
  KafkaListenerOptions options;
  Listener listener;  // outlives io_ (connections' watches refer to it)
  tcp::acceptor* acceptor = nullptr;  // owned by the server, destroyed before io_
  uint16_t port = 0;
  std::string advertised_host;
  int32_t advertised_port = 0;
};

class KafkaServerImpl final : public KafkaServer {
 public:
  KafkaServerImpl(log::Log* log, const KafkaServerOptions& options)
      : options_(options),
        metrics_(options.metrics != nullptr ? options.metrics : &metrics::Registry::Default()),
        limiter_(options_.sasl) {
    log_ = log;
  }
  ~KafkaServerImpl() override { Stop(); }

  Status Bind() {
    RETURN_IF_ERROR(ValidateListenerLimits(options_.limits));
    std::vector<KafkaListenerOptions> wanted = options_.listeners;
    if (wanted.empty()) {
      KafkaListenerOptions l;
      l.host = options_.listen_host;
      l.port = options_.listen_port;
      l.advertised_host = options_.advertised_host;
      l.advertised_port = options_.advertised_port;
      wanted.push_back(l);
    }
    for (const auto& l : wanted) {
      if (UsesSasl(l.protocol) && options_.sasl.users == nullptr) {
        return Status::InvalidArgument(fmt::format(
            "the {} listener {}:{} needs users (security::UserStore) for SASL",
            SecurityProtocolName(l.protocol), l.host, l.port));
      }
      if (UsesTls(l.protocol) && options_.tls == nullptr) {
        return Status::InvalidArgument(fmt::format(
            "the {} listener {}:{} needs a TLS certificate and key (security.tls)",
            SecurityProtocolName(l.protocol), l.host, l.port));
      }
    }
    for (const auto& mech : options_.sasl.mechanisms) {
      const auto& known = security::SaslServer::Mechanisms();
      if (std::find(known.begin(), known.end(), mech) == known.end()) {
        return Status::InvalidArgument("unknown SASL mechanism '" + mech +
                                       "' (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512)");
      }
    }
    for (auto& l : wanted) {
      auto st = std::make_unique<ListenerState>(l, options_.limits);
      acceptors_.push_back(std::make_unique<tcp::acceptor>(io_));
      st->acceptor = acceptors_.back().get();
      RETURN_IF_ERROR(BindOne(*st));
      listeners_.push_back(std::move(st));
    }
    const ListenerState& first = *listeners_.front();
    BrokerConfig bc;
    bc.node_id = options_.node_id;
    bc.host = first.advertised_host;
    bc.port = first.advertised_port;
    bc.cluster_id = options_.cluster_id;
    bc.auto_create_topics = options_.auto_create_topics;
    bc.default_partitions = std::max(1, options_.default_partitions);
    bc.group_initial_rebalance_delay_ms = std::max(0, options_.group_initial_rebalance_delay_ms);
    bc.max_partitions_per_request = options_.max_partitions_per_request;
    bc.max_partitions = options_.max_partitions;
    bc.authorizer = options_.authorizer;
    bc.fetch_max_bytes = std::max<uint64_t>(1, options_.fetch_max_bytes);
    bc.max_fetch_bytes_in_flight = std::max<uint64_t>(1, options_.max_fetch_bytes_in_flight);
    broker_ = std::make_unique<Broker>(log_, bc, options_.clock);
    admin_ = std::make_unique<BrokerAdmin>(broker_.get());
    return Status::OK();
  }

  Status BindOne(ListenerState& st) {
    const KafkaListenerOptions& o = st.options;
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(o.host, ec);
    if (ec) {
      // A host name: resolve it.
      tcp::resolver resolver(io_);
      auto results = resolver.resolve(o.host, std::to_string(o.port), ec);
      if (ec || results.empty()) {
        return Status::InvalidArgument("cannot resolve listen host '" + o.host + "': " +
                                       ec.message());
      }
      addr = results.begin()->endpoint().address();
    }
    tcp::endpoint ep(addr, o.port);
    st.acceptor->open(ep.protocol(), ec);
    if (!ec) st.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) st.acceptor->bind(ep, ec);
    if (!ec) st.acceptor->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      // No advice here: the caller knows which setting chose the address (a flag or a
      // config key) and says what to change.
      return Status::Unavailable("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                                 ": " + ec.message());
    }
    st.port = st.acceptor->local_endpoint().port();
    st.advertised_host = o.advertised_host.empty() ? o.host : o.advertised_host;
    if (st.advertised_host == "0.0.0.0" || st.advertised_host == "::") st.advertised_host = "127.0.0.1";
    st.advertised_port = o.advertised_port ? o.advertised_port : st.port;
    return Status::OK();
  }

  void Run() {
    for (auto& st : listeners_) {
      ListenerState* l = st.get();
      l->listener.Start(
          l->acceptor, [this] { return asio::any_io_executor(asio::make_strand(io_)); },
          [this, l](tcp::socket sock, std::shared_ptr<ConnectionWatch> watch) {
            auto ex = sock.get_executor();
            if (UsesTls(l->options.protocol)) {
              auto conn = std::make_shared<Conn<TlsStream>>(TlsStream(std::move(sock), *options_.tls),
                                                            std::move(watch));
              asio::co_spawn(ex, Session(std::move(conn), l), asio::detached);
            } else {
              auto conn = std::make_shared<Conn<tcp::socket>>(std::move(sock), std::move(watch));
              asio::co_spawn(ex, Session(std::move(conn), l), asio::detached);
            }
          });
    }
    ticker_ = std::make_unique<GroupTicker>(io_, &broker_->groups(), options_.clock);
    ticker_->Start();
    int n = std::max(1, options_.threads);
    std::vector<const Listener*> watched;
    for (auto& st : listeners_) watched.push_back(&st->listener);
    listener_metrics_ = metrics_.WatchListeners(std::move(watched));
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { io_.run(); });
    for (auto& st : listeners_) {
      KLOG_INFO("kafka: listening on {}://{}:{} (threads: {}; {}; max_connections {})",
                SecurityProtocolName(st->options.protocol), st->options.host, st->port, n,
                DescribeFdLimit(), options_.limits.max_connections);
    }
  }

  uint16_t port() const override { return listeners_.front()->port; }
  uint16_t listener_port(size_t i) const override {
    return i < listeners_.size() ? listeners_[i]->port : 0;
  }
  KafkaAdmin& admin() override { return *admin_; }

  void Stop() override {
    MutexLock lock(stop_mu_);
    if (stopped_) return;
    stopped_ = true;
    if (!threads_.empty()) {
      std::promise<void> closed;
      for (auto& st : listeners_) st->listener.Stop();
      asio::post(io_, [&] {
        if (ticker_) ticker_->Stop();
        MutexLock l(conns_mu_);
        for (auto& [raw, close] : conns_) close();
        closed.set_value();
      });
      closed.get_future().wait();
    }
    io_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    for (auto& st : listeners_) st->listener.Detach();  // before io_ is destroyed
    listener_metrics_.Reset();
  }

 private:
  template <typename Stream>
  asio::awaitable<void> Session(std::shared_ptr<Conn<Stream>> conn, const ListenerState* l) {
    boost::system::error_code ec;
    conn->socket().set_option(tcp::no_delay(true), ec);
    std::string peer = "?";
    {
      auto ep = conn->socket().remote_endpoint(ec);
      if (!ec) peer = ep.address().to_string();
    }
    std::weak_ptr<Conn<Stream>> weak = conn;
    auto ex = conn->socket().get_executor();
    conn->watch->OnExpire([weak, ex](const std::string&) { PostShutdown(weak, ex); });
    {
      MutexLock lk(conns_mu_);
      conns_[conn.get()] = [weak, ex] { PostShutdown(weak, ex); };
    }
    auto sched = std::make_shared<StrandScheduler>(ex);
    std::string reason;
    try {
      if constexpr (std::is_same_v<Stream, TlsStream>) {
        // The handshake is a request in progress: a client that never finishes it is
        // closed after the listener's request timeout.
        conn->watch->AwaitingRequest();
        conn->watch->ReceivingRequest();
        co_await conn->stream.Handshake();
      }
      reason = co_await Serve(*conn, sched, peer, *l);
    } catch (const std::exception& e) {
      reason = e.what();
    }
    KLOG_DEBUG("kafka: closing connection from {}: {}", peer, reason);
    {
      MutexLock lk(conns_mu_);
      conns_.erase(conn.get());
    }
    conn->socket().close(ec);
  }

  // Writes one answer: size, correlation id, an empty tagged-field section for flexible
  // versions (v1 headers) except ApiVersions, whose response header is always v0; or, for
  // a bare SASL token (`raw`), just the size.
  template <typename Stream>
  asio::awaitable<boost::system::error_code> WriteAnswer(Stream& stream, const RequestContext& ctx,
                                                         const std::string& body, bool raw) {
    char header[9];
    size_t header_len = raw ? 4 : 8;
    if (!raw) coding::PutBE32(header + 4, uint32_t(ctx.correlation_id));
    if (!raw && ctx.flexible && ctx.api_key != kApiVersionsKey) header[header_len++] = 0;
    coding::PutBE32(header, uint32_t(header_len - 4 + body.size()));
    std::array<asio::const_buffer, 2> bufs = {asio::buffer(header, header_len), asio::buffer(body)};
    auto [ec, n] = co_await asio::async_write(stream, bufs, asio::as_tuple(asio::use_awaitable));
    co_return ec;
  }

  // Serves requests until the peer goes away or misbehaves; returns why it stopped.
  // A request is read into memory only as its bytes arrive (InputBuffer), its growth paid
  // from the listener's budget of bytes in flight; the request's bytes are given back once
  // its answer was written.
  template <typename Stream>
  asio::awaitable<std::string> Serve(Conn<Stream>& conn, std::shared_ptr<StrandScheduler> sched,
                                     const std::string& peer, const ListenerState& l) {
    Stream& stream = conn.stream;
    ConnectionWatch& watch = *conn.watch;
    InputBuffer buf(&watch);
    SaslSession sasl(&options_.sasl, &limiter_, UsesSasl(l.options.protocol), peer);
    for (;;) {
      watch.AwaitingRequest();
      co_await buf.Fill(stream, 4);
      int32_t size = int32_t(coding::GetBE32(buf.data()));
      // After a SaslHandshake v0 the next frames are bare SASL tokens (any size >= 0).
      const bool raw = sasl.raw_tokens();
      if (size < (raw ? 0 : 8) || size_t(size) > options_.max_request_bytes) {
        KLOG_WARN("kafka: {} sent a request of {} bytes (limit {}); closing the connection",
                  peer, size, options_.max_request_bytes);
        co_return "bad request size";
      }
      co_await buf.Fill(stream, 4 + size_t(size));
      watch.Working();
      const auto started = std::chrono::steady_clock::now();
      std::string_view body(buf.data() + 4, size_t(size));

      RequestContext ctx;
      if (raw) {
        auto out = sasl.Authenticate(body);
        if (out.error != ErrorCode::kNone) {
          // Kafka closes a failed v0 exchange without an answer, after the failure delay.
          asio::steady_timer t(stream.get_executor(), std::chrono::milliseconds(out.delay_ms));
          co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
          co_return "SASL authentication failed: " + out.message;
        }
        watch.AwaitingClientRead();
        if (auto ec = co_await WriteAnswer(stream, ctx, out.token, true)) co_return "write: " + ec.message();
        buf.Consume(4 + size_t(size));
        continue;
      }
      Reader in(body, false);
      ctx.api_key = in.Int16();
      ctx.api_version = in.Int16();
      ctx.correlation_id = in.Int32();
      const ApiSpec* spec = FindApi(ctx.api_key);
      if (spec == nullptr) {
        KLOG_WARN("kafka: {} sent unknown API key {}; closing the connection", peer, ctx.api_key);
        co_return "unknown api key";
      }
      if (std::string why; !sasl.Allows(ctx.api_key, &why)) {
        KLOG_WARN("kafka: {} on the {} listener: {}; closing the connection", peer,
                  SecurityProtocolName(l.options.protocol), why);
        co_return why;
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
        ctx.sasl = &sasl;
        ctx.principal = sasl.principal();
        ctx.advertised_host = l.advertised_host;
        ctx.advertised_port = l.advertised_port;
        resp = co_await Dispatch(*spec, ctx, in, stream.get_executor());
      }
      metrics_.Latency(ctx.api_key).ObserveDuration(std::chrono::steady_clock::now() - started);
      if (resp.kind == Response::Kind::kClose) co_return resp.reason;
      if (!resp.errors.counts.empty()) metrics_.CountErrors(resp.errors);
      if (resp.kind == Response::Kind::kNoResponse) {
        buf.Consume(4 + size_t(size));
        continue;
      }
      // The next request is read only after this answer left: a client that does not read
      // holds one answer at most, and is closed after idle_timeout.
      watch.AwaitingClientRead();
      if (auto ec = co_await WriteAnswer(stream, ctx, resp.body, false)) co_return "write: " + ec.message();
      if (resp.close_after_send) co_return resp.reason;
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
  LoginLimiter limiter_;            // over options_.sasl
  log::Log* log_ = nullptr;
  std::unique_ptr<Broker> broker_;  // outlives io_ (handlers in io_ refer to it)
  std::unique_ptr<BrokerAdmin> admin_;  // over broker_; kept after Stop
  // Outlive io_ (connections' watches refer to their Listener); their acceptors are
  // closed by Listener::Stop before io_ goes.
  std::vector<std::unique_ptr<ListenerState>> listeners_;
  asio::io_context io_;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;  // after io_: destroyed before it
  std::unique_ptr<GroupTicker> ticker_;  // declared after io_: destroyed before it
  std::vector<std::thread> threads_;
  Mutex conns_mu_;
  // Each open connection's close (PostShutdown), for Stop.
  std::map<void*, std::function<void()>> conns_ GUARDED_BY(conns_mu_);
  Mutex stop_mu_;
  bool stopped_ GUARDED_BY(stop_mu_) = false;
  metrics::CollectorHandle listener_metrics_;  // reads listeners_; reset in Stop
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
