// SchemaLog over the embedded log (src/log): the topic's one partition. Sync fsyncs that
// partition (Partition::Flush), whatever the log's flush policy, so a power loss never loses
// an acknowledged registration; only `_schemas`, not every partition of the log (with 64
// pipeline partitions an all-partition Log::Flush made registrations 3x slower; README).
// Under the every-append policy the append itself already fsynced and Sync does nothing.
#include <fmt/format.h>

#include "log/log.h"
#include "registry/schema_log.h"

namespace kappa::registry {

namespace {

class EmbeddedSchemaLog final : public SchemaLog {
 public:
  EmbeddedSchemaLog(log::Log* log, log::Partition* p) : log_(log), p_(p) {}

  Result<int64_t> Append(const std::vector<SchemaLogRecord>& records) override {
    std::vector<log::Record> batch;
    batch.reserve(records.size());
    for (const auto& r : records) {
      log::Record rec;
      rec.key = r.key;
      rec.value = r.value;
      batch.push_back(std::move(rec));
    }
    ASSIGN_OR_RETURN(log::AppendResult res, p_->Append(batch));
    return res.last_offset.value();
  }

  Status Sync() override {
    if (log_->options().flush == log::FlushPolicy::kEveryAppend) return Status::OK();
    return p_->Flush();
  }

  Result<int64_t> ReadFrom(int64_t from, const Visitor& fn) override {
    Offset next(from);
    Offset end = p_->EndOffset();
    if (next < p_->StartOffset()) next = p_->StartOffset();
    while (next < end) {
      auto r = p_->VisitRecords(
          next, 10'000,
          [&](const log::RecordView& v) {
            fn(v.offset.value(), v.key.value_or(std::string_view()), v.value);
            return true;
          },
          4 << 20);
      if (!r.ok()) return r.status();
      if (*r <= next) break;  // nothing decodable (cannot happen below the end offset)
      next = *r;
    }
    return next.value();
  }

  void WaitForData(int64_t next, std::chrono::milliseconds timeout) override {
    // Partition::WaitForData waits for EndOffset() > its argument: a record at `next`.
    p_->WaitForData(Offset(next), std::chrono::steady_clock::now() + timeout);
  }

 private:
  log::Log* log_;
  log::Partition* p_;
};

}  // namespace

Result<std::unique_ptr<SchemaLog>> OpenEmbeddedSchemaLog(log::Log* log, const std::string& topic) {
  if (!log->TopicExists(topic)) {
    log::TopicConfig c;
    c.retention_ms = -1;
    c.retention_bytes = -1;
    c.extra["cleanup.policy"] = "compact";
    Status s = log->CreateTopic(topic, 1, c);
    if (!s.ok() && !s.IsAlreadyExists()) return s.WithContext("creating the registry topic");
  }
  ASSIGN_OR_RETURN(auto desc, log->DescribeTopic(topic));
  if (desc.partitions.size() != 1) {
    return Status::InvalidArgument(fmt::format(
        "the registry topic {} has {} partitions; it needs exactly 1 (one order of records)",
        topic, desc.partitions.size()));
  }
  ASSIGN_OR_RETURN(log::Partition * p, log->GetPartition(topic, PartitionId(0)));
  return std::unique_ptr<SchemaLog>(new EmbeddedSchemaLog(log, p));
}

}  // namespace kappa::registry
