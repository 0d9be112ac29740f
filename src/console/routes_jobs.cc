// The Jobs page's API (docs/formats/console-api.md, "Jobs"): the pipeline's streaming jobs
// with their state, rate and lag per partition, their dead letters, and replay (`kappa jobs
// reset`). Rates and charts come from the metrics History (the job counters /metrics
// exports), never from a second count.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "console/routes.h"
#include "console/routes_pipeline_util.h"
#include "metrics/metrics.h"

namespace kappa::console {
namespace {

using nlohmann::json;
using namespace pipeline_routes;

// The window the list's rate is averaged over: long enough to smooth batch commits.
constexpr int kRateWindowSeconds = 10;

// A job counter's mean per-second rate over the last `window` seconds (null when the
// History has no sample of it there).
json RateOf(const metrics::History* history, const std::string& name, const std::string& job,
            int window) {
  double sum = 0;
  int n = 0;
  for (const json& point : CounterRate(history, name, {{"job", job}}, window)) {
    if (point[1].is_null()) continue;
    sum += point[1].get<double>();
    ++n;
  }
  return n == 0 ? json(nullptr) : json(sum / n);
}

json JobJson(const JobInfo& j, const metrics::History* history) {
  json out = {{"name", j.name},
              {"topic", j.topic},
              {"table", j.table},
              {"group", j.group},
              {"dead_letter_topic", j.dead_letter_topic},
              {"state", j.state},
              {"error", j.error.empty() ? json(nullptr) : json(j.error)},
              {"consumed", j.consumed},
              {"stored", j.stored},
              {"dead_letters", j.dead_letters},
              {"commits", j.commits},
              {"lag", j.lag},
              {"rate_per_s", RateOf(history, "kappa_job_records_consumed_total", j.name,
                                    kRateWindowSeconds)}};
  json parts = json::array();
  for (const JobPartition& p : j.partitions) {
    parts.push_back({{"partition", p.partition},
                     {"committed", p.committed ? json(*p.committed) : json(nullptr)},
                     {"start_offset", p.start_offset},
                     {"end_offset", p.end_offset},
                     {"lag", p.lag},
                     {"stored", p.stored},
                     {"dead_letters", p.dead_letters}});
  }
  out["partitions"] = std::move(parts);
  return out;
}

json OptionalText(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

json DeadLetterJson(const DeadLetter& d) {
  json headers = json::array();
  json error = nullptr;
  for (const auto& [k, v] : d.headers) {
    headers.push_back({{"key", k}, {"value", OptionalText(v)}});
    if (k == "error" && error.is_null()) error = OptionalText(v);
  }
  return {{"partition", d.partition},    {"offset", d.offset},
          {"timestamp_ms", d.timestamp_ms}, {"key", OptionalText(d.key)},
          {"value", OptionalText(d.value)}, {"headers", std::move(headers)},
          {"error", std::move(error)}};
}

// The replay body: {"to": "earliest" | "latest" | "offset" | "time", "offset": N,
// "time_ms": N, "partition": N (optional)}.
bool ParseReplay(const json& body, ReplayTarget* t, http::Response* error) {
  auto bad = [&](std::string_view m) {
    *error = http::Response::Error(400, m);
    return false;
  };
  if (!body.is_object() || !body.contains("to") || !body["to"].is_string()) {
    return bad("the body needs \"to\": earliest, latest, offset or time");
  }
  const std::string to = body["to"].get<std::string>();
  auto number = [&](const char* key, int64_t* out) {
    if (!body.contains(key) || !body[key].is_number_integer()) return false;
    *out = body[key].get<int64_t>();
    return true;
  };
  if (to == "earliest") {
    t->kind = ReplayTarget::Kind::kEarliest;
  } else if (to == "latest") {
    t->kind = ReplayTarget::Kind::kLatest;
  } else if (to == "offset") {
    t->kind = ReplayTarget::Kind::kOffset;
    if (!number("offset", &t->value) || t->value < 0) return bad("\"to\": \"offset\" needs \"offset\": a non-negative integer");
  } else if (to == "time") {
    t->kind = ReplayTarget::Kind::kTimestamp;
    if (!number("time_ms", &t->value)) return bad("\"to\": \"time\" needs \"time_ms\": milliseconds since the epoch");
  } else {
    return bad("\"to\" must be earliest, latest, offset or time");
  }
  if (body.contains("partition") && !body["partition"].is_null()) {
    int64_t p = 0;
    if (!number("partition", &p) || p < 0 || p > INT32_MAX) return bad("\"partition\" must be a partition number");
    t->partition = int32_t(p);
  }
  return true;
}

}  // namespace

void AddJobsRoutes(http::Router& router, const Sources& sources) {
  PipelineSource* src = sources.pipeline;
  const metrics::History* history = sources.history;

  router.Get("/api/console/jobs", [src, history](http::Request&) {
    if (!src) return NotConfigured();
    auto jobs = src->ListJobs();
    if (!jobs.ok()) return FromStatus(jobs.status());
    json items = json::array();
    for (const JobInfo& j : *jobs) items.push_back(JobJson(j, history));
    const int64_t total = int64_t(items.size());
    // A pipeline has a handful of jobs: one page.
    return http::Response::Json(PageJson(std::move(items), std::nullopt, total));
  });

  router.Get("/api/console/jobs/{job}", [src, history](http::Request& req) {
    if (!src) return NotConfigured();
    auto job = src->GetJob(req.Param("job"));
    if (!job.ok()) return FromStatus(job.status());
    return http::Response::Json(JobJson(*job, history));
  });

  // The job's charts: consumed, stored and dead letters per second, and lag, 15 minutes
  // ([[unix_s, value or null], ...]; a replayed job's counters never go back, a new
  // process's start from 0: a gap).
  router.Get("/api/console/jobs/{job}/series", [src, history](http::Request& req) {
    if (!src) return NotConfigured();
    auto job = src->GetJob(req.Param("job"));
    if (!job.ok()) return FromStatus(job.status());
    const metrics::Labels l{{"job", job->name}};
    return http::Response::Json(
        {{"consumed_per_s", CounterRate(history, "kappa_job_records_consumed_total", l)},
         {"stored_per_s", CounterRate(history, "kappa_job_rows_stored_total", l)},
         {"dead_letters_per_s", CounterRate(history, "kappa_job_dead_letters_total", l)},
         {"lag", GaugeSeries(history, "kappa_job_lag_records", l)}});
  });

  // ?partition=P (default 0) &cursor=OFFSET &limit=N: the cursor is the next offset.
  router.Get("/api/console/jobs/{job}/dead-letters", [src](http::Request& req) {
    if (!src) return NotConfigured();
    http::Response error;
    PageRequest page_request;
    if (!Page(req, &page_request, &error)) return error;
    int32_t partition = 0;
    if (auto q = req.Query("partition")) {
      auto v = ParseInt(*q);
      if (!v || *v < 0 || *v > INT32_MAX) return http::Response::Error(400, "partition must be a partition number");
      partition = int32_t(*v);
    }
    std::optional<int64_t> from;
    if (!page_request.cursor.empty()) {
      from = ParseInt(page_request.cursor);
      if (!from || *from < 0) return http::Response::Error(400, "malformed cursor");
    }
    auto page = src->DeadLetters(req.Param("job"), partition, from, int32_t(page_request.limit));
    if (!page.ok()) return FromStatus(page.status());
    json items = json::array();
    for (const DeadLetter& d : page->items) items.push_back(DeadLetterJson(d));
    return http::Response::Json(
        {{"items", std::move(items)},
         {"next_cursor", page->next_offset ? json(std::to_string(*page->next_offset)) : json(nullptr)},
         {"partition", page->partition},
         {"partitions", page->partitions},
         {"start_offset", page->start_offset},
         {"end_offset", page->end_offset}});
  });

  router.Post("/api/console/jobs/{job}/replay", [src, history](http::Request& req) {
    if (!src) return NotConfigured();
    json body;
    http::Response error;
    if (!http::ParseJsonBody(req, &body, &error)) return error;
    ReplayTarget target;
    if (!ParseReplay(body, &target, &error)) return error;
    auto job = src->ReplayJob(req.Param("job"), target);
    if (!job.ok()) {
      // This process cannot replay it (an external cluster's job; kappa up stopping): a
      // conflict with the job's state, not a server fault.
      if (job.status().code() == Status::Code::kNotSupported || job.status().IsUnavailable()) {
        return http::Response::Error(409, job.status().message());
      }
      return FromStatus(job.status());
    }
    return http::Response::Json(JobJson(*job, history));
  });
}

}  // namespace kappa::console
