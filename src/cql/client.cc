// The CQL client: cluster discovery (system.local + system.peers), one connection pool per
// host, token-aware routing over a Murmur3 ring, version negotiation, prepared statements
// with re-prepare on UNPREPARED, retries of connection-level failures, paging, and a
// background thread that re-opens dead connections with backoff.
#include <boost/asio.hpp>

#include <charconv>
#include <condition_variable>
#include <future>
#include <thread>

#include "common/logging.h"
#include "cql/client_codec.h"
#include "cql/client_connection.h"
#include "cql/cql.h"
#include "cql/token_ring.h"

namespace kappa::cql {

namespace asio = boost::asio;

namespace {

Result<std::pair<std::string, uint16_t>> SplitHostPort(const std::string& cp, uint16_t dflt) {
  auto colon = cp.rfind(':');
  if (colon == std::string::npos || cp.find(':') != colon) return std::pair{cp, dflt};
  std::string_view port_text = std::string_view(cp).substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return Status::InvalidArgument("contact point '" + cp + "': the port must be 1..65535");
  }
  return std::pair{cp.substr(0, colon), uint16_t(port)};
}

// One host of the cluster and its connections.
struct HostPool {
  ClientHost info;  // immutable after Init (live_connections is computed on demand)
  mutable std::mutex mu;
  std::vector<std::shared_ptr<ClientConnection>> conns;  // GUARDED_BY(mu); nullptr: not open
  std::atomic<size_t> rr{0};
  // Reconnector thread only.
  std::chrono::steady_clock::time_point next_attempt{};
  std::chrono::milliseconds backoff{100};
  bool reported_down = false;

  // A live connection, trying slot `hint % size` first; nullptr when none is alive.
  std::shared_ptr<ClientConnection> Alive(size_t hint) const {
    std::lock_guard l(mu);
    size_t n = conns.size();
    for (size_t k = 0; k < n; ++k) {
      const auto& c = conns[(hint + k) % n];
      if (c && c->alive()) return c;
    }
    return nullptr;
  }
  int LiveCount() const {
    std::lock_guard l(mu);
    int live = 0;
    for (const auto& c : conns) live += (c && c->alive()) ? 1 : 0;
    return live;
  }
};

std::string QueryBody(const std::string& cql, Consistency consistency) {
  std::string body;
  WireWriter w(&body);
  w.LongString(cql);
  EncodeParams(consistency, {}, 0, {}, &w);
  return body;
}

class ClientImpl : public Client {
 public:
  explicit ClientImpl(ClientOptions o) : options_(std::move(o)), work_(asio::make_work_guard(ioc_)) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~ClientImpl() override { Close(); }

  Status Init() {
    if (options_.connections_per_host < 1) {
      return Status::InvalidArgument("connections_per_host must be at least 1");
    }
    Status last = Status::Unavailable("no contact points given");
    std::shared_ptr<ClientConnection> control;
    std::string host;
    uint16_t port = 0;
    for (const auto& cp : options_.contact_points) {
      auto hp = SplitHostPort(cp, options_.port);
      if (!hp.ok()) return hp.status();
      std::tie(host, port) = *hp;
      for (uint8_t v = options_.max_protocol_version; v >= kMinProtocolVersion; --v) {
        auto c = std::make_shared<ClientConnection>(ioc_);
        last = c->Open(host, port, v, options_);
        if (last.ok()) {
          version_ = v;
          c->StartReading();
          control = c;
          break;
        }
        if (last.code() != Status::Code::kNotSupported) break;
      }
      if (control || last.code() == Status::Code::kInvalidArgument) break;  // bad credentials
    }
    if (!control) return last;
    RETURN_IF_ERROR(Discover(control, host, port));
    for (size_t i = 0; i < hosts_.size(); ++i) {
      HostPool& h = *hosts_[i];
      for (auto& slot : h.conns) {
        if (slot) continue;
        auto c = OpenConnection(h.info.address, h.info.port);
        if (!c.ok()) {
          if (i == 0) return c.status();
          KLOG_WARN("CQL client: host {}:{} is not reachable ({}); retrying in the background",
                    h.info.address, h.info.port, c.status().ToString());
          h.reported_down = true;
          break;
        }
        slot = *c;
      }
    }
    if (!options_.keyspace.empty()) {
      auto r = Query("USE \"" + options_.keyspace + "\"", {}, 0, {});
      if (!r.ok()) return r.status();
    }
    reconnector_ = std::thread([this] { ReconnectLoop(); });
    return Status::OK();
  }

