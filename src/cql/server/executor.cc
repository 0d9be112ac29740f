#include "cql/server/executor.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <deque>

#include "cql/server/exec/authz.h"
#include "cql/server/exec/exec.h"
#include "cql/protocol/parser.h"

namespace kappa::cql {
namespace {

std::string Md5(std::string_view a, std::string_view b) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_md5(), nullptr);
  EVP_DigestUpdate(ctx, a.data(), a.size());
  EVP_DigestUpdate(ctx, "\0", 1);
  EVP_DigestUpdate(ctx, b.data(), b.size());
  EVP_DigestFinal_ex(ctx, out, &n);
  EVP_MD_CTX_free(ctx);
  return std::string(reinterpret_cast<char*>(out), n);
}

uint64_t NowMs() {
  return uint64_t(std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
}

// What a cached statement costs: its text, about as much again for its syntax tree, and its
// column metadata. An estimate (Cassandra measures the same way, by the statement's size).
size_t EstimateBytes(const Prepared& p) {
  size_t columns = p.meta.bind_columns.size() + p.meta.result_columns.size();
  return 2 * p.query.size() + 1024 + 128 * columns;
}

std::string Hex(std::string_view b) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace

Executor::Executor(store::Store* store, NodeInfo node, ExecutorOptions options)
    : store_(store), node_(std::move(node)), options_(options) {}

Outcome<Statement> Executor::ParseLimited(std::string_view cql) const {
  if (cql.size() > options_.max_statement_bytes) {
    return CqlError::Invalid("statement of " + std::to_string(cql.size()) +
                             " bytes exceeds the server's max_statement_size of " +
                             std::to_string(options_.max_statement_bytes) +
                             " bytes; bind large values as ? markers instead of inlining them");
  }
  auto r = ParseStatement(cql);
  if (!r.ok()) return CqlError::Syntax(r.status().message());
  return std::move(r).value();
}

Outcome<void> Executor::MapNamedValues(const Statement& st, QueryOptions& o) {
  if (o.names.empty()) return {};
  std::vector<WireValue> ordered(size_t(st.bind_count), WireValue::Unset());
  for (size_t i = 0; i < o.names.size() && i < o.values.size(); ++i) {
    bool found = false;
    for (size_t m = 0; m < st.bind_names.size(); ++m) {
      if (st.bind_names[m] == o.names[i]) {
        ordered[m] = o.values[i];
        found = true;
      }
    }
    if (!found) return CqlError::Invalid("Unknown bind variable name '" + o.names[i] + "'");
  }
  o.values = std::move(ordered);
  o.names.clear();
  return {};
}

Outcome<ResultMessage> Executor::Execute(const Statement& st, QueryOptions& o, Session& s,
                                         const Prepared* prepared) {
  CQL_TRY_VOID(MapNamedValues(st, o));
  if (o.values.size() < size_t(st.bind_count)) {
    return CqlError::Invalid("There were " + std::to_string(st.bind_count) +
                             " markers(?) in CQL but " + std::to_string(o.values.size()) +
                             " bound variables");
  }
  ExecContext ctx{this, store_, &s, &o, BindValues{&o.values}, prepared};
  CQL_TRY_VOID(AuthorizeStatement(st, ctx));
  if (!prepared) {  // a prepared statement was checked when it was prepared
    CQL_TRY_VOID(CheckStatement(st, ctx));
  }
  auto r = std::visit(
      [&](const auto& body) -> Outcome<ResultMessage> {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, UseStmt>) return ExecUse(body, ctx);
        else if constexpr (std::is_same_v<T, CreateKeyspaceStmt>) return ExecCreateKeyspace(body, ctx);
        else if constexpr (std::is_same_v<T, DropKeyspaceStmt>) return ExecDropKeyspace(body, ctx);
        else if constexpr (std::is_same_v<T, CreateTableStmt>) return ExecCreateTable(body, ctx);
        else if constexpr (std::is_same_v<T, DropTableStmt>) return ExecDropTable(body, ctx);
        else if constexpr (std::is_same_v<T, AlterTableStmt>) return ExecAlterTable(body, ctx);
        else if constexpr (std::is_same_v<T, TruncateStmt>) return ExecTruncate(body, ctx);
        else if constexpr (std::is_same_v<T, InsertStmt>) return ExecInsert(body, ctx);
        else if constexpr (std::is_same_v<T, UpdateStmt>) return ExecUpdate(body, ctx);
        else if constexpr (std::is_same_v<T, DeleteStmt>) return ExecDelete(body, ctx);
        else if constexpr (std::is_same_v<T, SelectStmt>) return ExecSelect(body, ctx);
        else if constexpr (std::is_same_v<T, BatchStmt>) return ExecBatch(body, ctx);
        else if constexpr (std::is_same_v<T, DescribeStmt>) return ExecDescribe(body, ctx);
        else if constexpr (std::is_same_v<T, CreateRoleStmt>) return ExecCreateRole(body, ctx);
        else if constexpr (std::is_same_v<T, AlterRoleStmt>) return ExecAlterRole(body, ctx);
        else if constexpr (std::is_same_v<T, DropRoleStmt>) return ExecDropRole(body, ctx);
        else if constexpr (std::is_same_v<T, ListRolesStmt>) return ExecListRoles(body, ctx);
        else if constexpr (std::is_same_v<T, GrantStmt>) return ExecGrant(body, ctx);
        else if constexpr (std::is_same_v<T, GrantRoleStmt>) return ExecGrantRole(body, ctx);
        else return ExecListPermissions(body, ctx);
      },
      st.body);
  if (r.ok() && r.value().kind == ResultMessage::Kind::kSchemaChange) {
    AfterSchemaChange(st, ctx);  // the creator's permissions, a dropped resource's removed
  }
  // Skip-metadata (flag 0x02, on QUERY and EXECUTE as in Cassandra): Rows without specs.
  if (r.ok() && r.value().kind == ResultMessage::Kind::kRows && o.skip_metadata) {
    r.value().rows.skip_metadata = true;
  }
  return r;
}

