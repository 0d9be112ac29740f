// The two row sinks: the embedded store (rows in the commit write) and Cassandra (rows
// written and acknowledged before the commit). See row_sink.h.
#include "stream/row_sink.h"

#include <span>
#include <vector>

#include "stream/cassandra_sink.h"
#include "stream/row_converter.h"

namespace kappa::stream {
namespace {

class StoreRowWriter final : public RowWriter {
 public:
  StoreRowWriter(std::shared_ptr<const store::TableSchema> table, int64_t ttl_seconds)
      : table_(table), converter_(std::move(table)) {
    wopts_.ttl_seconds = static_cast<int32_t>(ttl_seconds);
  }

  Status Add(std::string_view value, store::WriteBatch* commit) override {
    if (converter_.native_ok()) {
      // The embedded store takes the record's text as parsed, without building Values.
      RETURN_IF_ERROR(converter_.ConvertNative(value, &row_, &cells_));
      return commit->UpsertNative(
          *table_, std::span<const store::Value>(row_).first(table_->primary_key_size()),
          cells_, wopts_);
    }
    RETURN_IF_ERROR(converter_.Convert(value, &row_));
    return commit->Upsert(*table_, row_, wopts_);
  }
  Status AddAvro(const avro::Codec& codec, std::string_view payload,
                 store::WriteBatch* commit) override {
    if (converter_.native_ok()) {
      RETURN_IF_ERROR(converter_.ConvertAvro(codec, payload, &row_, &cells_));
      return commit->UpsertNative(
          *table_, std::span<const store::Value>(row_).first(table_->primary_key_size()),
          cells_, wopts_);
    }
    RETURN_IF_ERROR(converter_.ConvertAvro(codec, payload, &row_, nullptr));
    return commit->Upsert(*table_, row_, wopts_);
  }
  Status Flush(const std::atomic<bool>&) override { return Status::OK(); }  // in the commit
  void Clear() override {}

 private:
  std::shared_ptr<const store::TableSchema> table_;
  RowConverter converter_;
  store::Row row_;
  std::vector<store::NativeCell> cells_;  // the regular columns on the native path
  store::WriteOptions wopts_;
};

class StoreRowSink final : public RowSink {
 public:
  StoreRowSink(std::shared_ptr<const store::TableSchema> table, int64_t ttl_seconds)
      : table_(std::move(table)), ttl_seconds_(ttl_seconds) {}
  std::unique_ptr<RowWriter> NewWriter() override {
    return std::make_unique<StoreRowWriter>(table_, ttl_seconds_);
  }

 private:
  std::shared_ptr<const store::TableSchema> table_;
  int64_t ttl_seconds_;
};

class CassandraRowWriter final : public RowWriter {
 public:
  CassandraRowWriter(CassandraSink* sink, std::shared_ptr<const store::TableSchema> table)
      : sink_(sink), converter_(std::move(table)) {}

  Status Add(std::string_view value, store::WriteBatch*) override {
    RETURN_IF_ERROR(converter_.Convert(value, &row_));
    return Hold();
  }
  Status AddAvro(const avro::Codec& codec, std::string_view payload,
                 store::WriteBatch*) override {
    RETURN_IF_ERROR(converter_.ConvertAvro(codec, payload, &row_, nullptr));
    return Hold();
  }
  Status Hold() {
    RETURN_IF_ERROR(sink_->Check(row_));
    rows_.push_back(std::move(row_));  // the next conversion rebuilds row_
    return Status::OK();
  }
  // The cluster acknowledges every row before the offsets may move (at-least-once).
  Status Flush(const std::atomic<bool>& stop) override {
    if (rows_.empty()) return Status::OK();
    return sink_->Write(rows_, stop);
  }
  void Clear() override { rows_.clear(); }

 private:
  CassandraSink* sink_;
  RowConverter converter_;
  store::Row row_;
  std::vector<store::Row> rows_;  // the batch's rows
};

class CassandraRowSink final : public RowSink {
 public:
  CassandraRowSink(std::unique_ptr<CassandraSink> sink,
                   std::shared_ptr<const store::TableSchema> table)
      : sink_(std::move(sink)), table_(std::move(table)) {}
  std::unique_ptr<RowWriter> NewWriter() override {
    return std::make_unique<CassandraRowWriter>(sink_.get(), table_);
  }

 private:
  std::unique_ptr<CassandraSink> sink_;  // thread-safe: every partition writes through it
  std::shared_ptr<const store::TableSchema> table_;
};

}  // namespace

std::unique_ptr<RowSink> NewStoreRowSink(std::shared_ptr<const store::TableSchema> table,
                                         int64_t ttl_seconds) {
  return std::make_unique<StoreRowSink>(std::move(table), ttl_seconds);
}

Result<std::unique_ptr<RowSink>> NewRowSink(const JobConfig& config,
                                            std::shared_ptr<const store::TableSchema> table) {
  switch (config.sink.type) {
    case SinkConfig::Type::kEmbedded: return NewStoreRowSink(std::move(table), config.ttl_seconds);
    case SinkConfig::Type::kCassandra: {
      ASSIGN_OR_RETURN(std::unique_ptr<CassandraSink> sink,
                       CassandraSink::Open(config.name, config.sink.cassandra, table,
                                           config.ttl_seconds));
      return std::unique_ptr<RowSink>(
          std::make_unique<CassandraRowSink>(std::move(sink), std::move(table)));
    }
  }
  return Status::Internal("unknown sink type");
}

}  // namespace kappa::stream