  int protocol_version() const override { return version_; }

  std::vector<ClientHost> hosts() const override {
    std::vector<ClientHost> out;
    for (const auto& h : hosts_) {
      out.push_back(h->info);
      out.back().live_connections = h->LiveCount();
    }
    return out;
  }

  int RouteOf(const PreparedStatement& p, const std::vector<store::Value>& values) const override {
    auto key = RoutingKey(p.pk_indexes, values);
    if (!key || ring_.empty()) return -1;
    return ring_.OwnerOf(TokenOfRoutingKey(*key));
  }

  void Close() override {
    if (closed_.exchange(true)) return;
    {
      std::lock_guard l(rc_mu_);
      rc_cv_.notify_all();
    }
    if (reconnector_.joinable()) reconnector_.join();
    for (auto& h : hosts_) {
      std::lock_guard l(h->mu);
      for (auto& c : h->conns) {
        if (c) c->Close();
      }
    }
    work_.reset();
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

  Result<ClientResult> Query(const std::string& cql, const std::vector<store::Value>& values,
                             int page_size, const std::string& paging_state) override {
    std::string body;
    WireWriter w(&body);
    w.LongString(cql);
    EncodeParams(options_.consistency, values, page_size, paging_state, &w);
    ASSIGN_OR_RETURN(ClientFrame f, RequestWithRetry(Opcode::kQuery, body, 0));
    ASSIGN_OR_RETURN(ClientResult r, DecodeResult(f, nullptr));
    if (r.kind == ClientResult::Kind::kSetKeyspace) {
      {
        std::lock_guard l(ks_mu_);
        keyspace_ = r.keyspace;
      }
      // Every pooled connection of every host must use the keyspace, not just the one that
      // ran USE (connections opened later USE it when they open).
      for (const auto& h : hosts_) {
        std::vector<std::shared_ptr<ClientConnection>> conns;
        {
          std::lock_guard l(h->mu);
          conns = h->conns;
        }
        for (const auto& c : conns) {
          if (!c || !c->alive()) continue;
          auto again = Request(c, Opcode::kQuery, body);
          if (!again.ok()) return again.status();
        }
      }
    }
    return r;
  }

  Result<std::shared_ptr<PreparedStatement>> Prepare(const std::string& cql) override {
    std::string body;
    WireWriter(&body).LongString(cql);
    ASSIGN_OR_RETURN(ClientFrame f, RequestWithRetry(Opcode::kPrepare, body, 0));
    if (f.opcode == Opcode::kError) return ErrorFromBody(f.body);
    WireReader r(f.body);
    int32_t kind;
    std::string_view id;
    if (!r.Int(&kind) || kind != 4 || !r.ShortBytes(&id)) return Status::Corruption("malformed Prepared result");
    auto p = std::make_shared<PreparedStatement>();
    p->query = cql;
    p->id = std::string(id);
    ASSIGN_OR_RETURN(p->bind_columns, DecodeMetadata(&r, nullptr, version_ >= 4, &p->pk_indexes));
    ASSIGN_OR_RETURN(std::vector<ClientColumn> result_columns, DecodeMetadata(&r, nullptr));
    p->result_columns = std::make_shared<const std::vector<ClientColumn>>(std::move(result_columns));
    return p;
  }

  Result<ClientResult> Execute(const PreparedStatement& p, const std::vector<store::Value>& values,
                               int page_size, const std::string& paging_state) override {
    std::promise<Result<ClientResult>> done;
    auto fut = done.get_future();
    auto st = std::make_shared<ExecState>();
    // Execute blocks until done, so the statement may be borrowed without owning it.
    st->p = std::shared_ptr<const PreparedStatement>(&p, [](const PreparedStatement*) {});
    st->values = values;
    st->page_size = page_size;
    st->paging_state = paging_state;
    st->retries = options_.max_retries;
    st->done = [&done](Result<ClientResult> r) { done.set_value(std::move(r)); };
    ExecuteImpl(std::move(st));
    return fut.get();
  }

  void ExecuteAsync(const std::shared_ptr<PreparedStatement>& p, std::vector<store::Value> values,
                    std::function<void(Result<ClientResult>)> done) override {
    auto st = std::make_shared<ExecState>();
    st->p = p;
    st->values = std::move(values);
    st->retries = options_.max_retries;
    st->done = std::move(done);
    ExecuteImpl(std::move(st));
  }

 private:
  // Reads system.local and system.peers over the control connection and builds the hosts
  // and the ring. Host 0 is the contact point (reached at the address the user gave, which
  // may differ from the rpc_address it reports). A server without these tables is treated
  // as one host without a ring (routing then only keeps a partition on one connection).
  Status Discover(const std::shared_ptr<ClientConnection>& control, const std::string& host,
                  uint16_t port) {
    auto add_host = [&](ClientHost info) -> HostPool& {
      auto h = std::make_unique<HostPool>();
      h->info = std::move(info);
      h->conns.resize(size_t(options_.connections_per_host));
      hosts_.push_back(std::move(h));
      return *hosts_.back();
    };
    ClientHost local;
    local.address = host;
    local.port = port;
    auto lr = QueryOn(control, "SELECT data_center, host_id, tokens FROM system.local");
    if (!lr.ok() || lr->rows.empty()) {
      KLOG_DEBUG("CQL client: no system.local at {}:{} ({}); routing without a token ring",
                 host, port, lr.ok() ? "no rows" : lr.status().ToString());
      add_host(local).conns[0] = control;
      return Status::OK();
    }
    auto text = [](const store::Value& v) { return v.is_set() ? v.ToString() : std::string(); };
    auto add_tokens = [&](const store::Value& v, int index, size_t* count) {
      if (!v.is_set()) return;
      for (const auto& t : v.as_elements()) {
        Status s = ring_.AddText(t.as_bytes(), index);
        if (s.ok()) ++*count;
        else KLOG_WARN("CQL client: host {}: {}", hosts_[size_t(index)]->info.address, s.ToString());
      }
    };
    const auto& row = lr->rows[0];
    local.datacenter = text(row[0]);
    local.host_id = text(row[1]);
    HostPool& first = add_host(local);
    first.conns[0] = control;
    add_tokens(row[2], 0, &first.info.tokens);
    auto pr = QueryOn(control, "SELECT peer, rpc_address, data_center, host_id, tokens FROM system.peers");
    if (pr.ok()) {
      for (const auto& p : pr->rows) {
        ClientHost peer;
        std::string rpc = text(p[1]);
        peer.address = (rpc.empty() || rpc == "0.0.0.0" || rpc == "::") ? text(p[0]) : rpc;
        peer.port = port;
        peer.datacenter = text(p[2]);
        peer.host_id = text(p[3]);
        if (peer.address.empty() || peer.host_id == local.host_id) continue;
        HostPool& h = add_host(peer);
        add_tokens(p[4], int(hosts_.size() - 1), &h.info.tokens);
      }
    } else {
      KLOG_WARN("CQL client: reading system.peers at {}:{}: {}; using only that host", host,
                port, pr.status().ToString());
    }
    ring_.Finish();
    return Status::OK();
  }

  Result<ClientResult> QueryOn(const std::shared_ptr<ClientConnection>& c, const std::string& cql) {
    ASSIGN_OR_RETURN(ClientFrame f, Request(c, Opcode::kQuery, QueryBody(cql, Consistency::kOne)));
    return DecodeResult(f, nullptr);
  }

  // Opens a connection with the negotiated version and USEs the current keyspace.
  Result<std::shared_ptr<ClientConnection>> OpenConnection(const std::string& host, uint16_t port) {
    auto c = std::make_shared<ClientConnection>(ioc_);
    RETURN_IF_ERROR(c->Open(host, port, version_, options_));
    c->StartReading();
    std::string ks;
    {
      std::lock_guard l(ks_mu_);
      ks = keyspace_;
    }
    if (!ks.empty()) {
      auto r = QueryOn(c, "USE \"" + ks + "\"");
      if (!r.ok()) {
        c->Close();
        return r.status();
      }
    }
    return c;
  }

  // Re-opens dead connections, per host with backoff (100 ms doubling to 5 s).
  void ReconnectLoop() {
    std::unique_lock l(rc_mu_);
    while (!closed_.load()) {
      rc_cv_.wait_for(l, std::chrono::milliseconds(100), [&] { return closed_.load(); });
      if (closed_.load()) break;
      l.unlock();
      auto now = std::chrono::steady_clock::now();
      for (auto& hp : hosts_) {
        HostPool& h = *hp;
        if (now < h.next_attempt) continue;
        for (size_t j = 0; j < h.conns.size() && !closed_.load(); ++j) {
          {
            std::lock_guard hl(h.mu);
            if (h.conns[j] && h.conns[j]->alive()) continue;
          }
          auto c = OpenConnection(h.info.address, h.info.port);
          if (!c.ok()) {
            if (!h.reported_down) {
              KLOG_WARN("CQL client: host {}:{} is down ({}); reconnecting in the background",
                        h.info.address, h.info.port, c.status().ToString());
            }
            h.reported_down = true;
            h.next_attempt = std::chrono::steady_clock::now() + h.backoff;
            h.backoff = std::min(h.backoff * 2, std::chrono::milliseconds(5000));
            break;
          }
          if (h.reported_down) KLOG_INFO("CQL client: reconnected to {}:{}", h.info.address, h.info.port);
          h.reported_down = false;
          h.backoff = std::chrono::milliseconds(100);
          std::shared_ptr<ClientConnection> old;
          {
            std::lock_guard hl(h.mu);
            old = std::exchange(h.conns[j], *c);
          }
          if (old) old->Close();
        }
      }
      l.lock();
    }
  }

  Status NoLiveHost() const {
    std::string names;
    for (const auto& h : hosts_) {
      names += (names.empty() ? "" : ", ") + h->info.address + ":" + std::to_string(h->info.port);
    }
    return Status::Unavailable("no live connection to any host of the cluster (" + names +
                               "); the client keeps reconnecting in the background");
  }

  // Token-aware choice: the partition key's token picks the owner host (then the next hosts
  // clockwise on the ring when it is down) and, within the host, the connection, so the same
  // partition always travels the same connection. Without a routing key: round robin.
  std::shared_ptr<ClientConnection> Pick(const PreparedStatement* p,
                                         const std::vector<store::Value>* values) {
    std::optional<int64_t> token;
    if (p && values) {
      auto key = RoutingKey(p->pk_indexes, *values);
      if (key) token = TokenOfRoutingKey(*key);
    }
    if (token) {
      size_t hint = size_t(uint64_t(*token));
      int owner = ring_.OwnerOf(*token);
      if (owner < 0 && hosts_.size() == 1) owner = 0;
      if (owner >= 0) {
        if (auto c = hosts_[size_t(owner)]->Alive(hint)) return c;
        for (int h : ring_.HostsFor(*token, hosts_.size())) {
          if (auto c = hosts_[size_t(h)]->Alive(hint)) return c;
        }
      }
    }
    size_t n = hosts_.size();
    size_t start = rr_++;
    for (size_t k = 0; k < n; ++k) {
      HostPool& h = *hosts_[(start + k) % n];
      if (auto c = h.Alive(h.rr++)) return c;
    }
    return nullptr;
  }

  Result<ClientFrame> Request(const std::shared_ptr<ClientConnection>& c, Opcode op, const std::string& body) {
    if (!c) return NoLiveHost();
    std::promise<Result<ClientFrame>> done;
    auto fut = done.get_future();
    c->Send(op, body, [&done](Result<ClientFrame> r) { done.set_value(std::move(r)); });
    return fut.get();
  }

  Result<ClientFrame> RequestWithRetry(Opcode op, const std::string& body, int attempt) {
    auto r = Request(Pick(nullptr, nullptr), op, body);
    if (!r.ok() && r.status().IsUnavailable() && attempt < options_.max_retries) {
      return RequestWithRetry(op, body, attempt + 1);
    }
    if (r.ok() && r->opcode == Opcode::kError && attempt < options_.max_retries) {
      Status s = ErrorFromBody(r->body);
      int code = ErrorCodeOf(s);
      if (code == 0x1001 || code == 0x1002) return RequestWithRetry(op, body, attempt + 1);
    }
    return r;
  }

  // State of one EXECUTE across retries and a re-prepare.
  struct ExecState {
    std::shared_ptr<const PreparedStatement> p;
    std::vector<store::Value> values;
    int page_size = 0;
    std::string paging_state;
    int retries = 0;
    bool may_reprepare = true;
    std::function<void(Result<ClientResult>)> done;
  };

  void ExecuteImpl(std::shared_ptr<ExecState> st) {
    auto conn = Pick(st->p.get(), &st->values);
    if (!conn) {
      st->done(NoLiveHost());
      return;
    }
    std::string body;
    WireWriter w(&body);
    w.ShortBytes(st->p->id);
    // The prepared result metadata is known: ask the server not to resend it.
    EncodeParams(options_.consistency, st->values, st->page_size, st->paging_state, &w,
                 /*skip_metadata=*/!st->p->result_columns->empty());
    conn->Send(Opcode::kExecute, std::move(body), [this, st, conn](Result<ClientFrame> f) {
      if (!f.ok()) {
        if (st->retries > 0 && f.status().IsUnavailable()) {
          --st->retries;
          ExecuteImpl(st);
          return;
        }
        st->done(f.status());
        return;
      }
      if (f->opcode == Opcode::kError) {
        Status s = ErrorFromBody(f->body);
        int code = ErrorCodeOf(s);
        if (code == 0x2500 && st->may_reprepare) {
          // The server forgot the statement (e.g. it restarted, or this host never saw it):
          // prepare it again there.
          st->may_reprepare = false;
          std::string pb;
          WireWriter(&pb).LongString(st->p->query);
          conn->Send(Opcode::kPrepare, std::move(pb), [this, st](Result<ClientFrame> pf) {
            if (!pf.ok()) { st->done(pf.status()); return; }
            if (pf->opcode == Opcode::kError) { st->done(ErrorFromBody(pf->body)); return; }
            ExecuteImpl(st);
          });
          return;
        }
        if ((code == 0x1001 || code == 0x1002) && st->retries > 0) {
          --st->retries;
          ExecuteImpl(st);
          return;
        }
        st->done(s);
        return;
      }
      st->done(DecodeResult(*f, &st->p->result_columns));
    });
  }

  ClientOptions options_;
  asio::io_context ioc_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  std::vector<std::unique_ptr<HostPool>> hosts_;  // fixed after Init; [0] = the contact point
  TokenRing ring_;                                // fixed after Init
  std::atomic<size_t> rr_{0};
  std::atomic<bool> closed_{false};
  uint8_t version_ = 4;
  std::mutex ks_mu_;
  std::string keyspace_;  // GUARDED_BY(ks_mu_): the last keyspace USE'd
  std::thread reconnector_;
  std::mutex rc_mu_;
  std::condition_variable rc_cv_;
};

}  // namespace

Result<std::unique_ptr<Client>> Client::Connect(const ClientOptions& options) {
  auto c = std::make_unique<ClientImpl>(options);
  Status s = c->Init();
  if (!s.ok()) {
    c->Close();
    return s;
  }
  return std::unique_ptr<Client>(std::move(c));
}

}  // namespace kappa::cql
