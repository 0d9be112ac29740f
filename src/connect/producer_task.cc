// ProducerTask: source -> mapping -> sink. One thread; the pipeline per page is
// NextPage -> MapPage -> (dead letters) -> AppendBatch in chunks, paced by a token bucket.
#include <condition_variable>
#include <mutex>
#include <thread>

#include "avro/avro.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/mutex.h"
#include "connect/connect.h"
#include "connect/randomuser_generator.h"

namespace kappa::connect {
namespace {
using Clk = std::chrono::steady_clock;
constexpr int kLoggedMappingErrors = 5;  // then one in 1000
}  // namespace

struct ProducerTask::Impl {
  Impl(std::unique_ptr<Source> s, Mapping m, RecordSink* k, ProducerOptions o)
      : source(std::move(s)), mapping(std::move(m)), sink(k), opts(std::move(o)),
        clock(opts.clock ? opts.clock : Clock::Real()) {
    if (opts.format == ProducerOptions::Format::kAvro && opts.avro_codec) {
      encoder = std::make_unique<avro::Encoder>(opts.avro_codec);
    }
  }

  std::unique_ptr<Source> source;
  Mapping mapping;
  RecordSink* sink;
  const ProducerOptions opts;
  Clock* clock;

  Mutex mu;
  CondVar cv;  // wakes sleeps on Stop()
  bool stop GUARDED_BY(mu) = false;
  std::thread thread;
  Status result;               // written by the run thread before it ends

  std::atomic<uint64_t> produced{0}, bytes{0}, mapping_errors{0}, dead_letters{0},
      source_errors{0}, batches{0};
  std::atomic<bool> running{false};

  // Token bucket (run thread only).
  double tokens = 0;
  Clk::time_point refilled{};

  bool stopping() {
    MutexLock l(mu);
    return stop;
  }
  // Sleeps until `t`; false if stopped meanwhile.
  bool SleepUntil(Clk::time_point t) {
    MutexLock l(mu);
    cv.wait_until(l, t, [&]() REQUIRES(mu) { return stop; });
    return !stop;
  }
  // Waits for n tokens (n <= burst). False if stopped or past the deadline.
  bool TakeTokens(size_t n, std::optional<Clk::time_point> deadline) {
    if (opts.records_per_sec <= 0) return true;
    const double burst = std::max(opts.records_per_sec, double(n));
    while (true) {
      const auto now = Clk::now();
      tokens = std::min(burst, tokens + std::chrono::duration<double>(now - refilled).count() *
                                            opts.records_per_sec);
      refilled = now;
      if (tokens >= double(n)) {
        tokens -= double(n);
        return true;
      }
      auto wait = std::chrono::duration_cast<Clk::duration>(
          std::chrono::duration<double>((double(n) - tokens) / opts.records_per_sec));
      auto until = now + wait;
      if (deadline && until > *deadline) {
        SleepUntil(*deadline);
        return false;
      }
      if (!SleepUntil(until)) return false;
    }
  }

  // format kAvro: the encoder, and the page's framed values (records' values view into it).
  std::unique_ptr<avro::Encoder> encoder;
  std::string avro_buf;
  std::vector<std::pair<size_t, size_t>> avro_spans;

