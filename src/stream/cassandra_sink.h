// CassandraSink: a job's `sink: {type: cassandra}` (docs/formats/config.md, "Sinks"). Writes
// the rows the job converted to an external Cassandra cluster (or another kappa) through the
// CQL client (cql/cql.h): one prepared INSERT per row, token-aware, with at most
// max_in_flight requests outstanding for the whole job. Rows that share a partition (tables
// with clustering columns) go together as one UNLOGGED BATCH of up to batch_rows INSERTs.
//
// Contract with PartitionWorker: Write() returns OK only once every row it was given is
// acknowledged by the cluster; the worker commits the batch's offsets (store metadata) only
// after that. So a row is never lost; after a failure or crash the uncommitted batch is
// written again, which is harmless because INSERT is an upsert keyed by the primary key
// (at-least-once delivery, idempotent result).
//
// Thread safety: Write() may be called from every partition worker at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/status.h"
#include "store/store.h"
#include "stream/job_config.h"

namespace kappa::cql {
class Client;
struct PreparedStatement;
}  // namespace kappa::cql

namespace kappa::stream {

class CassandraSink {
 public:
  // Connects to the cluster, creates the keyspace and the table when missing (IF NOT EXISTS,
  // from the config's schema), prepares the INSERT and checks that the remote table's
  // columns have the config's types. Unavailable when no contact point answers;
  // InvalidArgument for bad credentials or a remote table of another shape.
  static Result<std::unique_ptr<CassandraSink>> Open(
      const std::string& job, const CassandraSinkConfig& config,
      std::shared_ptr<const store::TableSchema> table, int64_t ttl_seconds);
  ~CassandraSink();

  // What the embedded store would reject, checked before a row joins a batch (such records
  // become dead letters, as with the embedded sink): wrong arity, a null key column, a value
  // of the wrong type.
  Status Check(const store::Row& row) const;

  // Writes `rows` (schema column order) and returns once every one is acknowledged. Rows
  // with the same primary key: only the last is sent (it replaces the earlier ones anyway).
  // Retryable failures (connection lost, no live host, overloaded, timeouts) are retried
  // with backoff (100 ms doubling to 5 s) for retry_for; then Unavailable. Other errors
  // (the cluster rejects the statement) at once. `stop` set while retrying: Aborted.
  Status Write(const std::vector<store::Row>& rows, const std::atomic<bool>& stop);

  const std::string& target() const { return target_; }  // "ks.table at host:port,..."

 private:
  CassandraSink() = default;
  struct Round;
  // Below Cassandra's default batch_size_fail_threshold (50 KiB).
  static constexpr size_t kMaxBatchBytes = 40 * 1024;
  // The rows of `which`, in order, as send units: rows of one partition together (up to
  // batch_rows rows and about kMaxBatchBytes), every other row alone.
  std::vector<std::vector<size_t>> GroupByPartition(const std::vector<store::Row>& rows,
                                                    const std::vector<size_t>& which) const;
  // Sends units[u] for u in `which`; returns the units that failed retryably.
  std::vector<size_t> SendAll(const std::vector<store::Row>& rows,
                              const std::vector<std::vector<size_t>>& units,
                              const std::vector<size_t>& which, Status* retry_error, Status* fatal);

  std::string job_;
  CassandraSinkConfig config_;
  std::shared_ptr<const store::TableSchema> table_;
  std::unique_ptr<cql::Client> client_;
  std::shared_ptr<cql::PreparedStatement> insert_;
  std::string target_;
  Mutex mu_;
  CondVar slot_cv_;
  int in_flight_ GUARDED_BY(mu_) = 0;  // requests outstanding, <= config_.max_in_flight
  std::atomic<int64_t> batches_sent_{0};
  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> rows_acked_{0};
};

}  // namespace kappa::stream
