// PipelineSource over `kappa up`'s pipeline: jobs from Pipeline::jobs() (this process's
// counters) and stream's job status (committed offsets per partition), dead letters read
// from the embedded log, tables from the store, the query box through cql::QueryLocal.
#include "app/console_pipeline_source.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/app.h"
#include "cql/cql.h"
#include "log/log.h"
#include "store/store.h"
#include "stream/stream.h"

namespace kappa::app {
namespace {

// Rows scanned at most for one page of dead letters: a dead-letter topic shared by several
// jobs holds others' records too (skipped), and a page must stay cheap.
constexpr int64_t kMaxDeadLettersScanned = 10000;

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

Result<std::string> Unhex(std::string_view text) {
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (text.size() % 2 != 0) return Status::InvalidArgument("malformed cursor");
  std::string out;
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = digit(text[i]), lo = digit(text[i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("malformed cursor");
    out.push_back(char(hi << 4 | lo));
  }
  return out;
}

console::Cells ToCells(const std::vector<store::Value>& row, size_t n) {
  console::Cells cells;
  cells.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (i >= row.size() || !row[i].is_set()) {
      cells.emplace_back(std::nullopt);
    } else {
      cells.emplace_back(row[i].ToString());
    }
  }
  return cells;
}

class ConsolePipelineSource final : public console::PipelineSource {
 public:
  explicit ConsolePipelineSource(Pipeline* pipeline) : pipeline_(pipeline) {}

  Result<std::vector<console::JobInfo>> ListJobs() override {
    std::vector<console::JobInfo> out;
    for (const auto& j : pipeline_->jobs()) out.push_back(Info(*j));
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  }

  Result<console::JobInfo> GetJob(std::string_view name) override {
    ASSIGN_OR_RETURN(const stream::StreamJob* job, Find(name));
    console::JobInfo info = Info(*job);
    auto status = stream::GetJobStatus(runtime().job_storage(), name);
    // A job registers when it starts: one that never started has no committed offsets yet.
    if (!status.ok() && !status.status().IsNotFound()) return status.status();
    if (status.ok()) {
      for (const stream::PartitionStatus& p : status->partitions) {
        console::JobPartition jp;
        jp.partition = p.partition.value();
        if (p.committed) jp.committed = p.committed->value();
        jp.start_offset = p.start_offset.value();
        jp.end_offset = p.end_offset.value();
        jp.lag = p.lag;
        jp.stored = p.stored;
        jp.dead_letters = p.dead_letters;
        info.partitions.push_back(jp);
      }
    }
    return info;
  }

  Result<console::DeadLetterPage> DeadLetters(std::string_view name, int32_t partition,
                                              std::optional<int64_t> from_offset,
                                              int32_t limit) override {
    ASSIGN_OR_RETURN(const stream::StreamJob* job, Find(name));
    const stream::JobConfig& jc = job->config();
    log::Log& log = runtime().log();
    auto described = log.DescribeTopic(jc.dead_letter_topic);
    if (!described.ok()) {
      // With `log: kafka` the job's topics live on the cluster, not in the embedded log.
      return described.status().WithContext(fmt::format(
          "job {}'s dead-letter topic {} (with log: kafka it is on the cluster: read it there)",
          name, jc.dead_letter_topic));
    }
    const log::TopicDescription& d = *described;
    if (partition < 0 || size_t(partition) >= d.partitions.size()) {
      return Status::NotFound(fmt::format("dead-letter topic {} has no partition {}",
                                          jc.dead_letter_topic, partition));
    }
    ASSIGN_OR_RETURN(log::Partition * p, log.GetPartition(jc.dead_letter_topic, PartitionId(partition)));
    console::DeadLetterPage page;
    page.partition = partition;
    page.partitions = int32_t(d.partitions.size());
    page.start_offset = p->StartOffset().value();
    page.end_offset = p->EndOffset().value();
    int64_t next = std::max(from_offset.value_or(page.start_offset), page.start_offset);
    int64_t scanned = 0;
    while (next < p->EndOffset().value() && int32_t(page.items.size()) < limit &&
           scanned < kMaxDeadLettersScanned) {
      auto records = p->ReadRecords(Offset(next), size_t(limit - int32_t(page.items.size())));
      if (!records.ok()) {
        // Retention moved the start past `next` meanwhile: continue at the new start.
        if (records.status().IsOutOfRange() && next < p->StartOffset().value()) {
          next = p->StartOffset().value();
          continue;
        }
        return records.status().WithContext(
            fmt::format("reading {}/{} at {}", jc.dead_letter_topic, partition, next));
      }
      if (records->empty()) break;
      for (const log::StoredRecord& r : *records) {
        next = r.offset.value() + 1;
        ++scanned;
        if (!FromJob(r.record, jc.name)) continue;
        console::DeadLetter dl;
        dl.partition = partition;
        dl.offset = r.offset.value();
        dl.timestamp_ms = r.record.timestamp.value();
        dl.key = r.record.key;
        dl.value = r.record.value;
        for (const log::Header& h : r.record.headers) dl.headers.emplace_back(h.key, h.value);
        page.items.push_back(std::move(dl));
      }
    }
    if (next < p->EndOffset().value()) page.next_offset = next;
    return page;
  }

