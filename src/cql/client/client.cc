// The CQL client: version negotiation, queries, prepared statements with re-prepare on
// UNPREPARED, retries of connection-level failures, paging. Cluster discovery, the host
// pools, token-aware routing and reconnection are in client_hosts.cc.
#include <future>

#include "common/host_port.h"
#include "common/logging.h"
#include "cql/client/client_impl.h"

namespace kappa::cql {
namespace client_internal {
namespace {

// A contact point: "host", "host:port" or "[v6]:port" (common/host_port.h, as every other
// address kappa takes); `dflt` when it has no port. Port 0 cannot be connected to.
Result<HostPort> ContactPoint(const std::string& cp, uint16_t dflt) {
  auto hp = ParseHostPort(cp, dflt);
  if (!hp.ok()) return Status::InvalidArgument("contact point " + hp.status().message());
  if (hp->port == 0) {
    return Status::InvalidArgument("contact point '" + cp + "': the port must be 1..65535");
  }
  return hp;
}

std::string QueryBody(const std::string& cql, Consistency consistency) {
  std::string body;
  WireWriter w(&body);
  w.LongString(cql);
  EncodeParams(consistency, {}, 0, {}, &w);
  return body;
}

}  // namespace

ClientImpl::ClientImpl(ClientOptions o)
    : options_(std::move(o)), work_(boost::asio::make_work_guard(ioc_)) {
  for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { ioc_.run(); });
}

Status ClientImpl::Init() {
  if (options_.connections_per_host < 1) {
    return Status::InvalidArgument("connections_per_host must be at least 1");
  }
  Status last = Status::Unavailable("no contact points given");
  std::shared_ptr<ClientConnection> control;
  std::string host;
  uint16_t port = 0;
  for (const auto& cp : options_.contact_points) {
    auto hp = ContactPoint(cp, options_.port);
    if (!hp.ok()) return hp.status();
    host = hp->host;
    port = hp->port;
    for (uint8_t v = options_.max_protocol_version; v >= kMinProtocolVersion; --v) {
      auto c = std::make_shared<ClientConnection>(ioc_, options_.tls);
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
  RETURN_IF_ERROR(ChooseLocalDatacenter());
  for (size_t i = 0; i < hosts_.size(); ++i) {
    HostPool& h = *hosts_[i];
    if (!h.info.local) continue;
    for (auto& slot : h.conns_during_init()) {
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

void ClientImpl::Close() {
  if (closed_.exchange(true)) return;
  {
    MutexLock l(rc_mu_);
    rc_cv_.notify_all();
  }
  if (reconnector_.joinable()) reconnector_.join();
  for (auto& h : hosts_) {
    MutexLock l(h->mu);
    for (auto& c : h->conns) {
      if (c) c->Close();
    }
  }
  work_.reset();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

Result<ClientResult> ClientImpl::Query(const std::string& cql,
                                       const std::vector<store::Value>& values, int page_size,
                                       const std::string& paging_state) {
  std::string body;
  WireWriter w(&body);
  w.LongString(cql);
  EncodeParams(options_.consistency, values, page_size, paging_state, &w);
  ASSIGN_OR_RETURN(ClientFrame f, RequestWithRetry(Opcode::kQuery, body, 0));
  ASSIGN_OR_RETURN(ClientResult r, DecodeResult(f, nullptr));
  if (r.kind == ClientResult::Kind::kSetKeyspace) {
    {
      MutexLock l(ks_mu_);
      keyspace_ = r.keyspace;
    }
    // Every pooled connection of every host must use the keyspace, not just the one that
    // ran USE (connections opened later USE it when they open).
    for (const auto& h : hosts_) {
      std::vector<std::shared_ptr<ClientConnection>> conns;
      {
        MutexLock l(h->mu);
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

Result<std::shared_ptr<PreparedStatement>> ClientImpl::Prepare(const std::string& cql) {
  std::string body;
  WireWriter(&body).LongString(cql);
  ASSIGN_OR_RETURN(ClientFrame f, RequestWithRetry(Opcode::kPrepare, body, 0));
  if (f.opcode == Opcode::kError) return ErrorFromBody(f.body);
  WireReader r(f.body);
  int32_t kind;
  std::string_view id;
  if (!r.Int(&kind) || kind != 4 || !r.ShortBytes(&id))
    return Status::Corruption("malformed Prepared result");
  auto p = std::make_shared<PreparedStatement>();
  p->query = cql;
  p->id = std::string(id);
  ASSIGN_OR_RETURN(p->bind_columns, DecodeMetadata(&r, nullptr, version_ >= 4, &p->pk_indexes));
  ASSIGN_OR_RETURN(std::vector<ClientColumn> result_columns, DecodeMetadata(&r, nullptr));
  p->result_columns = std::make_shared<const std::vector<ClientColumn>>(std::move(result_columns));
  return p;
}

Result<ClientResult> ClientImpl::Execute(const PreparedStatement& p,
                                         const std::vector<store::Value>& values, int page_size,
                                         const std::string& paging_state) {
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

void ClientImpl::ExecuteAsync(const std::shared_ptr<PreparedStatement>& p,
                              std::vector<store::Value> values,
                              std::function<void(Result<ClientResult>)> done) {
  auto st = std::make_shared<ExecState>();
  st->p = p;
  st->values = std::move(values);
  st->retries = options_.max_retries;
  st->done = std::move(done);
  ExecuteImpl(std::move(st));
}

Result<ClientResult> ClientImpl::QueryOn(const std::shared_ptr<ClientConnection>& c,
                                         const std::string& cql) {
  ASSIGN_OR_RETURN(ClientFrame f, Request(c, Opcode::kQuery, QueryBody(cql, Consistency::kOne)));
  return DecodeResult(f, nullptr);
}

Result<ClientFrame> ClientImpl::Request(const std::shared_ptr<ClientConnection>& c, Opcode op,
                                        const std::string& body) {
  if (!c) return NoLiveHost();
  std::promise<Result<ClientFrame>> done;
  auto fut = done.get_future();
  c->Send(op, body, [&done](Result<ClientFrame> r) { done.set_value(std::move(r)); });
  return fut.get();
}

Result<ClientFrame> ClientImpl::RequestWithRetry(Opcode op, const std::string& body, int attempt) {
  auto r = Request(Pick(nullptr, nullptr), op, body);
  if (!r.ok() && r.status().IsUnavailable() && attempt < options_.max_retries) {
    return RequestWithRetry(op, body, attempt + 1);
  }
  if (r.ok() && r->opcode == Opcode::kError && attempt < options_.max_retries) {
    if (RetryElsewhere(ErrorCodeOf(ErrorFromBody(r->body)))) {
      return RequestWithRetry(op, body, attempt + 1);
    }
  }
  return r;
}

void ClientImpl::PrepareAgain(const std::shared_ptr<ClientConnection>& conn,
                              const std::string& query, std::function<void(Status)> then) {
  std::string pb;
  WireWriter(&pb).LongString(query);
  conn->Send(Opcode::kPrepare, std::move(pb), [then = std::move(then)](Result<ClientFrame> pf) {
    if (!pf.ok()) {
      then(pf.status());
    } else if (pf->opcode == Opcode::kError) {
      then(ErrorFromBody(pf->body));
    } else {
      then(Status::OK());
    }
  });
}

void ClientImpl::ExecuteImpl(std::shared_ptr<ExecState> st) {
  auto conn = Pick(st->p.get(), &st->values);
  if (!conn) {
    st->done(NoLiveHost());
    return;
  }
  std::string body;
  body.reserve(BoundValuesSize(st->values) + st->p->id.size() + st->paging_state.size() + 16);
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
      std::optional<ErrorCode> code = ErrorCodeOf(s);
      if (code == ErrorCode::kUnprepared && st->may_reprepare) {
        // The server forgot the statement (e.g. it restarted, or this host never saw it):
        // prepare it again there.
        st->may_reprepare = false;
        PrepareAgain(conn, st->p->query, [this, st](Status ps) {
          if (ps.ok()) ExecuteImpl(st); else st->done(ps);
        });
        return;
      }
      if (RetryElsewhere(code) && st->retries > 0) {
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
}  // namespace client_internal

Result<std::unique_ptr<Client>> Client::Connect(const ClientOptions& options) {
  auto c = std::make_unique<client_internal::ClientImpl>(options);
  Status s = c->Init();
  if (!s.ok()) {
    c->Close();
    return s;
  }
  return std::unique_ptr<Client>(std::move(c));
}

}  // namespace kappa::cql
