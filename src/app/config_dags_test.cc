// The `dags:` and `orchestrator:` sections: the seed's DAG in the default config, a full DAG,
// and every load-time error with its FILE:LINE:COL.
#include <gtest/gtest.h>

#include <string>

#include "app/app.h"
#include "app/test_config.h"

namespace kappa::app {
namespace {

namespace orch = orchestrator;

const std::string kBase =
    "data_dir: /tmp/x\n" + testing::TestPipelineYaml("    rate: 50\n");

Result<PipelineConfig> Load(std::string_view dags, std::string_view extra = "") {
  return LoadConfigText(std::string(kBase) + std::string(extra) + std::string(dags), "d.yaml");
}

// The line (1-based) of the first line of `dags` text that contains `needle`.
int LineOf(std::string_view dags, std::string_view needle, std::string_view extra = "") {
  std::string all = std::string(kBase) + std::string(extra) + std::string(dags);
  size_t at = all.find(needle, kBase.size());
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + int(std::count(all.begin(), all.begin() + long(at), '\n'));
}

TEST(ConfigDags, TheDefaultConfigIsTheSeedsAirflowDag) {
  auto c = LoadDefaultConfig();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->dags.size(), 1u);
  const orch::DagSpec& d = c->dags[0];
  EXPECT_EQ(d.dag_id, "user_automation");
  EXPECT_EQ(d.owner, "airscholar");
  EXPECT_EQ(d.start_date, 1693735200000);  // 2023-09-03T10:00:00Z
  EXPECT_EQ(d.schedule.kind(), orch::Schedule::Kind::kCron);
  EXPECT_EQ(d.schedule.text(), "@daily");
  EXPECT_EQ(d.schedule.timezone(), "UTC");
  EXPECT_FALSE(d.catchup);
  EXPECT_FALSE(d.paused_at_creation);
  ASSERT_EQ(d.tasks.size(), 1u);
  const orch::TaskSpec& t = d.tasks[0];
  EXPECT_EQ(t.task_id, "stream_data_from_api");
  EXPECT_EQ(t.type, "produce");
  EXPECT_EQ(t.owner, "airscholar");
  EXPECT_EQ(t.args, (nlohmann::json{{"producer", "users"}, {"duration", "60s"}}));
  EXPECT_EQ(t.retries, 0);
  EXPECT_TRUE(t.where.starts_with("<built-in>/kappa.yaml:")) << t.where;
  // The producer the DAG runs: available, not started by kappa up itself.
  const ProducerConfig* p = c->FindProducer("users");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->autostart);
  EXPECT_FALSE(c->orchestrator.allow_commands);
  EXPECT_EQ(c->orchestrator.parallelism, 32);
}

