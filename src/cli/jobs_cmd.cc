// kappa jobs list | status JOB | reset JOB | skip JOB: streaming jobs' progress, replay, and
// the way past records a job cannot read. list/status open the data directory read-only
// (they work while `kappa up` owns it and never write); reset and skip are offline and
// refuse to run then.
#include <fmt/format.h>

#include <iostream>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "cli/live_metrics.h"
#include "common/env.h"
#include "app/app.h"
#include "stream/stream.h"

namespace kappa::cli {
namespace {

std::unique_ptr<app::Runtime> OpenRuntime(const std::string& dir, bool write,
                                             const std::string& what) {
  if (!Env::Default()->FileExists(dir)) {
    Fail(fmt::format("data directory {} does not exist (pass --data-dir, or run `kappa up` "
                     "first)", dir));
  }
  // The jobs' log and store as a pipeline run opens them (the default durability,
  // retention and store sections).
  app::RuntimeOptions o = app::RuntimeOptions::ForPipeline(app::PipelineConfig{});
  o.data_dir = dir;
  o.owner = what;
  // Reading never takes the lock nor writes into the directory (read-only log, a RocksDB
  // secondary instance outside it): the same whether or not `kappa up` runs.
  o.access = write ? Access::kOwner : Access::kReadOnly;
  auto rt = app::Runtime::Open(o);
  if (!rt.ok()) {
    if (write && rt.status().IsUnavailable()) {
      Fail("jobs are reset and skipped offline, and " + rt.status().message());
    }
    Fail(rt.status());
  }
  return std::move(rt).value();
}

std::string OffsetText(const std::optional<Offset>& o) {
  return o ? std::to_string(o->value()) : "-";
}

std::string JobJson(const stream::JobStatus& j, bool partitions) {
  std::string s = fmt::format(
      "{{\"name\":\"{}\",\"topic\":\"{}\",\"table\":\"{}\",\"group\":\"{}\",\"lag\":{},"
      "\"stored\":{},\"dead_letters\":{}",
      j.name, j.topic, j.table, j.group, j.lag, j.stored, j.dead_letters);
  if (partitions) {
    s += ",\"partitions\":[";
    for (size_t i = 0; i < j.partitions.size(); ++i) {
      const auto& p = j.partitions[i];
      s += fmt::format("{}{{\"partition\":{},\"committed\":{},\"start\":{},\"end\":{},\"lag\":{},"
                       "\"stored\":{},\"dead_letters\":{}}}",
                       i ? "," : "", p.partition.value(),
                       p.committed ? std::to_string(p.committed->value()) : "null",
                       p.start_offset.value(), p.end_offset.value(), p.lag, p.stored,
                       p.dead_letters);
    }
    s += "]";
  }
  return s + "}";
}

void PrintStatus(const stream::JobStatus& j) {
  std::cout << fmt::format("job {}: {} -> {} (group {})\n", j.name, j.topic, j.table, j.group);
  std::cout << fmt::format("  {:>9} {:>12} {:>12} {:>12} {:>10} {:>12} {:>12}\n", "partition",
                           "committed", "start", "end", "lag", "stored", "dead letters");
  for (const auto& p : j.partitions) {
    std::cout << fmt::format("  {:>9} {:>12} {:>12} {:>12} {:>10} {:>12} {:>12}\n",
                             p.partition.value(), OffsetText(p.committed), p.start_offset.value(),
                             p.end_offset.value(), p.lag, p.stored, p.dead_letters);
  }
  std::cout << fmt::format("  total: lag {}, stored {}, dead letters {}\n", j.lag, j.stored,
                           j.dead_letters);
}

// The running job's counters from `kappa up`'s /metrics (the same figures as its status line).
void PrintLive(const LiveJobFigures& f) {
  auto v = [&](const char* name) {
    auto it = f.values.find(name);
    return it == f.values.end() ? std::string("-") : fmt::format("{:.0f}", it->second);
  };
  std::cout << fmt::format("  live in kappa up (pid {}, {}): consumed {}, stored {}, lag {}, "
                           "dead letters {}, commits {}\n",
                           f.pid, f.url, v("records_consumed_total"), v("rows_stored_total"),
                           v("lag_records"), v("dead_letters_total"), v("commits_total"));
}

struct JobsArgs {
  std::string data_dir;
  std::string job;
  bool json = false;
  bool to_earliest = false;
  bool to_latest = false;
  int64_t to_offset = -1;
  std::string to_time;
  int32_t partition = -1;  // -1: every partition (reset); required for skip
  int64_t count = 0;
};

}  // namespace

void RegisterJobsCommands(CLI::App& app, const Groups& g) {
  auto* a = new JobsArgs();  // lives for the process

  CLI::App* list = g.jobs->add_subcommand("list", "Jobs that have run in the data directory, "
                                                  "with lag, rows stored and dead letters");
  AddDataDirOption(list, &a->data_dir);
  list->add_flag("--json", a->json, "One JSON object per job");
  list->callback([a] {
    auto rt = OpenRuntime(a->data_dir, false, "kappa jobs list");
    auto jobs = stream::ListJobs(rt->job_storage());
    if (!jobs.ok()) Fail(jobs.status());
    if (a->json) {
      for (const auto& j : *jobs) std::cout << JobJson(j, false) << "\n";
      return;
    }
    if (jobs->empty()) {
      std::cout << "no jobs have run in " << a->data_dir << "\n";
      return;
    }
    std::cout << fmt::format("{:<24} {:<24} {:<32} {:>10} {:>12} {:>12}\n", "job", "topic",
                             "table", "lag", "stored", "dead letters");
    for (const auto& j : *jobs) {
      std::cout << fmt::format("{:<24} {:<24} {:<32} {:>10} {:>12} {:>12}\n", j.name, j.topic,
                               j.table, j.lag, j.stored, j.dead_letters);
    }
  });

  CLI::App* status = g.jobs->add_subcommand("status", "Per-partition progress of one job");
  AddDataDirOption(status, &a->data_dir);
  status->add_option("job", a->job, "Job name")->required();
  status->add_flag("--json", a->json, "One JSON object");
  status->callback([a] {
    auto rt = OpenRuntime(a->data_dir, false, "kappa jobs status");
    auto j = stream::GetJobStatus(rt->job_storage(), a->job);
    if (!j.ok()) Fail(j.status());
    // What is committed (above) plus, while `kappa up` runs the job, its live counters.
    auto live = ReadLiveJobFigures(a->data_dir, a->job);
    if (a->json) {
      std::string doc = JobJson(*j, true);
      if (live) {
        doc.pop_back();  // the closing brace
        doc += fmt::format(",\"live\":{{\"pid\":{},\"metrics\":\"{}\"", live->pid, live->url);
        for (const auto& [name, v] : live->values) doc += fmt::format(",\"{}\":{}", name, v);
        doc += "}}";
      }
      std::cout << doc << "\n";
    } else {
      PrintStatus(*j);
      if (live) PrintLive(*live);
    }
  });

  CLI::App* reset = g.jobs->add_subcommand(
      "reset", "Move a job's committed offsets (replay); offline: `kappa up` must not be "
               "running on the data directory. The next run continues from there.");
  AddDataDirOption(reset, &a->data_dir);
  reset->add_option("job", a->job, "Job name")->required();
  auto* e = reset->add_flag("--to-earliest", a->to_earliest, "Replay everything still in the log");
  auto* l = reset->add_flag("--to-latest", a->to_latest, "Skip everything in the log now");
  auto* o = reset->add_option("--to-offset", a->to_offset,
                              "This offset in every partition (clamped to what is stored)");
  auto* t = reset->add_option("--to-time", a->to_time,
                              "The first record at or after this time (2026-01-31T12:00:00Z or "
                              "epoch ms) in every partition");
  e->excludes(l, o, t);
  l->excludes(o, t);
  o->excludes(t);
  reset->add_option("--partition", a->partition,
                    "Only this partition (default: every partition of the job's topic)")
      ->check(CLI::NonNegativeNumber);
  reset->add_flag("--json", a->json, "Print the new status as JSON");
  reset->callback([a] {
    stream::ResetTarget target;
    if (a->to_earliest) {
      target.kind = stream::ResetTarget::Kind::kEarliest;
    } else if (a->to_latest) {
      target.kind = stream::ResetTarget::Kind::kLatest;
    } else if (a->to_offset >= 0) {
      target = {stream::ResetTarget::Kind::kOffset, a->to_offset};
    } else if (!a->to_time.empty()) {
      auto ts = app::ParseTimestampMs(a->to_time);
      if (!ts.ok()) Fail("--to-time: " + ts.status().message(), 2);
      target = {stream::ResetTarget::Kind::kTimestamp, *ts};
    } else {
      Fail("say where to: --to-earliest, --to-latest, --to-offset N or --to-time T", 2);
    }
    if (a->partition >= 0) target.partition = PartitionId(a->partition);
    auto rt = OpenRuntime(a->data_dir, true, "kappa jobs reset");
    auto j = stream::ResetJob(rt->job_storage(), a->job, target);
    if (!j.ok()) Fail(j.status());
    // What is committed (above) plus, while `kappa up` runs the job, its live counters.
    auto live = ReadLiveJobFigures(a->data_dir, a->job);
    if (a->json) {
      std::string doc = JobJson(*j, true);
      if (live) {
        doc.pop_back();  // the closing brace
        doc += fmt::format(",\"live\":{{\"pid\":{},\"metrics\":\"{}\"", live->pid, live->url);
        for (const auto& [name, v] : live->values) doc += fmt::format(",\"{}\":{}", name, v);
        doc += "}}";
      }
      std::cout << doc << "\n";
    } else {
      PrintStatus(*j);
      if (live) PrintLive(*live);
    }
  });

  CLI::App* skip = g.jobs->add_subcommand(
      "skip", "Move one partition of a job past records it cannot read (a corrupt batch), or "
              "past --count/--to-offset records on purpose; every skipped offset goes to the "
              "job's dead-letter topic first, with an error header. Offline, like reset.");
  AddDataDirOption(skip, &a->data_dir);
  skip->add_option("job", a->job, "Job name")->required();
  skip->add_option("--partition", a->partition, "The partition to move (required)")
      ->required()
      ->check(CLI::NonNegativeNumber);
  auto* so = skip->add_option("--to-offset", a->to_offset,
                              "Continue at this offset (skip everything before it)");
  auto* sc = skip->add_option("--count", a->count, "Skip this many offsets")
                 ->check(CLI::PositiveNumber);
  so->excludes(sc);
  skip->add_flag("--json", a->json, "Print what was skipped and the new status as JSON");
  skip->footer("Without --to-offset or --count: skips exactly the unreadable records at the "
               "job's committed offset, and refuses if that record is readable.");
  skip->callback([a] {
    stream::SkipRequest req;
    req.partition = PartitionId(a->partition);
    if (a->to_offset >= 0) req.to_offset = Offset(a->to_offset);
    if (a->count > 0) req.count = a->count;
    auto rt = OpenRuntime(a->data_dir, true, "kappa jobs skip");
    auto r = stream::SkipRecords(rt->job_storage(), a->job, req);
    if (!r.ok()) Fail(r.status());
    if (a->json) {
      std::cout << fmt::format("{{\"from\":{},\"to\":{},\"unreadable\":{},\"readable\":{},"
                               "\"status\":{}}}\n", r->from.value(), r->to.value(),
                               r->unreadable, r->readable, JobJson(r->status, true));
      return;
    }
    std::cout << fmt::format("skipped offsets {}..{} of partition {}: {} unreadable, {} readable, "
                             "all sent to the dead-letter topic\n", r->from.value(),
                             r->to.value() - 1, a->partition, r->unreadable, r->readable);
    if (!r->reason.empty()) std::cout << "unreadable because: " << r->reason << "\n";
    PrintStatus(r->status);
  });
}

}  // namespace kappa::cli