  Status Run();
  Status DeadLetters(const MappedPage& page);
  void EncodeAvro(MappedPage* page);
};

// Replaces each record's value by its wire-format Avro; a record the schema cannot encode
// becomes a mapping error carrying the mapped JSON.
void ProducerTask::Impl::EncodeAvro(MappedPage* page) {
  avro_buf.clear();
  avro_spans.clear();
  size_t kept = 0;
  for (size_t i = 0; i < page->records.size(); ++i) {
    const MappedRecord r = page->records[i];
    const size_t at = avro_buf.size();
    avro::AppendWireHeader(opts.schema_id, &avro_buf);
    Status st = encoder->Encode(r.value, &avro_buf);
    if (!st.ok()) {
      avro_buf.resize(at);
      page->errors.push_back(MappingError{i, "Avro encoding: " + st.message(), std::string(r.value)});
      continue;
    }
    avro_spans.emplace_back(at, avro_buf.size() - at);
    page->records[kept++] = MappedRecord{r.key, {}};
  }
  page->records.resize(kept);
  // Views only now: avro_buf may have moved while it grew.
  for (size_t i = 0; i < kept; ++i) {
    page->records[i].value = std::string_view(avro_buf).substr(avro_spans[i].first, avro_spans[i].second);
  }
}

Status ProducerTask::Impl::DeadLetters(const MappedPage& page) {
  for (const MappingError& e : page.errors) {
    const uint64_t n = mapping_errors.fetch_add(1) + 1;
    if (n <= kLoggedMappingErrors || n % 1000 == 0) {
      KLOG_WARN("producer {}: user {} of a page failed mapping {}: {} (mapping errors so far: {})",
                opts.topic, e.index, mapping.name(), e.message, n);
    }
  }
  if (opts.dead_letter_topic.empty() || page.errors.empty()) return Status::OK();
  std::vector<SinkHeader> headers;
  headers.reserve(page.errors.size() * 2);
  std::vector<SinkRecord> recs;
  recs.reserve(page.errors.size());
  const int64_t now = clock->NowMs();
  for (const MappingError& e : page.errors) {
    headers.push_back({"error", e.message});
    headers.push_back({"mapping", mapping.name()});
  }
  for (size_t i = 0; i < page.errors.size(); ++i) {
    recs.push_back(SinkRecord{{}, page.errors[i].raw, now,
                              std::span<const SinkHeader>(headers.data() + 2 * i, 2)});
  }
  Status s = sink->AppendBatch(opts.dead_letter_topic, recs);
  if (!s.ok()) return s.WithContext("dead-letter topic " + opts.dead_letter_topic);
  dead_letters += recs.size();
  return Status::OK();
}

Status ProducerTask::Impl::Run() {
  if (opts.format == ProducerOptions::Format::kAvro && !encoder) {
    return Status::InvalidArgument("producer " + opts.topic + ": format avro without a schema");
  }
  Mapper mapper(mapping);
  std::string page;
  MappedPage mapped;
  std::vector<SinkRecord> batch;
  std::optional<Clk::time_point> deadline;
  if (opts.duration.count() > 0) deadline = Clk::now() + opts.duration;
  refilled = Clk::now();
  size_t chunk = std::max<size_t>(1, opts.max_batch_records);
  if (opts.records_per_sec > 0) {
    // Small enough chunks that a slow rate still produces every ~50 ms, not in bursts.
    chunk = std::min(chunk, std::max<size_t>(1, size_t(opts.records_per_sec / 20)));
  }
  // The direct path: generated users are mapped from their fields, without re-parsing the
  // page's JSON (same records; see MapperAccess). Used when the source declares it can hand
  // out its users as fields (the synthetic one) and every path of the mapping is a
  // generated leaf.
  StructuredSource* structured = source->AsStructured();
  const bool direct = structured != nullptr && MapperAccess::CanMapSynthetic(mapper);
  // The seed's mapping does not read the password digests: they are computed only when a
  // mapped field or a dead letter (the raw user) needs them.
  const bool digests = !direct || MapperAccess::NeedsDigests(mapper);
  std::vector<SyntheticUser> users;
  uint32_t consecutive_failures = 0;
  while (!stopping()) {
    if (opts.max_records && produced.load() >= opts.max_records) break;
    if (deadline && Clk::now() >= *deadline) break;
    Status s = direct ? structured->NextPageStructured(&page, &users, digests) : source->NextPage(&page);
    if (s.code() == Status::Code::kAborted) break;
    if (!s.ok()) {
      ++source_errors;
      ++consecutive_failures;
      KLOG_WARN("producer {}: source {}: {}", opts.topic, source->Describe(), s.ToString());
      if (opts.max_consecutive_source_failures &&
          consecutive_failures >= opts.max_consecutive_source_failures) {
        return Status::Unavailable("producer " + opts.topic + ": " +
                                   std::to_string(consecutive_failures) +
                                   " consecutive source failures; last: " + s.ToString());
      }
      continue;
    }
    mapped.Clear();
    s = direct ? MapperAccess::MapSynthetic(mapper, users, &mapped) : mapper.MapPage(page, &mapped);
    if (!s.ok()) {  // the whole page is unusable (sources normally filter these)
      ++source_errors;
      ++consecutive_failures;
      KLOG_WARN("producer {}: page from {} skipped: {}", opts.topic, source->Describe(), s.message());
      continue;
    }
    consecutive_failures = 0;
    if (encoder) EncodeAvro(&mapped);
    RETURN_IF_ERROR(DeadLetters(mapped));
    size_t n = mapped.records.size();
    if (opts.max_records) n = std::min<uint64_t>(n, opts.max_records - produced.load());
    for (size_t i = 0; i < n; i += chunk) {
      const size_t m = std::min(chunk, n - i);
      if (!TakeTokens(m, deadline)) break;
      // Stamped when released to the sink, after the rate limiter's wait: the timestamp is
      // when the record is produced, not when its page was generated.
      const int64_t now = clock->NowMs();
      batch.clear();
      uint64_t b = 0;
      for (size_t j = i; j < i + m; ++j) {
        const MappedRecord& r = mapped.records[j];
        batch.push_back(SinkRecord{r.key, r.value, now, {}});
        b += r.key.size() + r.value.size();
      }
      s = sink->AppendBatch(opts.topic, batch);
      if (!s.ok()) return s.WithContext("producer " + opts.topic);
      produced += m;
      bytes += b;
      ++batches;
    }
  }
  return Status::OK();
}

ProducerTask::ProducerTask(std::unique_ptr<Source> source, Mapping mapping, RecordSink* sink,
                           ProducerOptions opts)
    : impl_(std::make_unique<Impl>(std::move(source), std::move(mapping), sink, std::move(opts))) {}

ProducerTask::~ProducerTask() {
  Stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

Status ProducerTask::Run() {
  impl_->running = true;
  Status s = impl_->Run();
  impl_->running = false;
  return s;
}

void ProducerTask::Start() {
  impl_->running = true;
  impl_->thread = std::thread([this] {
    impl_->result = impl_->Run();
    impl_->running = false;
  });
}

void ProducerTask::Stop() {
  {
    MutexLock l(impl_->mu);
    impl_->stop = true;
  }
  impl_->cv.notify_all();
  impl_->source->Stop();
}

Status ProducerTask::Wait() {
  if (impl_->thread.joinable()) impl_->thread.join();
  return impl_->result;
}

ProducerStats ProducerTask::stats() const {
  ProducerStats s;
  s.produced = impl_->produced.load();
  s.bytes = impl_->bytes.load();
  s.mapping_errors = impl_->mapping_errors.load();
  s.dead_letters = impl_->dead_letters.load();
  s.source_errors = impl_->source_errors.load();
  s.batches = impl_->batches.load();
  s.running = impl_->running.load();
  return s;
}

SourceStats ProducerTask::source_stats() const { return impl_->source->stats(); }

}  // namespace kappa::connect