Outcome<ResultMessage> Executor::Query(std::string_view cql, QueryOptions o, Session& s) {
  CQL_TRY(Statement st, ParseLimited(cql));
  return Execute(st, o, s);
}

Outcome<ResultMessage> Executor::Prepare(std::string_view cql, Session& s) {
  std::string id = Md5(s.keyspace, cql);
  if (auto p = FindPrepared(id)) {
    ResultMessage r;
    r.kind = ResultMessage::Kind::kPrepared;
    r.prepared = std::make_unique<PreparedResult>(p->meta);
    return r;
  }
  CQL_TRY(Statement st, ParseLimited(cql));
  QueryOptions none;
  ExecContext ctx{this, store_, &s, &none, {}};
  auto p = std::make_shared<Prepared>();
  p->query = std::string(cql);
  p->keyspace = s.keyspace;
  p->meta.id = id;
  CQL_TRY_VOID(CheckStatement(st, ctx));
  CQL_TRY_VOID(InferBindSpecs(st, ctx, &p->meta));
  if (const auto* sel = std::get_if<SelectStmt>(&st.body)) {
    CQL_TRY(p->meta.result_columns, SelectResultSpecs(*sel, ctx));
  }
  p->statement = std::move(st);
  ResultMessage r;
  r.kind = ResultMessage::Kind::kPrepared;
  r.prepared = std::make_unique<PreparedResult>(p->meta);
  CachePrepared(id, std::move(p));
  return r;
}

void Executor::CachePrepared(const std::string& id, std::shared_ptr<const Prepared> p) {
  size_t bytes = EstimateBytes(*p);
  WriterMutexLock lock(mu_);
  auto [it, inserted] = prepared_.try_emplace(id);
  if (!inserted) prepared_bytes_ -= it->second.bytes;  // prepared twice at once
  it->second.prepared = std::move(p);
  it->second.bytes = bytes;
  it->second.last_used.store(NowMs());
  prepared_bytes_ += bytes;
  if (prepared_bytes_ <= options_.prepared_cache_bytes) return;
  // Over the bound: evict from the least recently used. Only a PREPARE of a new statement
  // gets here, and only once the cache is full, so one sort per such PREPARE is fine.
  std::vector<std::pair<uint64_t, const std::string*>> order;
  order.reserve(prepared_.size());
  for (const auto& [key, e] : prepared_) {
    if (key != id) order.emplace_back(e.last_used.load(), &key);
  }
  std::sort(order.begin(), order.end());
  std::vector<std::string> victims;
  size_t left = prepared_bytes_;
  for (const auto& [tick, key] : order) {
    if (left <= options_.prepared_cache_bytes) break;
    left -= prepared_.find(*key)->second.bytes;
    victims.push_back(*key);
  }
  for (const auto& v : victims) {
    auto vit = prepared_.find(v);
    prepared_bytes_ -= vit->second.bytes;
    prepared_.erase(vit);
  }
}

