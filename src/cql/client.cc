// The CQL client: connection pool, version negotiation, prepared statements with
// re-prepare on UNPREPARED, retries of connection-level failures, paging.
#include <boost/asio.hpp>

#include <future>
#include <thread>

#include "cql/client_connection.h"
#include "cql/cql.h"
#include "cql/result.h"
#include "cql/wire.h"

namespace kappa::cql {

namespace asio = boost::asio;

namespace {

std::pair<std::string, uint16_t> SplitHostPort(const std::string& cp, uint16_t dflt) {
  auto colon = cp.rfind(':');
  if (colon != std::string::npos && cp.find(':') == colon) {
    return {cp.substr(0, colon), uint16_t(std::stoi(cp.substr(colon + 1)))};
  }
  return {cp, dflt};
}

void EncodeParams(const std::vector<store::Value>& values, int page_size,
                  const std::string& paging_state, WireWriter* w, bool skip_metadata = false) {
  w->Short(0x0001);  // consistency ONE (LOCAL_ONE semantics on one node)
  uint8_t flags = skip_metadata ? 0x02 : 0;
  if (!values.empty()) flags |= 0x01;
  if (page_size > 0) flags |= 0x04;
  if (!paging_state.empty()) flags |= 0x08;
  w->Byte(flags);
  if (!values.empty()) {
    w->Short(uint16_t(values.size()));
    for (const auto& v : values) {
      if (v.is_null()) { w->Int(-1); continue; }
      if (v.is_unset()) { w->Int(-2); continue; }
      std::string* out = w->out();
      size_t at = out->size();
      out->append(4, '\0');
      store::SerializeNative(v, out);
      coding::PutBE32(out->data() + at, uint32_t(out->size() - at - 4));
    }
  }
  if (page_size > 0) w->Int(page_size);
  if (!paging_state.empty()) w->Bytes(paging_state);
}

Result<std::vector<ClientColumn>> DecodeMetadata(WireReader* r, std::string* paging_state,
                                                 bool prepared_bind = false,
                                                 std::vector<int>* pk_indexes = nullptr) {
  int32_t flags = 0, count = 0;
  if (!r->Int(&flags) || !r->Int(&count) || count < 0) return Status::Corruption("malformed result metadata");
  if (prepared_bind) {
    int32_t pkc = 0;
    if (!r->Int(&pkc) || pkc < 0) return Status::Corruption("malformed prepared metadata");
    for (int i = 0; i < pkc; ++i) {
      uint16_t idx;
      if (!r->Short(&idx)) return Status::Corruption("malformed pk indexes");
      if (pk_indexes) pk_indexes->push_back(idx);
    }
  }
  if (!prepared_bind && (flags & 0x0002)) {
    std::string_view ps;
    bool null = false;
    if (!r->Bytes(&ps, &null)) return Status::Corruption("malformed paging state");
    if (paging_state) *paging_state = std::string(ps);
  }
  std::vector<ClientColumn> cols;
  if (flags & 0x0004) {
    cols.resize(size_t(count));
    return cols;
  }
  std::string_view gks, gtable;
  bool global = flags & 0x0001;
  if (global && (!r->String(&gks) || !r->String(&gtable))) return Status::Corruption("malformed table spec");
  for (int i = 0; i < count; ++i) {
    ClientColumn c;
    std::string_view ks = gks, table = gtable, name;
    if (!global && (!r->String(&ks) || !r->String(&table))) return Status::Corruption("malformed column spec");
    if (!r->String(&name)) return Status::Corruption("malformed column name");
    c.keyspace = std::string(ks);
    c.table = std::string(table);
    c.name = std::string(name);
    ASSIGN_OR_RETURN(c.type, DecodeTypeOption(r));
    cols.push_back(std::move(c));
  }
  return cols;
}

Result<ClientResult> DecodeResult(const ClientFrame& f, const std::vector<ClientColumn>* known) {
  if (f.opcode == Opcode::kError) return ErrorFromBody(f.body);
  if (f.opcode != Opcode::kResult) return Status::Corruption(std::string("unexpected ") + OpcodeName(f.opcode));
  WireReader r(f.body);
  int32_t kind;
  if (!r.Int(&kind)) return Status::Corruption("empty RESULT");
  ClientResult out;
  switch (kind) {
    case 1: out.kind = ClientResult::Kind::kVoid; return out;
    case 3: {
      std::string_view ks;
      if (!r.String(&ks)) return Status::Corruption("malformed SetKeyspace");
      out.kind = ClientResult::Kind::kSetKeyspace;
      out.keyspace = std::string(ks);
      return out;
    }
    case 5: {
      std::string_view change, target, ks, name;
      if (!r.String(&change) || !r.String(&target) || !r.String(&ks)) return Status::Corruption("malformed SchemaChange");
      out.kind = ClientResult::Kind::kSchemaChange;
      out.schema_change = std::string(change) + " " + std::string(target) + " " + std::string(ks);
      if (target != "KEYSPACE" && r.String(&name)) out.schema_change += "." + std::string(name);
      return out;
    }
    case 2: {
      out.kind = ClientResult::Kind::kRows;
      ASSIGN_OR_RETURN(out.columns, DecodeMetadata(&r, &out.paging_state));
      if (known && !out.columns.empty() && out.columns[0].name.empty()) out.columns = *known;
      int32_t n;
      if (!r.Int(&n) || n < 0) return Status::Corruption("malformed row count");
      out.rows.reserve(size_t(n));
      for (int32_t i = 0; i < n; ++i) {
        std::vector<store::Value> row;
        row.reserve(out.columns.size());
        for (const auto& c : out.columns) {
          std::string_view cell;
          bool null = false;
          if (!r.Bytes(&cell, &null)) return Status::Corruption("truncated row");
          if (null) {
            row.push_back(store::Value::Null());
            continue;
          }
          ASSIGN_OR_RETURN(store::Value v, store::DeserializeNative(c.type, cell));
          row.push_back(std::move(v));
        }
        out.rows.push_back(std::move(row));
      }
      return out;
    }
    default:
      return Status::Corruption("unknown RESULT kind " + std::to_string(kind));
  }
}

class ClientImpl : public Client {
 public:
  explicit ClientImpl(ClientOptions o) : options_(std::move(o)), work_(asio::make_work_guard(ioc_)) {
    int n = 2;
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }
  ~ClientImpl() override { Close(); }

