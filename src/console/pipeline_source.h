// Part of console/console.h (include that): what the Jobs and Tables pages read and change.
// Implemented by the app over the pipeline's streaming jobs and the store
// (src/app/console_pipeline_source.cc); tests implement it with fakes. Owner: the pipeline
// pages. Plain values only (no store or stream types), so the console needs neither.
//
// Thread safety: every method may be called from several HTTP handler threads at once.
// Errors: NotFound for an unknown job, keyspace, table or dead-letter partition;
// InvalidArgument for bad input (a malformed cursor, a CQL syntax error: its message is the
// server's); NotSupported or Unavailable for a replay this process cannot do (a job on an
// external Kafka cluster; kappa up starting or stopping): the API answers 409; the
// underlying error otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kappa::console {

// ---- jobs ---------------------------------------------------------------------------------

struct JobPartition {
  int32_t partition = 0;
  std::optional<int64_t> committed;  // next offset to consume; nullopt: never committed
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  int64_t lag = 0;
  uint64_t stored = 0;        // rows from this partition, all runs
  uint64_t dead_letters = 0;  // dead letters from this partition, all runs
};

struct JobInfo {
  std::string name;
  std::string topic;
  std::string table;  // keyspace.table
  std::string group;
  std::string dead_letter_topic;
  // "running", "stopped" (ended without error, e.g. drained) or "failed" (`error` says why).
  std::string state;
  std::string error;
  // This process's counters (monotonic while `kappa up` runs).
  uint64_t consumed = 0;
  uint64_t stored = 0;
  uint64_t dead_letters = 0;
  uint64_t commits = 0;
  int64_t lag = 0;  // sum over partitions
  // Per partition, from the committed offsets (GetJob only; empty in ListJobs).
  std::vector<JobPartition> partitions;
};

// A record of a job's dead-letter topic: unchanged key and value of the failed record, and
// the headers saying why (error, source.topic, source.partition, source.offset, job).
struct DeadLetter {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = 0;
  std::optional<std::string> key;    // nullopt: null
  std::optional<std::string> value;  // nullopt: null
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

struct DeadLetterPage {
  int32_t partition = 0;
  int32_t partitions = 0;  // of the dead-letter topic
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  std::vector<DeadLetter> items;
  std::optional<int64_t> next_offset;  // nullopt: the page reached the end
};

// Where a replay moves a job's committed offsets (as `kappa jobs reset`).
struct ReplayTarget {
  enum class Kind { kEarliest, kLatest, kOffset, kTimestamp } kind = Kind::kEarliest;
  int64_t value = 0;                  // the offset, or the time in ms
  std::optional<int32_t> partition;  // nullopt: every partition
};

// ---- tables -------------------------------------------------------------------------------

struct ColumnInfo {
  std::string name;
  std::string type;  // as CQL writes it: "text", "map<text, int>"
  // "partition_key", "clustering", "static" or "regular" (system_schema.columns' kind).
  std::string kind;
};

struct TableInfo {
  std::string keyspace;
  std::string name;
  std::vector<ColumnInfo> columns;
  std::string ddl;  // CREATE TABLE ... as DESCRIBE prints it
};

struct KeyspaceInfo {
  std::string name;
  std::string ddl;  // CREATE KEYSPACE ...
  std::vector<std::string> tables;  // sorted
};

// Cells as cqlsh prints them (Value::ToString); nullopt = null.
using Cells = std::vector<std::optional<std::string>>;

// A page of rows: `cursor` (opaque text, URL-safe) resumes after its last row; empty when
// the page reached the end.
struct RowPage {
  std::vector<ColumnInfo> columns;
  std::vector<Cells> rows;
  std::string cursor;
};

// What a CQL statement of the query box returned.
struct QueryResult {
  // "rows", "void", "set_keyspace" or "schema_change".
  std::string kind;
  RowPage page;          // kind == "rows"
  std::string keyspace;  // the session's keyspace after the statement (USE)
  std::string message;   // a line for the other kinds: "CREATED TABLE ks.t"
};

class PipelineSource {
 public:
  virtual ~PipelineSource() = default;

  // The pipeline's jobs, sorted by name.
  virtual Result<std::vector<JobInfo>> ListJobs() = 0;
  virtual Result<JobInfo> GetJob(std::string_view name) = 0;
  // Up to `limit` records of one partition of the job's dead-letter topic from `from_offset`
  // (clamped to the partition's start; nullopt: the start).
  virtual Result<DeadLetterPage> DeadLetters(std::string_view job, int32_t partition,
                                             std::optional<int64_t> from_offset,
                                             int32_t limit) = 0;
  // `kappa jobs reset` on a job of this process: stops it (its current batch commits), moves
  // its committed offsets, starts it again. Returns the job after.
  virtual Result<JobInfo> ReplayJob(std::string_view name, const ReplayTarget& target) = 0;

  // Keyspaces with their tables, sorted by name (system keyspaces included).
  virtual Result<std::vector<KeyspaceInfo>> ListKeyspaces() = 0;
  virtual Result<TableInfo> GetTable(std::string_view keyspace, std::string_view table) = 0;
  // Up to `limit` rows in token order from `cursor` (empty: the first page). Each page is a
  // resumed scan, so a page deep into a large table costs as much as the first.
  virtual Result<RowPage> BrowseRows(std::string_view keyspace, std::string_view table,
                                     std::string_view cursor, int32_t limit) = 0;
  // One CQL statement as cqlsh would run it, in session keyspace `keyspace` (may be empty);
  // a SELECT's rows are paged by `limit` and `cursor` (the previous page's). InvalidArgument
  // with the server's message for a statement the server refuses.
  virtual Result<QueryResult> Query(std::string_view statement, std::string_view keyspace,
                                    std::string_view cursor, int32_t limit) = 0;
};

}  // namespace kappa::console