std::shared_ptr<const Prepared> Executor::FindPrepared(std::string_view id) {
  ReaderMutexLock lock(mu_);
  auto it = prepared_.find(id);
  if (it == prepared_.end()) return nullptr;
  // A coarse clock, written only when it moved: a statement every thread executes does not
  // bounce a cache line on each EXECUTE.
  uint64_t now = NowMs();
  if (it->second.last_used.load(std::memory_order_relaxed) != now)
    it->second.last_used.store(now, std::memory_order_relaxed);
  return it->second.prepared;
}

size_t Executor::prepared_count() const {
  ReaderMutexLock lock(mu_);
  return prepared_.size();
}

size_t Executor::prepared_bytes() const {
  ReaderMutexLock lock(mu_);
  return prepared_bytes_;
}

Outcome<ResultMessage> Executor::ExecutePrepared(std::string_view id, QueryOptions o,
                                                 Session& s) {
  auto p = FindPrepared(id);
  if (!p) {
    CqlError e{ErrorCode::kUnprepared, "Prepared query with ID " + Hex(id) +
                                           " not found (either the query was not prepared on this "
                                           "host (maybe the host has been restarted?) or you "
                                           "have prepared too many queries and it has been "
                                           "evicted from the internal cache)"};
    e.prepared_id = std::string(id);
    return e;
  }
  // A prepared statement runs in the keyspace it was prepared in.
  Session ps = s;
  if (!p->keyspace.empty()) ps.keyspace = p->keyspace;
  auto r = Execute(p->statement, o, ps, p.get());
  if (r.ok() && r.value().kind == ResultMessage::Kind::kSetKeyspace) s.keyspace = ps.keyspace;
  return r;
}

Outcome<ResultMessage> Executor::Batch(uint8_t type, const std::vector<BatchItem>& items,
                                       const QueryOptions& options, Session& s) {
  // The same path as BEGIN ... APPLY BATCH (exec/batch.cc): plan every statement, then one
  // atomic store write, for every batch type.
  const BatchStmt::Type batch_type = type == 2   ? BatchStmt::Type::kCounter
                                     : type == 1 ? BatchStmt::Type::kUnlogged
                                                 : BatchStmt::Type::kLogged;
  std::vector<Mutation> all;
  std::vector<std::shared_ptr<const Prepared>> keep;
  std::deque<QueryOptions> item_options;
  for (const auto& item : items) {
    Statement parsed;
    const Statement* st = nullptr;
    Session ps = s;
    if (item.prepared) {
      auto p = FindPrepared(item.query_or_id);
      if (!p) {
        CqlError e{ErrorCode::kUnprepared, "Prepared query not found in batch"};
        e.prepared_id = item.query_or_id;
        return e;
      }
      if (!p->keyspace.empty()) ps.keyspace = p->keyspace;
      keep.push_back(p);
      st = &p->statement;
    } else {
      CQL_TRY(parsed, ParseLimited(item.query_or_id));
      st = &parsed;
    }
    // Kept until the batch is applied: planned INSERTs point into their bound values.
    QueryOptions& o = item_options.emplace_back(options);
    o.values = item.values;
    o.names.clear();
    if (o.values.size() < size_t(st->bind_count)) {
      return CqlError::Invalid("There were " + std::to_string(st->bind_count) +
                               " markers(?) in CQL but " + std::to_string(o.values.size()) +
                               " bound variables");
    }
    ExecContext ctx{this, store_, &ps, &o, BindValues{&o.values}};
    CQL_TRY_VOID(AuthorizeStatement(*st, ctx));
    CQL_TRY_VOID(PlanBatchMember(*st, nullptr, ctx, &all));
  }
  ExecContext ctx{this, store_, &s, &options, {}};
  return CommitBatch(batch_type, all, ctx);
}

}  // namespace kappa::cql
