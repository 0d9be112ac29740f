// Test-only: the small pipeline config the app's tests build on (a topic with a dead-letter
// topic, a keyspace with one table, the randomuser source, a mapping, a producer that does
// not start by itself, and a job). `producer_extra` adds lines to the producer (indented
// four spaces, e.g. "    rate: 50\n").
#pragma once

#include <string>
#include <string_view>

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

}  // namespace kappa::app::testing
