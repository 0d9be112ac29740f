// RowSink: the output seam of a job, where the rows converted from its records go. Private to
// src/stream; chosen by the job's `sink:` (JobConfig::sink).
//
//   embedded   (NewStoreRowSink) the rows are added to the partition's commit write, the
//              store write that also carries the consumed offsets: exactly once.
//   cassandra  (NewCassandraRowSink, cassandra_sink.h) the rows are held and written to the
//              external cluster by Flush, which returns once every one is acknowledged; only
//              then are the offsets committed: at least once, idempotent by primary key.
//
// The job's PartitionCommitter (job_core.h) drives one RowWriter per partition: Add for each
// record of a batch, Flush before the commit write, Clear after it (or on Discard).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/store.h"
#include "stream/job_config.h"

namespace kappa::avro {
class Codec;
}

namespace kappa::stream {

// One partition's writer. Not thread-safe: the partition's thread only.
class RowWriter {
 public:
  virtual ~RowWriter() = default;
  // Converts one record value (a JSON object) by the table's schema and adds the row to the
  // batch: into `commit` (the store write that will carry the offsets) or held for Flush.
  // An error (a value that is not a row of the table) makes the record a dead letter; nothing
  // of it is in the batch then.
  virtual Status Add(std::string_view value, store::WriteBatch* commit) = 0;
  // The same for an Avro record: the payload of a wire-format value written with `codec`.
  virtual Status AddAvro(const avro::Codec& codec, std::string_view payload,
                         store::WriteBatch* commit) = 0;
  // Before the commit write: makes the batch's rows durable where they go. Errors stop the
  // job with nothing of the batch committed; `stop` set while retrying: Aborted.
  virtual Status Flush(const std::atomic<bool>& stop) = 0;
  // Forgets the rows held for the batch (after its commit, or when it is discarded).
  virtual void Clear() = 0;
};

// One per job, shared by its partitions. NewWriter is thread-safe; so are the writers of
// different partitions used at once.
class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual std::unique_ptr<RowWriter> NewWriter() = 0;
};

// The embedded store: rows with `ttl_seconds` (0: none) go into the commit write.
std::unique_ptr<RowSink> NewStoreRowSink(std::shared_ptr<const store::TableSchema> table,
                                         int64_t ttl_seconds);
// The sink of `config` (embedded or cassandra) for its table. Cassandra: connects and
// prepares (errors as CassandraSink::Open).
Result<std::unique_ptr<RowSink>> NewRowSink(const JobConfig& config,
                                            std::shared_ptr<const store::TableSchema> table);

}  // namespace kappa::stream