  Status Init() {
    Status last = Status::Unavailable("no contact points");
    for (const auto& cp : options_.contact_points) {
      auto [host, port] = SplitHostPort(cp, options_.port);
      for (uint8_t v = options_.max_protocol_version; v >= kMinProtocolVersion; --v) {
        auto c = std::make_shared<ClientConnection>(ioc_);
        last = c->Open(host, port, v, options_);
        if (last.ok()) {
          version_ = v;
          host_ = host;
          port_ = port;
          c->StartReading();
          conns_.push_back(c);
          break;
        }
        if (last.code() != Status::Code::kNotSupported) break;
      }
      if (!conns_.empty()) break;
    }
    if (conns_.empty()) return last;
    for (int i = 1; i < options_.connections_per_host; ++i) {
      auto c = std::make_shared<ClientConnection>(ioc_);
      RETURN_IF_ERROR(c->Open(host_, port_, version_, options_));
      c->StartReading();
      conns_.push_back(c);
    }
    if (!options_.keyspace.empty()) {
      auto r = Query("USE \"" + options_.keyspace + "\"", {}, 0, {});
      if (!r.ok()) return r.status();
    }
    return Status::OK();
  }

  int protocol_version() const override { return version_; }

  void Close() override {
    if (closed_.exchange(true)) return;
    for (auto& c : conns_) c->Close();
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
    EncodeParams(values, page_size, paging_state, &w);
    ASSIGN_OR_RETURN(ClientFrame f, RequestWithRetry(Opcode::kQuery, body, 0));
    ASSIGN_OR_RETURN(ClientResult r, DecodeResult(f, nullptr));
    if (r.kind == ClientResult::Kind::kSetKeyspace) {
      // Every pooled connection must use the keyspace, not just the one that ran USE.
      for (size_t i = 0; i < conns_.size(); ++i) {
        auto again = Request(conns_[i], Opcode::kQuery, body);
        if (!again.ok()) return again.status();
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
    ASSIGN_OR_RETURN(p->result_columns, DecodeMetadata(&r, nullptr));
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
  // Token-aware choice: the partition key's token picks the connection, so the same
  // partition always travels the same connection (on a multi-node ring, the owner's).
  std::shared_ptr<ClientConnection> Pick(const PreparedStatement* p,
                                         const std::vector<store::Value>* values) {
    size_t n = conns_.size();
    size_t start = rr_++ % n;
    if (p && values && !p->pk_indexes.empty()) {
      std::vector<store::Value> pk;
      for (int i : p->pk_indexes) {
        if (size_t(i) < values->size()) pk.push_back((*values)[size_t(i)]);
      }
      if (pk.size() == p->pk_indexes.size()) {
        start = size_t(uint64_t(store::PartitionToken(pk))) % n;
      }
    }
    for (size_t k = 0; k < n; ++k) {
      auto& c = conns_[(start + k) % n];
      if (c->alive()) return c;
    }
    return conns_[start];
  }

  Result<ClientFrame> Request(const std::shared_ptr<ClientConnection>& c, Opcode op, const std::string& body) {
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
    std::string body;
    WireWriter w(&body);
    w.ShortBytes(st->p->id);
    // The prepared result metadata is known: ask the server not to resend it.
    EncodeParams(st->values, st->page_size, st->paging_state, &w,
                 /*skip_metadata=*/!st->p->result_columns.empty());
    auto conn = Pick(st->p.get(), &st->values);
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
          // The server forgot the statement (e.g. it restarted): prepare it again there.
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
  std::vector<std::shared_ptr<ClientConnection>> conns_;  // fixed after Init
  std::atomic<size_t> rr_{0};
  std::atomic<bool> closed_{false};
  uint8_t version_ = 4;
  std::string host_;
  uint16_t port_ = 9042;
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
