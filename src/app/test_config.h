// Test-only: the small pipeline config the app's tests build on (a topic with a dead-letter
// topic, a keyspace with one table, the randomuser source, a mapping, a producer that does
// not start by itself, and a job). `producer_extra` adds lines to the producer (indented
// four spaces, e.g. "    rate: 50\n"). StartTestPipeline: a running pipeline from a config.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "app/app.h"

namespace kappa::app::testing {

inline std::string TestPipelineYaml(std::string_view producer_extra = "") {
  return std::string(R"(topics:
  - name: t
    partitions: 2
  - name: t.dlq
keyspaces:
  - name: ks
    tables:
      - name: tab
        primary_key: [id]
        columns:
          id: uuid
          first_name: text
sources:
  r:
    type: randomuser
mappings:
  m:
    key: id
    fields:
      id: uuid()
      first_name: name.first
producers:
  - name: p
    source: r
    mapping: m
    topic: t
)") + std::string(producer_extra) +
         R"(    autostart: false
jobs:
  - name: j
    topic: t
    table: ks.tab
)";
}

// A pipeline over `data_dir` from `yaml`, set up (topics, tables) with its jobs started
// (polling every 20 ms), as the app's tests use one. Stop it in the test's TearDown; the
// pipeline goes before the runtime it runs on.
struct TestPipeline {
  PipelineConfig config;
  std::unique_ptr<Runtime> runtime;
  std::unique_ptr<Pipeline> pipeline;
};

inline Result<TestPipeline> StartTestPipeline(std::string_view yaml, std::string data_dir) {
  TestPipeline t;
  ASSIGN_OR_RETURN(t.config, LoadConfigText(yaml, "t.yaml"));
  t.config.data_dir = std::move(data_dir);
  RuntimeOptions ro = RuntimeOptions::ForPipeline(t.config);
  ro.data_dir = t.config.data_dir;
  ASSIGN_OR_RETURN(t.runtime, Runtime::Open(ro));
  RETURN_IF_ERROR(Pipeline::Setup(t.runtime.get(), t.config));
  PipelineOptions po;
  po.job_options.poll_interval = std::chrono::milliseconds(20);
  ASSIGN_OR_RETURN(t.pipeline, Pipeline::Create(t.runtime.get(), t.config, po));
  RETURN_IF_ERROR(t.pipeline->StartJobs());
  return t;
}

}  // namespace kappa::app::testing
