#include "stream/cassandra_sink.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>
#include <unordered_map>

#include "common/logging.h"
#include "cql/client.h"
#include "security/security.h"

namespace kappa::stream {
namespace {

// The keyspace and table statements come from the store's one schema renderer
// (store/schema_cql.cc), with IF NOT EXISTS and the sink's keyspace.
std::string CreateKeyspaceCql(const std::string& ks, const std::map<std::string, std::string>& repl) {
  store::KeyspaceSchema k;
  k.name = ks;
  k.replication = repl;
  if (k.replication.empty()) k.replication = {{"class", "SimpleStrategy"}, {"replication_factor", "1"}};
  return k.ToCql(/*if_not_exists=*/true);
}

std::string CreateTableCql(const std::string& ks, const store::TableSchema& t) {
  store::TableSchema::CqlFormat f;
  f.if_not_exists = true;
  f.keyspace = ks;
  return t.ToCql(f);
}

std::string Quoted(const std::string& name) { return store::QuoteCqlIdentifier(name); }

std::string InsertCql(const std::string& ks, const store::TableSchema& t, int64_t ttl_seconds) {
  std::string cols, marks;
  for (const auto& c : t.columns) {
    cols += (cols.empty() ? "" : ", ") + Quoted(c.name);
    marks += marks.empty() ? "?" : ", ?";
  }
  std::string q = fmt::format("INSERT INTO {}.{} ({}) VALUES ({})", Quoted(ks), Quoted(t.name),
                              cols, marks);
  if (ttl_seconds > 0) q += fmt::format(" USING TTL {}", ttl_seconds);
  return q;
}

// Worth retrying: the cluster (or the way to it) may come back.
bool Retryable(const Status& s) {
  return s.IsUnavailable() || s.code() == Status::Code::kTimedOut ||
         s.code() == Status::Code::kIOError || s.code() == Status::Code::kAborted;
}

}  // namespace

// The completion state of one SendAll round.
struct CassandraSink::Round {
  Mutex mu;
  CondVar done_cv;
  size_t remaining GUARDED_BY(mu) = 0;
  std::vector<size_t> failed GUARDED_BY(mu);  // retryable failures
  Status retry_error GUARDED_BY(mu);  // the first retryable error
  Status fatal GUARDED_BY(mu);  // the first non-retryable error
};

CassandraSink::~CassandraSink() {
  if (!client_) return;
  client_->Close();
  KLOG_INFO("job {}: Cassandra sink {}: {} rows acknowledged in {} requests ({} of them "
            "UNLOGGED BATCHes of one partition)", job_, target_, rows_acked_.load(),
            requests_.load(), batches_sent_.load());
}

Result<std::unique_ptr<CassandraSink>> CassandraSink::Open(
    const std::string& job, const CassandraSinkConfig& config,
    std::shared_ptr<const store::TableSchema> table, int64_t ttl_seconds) {
  std::unique_ptr<CassandraSink> s(new CassandraSink());
  s->job_ = job;
  s->config_ = config;
  s->table_ = table;
  std::string cps;
  for (const auto& cp : config.contact_points) cps += (cps.empty() ? "" : ",") + cp;
  s->target_ = fmt::format("{}.{} at {}", config.keyspace, table->name, cps);
  auto context = [&](std::string_view what) {
    return fmt::format("job {}: Cassandra sink {}: {}", job, s->target_, what);
  };

  cql::ClientOptions o;
  o.contact_points = config.contact_points;
  o.username = config.username;
  o.password = config.password;
  o.connections_per_host = config.connections_per_host;
  o.local_datacenter = config.local_datacenter;
  o.request_timeout_ms = int(config.request_timeout_ms);
  ASSIGN_OR_RETURN(o.consistency, cql::ParseConsistency(config.consistency));
  if (config.tls) {
    auto tls = security::MakeClientTlsContext({config.tls_ca, config.tls_cert, config.tls_key});
    if (!tls.ok()) return tls.status().WithContext(context("tls"));
    o.tls = std::move(tls).value();
  }
  auto client = cql::Client::Connect(o);
  if (!client.ok()) return client.status().WithContext(context("connecting"));
  s->client_ = std::move(client).value();

  auto run = [&](const std::string& q, std::string_view what) -> Status {
    auto r = s->client_->Query(q);
    return r.ok() ? Status::OK() : r.status().WithContext(context(what));
  };
  RETURN_IF_ERROR(run(CreateKeyspaceCql(config.keyspace, config.replication), "creating the keyspace"));
  RETURN_IF_ERROR(run(CreateTableCql(config.keyspace, *table), "creating the table"));
  auto p = s->client_->Prepare(InsertCql(config.keyspace, *table, ttl_seconds));
  if (!p.ok()) return p.status().WithContext(context("preparing the INSERT"));
  s->insert_ = std::move(p).value();

  // The table may have existed with another shape: compare what the cluster binds.
  const auto& bind = s->insert_->bind_columns;
  if (bind.size() != table->columns.size()) {
    return Status::InvalidArgument(context(fmt::format(
        "the remote INSERT binds {} columns, the config's table has {}", bind.size(),
        table->columns.size())));
  }
  for (size_t i = 0; i < bind.size(); ++i) {
    const auto& want = table->columns[i];
    if (!bind[i].name.empty() && !(bind[i].type == want.type)) {
      return Status::InvalidArgument(context(fmt::format(
          "the remote table has column {} of type {}, the config says {}; use another table "
          "or keyspace name in the config, or fix the remote table",
          want.name, bind[i].type.ToString(), want.type.ToString())));
    }
  }
  KLOG_INFO("job {}: writing rows to Cassandra table {} ({} host(s), consistency {}, max {} "
            "in flight)", job, s->target_, s->client_->hosts().size(), config.consistency,
            config.max_in_flight);
  return s;
}

Status CassandraSink::Check(const store::Row& row) const {
  const store::TableSchema& t = *table_;
  if (row.size() != t.columns.size()) {
    return Status::InvalidArgument(fmt::format("row has {} values, the table has {} columns",
                                               row.size(), t.columns.size()));
  }
  for (size_t i = 0; i < row.size(); ++i) {
    const auto& c = t.columns[i];
    if (c.kind != store::ColumnKind::kRegular && c.kind != store::ColumnKind::kStatic &&
        !row[i].is_set()) {
      return Status::InvalidArgument(fmt::format("key column {} is null", c.name));
    }
    RETURN_IF_ERROR(store::CheckValue(c.type, row[i]).WithContext("column " + c.name));
  }
  // Cassandra refuses an empty partition key ("Key may not be empty"), e.g. text ''.
  if (t.partition_key_size() == 1 && store::SerializePartitionKey({row[0]}).empty()) {
    return Status::InvalidArgument(fmt::format("partition key {} is empty", t.columns[0].name));
  }
  return Status::OK();
}

std::vector<std::vector<size_t>> CassandraSink::GroupByPartition(
    const std::vector<store::Row>& rows, const std::vector<size_t>& which) const {
  std::vector<std::vector<size_t>> units;
  units.reserve(which.size());
  const size_t pk_size = table_->partition_key_size();
  if (config_.batch_rows <= 1 || table_->primary_key_size() == pk_size) {
    // One row per partition (or batching off): every row is its own EXECUTE.
    for (size_t i : which) units.push_back({i});
    return units;
  }
  struct Open {
    size_t unit;
    size_t bytes;
  };
  std::unordered_map<std::string, Open> open;
  std::vector<store::Value> key;
  for (size_t i : which) {
    key.assign(rows[i].begin(), rows[i].begin() + long(pk_size));
    const size_t bytes = cql::BoundValuesSize(rows[i]);
    auto [it, fresh] = open.try_emplace(store::SerializePartitionKey(key), Open{units.size(), 0});
    Open& o = it->second;
    if (!fresh && (units[o.unit].size() >= size_t(config_.batch_rows) ||
                   o.bytes + bytes > kMaxBatchBytes)) {
      o = Open{units.size(), 0};
      fresh = true;
    }
    if (fresh) units.emplace_back();
    units[o.unit].push_back(i);
    o.bytes += bytes;
  }
  return units;
}

std::vector<size_t> CassandraSink::SendAll(const std::vector<store::Row>& rows,
                                           const std::vector<std::vector<size_t>>& units,
                                           const std::vector<size_t>& which, Status* retry_error,
                                           Status* fatal) {
  auto round = std::make_shared<Round>();
  {
    MutexLock l(round->mu);  // not shared yet: uncontended, and checked like the rest
    round->remaining = which.size();
  }
  const int max_in_flight = config_.max_in_flight;
  for (size_t u : which) {
    {
      MutexLock l(mu_);
      slot_cv_.wait(l, [&]() REQUIRES(mu_) { return in_flight_ < max_in_flight; });
      ++in_flight_;
    }
    // The callback runs on a client I/O thread (or here, when no host is live).
    requests_.fetch_add(1, std::memory_order_relaxed);
    auto done = [this, round, u, n = units[u].size()](Result<cql::ClientResult> r) {
      {
        MutexLock l(mu_);
        --in_flight_;
      }
      if (r.ok()) rows_acked_.fetch_add(int64_t(n), std::memory_order_relaxed);
      slot_cv_.notify_one();
      MutexLock l(round->mu);
      if (!r.ok()) {
        if (Retryable(r.status())) {
          round->failed.push_back(u);
          if (round->retry_error.ok()) round->retry_error = r.status();
        } else if (round->fatal.ok()) {
          round->fatal = r.status();
        }
      }
      if (--round->remaining == 0) round->done_cv.notify_all();
    };
    const std::vector<size_t>& unit = units[u];
    if (unit.size() == 1) {
      client_->ExecuteAsync(insert_, rows[unit[0]], std::move(done));
    } else {
      // Rows of one partition: one UNLOGGED BATCH, applied atomically by the partition's
      // replicas (no batch log needed within a partition).
      std::vector<cql::BatchStatement> b;
      b.reserve(unit.size());
      for (size_t i : unit) b.push_back({insert_, rows[i]});
      batches_sent_.fetch_add(1, std::memory_order_relaxed);
      client_->BatchAsync(cql::BatchType::kUnlogged, std::move(b), std::move(done));
    }
  }
  MutexLock l(round->mu);
  round->done_cv.wait(l, [&]() REQUIRES(round->mu) { return round->remaining == 0; });
  *retry_error = round->retry_error;
  *fatal = round->fatal;
  return std::move(round->failed);
}

Status CassandraSink::Write(const std::vector<store::Row>& rows, const std::atomic<bool>& stop) {
  // The last row of each primary key (a later INSERT of the same key overwrites every
  // column of the earlier one, so only the last matters, and it must not race the earlier).
  const size_t key_size = table_->primary_key_size();
  std::unordered_map<std::string, size_t> last;
  last.reserve(rows.size());
  std::vector<std::string> keys(rows.size());
  std::vector<store::Value> key;
  for (size_t i = 0; i < rows.size(); ++i) {
    key.assign(rows[i].begin(), rows[i].begin() + long(key_size));
    keys[i] = store::SerializePartitionKey(key);
    last[keys[i]] = i;
  }
  std::vector<size_t> latest;
  latest.reserve(last.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (last[keys[i]] == i) latest.push_back(i);
  }
  const std::vector<std::vector<size_t>> units = GroupByPartition(rows, latest);
  std::vector<size_t> pending(units.size());
  for (size_t u = 0; u < units.size(); ++u) pending[u] = u;
  auto rows_of = [&](const std::vector<size_t>& us) {
    size_t n = 0;
    for (size_t u : us) n += units[u].size();
    return n;
  };

  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(config_.retry_for_ms);
  auto backoff = std::chrono::milliseconds(100);
  for (;;) {
    Status retry_error, fatal;
    std::vector<size_t> failed = SendAll(rows, units, pending, &retry_error, &fatal);
    if (!fatal.ok()) {
      return fatal.WithContext(fmt::format(
          "job {}: the Cassandra sink {} rejected a row; the batch's offsets were not advanced",
          job_, target_));
    }
    if (failed.empty()) return Status::OK();
    if (stop.load()) {
      return Status::Aborted(fmt::format(
          "job {}: stopped while {} rows were not yet acknowledged by {} ({}); the batch's "
          "offsets were not advanced, the next run writes it again",
          job_, rows_of(failed), target_, retry_error.ToString()));
    }
    if (Clock::now() + backoff > deadline) {
      return Status::Unavailable(fmt::format(
          "job {}: the Cassandra sink {} did not acknowledge {} of {} rows after retrying for "
          "{} ms (sink.retry_for): {}. The batch's offsets were not advanced: start the job "
          "again when the cluster is reachable (rows already written are overwritten with "
          "the same values)", job_, target_, rows_of(failed), rows_of(pending),
          config_.retry_for_ms, retry_error.ToString()));
    }
    KLOG_WARN("job {}: {} of {} rows not acknowledged by {} ({}); retrying in {} ms", job_,
              rows_of(failed), rows_of(pending), target_, retry_error.ToString(), backoff.count());
    for (auto until = Clock::now() + backoff; Clock::now() < until && !stop.load();) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
    pending = std::move(failed);
  }
}

}  // namespace kappa::stream