TEST(ConfigDags, EveryKey) {
  constexpr std::string_view kDags = R"(orchestrator:
  allow_commands: true
  parallelism: 4
dags:
  - id: nightly.replay
    owner: ops
    description: replays the topic
    timezone: Europe/Paris
    start_date: 2024-03-01
    end_date: 2025-03-01T00:00:00Z
    schedule: "30 2 * * *"
    catchup: true
    max_active_runs: 2
    max_active_tasks: 3
    params: {colour: blue, n: 3, ratio: 0.5, flag: true, quoted: "42"}
    tags: [replay, nightly]
    paused: true
    tasks:
      - id: produce
        type: produce
        source: r
        mapping: m
        topic: t
        count: 100
      - id: wait_rows
        type: wait
        after: produce
        table: ks.tab
        rows: 100
        poke_interval: 5s
        timeout: 10m
      - id: copy
        type: replay
        after: [wait_rows]
        job: j
        table: ks.tab_{{ ds_nodash }}
        trigger_rule: all_done
        retries: 3
        retry_delay: 10s
        retry_exponential_backoff: true
        max_retry_delay: 1m
        execution_timeout: 5m
        depends_on_past: true
        owner: someone
      - id: count
        type: cql
        after: copy
        statements: "SELECT * FROM ks.tab WHERE id = {{ params.colour }}; SELECT 1 FROM ks.tab"
      - id: shell
        type: command
        after: count
        command: echo {{ tasks.count.result }}
  - id: every
    schedule: {every: 15m}
    start_date: 2024-01-01T00:00:00Z
    tasks:
      - {id: a, type: noop}
  - id: manual
    schedule: null
    tasks:
      - {id: a, type: wait, seconds: 1}
)";
  auto c = Load(kDags);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->orchestrator.allow_commands);
  EXPECT_EQ(c->orchestrator.parallelism, 4);
  ASSERT_EQ(c->dags.size(), 3u);
  const orch::DagSpec& d = c->dags[0];
  EXPECT_EQ(d.dag_id, "nightly.replay");
  EXPECT_EQ(d.owner, "ops");
  EXPECT_EQ(d.description, "replays the topic");
  EXPECT_EQ(d.schedule.timezone(), "Europe/Paris");
  EXPECT_EQ(d.start_date, 1709247600000);  // 2024-03-01T00:00+01:00
  EXPECT_EQ(d.end_date, std::optional<int64_t>(1740787200000));
  EXPECT_TRUE(d.catchup);
  EXPECT_EQ(d.max_active_runs, 2);
  EXPECT_EQ(d.max_active_tasks, 3);
  EXPECT_EQ(d.params, (nlohmann::json{{"colour", "blue"}, {"n", 3}, {"ratio", 0.5}, {"flag", true}, {"quoted", "42"}}));
  EXPECT_EQ(d.tags, (std::vector<std::string>{"replay", "nightly"}));
  EXPECT_TRUE(d.paused_at_creation);
  ASSERT_EQ(d.tasks.size(), 5u);
  EXPECT_EQ(d.tasks[1].upstream, std::vector<std::string>{"produce"});
  EXPECT_EQ(d.tasks[1].args, (nlohmann::json{{"table", "ks.tab"}, {"rows", 100}, {"poke_interval", "5s"}, {"timeout", "10m"}}));
  const orch::TaskSpec& copy = d.tasks[2];
  EXPECT_EQ(copy.trigger_rule, orch::TriggerRule::kAllDone);
  EXPECT_EQ(copy.retries, 3);
  EXPECT_EQ(copy.retry_delay_ms, 10000);
  EXPECT_TRUE(copy.retry_exponential_backoff);
  EXPECT_EQ(copy.max_retry_delay_ms, 60000);
  EXPECT_EQ(copy.execution_timeout_ms, 300000);
  EXPECT_TRUE(copy.depends_on_past);
  EXPECT_EQ(copy.owner, "someone");
  EXPECT_EQ(copy.where, "d.yaml:" + std::to_string(LineOf(kDags, "- id: copy")) + ":9");
  EXPECT_EQ(c->dags[1].schedule.kind(), orch::Schedule::Kind::kDelta);
  EXPECT_EQ(c->dags[2].schedule.kind(), orch::Schedule::Kind::kNone);
  EXPECT_EQ(c->dags[2].start_date, 0);
}

struct Bad {
  std::string name;
  std::string dags;
  std::string at;      // the text the error's line holds
  std::string expect;  // a substring of the message
  std::string extra = "";
};

std::string OneTask(std::string_view task, std::string_view dag_keys = "") {
  return "dags:\n  - id: d\n    start_date: 2024-01-01\n    schedule: \"@daily\"\n" + std::string(dag_keys) +
         "    tasks:\n" + std::string(task);
}

