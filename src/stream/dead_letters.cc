#include "stream/dead_letters.h"

#include <charconv>

#include "common/logging.h"

namespace kappa::stream {

DeadLetters::DeadLetters(log::Partition* dlq, std::string job, std::string topic,
                         PartitionId source)
    : dlq_(dlq),
      dlq_topic_(dlq->topic()),
      job_(std::move(job)),
      topic_(std::move(topic)),
      source_(source),
      source_partition_text_(std::to_string(source.value())) {}

DeadLetters::DeadLetters(connect::RecordSink* sink, std::string dlq_topic, std::string job,
                         std::string topic, PartitionId source)
    : sink_(sink),
      dlq_topic_(std::move(dlq_topic)),
      job_(std::move(job)),
      topic_(std::move(topic)),
      source_(source),
      source_partition_text_(std::to_string(source.value())) {}

Status DeadLetters::Recover(int64_t dlq_end, Offset committed) {
  already_written_.clear();
  if (dlq_end < 0 || !dlq_) return Status::OK();
  Offset from(std::max(dlq_end, dlq_->StartOffset().value()));
  while (from < dlq_->EndOffset()) {
    auto next = dlq_->VisitRecords(from, 10'000, [&](const log::RecordView& r) {
      std::string_view job, topic, partition, offset;
      for (const auto& h : r.headers) {
        if (!h.value) continue;
        if (h.key == "job") job = *h.value;
        else if (h.key == "source.topic") topic = *h.value;
        else if (h.key == "source.partition") partition = *h.value;
        else if (h.key == "source.offset") offset = *h.value;
      }
      int64_t o = -1;
      std::from_chars(offset.data(), offset.data() + offset.size(), o);
      if (job == job_ && topic == topic_ && partition == source_partition_text_ &&
          o >= committed.value()) {
        already_written_.insert(o);
      }
      return true;
    });
    if (!next.ok()) return next.status().WithContext("scanning dead-letter topic " + dlq_->topic());
    if (*next <= from) break;
    from = *next;
  }
  if (!already_written_.empty()) {
    KLOG_INFO("job {}: {} dead letters of {}/{} were written before a crash; not writing them again",
              job_, already_written_.size(), topic_, source_.value());
  }
  return Status::OK();
}

void DeadLetters::Add(Offset offset, std::optional<std::string_view> key,
                      std::optional<std::string_view> value, TimestampMs ts,
                      std::string_view error) {
  if (already_written_.erase(offset.value())) return;
  log::Record r;
  if (key) r.key = std::string(*key);
  if (value) r.value = std::string(*value);
  r.timestamp = ts;
  r.headers = {
      {"error", std::string(error)},
      {"source.topic", topic_},
      {"source.partition", source_partition_text_},
      {"source.offset", std::to_string(offset.value())},
      {"job", job_},
  };
  pending_.push_back(std::move(r));
}

Status DeadLetters::Flush() {
  if (pending_.empty()) return Status::OK();
  if (sink_) {
    std::vector<connect::SinkHeader> headers;
    std::vector<connect::SinkRecord> records;
    size_t total = 0;
    for (const log::Record& r : pending_) total += r.headers.size();
    headers.reserve(total);  // no reallocation: records point into it
    for (const log::Record& r : pending_) {
      size_t first = headers.size();
      for (const log::Header& h : r.headers) {
        // Views into pending_ (no temporaries: the sink reads them in AppendBatch below).
        headers.push_back({std::string_view(h.key),
                           h.value ? std::string_view(*h.value) : std::string_view()});
      }
      connect::SinkRecord sr;
      sr.key = r.key ? std::string_view(*r.key) : std::string_view();
      sr.value = r.value ? std::string_view(*r.value) : std::string_view();
      sr.timestamp_ms = r.timestamp.value() > 0 ? r.timestamp.value() : 0;
      sr.headers = std::span<const connect::SinkHeader>(headers.data() + first, r.headers.size());
      records.push_back(sr);
    }
    RETURN_IF_ERROR(sink_->AppendBatch(dlq_topic_, records)
                        .WithContext("appending to dead-letter topic " + dlq_topic_));
    pending_.clear();
    return Status::OK();
  }
  auto r = dlq_->Append(pending_);
  if (!r.ok()) return r.status().WithContext("appending to dead-letter topic " + dlq_->topic());
  pending_.clear();
  return Status::OK();
}

}  // namespace kappa::stream