  Result<console::JobInfo> ReplayJob(std::string_view name,
                                     const console::ReplayTarget& target) override {
    stream::ResetTarget t;
    switch (target.kind) {
      case console::ReplayTarget::Kind::kEarliest: t.kind = stream::ResetTarget::Kind::kEarliest; break;
      case console::ReplayTarget::Kind::kLatest: t.kind = stream::ResetTarget::Kind::kLatest; break;
      case console::ReplayTarget::Kind::kOffset: t.kind = stream::ResetTarget::Kind::kOffset; break;
      case console::ReplayTarget::Kind::kTimestamp: t.kind = stream::ResetTarget::Kind::kTimestamp; break;
    }
    t.value = target.value;
    if (target.partition) t.partition = PartitionId(*target.partition);
    RETURN_IF_ERROR(pipeline_->ReplayJob(name, t).status());
    return GetJob(name);
  }

  Result<std::vector<console::KeyspaceInfo>> ListKeyspaces() override {
    std::vector<console::KeyspaceInfo> out;
    for (const store::KeyspaceSchema& ks : store().ListKeyspaces()) {
      console::KeyspaceInfo info;
      info.name = ks.name;
      info.ddl = ks.ToCql();
      for (const auto& t : store().ListTables(ks.name)) info.tables.push_back(t->name);
      std::sort(info.tables.begin(), info.tables.end());
      out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
  }

  Result<console::TableInfo> GetTable(std::string_view keyspace, std::string_view table) override {
    ASSIGN_OR_RETURN(auto schema, store().GetTable(keyspace, table));
    console::TableInfo info;
    info.keyspace = schema->keyspace;
    info.name = schema->name;
    info.columns = Columns(*schema);
    info.ddl = schema->ToCql();
    return info;
  }

  Result<console::RowPage> BrowseRows(std::string_view keyspace, std::string_view table,
                                      std::string_view cursor, int32_t limit) override {
    ASSIGN_OR_RETURN(auto schema, store().GetTable(keyspace, table));
    ASSIGN_OR_RETURN(std::string state, Unhex(cursor));
    // The store resumes a scan right after the paging state's key: page N costs what page 1
    // does, however large the table.
    auto scan = store().Scan(*schema, store::TokenRange{}, state, size_t(limit));
    if (!scan.ok()) return scan.status();
    console::RowPage page;
    page.columns = Columns(*schema);
    for (const store::Row& row : scan->rows) page.rows.push_back(ToCells(row, page.columns.size()));
    page.cursor = Hex(scan->paging_state);
    return page;
  }

  Result<console::QueryResult> Query(std::string_view statement, std::string_view keyspace,
                                     std::string_view cursor, int32_t limit) override {
    ASSIGN_OR_RETURN(std::string state, Unhex(cursor));
    ASSIGN_OR_RETURN(cql::LocalResult r, cql::QueryLocal(&store(), statement, std::string(keyspace),
                                                         limit, state));
    console::QueryResult out;
    out.keyspace = r.keyspace;
    switch (r.kind) {
      case cql::LocalResult::Kind::kRows:
        out.kind = "rows";
        for (const auto& c : r.columns) out.page.columns.push_back({c.name, c.type.ToString(), ""});
        for (const auto& row : r.rows) out.page.rows.push_back(ToCells(row, r.columns.size()));
        out.page.cursor = Hex(r.paging_state);
        break;
      case cql::LocalResult::Kind::kSetKeyspace:
        out.kind = "set_keyspace";
        out.message = "USE " + r.keyspace;
        break;
      case cql::LocalResult::Kind::kSchemaChange:
        out.kind = "schema_change";
        out.message = r.schema_change;
        break;
      case cql::LocalResult::Kind::kVoid:
        out.kind = "void";
        out.message = "OK";
        break;
    }
    return out;
  }

 private:
  Runtime& runtime() const { return pipeline_->runtime(); }
  store::Store& store() const { return runtime().store(); }

  Result<const stream::StreamJob*> Find(std::string_view name) const {
    for (const auto& j : pipeline_->jobs()) {
      if (j->config().name == name) return j.get();
    }
    return Status::NotFound(fmt::format("no job named '{}'", name));
  }

  // A dead letter's `job` header names the job that wrote it; records without one (written
  // by hand, or by an older kappa) are shown to every job of the topic.
  static bool FromJob(const log::Record& r, std::string_view job) {
    for (const log::Header& h : r.headers) {
      if (h.key == "job") return h.value && *h.value == job;
    }
    return true;
  }

  static std::vector<console::ColumnInfo> Columns(const store::TableSchema& t) {
    std::vector<console::ColumnInfo> out;
    for (const store::ColumnSchema& c : t.columns) {
      out.push_back({c.name, c.type.ToString(), std::string(store::ColumnKindName(c.kind))});
    }
    return out;
  }

  console::JobInfo Info(const stream::StreamJob& job) const {
    const stream::JobConfig& jc = job.config();
    console::JobInfo info;
    info.name = jc.name;
    info.topic = jc.topic;
    info.table = jc.table;
    info.group = jc.group.empty() ? jc.name : jc.group;
    info.dead_letter_topic = jc.dead_letter_topic;
    stream::JobStats st = job.stats();
    info.consumed = st.consumed;
    info.stored = st.stored;
    info.dead_letters = st.dead_letters;
    info.commits = st.commits;
    info.lag = st.lag;
    Status result = pipeline_->JobResult(jc.name);
    if (st.running) {
      info.state = "running";
    } else if (!result.ok()) {
      info.state = "failed";
      info.error = result.ToString();
    } else {
      info.state = "stopped";
    }
    return info;
  }

  Pipeline* pipeline_;
};

}  // namespace

std::unique_ptr<console::PipelineSource> NewConsolePipelineSource(Pipeline* pipeline) {
  return std::make_unique<ConsolePipelineSource>(pipeline);
}

}  // namespace kappa::app