TEST(ConfigDags, ErrorsNameFileLineAndProblem) {
  const std::string produce = "      - id: a\n        type: produce\n        producer: p\n        duration: 1s\n";
  std::vector<Bad> cases = {
      {"six-field cron", "dags:\n  - id: d\n    start_date: 2024-01-01\n    schedule: \"0 0 * * * *\"\n    tasks:\n" + produce,
       "schedule:", "6"},
      {"unknown zone", OneTask(produce, "    timezone: Mars/Base\n"), "timezone:", "Mars/Base"},
      {"start date in an unknown zone", "dags:\n  - id: d\n    start_date: 2024-01-01T00:00:00 Mars/Base\n    schedule: \"@daily\"\n    tasks:\n" + produce,
       "start_date:", "start_date"},
      {"cycle", OneTask("      - {id: a, type: noop, after: b}\n      - {id: b, type: noop, after: a}\n"), "- {id: a", "cycle"},
      {"unknown task type", OneTask("      - id: a\n        type: sql\n"), "type: sql", "unknown task type 'sql'"},
      {"unknown template variable", OneTask("      - id: a\n        type: cql\n        statements: \"SELECT * FROM ks.tab WHERE first_name = '{{ params.colour }}'\"\n"),
       "statements:", "unknown template variable"},
      {"misspelt argument", OneTask("      - id: a\n        type: produce\n        producer: p\n        durtion: 1s\n"),
       "durtion:", "unknown argument 'durtion' (did you mean 'duration'?)"},
      {"misspelt common key", OneTask("      - id: a\n        type: noop\n        retires: 2\n"),
       "retires:", "did you mean 'retries'?"},
      {"misspelt DAG key", "dags:\n  - id: d\n    schedul: \"@daily\"\n    tasks:\n" + produce, "schedul:", "did you mean 'schedule'?"},
      {"unknown upstream", OneTask("      - {id: a, type: noop, after: [bb]}\n      - {id: b, type: noop}\n"), "after: [bb]", "no task 'bb'"},
      {"produce that never ends", OneTask("      - id: a\n        type: produce\n        producer: p\n"), "- id: a", "needs a duration or a count"},
      {"unknown producer", OneTask("      - id: a\n        type: produce\n        producer: nope\n        count: 1\n"), "producer: nope", "no producer named 'nope'"},
      {"command not allowed", OneTask("      - id: a\n        type: command\n        command: ls\n"), "- id: a", "allow_commands"},
      {"sensor argument of another kind", OneTask("      - id: a\n        type: wait\n        table: ks.tab\n        rows: 1\n        lag: 0\n"), "lag: 0", "goes with job"},
      {"replay reset of a running job", OneTask("      - id: a\n        type: replay\n        job: j\n        reset_to: earliest\n"), "reset_to:", "runs in kappa up"},
      {"replay into the same table", OneTask("      - id: a\n        type: replay\n        job: j\n        table: ks.tab\n"), "table: ks.tab", "job's own table"},
      {"bad trigger rule", OneTask("      - id: a\n        type: noop\n        trigger_rule: sometimes\n"), "trigger_rule:", "sometimes"},
      {"bare duration", OneTask("      - id: a\n        type: noop\n        retry_delay: 10\n"), "retry_delay:", "unit"},
      {"scheduled DAG without start_date", "dags:\n  - id: d\n    schedule: \"@daily\"\n    tasks:\n" + produce, "- id: d", "needs a start_date"},
      {"duplicate task", OneTask("      - {id: a, type: noop}\n      - {id: a, type: noop}\n"), "- {id: a, type: noop}\n      - {id: a", "listed twice"},
      {"bad parallelism", OneTask(produce), "parallelism:", "parallelism", "orchestrator:\n  parallelism: 0\n"},
  };
  for (const Bad& b : cases) {
    SCOPED_TRACE(b.name);
    auto c = Load(b.dags, b.extra);
    ASSERT_FALSE(c.ok());
    ASSERT_TRUE(c.status().IsInvalidArgument()) << c.status().ToString();
    std::string msg(c.status().message());
    std::string all = std::string(kBase) + b.extra + b.dags;
    int line = LineOf(b.dags, b.at, b.extra);
    if (b.name == "duplicate task") ++line;  // the second one
    EXPECT_TRUE(msg.starts_with("d.yaml:" + std::to_string(line) + ":")) << msg;
    EXPECT_NE(msg.find(b.expect), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace kappa::app
